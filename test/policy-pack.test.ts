/**
 * The real policy pack, started as the Pulumi CLI starts it and called over gRPC as the engine
 * calls it (test/policy-analyzer.ts): it loads (type-checked, as the language host compiles it),
 * lists its policies, and for the committed stacks and for plans that break invariants reports
 * exactly the violations the offline plan reports (offline/policies.ts) — so what `npm run plan`
 * prints is what `pulumi preview --policy-pack policy` would fail on.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OfflineRun } from "../offline/harness";
import { planStackOffline } from "../offline/plan-stack";
import { evaluatePolicies, PolicyViolation, readPolicyConfig } from "../offline/policies";
import { migrationPolicies, POLICY_PACK_NAME } from "../policy/policies";
import { run } from "../program";
import { HealthGate } from "../providers/health-gate";
import { HEALTH_GATE_TYPE, KONG_UPSTREAM_ENTITY_TYPE, NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { editedStackFile, planConfig, platformConfig, ROOT } from "./helpers";
import { PolicyPackProcess } from "./policy-analyzer";

const NOW = new Date("2026-11-26T00:00:00Z");

async function planned(stack: string, configFile?: string, transformation?: pulumi.ResourceTransformation): Promise<OfflineRun> {
    return (
        await planStackOffline({
            projectDir: ROOT,
            stack,
            ...(configFile ? { configFile } : {}),
            program: () => run({ now: NOW }),
            keepWire: "values",
            ...(transformation ? { transformation } : {}),
        })
    ).run;
}

const sorted = (vs: PolicyViolation[]) => [...vs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * What the pack sends the engine for an offline violation: pulumi-policy puts the policy's
 * description before the reported message (server.js `makeReportViolationFun`); a policy that
 * could not run during preview is reported in its own words.
 */
function asThePackReports(v: PolicyViolation): PolicyViolation {
    if (v.message.startsWith("can't run policy")) return v;
    const description = migrationPolicies().find((p) => p.name === v.policy)!.description;
    return { ...v, message: `${description}\n${v.message}` };
}

