/**
 * Every diagram the project emits, checked by Mermaid's own parser (mermaid 11 from npm, see
 * test/mermaid-parser.ts): every block in README.md and docs/*.md (the phase diagrams live in
 * docs/runbook-cutover.md), and `--mermaid` for every phase at 2, 12 and 1,000
 * APIs with `completeWith` address and cname — within Mermaid's 500 edges and 50,000 characters.
 * What the real renderer draws of them (text, size) is test/mermaid-render.test.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DiagramTooLarge, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES, phaseDiagramOf, renderMermaid } from "../offline/mermaid";
import { plan } from "./cli-run";
import { cutoverOfMany, planConfig, ROOT } from "./helpers";
import { mermaidParse } from "./mermaid-parser";
import {
    copiedDiagram,
    DIAGRAM_PHASES,
    ledger,
    mermaidBlocks,
    PHASE_DIAGRAMS_PAGE,
    phaseDiagram,
    topology,
    topologyOfMany,
} from "./phase-diagrams";

const edges = (text: string) => text.split("\n").filter((l) => /-->|-\.->|~~~/.test(l)).length;

/** Asserts Mermaid accepts `text` as a flowchart within its limits. */
async function assertRenders(text: string, what: string): Promise<void> {
    assert.equal(await mermaidParse(text), "flowchart-v2", `${what}: Mermaid refuses it`);
    assert.ok(edges(text) <= MERMAID_MAX_EDGES, `${what}: ${edges(text)} edges`);
    assert.ok(text.length <= MERMAID_MAX_CHARS, `${what}: ${text.length} characters`);
}

describe("phase diagrams (--mermaid), checked by Mermaid's own parser", function () {
    this.timeout(60_000);
    const page = fs.readFileSync(path.join(ROOT, PHASE_DIAGRAMS_PAGE), "utf8");
    /** README.md and every docs/*.md, by path relative to the repository. */
    const markdown = [
        "README.md",
        ...fs
            .readdirSync(path.join(ROOT, "docs"))
            .filter((f) => f.endsWith(".md"))
            .map((f) => `docs/${f}`),
    ].map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), "utf8") }));

    for (const { phase, weights } of DIAGRAM_PHASES) {
        it(`${PHASE_DIAGRAMS_PAGE}'s ${phase} diagram is what the plan draws, and Mermaid renders it`, async () => {
            const generated = await phaseDiagram(phase, weights);
            const copy = copiedDiagram(page, phase);
            assert.ok(copy !== undefined, `${PHASE_DIAGRAMS_PAGE} has no block between <!-- mermaid:${phase} --> markers`);
            assert.equal(copy, generated, `${PHASE_DIAGRAMS_PAGE}'s ${phase} diagram drifted; the plan now draws:\n${generated}`);
            const blocks = mermaidBlocks(generated);
            assert.equal(blocks.length, 1, "one diagram, then its legend");
            await assertRenders(blocks[0], `${PHASE_DIAGRAMS_PAGE} ${phase}`);
            assert.match(blocks[0], new RegExp(`^---\ntitle: "cutover: ${phase} · `), "the title names the stack and the phase");
        });
    }

    it("every mermaid block in README.md and docs/*.md parses", async () => {
        const blocks = markdown.flatMap(({ file, text }) =>
            mermaidBlocks(text).map((block, i) => ({ what: `${file} block ${i + 1}`, text: block })),
        );
        assert.ok(blocks.length >= 4);
        assert.ok(
            blocks.some((b) => b.what.startsWith("README.md ")),
            "README.md has its picture",
        );
        for (const b of blocks) await assertRenders(b.text, b.what);
    });

    for (const n of [2, 12]) {
        for (const [phase, completeWith] of [
            ["prepare", "address"],
            ["shift", "address"],
            ["complete", "address"],
            ["complete", "cname"],
        ]) {
            it(`${n} APIs, ${phase}${phase === "complete" ? ` with ${completeWith}` : ""}: planned, drawn, parsed`, async () => {
                const values = cutoverOfMany(n, phase, (i) => (phase === "complete" ? 100 : [20, 0, 50][i % 3]), completeWith);
                const { diagram: text, legend } = phaseDiagramOf(await planConfig(values), topology(values));
                await assertRenders(text, `${n} APIs ${phase}`);
                if (completeWith === "cname") {
                    // Each legacy name points at its own long host (the legend names it): never one API's host for all.
                    assert.ok(text.includes(`CNAME to the long ${n === 1 ? "host" : "hosts"}`), text);
                    assert.ok(text.includes(`"DNS 100 %"| long`), "the CNAMEs lead to the long hosts");
                    assert.ok(!text.includes("api0001.target"), "the diagram names no API's host");
                    assert.match(legend, /\| api0002 \| G1 \| api0002\.source-team1\.[^|]* \| api0002\.target-team2\.[^|]* \|/);
                }
                for (let i = 1; i <= n; i++) assert.ok(legend.includes(`| api${String(i).padStart(4, "0")} | G`), `api${i} in the legend`);
                if (phase === "complete") assert.match(text, /Cluster A \(idle: nothing routes here\)/);
            });
        }
    }

    it("1,000 APIs in every phase: one node per distinct state, within Mermaid's limits", async () => {
        for (const phase of ["prepare", "shift", "complete"]) {
            const { diagram: text } = phaseDiagramOf(
                ledger(1000, phase, (i) => (phase === "complete" ? 100 : [0, 5, 20, 50, 100][i % 5])),
                topologyOfMany(1000),
            );
            await assertRenders(text, `1,000 APIs ${phase}`);
            assert.ok(edges(text) < 60, `${phase}: ${edges(text)} edges`);
        }
    });

    it("too many distinct states is refused with the reason, never a diagram Mermaid would reject", () => {
        // Per-layer Kong overrides make every API its own state: 300 states need far more than 500 edges.
        const run = ledger(
            300,
            "shift",
            (i) => 1 + (i % 99),
            (i) => (i * 7) % 101,
        );
        assert.throws(
            () => renderMermaid(run, topologyOfMany(300)),
            (err: Error) =>
                err instanceof DiagramTooLarge &&
                /^the diagram would have \d+ edges and \d+ characters \(Mermaid draws at most 500 edges and 50000 characters\): 300 distinct API states/.test(
                    err.message,
                ),
        );
    });

    it("without a platform stack the short-domain mode is unknown, not guessed", () => {
        const values = cutoverOfMany(2, "shift", () => 0);
        assert.match(
            renderMermaid(
                ledger(2, "shift", () => 0),
                topology(values),
            ),
            /short-domain mode unknown: no platform stack/,
        );
    });

    it("refuses a stack that moves no traffic", async () => {
        const { code, stdout, stderr } = await plan(["--stack", "dev", "--mermaid"]);
        assert.deepEqual([code, stdout, stderr], [2, "", "plan: --mermaid draws a cutover stack's phase; stack dev has role platform\n"]);
    });
});
