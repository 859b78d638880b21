/**
 * The cutover stack on PrivateZone (`dns.service: privatezone`): the same DnsCutover, with
 * the legacy name's records held by NameRecords over the pvtz API and the intermediate names as
 * `alicloud.pvtz.ZoneRecord`s; PrivateZone's own rules refused at plan time.
 */
import * as assert from "node:assert/strict";
import { api, configProblems, DOMAINS, inventory, planConfig, T, ZONE } from "./helpers";

const ZONE_RECORD = "alicloud:pvtz/zoneRecord:ZoneRecord";
const PVTZ = {
    service: "privatezone",
    zone: ZONE,
    zoneId: "1a2b3c4d5e6f7a8b",
    vpcIds: ["vpc-a1", "vpc-b2"],
    ttl: { cutover: 60, steady: 3600 },
};

function cutover(phase: string, weights: Record<string, number>, dns: Record<string, unknown> = PVTZ) {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01")],
        cutover: { phase, weights, sourceAddress: "10.72.10.88", targetAddress: "10.72.11.99" },
        dns,
    };
}

describe("the cutover stack on PrivateZone", () => {
    /** Every record the plan holds, one line each: ZoneRecords, and the NameRecords' records with side and weight. */
    const records = (run: Awaited<ReturnType<typeof planConfig>>) =>
        run.resources.flatMap((r) => {
            const i = r.inputs as Record<string, unknown>;
            if (r.type === ZONE_RECORD) return [`${r.name}: ${String(i.rr)} ${String(i.type)} ${String(i.value)} ttl ${String(i.ttl)}`];
            if (r.type !== T.names) return [];
            return (i.records as { side: string; type: string; value: string; ttl: number; weight: number }[]).map(
                (x) => `${r.name}: ${String(i.rr)} ${x.side} ${x.type} ${x.value} ttl ${x.ttl} weight ${x.weight}`,
            );
        });

    it("prepare: A's record alone on the name, no weights; the plan says FAST_ZONE and lists the VPCs to bind", async () => {
        const run = await planConfig(cutover("prepare", {}));
        assert.deepEqual(inventory(run), [
            `${T.cutover} dns-api01`,
            `${T.gate} gate-api01`,
            `${T.names} dns-api01-records`,
            `${T.api} api-api01`,
            "pulumi-nodejs:dynamic/migration:PhaseMarker phase",
        ]);
        assert.deepEqual(run.resources.find((r) => r.name === "dns-api01-records")!.inputs, {
            service: "privatezone",
            zoneId: "1a2b3c4d5e6f7a8b",
            zone: ZONE,
            rr: "api01.source-team1.dev",
            stagingRr: "api01-staging.source-team1.dev",
            records: [{ side: "A", type: "A", value: "10.72.10.88", ttl: 60, weight: 100 }],
            retry: { retries: 5, backoffMs: 250 },
            line: "default",
            perSecond: 20,
            endpoint: "pvtz.aliyuncs.com",
            version: "2",
        });
        assert.deepEqual(run.warnings, [
            "PrivateZone zone 1a2b3c4d5e6f7a8b: weighted records exist only in an acceleration zone (DnsGroup FAST_ZONE); a regular zone (NORMAL_ZONE) has no weights and holds one CNAME per name, so the provider reads the zone (DescribeZoneInfo) before a name's first record and refuses a regular zone; `npm run -s verify -- --stack cutover --check-dns` reads it now, and ChangeZoneDnsGroup switches it (NORMAL → FAST only, not undone)",
            "PrivateZone zone 1a2b3c4d5e6f7a8b must be bound to every VPC whose clients resolve the legacy names: vpc-a1, vpc-b2 (cluster A's, B's, Kong's); this stack does not bind them",
        ]);
    });

    it("shift at 20 %: A's and B's records weighted 80 / 20", async () => {
        const run = await planConfig(cutover("shift", { api01: 20 }));
        assert.deepEqual(records(run), [
            "dns-api01-records: api01.source-team1.dev A A 10.72.10.88 ttl 60 weight 80",
            "dns-api01-records: api01.source-team1.dev B A 10.72.11.99 ttl 60 weight 20",
        ]);
    });

    it("complete: B's record alone at the steady TTL", async () => {
        const run = await planConfig(cutover("complete", { api01: 100 }));
        assert.deepEqual(records(run), ["dns-api01-records: api01.source-team1.dev B A 10.72.11.99 ttl 3600 weight 100"]);
    });

    describe("refuses PrivateZone's impossible settings, naming the key and what is accepted", () => {
        const problems = (dns: Record<string, unknown>) => configProblems(cutover("shift", { api01: 20 }, dns) as never);
        it("a TTL PrivateZone does not accept", () => {
            assert.deepEqual(problems({ ...PVTZ, ttl: { cutover: 10, steady: 3600 } }), [
                "migration:dns.ttl.cutover: 10 is not accepted; expected one of 5, 30, 60, 3600, 43200, 86400 (the TTLs PrivateZone accepts, in seconds)",
            ]);
        });
        it("no zone id", () => {
            const { zoneId: _, ...noId } = PVTZ;
            assert.deepEqual(problems(noId), [
                "migration:dns.zoneId: (missing) is not accepted; expected the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e",
            ]);
        });
        it("no VPCs to bind", () => {
            assert.deepEqual(problems({ ...PVTZ, vpcIds: [] }), [
                "migration:dns.vpcIds: [] is not accepted; expected a non-empty list of VPC ids (vpc-…) whose clients resolve the legacy names (cluster A's, B's, Kong's)",
            ]);
        });
        it("an Alidns edition on a PrivateZone stack", () => {
            assert.deepEqual(problems({ ...PVTZ, edition: "standard" }), [
                "migration:dns.edition: not a key this program reads (its value is not shown); known keys: service, zone, zoneId, vpcIds, ttl, line, endpoint, retries, retryBackoffMs, requestsPerSecond",
            ]);
        });
    });

    describe("B addressed by a host name (cutover.targetHost)", () => {
        const ALB = "alb-b2.cn-hangzhou.alb.aliyuncs.com";
        const byHost = (phase: string, weights: Record<string, number>, dns: Record<string, unknown> = PVTZ) => {
            const c = cutover(phase, weights, dns);
            return { ...c, cutover: { phase, weights, sourceAddress: "10.72.10.88", targetHost: ALB } };
        };
        /** A cutover config reading B from the platform stack; `published` gives that stack's outputs (B as an IP or a DNS name). */
        const fromPlatform = (phase: string, weights: Record<string, number>, extra: Record<string, unknown> = {}) => ({
            ...cutover(phase, weights),
            cutover: { phase, weights, sourceAddress: "10.72.10.88", platformStack: "organization/migration/dev", ...extra },
        });
        const published = (addressKind: string, loadBalancerAddress: string) => ({
            "organization/migration/dev": { role: "platform", ingress: { addressKind, loadBalancerAddress } },
        });
        it("prepare: the intermediate names exist and the legacy name becomes a CNAME to <api>-a (a step of its own)", async () => {
            const run = await planConfig(byHost("prepare", {}));
            assert.deepEqual(records(run), [
                `dns-api01-to-a: api01-a.source-team1.dev A 10.72.10.88 ttl 60`,
                `dns-api01-to-b: api01-b.source-team1.dev CNAME ${ALB} ttl 60`,
                `dns-api01-records: api01.source-team1.dev A CNAME api01-a.source-team1.dev.${ZONE} ttl 60 weight 100`,
            ]);
            assert.deepEqual(
                (run.outputs.notes as string[])[0],
                `api01.source-team1.dev.${ZONE}: wait 3600 s: the legacy name became a CNAME to api01-a.source-team1.dev.${ZONE} (same answer, A's address); resolvers may hold the earlier answer for the TTL in force before (3600 s): shift only after that`,
            );
        });

        it("shift at 20 %: weighted CNAMEs to both intermediate names", async () => {
            const run = await planConfig(byHost("shift", { api01: 20 }));
            assert.deepEqual(records(run), [
                `dns-api01-to-a: api01-a.source-team1.dev A 10.72.10.88 ttl 60`,
                `dns-api01-to-b: api01-b.source-team1.dev CNAME ${ALB} ttl 60`,
                `dns-api01-records: api01.source-team1.dev A CNAME api01-a.source-team1.dev.${ZONE} ttl 60 weight 80`,
                `dns-api01-records: api01.source-team1.dev B CNAME api01-b.source-team1.dev.${ZONE} ttl 60 weight 20`,
            ]);
        });

        it("complete: the legacy name is a CNAME to <api>-b alone, at the steady TTL", async () => {
            const run = await planConfig(byHost("complete", { api01: 100 }));
            assert.deepEqual(records(run), [
                `dns-api01-to-b: api01-b.source-team1.dev CNAME ${ALB} ttl 60`,
                `dns-api01-records: api01.source-team1.dev B CNAME api01-b.source-team1.dev.${ZONE} ttl 3600 weight 100`,
            ]);
        });

        it("B's DNS name from the platform stack's outputs (ingress.addressKind: hostname): the same names, <api>-b to the published name", async () => {
            const fromStack = fromPlatform("shift", { api01: 20 });
            const refs = published("hostname", ALB);
            const run = await planConfig(fromStack, { refs });
            assert.deepEqual(records(run), [
                `dns-api01-to-a: api01-a.source-team1.dev A 10.72.10.88 ttl 60`,
                `dns-api01-to-b: api01-b.source-team1.dev CNAME ${ALB} ttl 60`,
                `dns-api01-records: api01.source-team1.dev A CNAME api01-a.source-team1.dev.${ZONE} ttl 60 weight 80`,
                `dns-api01-records: api01.source-team1.dev B CNAME api01-b.source-team1.dev.${ZONE} ttl 60 weight 20`,
            ]);
            // The same stack publishing an IPv4 (a CLB): B by address, no intermediate names.
            const byAddress = await planConfig(fromStack, { refs: published("ip", "10.72.11.99") });
            assert.deepEqual(records(byAddress), [
                "dns-api01-records: api01.source-team1.dev A A 10.72.10.88 ttl 60 weight 80",
                "dns-api01-records: api01.source-team1.dev B A 10.72.11.99 ttl 60 weight 20",
            ]);
            // On public Alidns a published DNS name is refused before anything registers, naming the alternative.
            const alidns = { ...fromStack, dns: { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } } };
            await assert.rejects(planConfig(alidns, { refs }), (err: Error) => {
                assert.equal(
                    err.message,
                    "invalid stack configuration (1 problem):\n" +
                        '  migration:cutover.platformStack: "organization/migration/dev" is not accepted here; its outputs publish B as a DNS name (ingress.addressKind: hostname), and on public Alidns a name cannot hold an A record and a CNAME at once, nor weight CNAMEs: use dns.service: privatezone (weighted CNAMEs through <api>-a/<api>-b intermediate names), or pin an IPv4 of B in cutover.targetAddress',
                );
                assert.deepEqual(
                    (err as unknown as { run: { resources: { read?: boolean; type: string }[] } }).run.resources.filter(
                        (r) => !r.read && r.type !== "pulumi:pulumi:Stack",
                    ),
                    [],
                );
                return true;
            });
        });

        it("completeWith: cname is refused with B by name (pinned or published): complete already leaves CNAMEs to <api>-b", async () => {
            const accepted =
                '"address" while B is a DNS name: complete then leaves each legacy name a CNAME to <api>-b, which points at B\'s load balancer (completeWith: cname replaces an A record, which B by name never has)';
            const pinned = byHost("complete", { api01: 100 });
            assert.deepEqual(configProblems({ ...pinned, cutover: { ...pinned.cutover, completeWith: "cname" } } as never), [
                `migration:cutover.completeWith: "cname" is not accepted; expected ${accepted}`,
            ]);
            const byName = fromPlatform("complete", { api01: 100 }, { completeWith: "cname" });
            await assert.rejects(planConfig(byName, { refs: published("hostname", ALB) }), (err: Error) => {
                assert.equal(
                    err.message,
                    `invalid stack configuration (1 problem):\n  migration:cutover.completeWith: "cname" is not accepted here; expected ${accepted}`,
                );
                assert.deepEqual(
                    (err as unknown as { run: { resources: { read?: boolean; type: string }[] } }).run.resources.filter(
                        (r) => !r.read && r.type !== "pulumi:pulumi:Stack",
                    ),
                    [],
                    "refused before anything registers",
                );
                return true;
            });
        });

        it("on public Alidns it is refused, naming the alternative", () => {
            const alidns = { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } };
            assert.deepEqual(configProblems(byHost("shift", { api01: 20 }, alidns) as never), [
                `migration:cutover.targetHost: "${ALB}" is not accepted; expected B's IPv4 in cutover.targetAddress on public Alidns: Alidns weights only A/AAAA records, and a name cannot hold an A record and a CNAME at once, so a B addressed by a host name cannot be weighted against A's address there; use dns.service: privatezone (weighted CNAMEs through <api>-a/<api>-b intermediate names), or pin an IPv4 of B`,
            ]);
        });
    });
});
