/**
 * The traffic ledger's effective share on B, per client path: direct (DNS's share `d`), and via
 * Kong — weighted mode `k + (1 − k)·d` (Kong's A target is the legacy name, which DNS moves at
 * the same time), stable-hostname mode the origin CNAME's side.
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

async function effective(config: Record<string, unknown>) {
    const run = await planConfig(config);
    const rows = run.outputs.traffic as { layer: string; effective: unknown }[];
    assert.deepEqual(rows[0].effective, rows[1].effective, "every row of a host carries the same ledger entry");
    return rows.map((r) => r.layer).join("+") + " " + JSON.stringify(rows[0].effective);
}

describe("the traffic ledger: effective share on B per client path (--json traffic rows)", () => {
    it("weighted mode: via Kong is k + (1 − k)·d at several (k, d)", async () => {
        const got: string[] = [];
        for (const [k, d] of [
            [20, 20],
            [0, 50],
            [50, 0],
            [10, 90],
            [100, 30],
        ]) {
            got.push(`k ${k}, d ${d}: ${await effective(cutover(d, { apis: { api01: { service: "api01", weight: k } } }))}`);
        }
        assert.deepEqual(got, [
            'k 20, d 20: dns+kong {"direct":20,"viaKong":36}',
            'k 0, d 50: dns+kong {"direct":50,"viaKong":50}',
            'k 50, d 0: dns+kong {"direct":0,"viaKong":50}',
            'k 10, d 90: dns+kong {"direct":90,"viaKong":91}',
            'k 100, d 30: dns+kong {"direct":30,"viaKong":100}',
        ]);
    });

    it("weighted mode with A's target not the legacy name (A's SLB itself): via Kong is Kong's own weight", async () => {
        const kong = { apis: { api01: { service: "api01", weight: 20, sourceTarget: "10.72.10.88:443" } } };
        assert.equal(await effective(cutover(50, kong)), 'dns+kong {"direct":50,"viaKong":20}');
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
