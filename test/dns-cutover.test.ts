import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { api, byName, DOMAINS, inventory, NO_OPTIONS, planConfig, planStack, T } from "./helpers";

const ZONE = "aliyun.cloud.cn.aibang";
const A = "10.72.10.88";
const B = "10.72.11.99";
const MARKER = "pulumi-nodejs:dynamic/migration:PhaseMarker phase";

function cutoverConfig(cutover: Record<string, unknown>, apis = [api("api01")]) {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis,
        cutover: { sourceAddress: A, targetAddress: B, ...cutover },
        dns: { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } },
    };
}

function record(apiName: string, side: "A" | "B", extra: Record<string, unknown>) {
    return { domainName: ZONE, rr: `${apiName}.source-team1.dev`, remark: `migration: ${apiName} side ${side}`, ...extra };
}

function weights(apiName: string, a: number | undefined, b: number) {
    return {
        zone: ZONE,
        subDomain: `${apiName}.source-team1.dev.${ZONE}`,
        records: [
            ...(a === undefined ? [] : [{ side: "A", recordId: "[known after apply]", weight: a }]),
            { side: "B", recordId: "[known after apply]", weight: b },
        ],
        endpoint: "alidns.aliyuncs.com",
        retry: { retries: 5, backoffMs: 250 },
        version: "1",
    };
}

function traffic(apiName: string, phase: string, ttl: number, targets: [string, string, number][]) {
    return {
        api: apiName,
        host: `${apiName}.source-team1.dev.${ZONE}`,
        layer: "dns",
        phase,
        ttl,
        targets: targets.map(([side, address, weight]) => ({ side, address, weight })),
    };
}

