import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { api, byName, DOMAINS, inventory, NO_OPTIONS, planConfig, planStack, T, urnOf } from "./helpers";

const ZONE = "aliyun.cloud.cn.aibang";
const A = "10.72.10.88";
const B = "10.72.11.99";
const MARKER = "pulumi-nodejs:dynamic/migration:PhaseMarker phase";
/** The API's health gate (providers/health-gate.ts): every cutover plan has one per API. */
const GATE = (a: string) => `${T.gate} gate-${a}`;
/**
 * One API's resources and the phase marker, in the plan's (URN) order: the API's ApiCutover,
 * its DnsCutover and gate under it, the records under the DnsCutover.
 */
const API01 = [`${T.cutover} dns-api01`, GATE("api01"), `${T.names} dns-api01-records`, `${T.api} api-api01`, MARKER];

function cutoverConfig(cutover: Record<string, unknown>, apis = [api("api01")]) {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis,
        cutover: { sourceAddress: A, targetAddress: B, ...cutover },
        dns: { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } },
    };
}

/** The NameRecords inputs for one legacy name: `[side, type, value, ttl, weight]` per record. */
function names(apiName: string, records: [string, string, string, number, number][]) {
    return {
        service: "alidns",
        zone: ZONE,
        rr: `${apiName}.source-team1.dev`,
        stagingRr: `${apiName}-staging.source-team1.dev`,
        records: records.map(([side, type, value, ttl, weight]) => ({ side, type, value, ttl, weight })),
        endpoint: "alidns.aliyuncs.com",
        retry: { retries: 5, backoffMs: 250 },
        line: "default",
        perSecond: 20,
        version: "2",
    };
}

/** A DNS traffic row; its ledger entry is B's share (and, with a Kong layer, `viaKong`). */
function traffic(apiName: string, phase: string, ttl: number, targets: [string, string, number][], viaKong?: number) {
    const direct = targets.find(([side]) => side === "B")?.[2] ?? 0;
    return {
        api: apiName,
        host: `${apiName}.source-team1.dev.${ZONE}`,
        layer: "dns",
        phase,
        ttl,
        targets: targets.map(([side, address, weight]) => ({ side, address, weight })),
        effective: { direct, ...(viaKong !== undefined ? { viaKong } : {}) },
    };
}

