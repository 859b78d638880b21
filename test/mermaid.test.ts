import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderMermaid } from "../offline/mermaid";
import { cutoverConfigOf, topologyOf } from "../offline/topology";
import { plan } from "./cli-run";
import { api, DOMAINS, engineConfig, planConfig, ROOT } from "./helpers";
import { phaseDiagram, README_PHASES, readmeDiagram } from "./phase-diagrams";

describe("phase diagrams (--mermaid)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const { phase, weights } of README_PHASES) {
        it(`README's ${phase} diagram is what the plan draws`, async () => {
            const generated = await phaseDiagram(phase, weights);
            const copy = readmeDiagram(readme, phase);
            assert.ok(copy !== undefined, `README has no block between <!-- mermaid:${phase} --> markers`);
            assert.equal(copy, generated, `README's ${phase} diagram drifted; the plan now draws:\n${generated}`);
        });
    }

    it("draws weights on the edges, no B edge for an API still at 0, and the short host through the team controller when shared", async () => {
        const values = {
            role: "cutover",
            domains: DOMAINS,
            apis: [api("api01")],
            cutover: { phase: "shift", weights: { api01: 0 }, sourceAddress: "10.72.10.88", targetAddress: "10.72.11.99" },
            dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
        };
        const run = await planConfig(values);
        const topology = topologyOf(
            cutoverConfigOf({ project: "migration", stack: "test", ...engineConfig(values), values: engineConfig(values).config }),
        );
        const lines = renderMermaid(run, topology).split("\n");
        assert.ok(
            !lines.some((l) => l.startsWith("    api01_legacy -") && l.endsWith("slbB")),
            "at 0 the legacy name has no B answer at all",
        );
        for (const expected of ['    api01_legacy -->|"DNS 100%"| slbA', "    short --> slbB", '    ingB -->|"/api01"| api01_b']) {
            assert.ok(lines.includes(expected), `missing: ${expected}`);
        }
        assert.ok(!lines.some((l) => l.includes("kong")), "no Kong layer, no Kong node");
    });

    it("refuses a stack that moves no traffic", async () => {
        const { code, stdout, stderr } = await plan(["--stack", "dev", "--mermaid"]);
        assert.deepEqual([code, stdout, stderr], [2, "", "plan: --mermaid draws a cutover stack's phase; stack dev has role platform\n"]);
    });
});