describe("the real policy pack (run-policy-pack, over gRPC) agrees with the offline plan", function () {
    // The pack's start type-checks it (ts-node, as the language host does): a few seconds.
    this.timeout(90_000);
    const pack = new PolicyPackProcess();
    let dir: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
        await pack.start();
    });
    after(async () => {
        await pack.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("serves the pack: its name, version and every policy with its enforcement level", async () => {
        const version = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8")).version;
        assert.deepEqual(await pack.info(), {
            name: POLICY_PACK_NAME,
            version,
            policies: migrationPolicies().map((p) => [p.name, p.enforcementLevel]),
        });
    });

    for (const stack of ["dev", "cutover", "source", "workloads"])
        it(`the committed ${stack} stack: no violation, from the pack and offline`, async () => {
            const plan = await planned(stack);
            assert.deepEqual([await pack.violations(plan), await evaluatePolicies(plan)], [[], []]);
        });

    it("a platform stack on ingress-nginx (its own LoadBalancer Service, a Helm Chart whose only outputs are its resources): no violation from either", async () => {
        const plan = await planConfig(platformConfig(), { keepWire: "values" });
        assert.deepEqual([await pack.violations(plan), await evaluatePolicies(plan)], [[], []]);
    });

    it("configured as --policy-pack-config would (a policy disabled, another's property set): the same verdicts", async () => {
        const policies = migrationPolicies();
        const config = readPolicyConfig(
            JSON.stringify({ "no-load-balancer-outside-controller": "disabled", "ttl-lowered-before-shift": { maxShiftTtlSeconds: 30 } }),
            policies,
        );
        const keptLb = editedStackFile(
            "workloads",
            dir,
            (c) => ((c["migration:transplant"] as Record<string, unknown>).keepLoadBalancers = ["api01-debug"]),
            "kept-lb.yaml",
        );
        const plans = [await planned("workloads", keptLb), await planned("cutover")];
        try {
            await pack.configure(config, policies);
            for (const plan of plans)
                assert.deepEqual(
                    sorted(await pack.violations(plan)),
                    sorted((await evaluatePolicies(plan, policies, config)).map(asThePackReports)),
                );
            assert.deepEqual(
                await evaluatePolicies(plans[0], policies, config),
                [],
                "the kept load balancer is the operator's reviewed exception",
            );
            assert.deepEqual(
                (await evaluatePolicies(plans[1], policies, config)).map((v) => `${v.level} ${v.policy} ${v.message}`),
                [
                    `advisory ttl-lowered-before-shift api01.source-team1.dev.aliyun.cloud.cn.aibang sends 20 % to B with a TTL of 60 s (above 30 s): the TTL was not lowered before the shift`,
                ],
            );
        } finally {
            await pack.configure(readPolicyConfig("{}", policies), policies);
        }
    });

    it("program variants (gate dependency dropped, every weight 0) and configs (a kept LoadBalancer, Kong moved alone): the same violations", async () => {
        const noGate: pulumi.ResourceTransformation = (a) =>
            a.type === NAME_RECORDS_TYPE || a.type === KONG_UPSTREAM_ENTITY_TYPE
                ? {
                      props: a.props,
                      opts: {
                          ...a.opts,
                          dependsOn: ([] as unknown[])
                              .concat(a.opts.dependsOn ?? [])
                              .filter((d) => !(d instanceof HealthGate)) as pulumi.Resource[],
                      },
                  }
                : undefined;
        const zero = (list: { weight: number }[]) => list.map((x) => ({ ...x, weight: 0 }));
        const allZero: pulumi.ResourceTransformation = (a) =>
            a.type === NAME_RECORDS_TYPE
                ? { props: { ...a.props, records: zero(a.props.records) }, opts: a.opts }
                : a.type === KONG_UPSTREAM_ENTITY_TYPE
                  ? { props: { ...a.props, targets: zero(a.props.targets) }, opts: a.opts }
                  : undefined;
        const keptLb = editedStackFile("workloads", dir, (c) => {
            (c["migration:transplant"] as Record<string, unknown>).keepLoadBalancers = ["api01-debug"];
        });
        // Kong at 100 % for api01 while DNS stays at 20 %, the shares applied days ago (an unchanged gate keeps its outputs).
        const kongAlone = editedStackFile("cutover", dir, (c) => {
            ((c["migration:kong"] as { apis: Record<string, Record<string, unknown>> }).apis.api01 as Record<string, unknown>).weight = 100;
        });
        const cases: [string, OfflineRun][] = [
            ["no gate", await planned("cutover", undefined, noGate)],
            ["all zero", await planned("cutover", undefined, allZero)],
            ["kept load balancer", await planned("workloads", keptLb)],
            [
                "Kong alone",
                await planned("cutover", kongAlone, (a) =>
                    a.type === HEALTH_GATE_TYPE ? { props: { ...a.props, sharesSince: "2026-11-20T00:00:00Z" }, opts: a.opts } : undefined,
                ),
            ],
        ];
        const counts: Record<string, string[]> = {};
        for (const [name, plan] of cases) {
            const offline = await evaluatePolicies(plan);
            assert.deepEqual(sorted(await pack.violations(plan)), sorted(offline.map(asThePackReports)), name);
            counts[name] = offline.map((v) => `${v.level} ${v.policy}`);
        }
        assert.deepEqual(counts, {
            "no gate": ["mandatory share-rises-behind-gate", "mandatory share-rises-behind-gate"],
            "all zero": [
                "mandatory name-records-always-answer",
                "mandatory name-records-always-answer",
                "mandatory kong-targets-carry-weight",
                "mandatory kong-targets-carry-weight",
                "mandatory ledger-agrees",
                "mandatory ledger-agrees",
            ],
            "kept load balancer": ["mandatory no-load-balancer-outside-controller"],
            "Kong alone": ["advisory layers-reach-100-together"],
        });
    });
});
