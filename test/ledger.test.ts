/**
 * The traffic ledger's effective share on B, per client path: direct (DNS's share `d`), and via
 * Kong — weighted mode exactly Kong's own B weight `k` (its targets are `<api>-a.<source>` and
 * `<api>.<target>`, names only A or only B answers), `k + (1 − k)·d` only when config makes A's
 * target the legacy name (which DNS moves at the same time); stable-hostname mode the origin
 * CNAME's side.
 */
import * as assert from "node:assert/strict";
import { viaKongShare } from "../plan/traffic";
import { api, DOMAINS, planConfig, ZONE } from "./helpers";

function cutover(d: number, kong: Record<string, unknown>, phase = "shift") {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01")],
        cutover: { phase, weights: { api01: d }, sourceAddress: "10.72.10.88", targetAddress: "10.72.11.99" },
        dns: { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } },
        kong: { adminUrl: "https://kong-admin.example.internal:8444", upstreamPrefix: "team1", ...kong },
    };
}

async function effective(config: Record<string, unknown>, notes?: string[]) {
    const run = await planConfig(config);
    notes?.push(...(run.outputs.notes as string[]));
    const rows = run.outputs.traffic as { layer: string; effective: unknown }[];
    assert.deepEqual(rows[0].effective, rows[1].effective, "every row of a host carries the same ledger entry");
    return rows.map((r) => r.layer).join("+") + " " + JSON.stringify(rows[0].effective);
}

describe("the traffic ledger: effective share on B per client path (--json traffic rows)", () => {
    it("weighted mode: via Kong is exactly Kong's weight k at several (k, d), and the plan's note says so", async () => {
        const got: string[] = [];
        const notes: string[] = [];
        for (const [k, d] of [
            [20, 20],
            [0, 50],
            [50, 0],
            [10, 90],
            [100, 30],
        ]) {
            got.push(`k ${k}, d ${d}: ${await effective(cutover(d, { apis: { api01: { service: "api01", weight: k } } }), notes)}`);
        }
        assert.deepEqual(got, [
            'k 20, d 20: dns+kong {"direct":20,"viaKong":20}',
            'k 0, d 50: dns+kong {"direct":50,"viaKong":0}',
            'k 50, d 0: dns+kong {"direct":0,"viaKong":50}',
            'k 10, d 90: dns+kong {"direct":90,"viaKong":10}',
            'k 100, d 30: dns+kong {"direct":30,"viaKong":100}',
        ]);
        // Every host that moves has a note; the one at d 0 (a canary leaving DNS where it was) has none.
        const targets = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443, api01.target-team2.dev.aliyun.cloud.cn.aibang:443";
        assert.deepEqual(
            notes.map((n) => n.slice(n.indexOf("; via Kong") + 2)),
            [20, 0, 10, 100].map((k) => `via Kong: exactly ${k} % to B (targets are names only A or B answer: ${targets})`),
        );
    });

    it("weighted mode with A's target not the legacy name (A's SLB itself): via Kong is Kong's own weight", async () => {
        const kong = { apis: { api01: { service: "api01", weight: 20, sourceTarget: "10.72.10.88:443" } } };
        assert.equal(await effective(cutover(50, kong)), 'dns+kong {"direct":50,"viaKong":20}');
    });

    it("weighted mode with A's target set to the legacy name: k + (1 − k)·d, and the note says it is only an average", async () => {
        const notes: string[] = [];
        const legacy = "api01.source-team1.dev.aliyun.cloud.cn.aibang:443";
        const kong = { apis: { api01: { service: "api01", weight: 20, sourceTarget: legacy } } };
        assert.equal(await effective(cutover(20, kong), notes), 'dns+kong {"direct":20,"viaKong":36}');
        assert.deepEqual(
            notes.map((n) => n.slice(n.indexOf("; via Kong") + 2)),
            [
                "via Kong: 36 % to B on average only (its A target is the legacy name, which DNS moves: each data plane sends all of A's weight wherever its cached answer points)",
            ],
        );
    });

    it("stable-hostname mode (weights 0 or 100 only): via Kong follows the origin CNAME's side", async () => {
        const stable = { mode: "stable-hostname", apis: { api01: { service: "api01" } } };
        assert.equal(await effective(cutover(0, stable)), 'dns+kong {"direct":0,"viaKong":0}');
        assert.equal(await effective(cutover(100, stable)), 'dns+kong {"direct":100,"viaKong":100}');
    });

    it("without a Kong layer only the direct path", async () => {
        const run = await planConfig({ ...cutover(30, {}), kong: undefined });
        assert.deepEqual((run.outputs.traffic as { effective: unknown }[])[0].effective, { direct: 30 });
        assert.equal(viaKongShare(25, 40, true), 55);
    });
});