describe("DnsCutover", () => {
    describe("phase prepare", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(cutoverConfig({ phase: "prepare", weights: { api01: 50 } }));
        });

        it("holds one A record to A with the cutover TTL, and no weighting", () => {
            assert.deepEqual(inventory(run), [`${T.record} dns-api01-a`, `${T.cutover} dns-api01`, MARKER]);
            const a = byName(run, T.record, "dns-api01-a");
            assert.deepEqual(a.inputs, record("api01", "A", { type: "A", value: A, ttl: 60, status: "ENABLE" }));
            assert.deepEqual(a.options, { ...NO_OPTIONS, ignoreChanges: ["status"] });
            assert.equal(a.parent, byName(run, T.cutover, "dns-api01").urn);
        });

        it("says how long to wait before the first shift: the TTL in force before", () => {
            assert.deepEqual(run.outputs.notes, [
                `api01.source-team1.dev.${ZONE}: wait 600 s after this apply: resolvers may still hold the answer cached under the TTL in force before (600 s); shift only after that`,
            ]);
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "prepare", 60, [["A", A, 100]])]);
        });
    });

    describe("phase shift", () => {
        it("at 0 % the name stays exactly as in prepare: A's record alone, no B record, no weighting (a canary moves only what it names)", async () => {
            const run = await planConfig(cutoverConfig({ phase: "shift", weights: { api01: 0 } }));
            assert.deepEqual(inventory(run), [`${T.record} dns-api01-a`, `${T.cutover} dns-api01`, MARKER]);
            assert.deepEqual(
                byName(run, T.record, "dns-api01-a").inputs,
                record("api01", "A", { type: "A", value: A, ttl: 60, status: "ENABLE" }),
            );
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "shift", 60, [["A", A, 100]])]);
            assert.deepEqual(run.outputs.notes, [
                `api01.source-team1.dev.${ZONE}: wait 60 s after this apply: not moving yet (weight 0): the name answers A only, as in prepare`,
            ]);
        });

        for (const w of [5, 20, 100]) {
            it(`at ${w} % keeps both records (B born paused) and weights them ${100 - w} / ${w}`, async () => {
                const run = await planConfig(cutoverConfig({ phase: "shift", weights: { api01: w } }));
                assert.deepEqual(inventory(run), [
                    `${T.record} dns-api01-a`,
                    `${T.record} dns-api01-b`,
                    `${T.weights} dns-api01-weights`,
                    `${T.cutover} dns-api01`,
                    MARKER,
                ]);
                assert.deepEqual(
                    byName(run, T.record, "dns-api01-a").inputs,
                    record("api01", "A", { type: "A", value: A, ttl: 60, status: "ENABLE" }),
                );
                assert.deepEqual(
                    byName(run, T.record, "dns-api01-b").inputs,
                    record("api01", "B", { type: "A", value: B, ttl: 60, status: "DISABLE" }),
                );
                assert.deepEqual(byName(run, T.record, "dns-api01-b").options, { ...NO_OPTIONS, ignoreChanges: ["status"] });
                assert.deepEqual(byName(run, T.weights, "dns-api01-weights").inputs, weights("api01", 100 - w, w));
                assert.deepEqual(byName(run, T.weights, "dns-api01-weights").options, NO_OPTIONS);
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
                inventory(run).filter((r) => r.startsWith(T.weights)),
                [`${T.weights} dns-api01-weights`, `${T.weights} dns-api03-weights`],
            );
            assert.deepEqual(
                ["api01", "api03"].map((n) =>
                    (byName(run, T.weights, `dns-${n}-weights`).inputs.records as { weight: number }[]).map((r) => r.weight),
                ),
                [
                    [95, 5],
                    [0, 100],
                ],
            );
            assert.equal(
                inventory(run).length,
                11,
                "2 × (2 records, weights, component), api02's A record and component, and the phase marker",
            );
        });
    });

    describe("phase complete", () => {
        it("with an A record: only B's record, steady TTL, weighting kept on B alone while A's record goes", async () => {
            const run = await planConfig(cutoverConfig({ phase: "complete", weights: { api01: 100 } }));
            assert.deepEqual(inventory(run), [
                `${T.record} dns-api01-b`,
                `${T.weights} dns-api01-weights`,
                `${T.cutover} dns-api01`,
                MARKER,
            ]);
            assert.deepEqual(
                byName(run, T.record, "dns-api01-b").inputs,
                record("api01", "B", { type: "A", value: B, ttl: 600, status: "DISABLE" }),
            );
            assert.deepEqual(byName(run, T.weights, "dns-api01-weights").inputs, weights("api01", undefined, 100));
            assert.deepEqual(run.outputs.traffic, [traffic("api01", "complete", 600, [["B", B, 100]])]);
        });

        it("with a CNAME: one CNAME to the long name, steady TTL, serving at once, no weighting", async () => {
            const run = await planConfig(cutoverConfig({ phase: "complete", completeWith: "cname", weights: { api01: 100 } }));
            assert.deepEqual(inventory(run), [`${T.record} dns-api01-b`, `${T.cutover} dns-api01`, MARKER]);
            assert.deepEqual(
                byName(run, T.record, "dns-api01-b").inputs,
                record("api01", "B", { type: "CNAME", value: "api01.target-team2.dev.aliyun.cloud.cn.aibang", ttl: 600, status: "ENABLE" }),
            );
            assert.deepEqual(run.outputs.traffic, [
                traffic("api01", "complete", 600, [["B", "api01.target-team2.dev.aliyun.cloud.cn.aibang", 100]]),
            ]);
        });
    });

    describe("convergence: worst case until every client follows", () => {
        const host = `api01.source-team1.dev.${ZONE}`;
        for (const [phase, weights, dns, observe] of [
            ["prepare", {}, 600, 600],
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
                { host, phase: "prepare", dnsSeconds: 600, kongSeconds: 601, worstCaseSeconds: 601, observeSeconds: 600 },
            ]);
        });
    });

    it("records keep their identity across phases, so no transition leaves the name without an answer", async () => {
        const prepare = await planConfig(cutoverConfig({ phase: "prepare" }));
        const shift = await planConfig(cutoverConfig({ phase: "shift", weights: { api01: 100 } }));
        const complete = await planConfig(cutoverConfig({ phase: "complete", weights: { api01: 100 } }));
        // A's record is the same resource from prepare to shift (a TTL change is an in-place update)…
        assert.equal(byName(prepare, T.record, "dns-api01-a").urn, byName(shift, T.record, "dns-api01-a").urn);
        // …and B's record the same from shift to complete, so it exists before A's record is removed.
        assert.equal(byName(shift, T.record, "dns-api01-b").urn, byName(complete, T.record, "dns-api01-b").urn);
        for (const r of [...shift.resources, ...complete.resources].filter((x) => x.type === T.record)) {
            assert.deepEqual(
                [r.options.deleteBeforeReplace, r.options.replaceOnChanges],
                [false, []],
                `${r.name} is never deleted before its replacement`,
            );
        }
    });
});

describe("the committed cutover stack (Pulumi.cutover.yaml)", () => {
    let run: OfflineRun;
    before(async () => {
        const dev = await planStack("dev");
        run = await planStack("cutover", { refs: { "organization/migration/dev": dev.outputs } });
    });

    it("reads B's address from the dev stack, whose SLB address is known only after apply", () => {
        assert.deepEqual(byName(run, T.stackRef, "platform").inputs, { name: "organization/migration/dev" });
        assert.deepEqual(
            byName(run, T.record, "dns-api01-b").inputs,
            record("api01", "B", { type: "A", value: "[known after apply]", ttl: 60, status: "DISABLE" }),
        );
    });

    it("shifts api01 to 20 % and keeps api02 on A", () => {
        assert.deepEqual(run.outputs.phase, "shift");
        assert.deepEqual(
            (run.outputs.traffic as { layer: string }[]).filter((r) => r.layer === "dns"),
            [
                traffic("api01", "shift", 60, [
                    ["A", A, 80],
                    ["B", "[known after apply]", 20],
                ]),
                traffic("api02", "shift", 60, [["A", A, 100]]),
            ],
        );
        assert.ok(
            !inventory(run).some((r) => r.includes("dns-api02-b") || r.includes("dns-api02-weights")),
            "api02 at 0 has no B record and no weights",
        );
    });
});
