/**
 * B's own names (plan/target-names.ts, components/target-names.ts): with `migration:dns` on the
 * platform stack, `<api>.<target>` and the short host get explicit records to B's new load
 * balancers — CNAMEs to an ALB's DNS name, A records to a CLB's address — on the service that
 * holds them; never B's wildcard.
 */
import * as assert from "node:assert/strict";
import { TARGET_NAMES_TYPE } from "../components/target-names";
import { OfflineRun } from "../offline/harness";
import * as pulumi from "@pulumi/pulumi";
import { ALB_INGRESS, byName, configProblems, platformConfig, planConfig, planStack, T, ZONE } from "./helpers";

const TLS_KEY = { tlsKey: pulumi.secret("key"), tlsKeyIsSecret: true };

const PVTZ_RECORD = "alicloud:pvtz/zoneRecord:ZoneRecord";
const PVTZ = { service: "privatezone", zone: ZONE, zoneId: "2c5f0e1d9a7b4f6e", vpcIds: ["vpc-a1clustera"] };

const records = (run: OfflineRun, type: string) =>
    run.resources
        .filter((r) => r.type === type && r.name.startsWith("b-names-"))
        .map((r) => ({ name: r.name, parent: r.parent, inputs: r.inputs }));

describe("B's own names point at B's new load balancers", () => {
    it("the committed dev stack: a CNAME per API's long name to the team's ALB, and the short host's to the short domain's ALB", async () => {
        const run = await planStack("dev");
        const parent = "urn:pulumi:dev::migration::pulumi:pulumi:Stack$migration:index:TargetNames::b-names";
        const record = (name: string, rr: string, host: string, whose: string) => ({
            name,
            parent,
            inputs: {
                zoneId: "2c5f0e1d9a7b4f6e",
                rr,
                type: "CNAME",
                value: "[known after apply]",
                ttl: 3600,
                remark: `migration: B's name ${host} to the ${whose} load balancer`,
            },
        });
        assert.deepEqual(records(run, PVTZ_RECORD), [
            record("b-names-long-api01", "api01.target-team2.dev", "api01.target-team2.dev.aliyun.cloud.cn.aibang", "team's"),
            record("b-names-long-api02", "api02.target-team2.dev", "api02.target-team2.dev.aliyun.cloud.cn.aibang", "team's"),
            record("b-names-short", "dev-01", "dev-01.aliyun.cloud.cn.aibang", "short domain's"),
        ]);
        assert.equal(byName(run, TARGET_NAMES_TYPE, "b-names").parent, "urn:pulumi:dev::migration::pulumi:pulumi:Stack::migration-dev");
        assert.deepEqual(run.outputs.names, [
            { host: "api01.target-team2.dev.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
            { host: "api02.target-team2.dev.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
            { host: "dev-01.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
        ]);
        // Explicit names only: nothing is written on B's wildcard.
        assert.ok(!run.resources.some((r) => String(r.inputs.rr ?? "").startsWith("*")));
    });

    it("ingress-nginx on public Alidns, short host shared: A records, and the short host answers the team's CLB", async () => {
        const run = await planConfig(platformConfig({ dns: { zone: ZONE, edition: "standard", ttl: 600 } }));
        const parent = "urn:pulumi:test::migration::pulumi:pulumi:Stack$migration:index:TargetNames::b-names";
        assert.deepEqual(
            records(run, T.record).map((r) => ({ ...r, parent: r.parent === parent })),
            [
                {
                    name: "b-names-long-api01",
                    parent: true,
                    inputs: {
                        domainName: ZONE,
                        rr: "api01.target-team2.dev",
                        type: "A",
                        value: "[known after apply]",
                        ttl: 600,
                        remark: "migration: B's name api01.target-team2.dev.aliyun.cloud.cn.aibang to the team's load balancer",
                    },
                },
                {
                    name: "b-names-short",
                    parent: true,
                    inputs: {
                        domainName: ZONE,
                        rr: "dev-01",
                        type: "A",
                        value: "[known after apply]",
                        ttl: 600,
                        remark: "migration: B's name dev-01.aliyun.cloud.cn.aibang to the team's load balancer",
                    },
                },
            ],
        );
    });

    it("without migration:dns no record is made, and the plan says who must point the names", async () => {
        const run = await planConfig(platformConfig({ ingress: ALB_INGRESS }));
        assert.deepEqual(records(run, PVTZ_RECORD), []);
        assert.ok(
            run.warnings.includes(
                "B's names are not managed here (no migration:dns): api01.target-team2.dev.aliyun.cloud.cn.aibang and dev-01.aliyun.cloud.cn.aibang must be pointed at the new load balancers by hand, or they answer B's existing wildcard",
            ),
            run.warnings.join("\n"),
        );
    });

    it("a zone that does not hold B's names, or a PrivateZone TTL it does not take, is refused with the key path", () => {
        assert.deepEqual(configProblems({ ...platformConfig({ dns: { ...PVTZ, zone: "other.example" } }), ...TLS_KEY } as never), [
            'migration:dns.zone: "other.example" is not accepted; expected a zone that contains B\'s names (api01.target-team2.dev.aliyun.cloud.cn.aibang, dev-01.aliyun.cloud.cn.aibang)',
        ]);
        assert.deepEqual(configProblems({ ...platformConfig({ dns: { ...PVTZ, ttl: 600 } }), ...TLS_KEY } as never), [
            "migration:dns.ttl: 600 is not accepted; expected one of 5, 30, 60, 3600, 43200, 86400 (the TTLs PrivateZone accepts, in seconds)",
        ]);
    });
});