describe("DnsCutover", () => {
    describe("phase prepare", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(cutoverConfig({ phase: "prepare", weights: { api01: 50 } }));
        });

        it("holds one A record to A with the cutover TTL, and no weighting", () => {
            assert.deepEqual(inventory(run), API01);
            const n = byName(run, T.names, "dns-api01-records");
            assert.deepEqual(n.inputs, names("api01", [["A", "A", A, 60, 100]]));
            // The name's records change only after the API's health gate.
            assert.deepEqual(n.options, { ...NO_OPTIONS, dependsOn: [urnOf(run, T.gate, "gate-api01")] });
            assert.equal(n.parent, byName(run, T.cutover, "dns-api01").urn);
        });

        it("says how long to wait before the first shift: the TTL in force before", () => {
            assert.deepEqual(run.outputs.notes, [
                `api01.source-team1.dev.${ZONE}: wait 600 s: resolvers may still hold the answer cached under the TTL in force before (600 s); shift only after that`,
            ]);
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "prepare", 60, [["A", A, 100]])]);
        });
    });

    describe("phase shift", () => {
        it("at 0 % the name stays exactly as in prepare: A's record alone, no B record, no weighting (a canary moves only what it names)", async () => {
            const run = await planConfig(cutoverConfig({ phase: "shift", weights: { api01: 0 } }));
            assert.deepEqual(inventory(run), API01);
            assert.deepEqual(byName(run, T.names, "dns-api01-records").inputs, names("api01", [["A", "A", A, 60, 100]]));
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "shift", 60, [["A", A, 100]])]);
            assert.deepEqual(run.outputs.notes, [], "a host the canary leaves where it was has nothing to wait for");
        });

        for (const w of [5, 20, 100]) {
            it(`at ${w} % holds A's and B's records (B born off the name, see providers/name-records.ts) weighted ${100 - w} / ${w}`, async () => {
                const run = await planConfig(cutoverConfig({ phase: "shift", weights: { api01: w } }));
                assert.deepEqual(inventory(run), API01);
                assert.deepEqual(
                    byName(run, T.names, "dns-api01-records").inputs,
                    names("api01", [
                        ["A", "A", A, 60, 100 - w],
                        ["B", "A", B, 60, w],
                    ]),
                );
                assert.deepEqual(byName(run, T.names, "dns-api01-records").options, {
                    ...NO_OPTIONS,
                    dependsOn: [urnOf(run, T.gate, "gate-api01")],
                });
                assert.deepEqual(run.outputs.traffic, [
                    traffic("api01", "shift", 60, [
                        ["A", A, 100 - w],
                        ["B", B, w],
                    ]),
                ]);
            });
        }

        it("gives each of three APIs its own records and weights (an API at 0 has none)", async () => {
            const run = await planConfig(
                cutoverConfig({ phase: "shift", weights: { api01: 5, api03: 100 } }, [
                    api("api01"),
                    api("api02"),
                    api("api03", "team3-ns"),
                ]),
            );
            assert.deepEqual(
                ["api01", "api02", "api03"].map((n) =>
                    (byName(run, T.names, `dns-${n}-records`).inputs.records as { side: string; weight: number }[]).map(
                        (r) => `${r.side} ${r.weight}`,
                    ),
                ),
                [["A 95", "B 5"], ["A 100"], ["A 0", "B 100"]],
            );
            assert.equal(inventory(run).length, 13, "3 × (records, component, health gate, the API's ApiCutover), and the phase marker");
        });
    });

    describe("phase complete", () => {
        it("with an A record: only B's record, steady TTL, no weighting (A's paused, weighting off, then A's record deleted)", async () => {
            const run = await planConfig(cutoverConfig({ phase: "complete", weights: { api01: 100 } }));
            assert.deepEqual(inventory(run), API01);
            assert.deepEqual(byName(run, T.names, "dns-api01-records").inputs, names("api01", [["B", "A", B, 600, 100]]));
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "complete", 600, [["B", B, 100]])]);
        });

        it("with a CNAME: one CNAME to the long name, steady TTL, serving at once, no weighting", async () => {
            const run = await planConfig(cutoverConfig({ phase: "complete", completeWith: "cname", weights: { api01: 100 } }));
            assert.deepEqual(inventory(run), API01);
            assert.deepEqual(
                byName(run, T.names, "dns-api01-records").inputs,
                names("api01", [["B", "CNAME", "api01.target-team2.dev.aliyun.cloud.cn.aibang", 600, 100]]),
            );
            assert.deepEqual(run.outputs.traffic, [
                traffic("api01", "complete", 600, [["B", "api01.target-team2.dev.aliyun.cloud.cn.aibang", 100]]),
            ]);
        });
    });

    describe("convergence: worst case until every client follows", () => {
        const host = `api01.source-team1.dev.${ZONE}`;
        for (const [phase, weights, dns, observe] of [
            // prepare moves nothing: nothing to observe after the wait.
            ["prepare", {}, 600, 0],
            ["shift", { api01: 20 }, 60, 60],
            ["complete", { api01: 100 }, 60, 60],
        ] as const) {
            it(`${phase}: clients may hold answers for ${dns} s${phase === "prepare" ? " (the earlier TTL, before this phase lowered it)" : ""}`, async () => {
                const run = await planConfig(cutoverConfig({ phase, weights }));
                assert.deepEqual(run.outputs.convergence, [
                    { host, phase, dnsSeconds: dns, kongSeconds: 0, worstCaseSeconds: dns, observeSeconds: observe },
                ]);
            });
        }

        it("with a Kong layer, its data planes re-resolve the target half a second after the record expires", async () => {
            const config = {
                ...cutoverConfig({ phase: "prepare" }),
                kong: { adminUrl: "https://kong.example.internal:8444", upstreamPrefix: "team1", apis: { api01: { service: "api01" } } },
            };
            const run = await planConfig(config);
            assert.deepEqual(run.outputs.convergence, [
                { host, phase: "prepare", dnsSeconds: 600, kongSeconds: 601, worstCaseSeconds: 601, observeSeconds: 0 },
            ]);
            // The note says the same wait: the worst case, Kong's half second included; and that Kong's share is exact.
            assert.deepEqual(run.outputs.notes, [
                `${host}: wait 601 s: resolvers may still hold the answer cached under the TTL in force before (600 s); shift only after that; via Kong: exactly 0 % to B (targets are names only A or B answer: api01-a.source-team1.dev.${ZONE}:443, api01.target-team2.dev.${ZONE}:443)`,
            ]);
        });
    });

    describe("B by address with a weighted Kong layer: <api>-a, Kong's A target, is written too", () => {
        const kong = { adminUrl: "https://kong.example.internal:8444", upstreamPrefix: "team1", apis: { api01: { service: "api01" } } };
        const toA = {
            domainName: ZONE,
            rr: "api01-a.source-team1.dev",
            type: "A",
            value: A,
            ttl: 60,
            remark: "migration: api01 intermediate name of side A",
        };
        for (const [phase, weights, present] of [
            ["prepare", {}, true],
            ["shift", { api01: 0 }, true],
            ["shift", { api01: 30 }, true],
            ["complete", { api01: 100 }, false],
        ] as const) {
            it(`${phase}${phase === "shift" ? ` at ${weights.api01}` : ""}: ${present ? "an A record to A's address, beside the legacy name's" : "gone (Kong's A weight is 0; A's wildcard answers the name)"}`, async () => {
                const run = await planConfig({ ...cutoverConfig({ phase, weights }), kong });
                assert.deepEqual(
                    run.resources.filter((r) => r.type === T.record).map((r) => [r.name, r.inputs]),
                    present ? [["dns-api01-to-a", toA]] : [],
                );
                // The legacy name's own records are as without it: the DNS traffic row lists those alone.
                const row = (run.outputs.traffic as { layer: string; targets: { address: string }[] }[]).find((r) => r.layer === "dns")!;
                assert.ok(row.targets.every((t) => t.address !== toA.rr));
            });
        }

        it("not without a Kong layer, nor in stable-hostname mode, nor with kong.apis.<api>.sourceTarget set", async () => {
            const plans = [
                cutoverConfig({ phase: "shift", weights: { api01: 30 } }),
                { ...cutoverConfig({ phase: "shift", weights: { api01: 100 } }), kong: { ...kong, mode: "stable-hostname" } },
                {
                    ...cutoverConfig({ phase: "shift", weights: { api01: 30 } }),
                    kong: { ...kong, apis: { api01: { service: "api01", sourceTarget: `api01.source-team1.dev.${ZONE}:443` } } },
                },
            ];
            const records: string[][] = [];
            for (const c of plans)
                records.push(
                    (await planConfig(c)).resources.filter((r) => r.type === T.record && r.name.endsWith("-to-a")).map((r) => r.name),
                );
            assert.deepEqual(records, [[], [], []]);
        });
    });

    it("one resource holds the name's records in every phase, so each transition is an update in place, never a replacement", async () => {
        const runs = [
            await planConfig(cutoverConfig({ phase: "prepare" })),
            await planConfig(cutoverConfig({ phase: "shift", weights: { api01: 100 } })),
            await planConfig(cutoverConfig({ phase: "complete", weights: { api01: 100 } })),
        ];
        assert.deepEqual(new Set(runs.map((r) => byName(r, T.names, "dns-api01-records").urn)).size, 1);
        for (const r of runs) assert.deepEqual(byName(r, T.names, "dns-api01-records").options.deleteBeforeReplace, false);
    });
});

describe("the committed cutover stack (Pulumi.cutover.yaml)", () => {
    let run: OfflineRun;
    before(async () => {
        const dev = await planStack("dev");
        run = await planStack("cutover", { refs: { "organization/migration/dev": dev.outputs } });
    });

    it("the legacy name's records come after the gate and after the intermediate names they point at (and, on destroy, go before them)", () => {
        const ZR = "alicloud:pvtz/zoneRecord:ZoneRecord";
        for (const a of ["api01", "api02"]) {
            assert.deepEqual(byName(run, T.names, `dns-${a}-records`).options.dependsOn, [
                urnOf(run, T.gate, `gate-${a}`),
                urnOf(run, ZR, `dns-${a}-to-a`),
                urnOf(run, ZR, `dns-${a}-to-b`),
            ]);
            // Under the team's legacy suffix, which A's wildcard answers until they exist.
            assert.deepEqual(
                [byName(run, ZR, `dns-${a}-to-a`).inputs.rr, byName(run, ZR, `dns-${a}-to-b`).inputs.rr],
                [`${a}-a.source-team1.dev`, `${a}-b.source-team1.dev`],
            );
        }
    });

    it("reads B from the dev stack: an ALB, so a DNS name, planned as weighted CNAMEs through intermediate names on PrivateZone", () => {
        assert.deepEqual(byName(run, T.stackRef, "platform").inputs, { name: "organization/migration/dev" });
        const inputs = byName(run, T.names, "dns-api01-records").inputs;
        assert.deepEqual(
            [inputs.service, inputs.zoneId, inputs.records],
            [
                "privatezone",
                "2c5f0e1d9a7b4f6e",
                [
                    { side: "A", type: "CNAME", value: `api01-a.source-team1.dev.${ZONE}`, ttl: 60, weight: 80 },
                    { side: "B", type: "CNAME", value: `api01-b.source-team1.dev.${ZONE}`, ttl: 60, weight: 20 },
                ],
            ],
        );
        // <api>-b is a CNAME to the ALB's DNS name, known once the dev stack has applied.
        assert.deepEqual(
            [
                byName(run, "alicloud:pvtz/zoneRecord:ZoneRecord", "dns-api01-to-b").inputs.rr,
                byName(run, "alicloud:pvtz/zoneRecord:ZoneRecord", "dns-api01-to-b").inputs.value,
            ],
            ["api01-b.source-team1.dev", "[known after apply]"],
        );
    });

    it("shifts api01 to 20 % and keeps api02 on A", () => {
        assert.deepEqual(run.outputs.phase, "shift");
        assert.deepEqual(
            (run.outputs.traffic as { layer: string }[]).filter((r) => r.layer === "dns"),
            [
                // Via Kong B gets exactly Kong's 20 %: its targets are <api>-a (A only) and <api>.<target> (B only), not the legacy name.
                traffic(
                    "api01",
                    "shift",
                    60,
                    [
                        ["A", `api01-a.source-team1.dev.${ZONE}`, 80],
                        ["B", `api01-b.source-team1.dev.${ZONE}`, 20],
                    ],
                    20,
                ),
                traffic("api02", "shift", 60, [["A", `api02-a.source-team1.dev.${ZONE}`, 100]], 0),
            ],
        );
        assert.deepEqual(
            byName(run, T.names, "dns-api02-records").inputs.records,
            [{ side: "A", type: "CNAME", value: `api02-a.source-team1.dev.${ZONE}`, ttl: 60, weight: 100 }],
            "api02 at 0 answers A alone (through <api>-a)",
        );
    });
});
