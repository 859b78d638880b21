/**
 * Every diagram the project emits, checked by Mermaid's own parser (mermaid 11 from npm, see
 * test/mermaid-parser.ts): every block in README.md and docs/*.md (the phase diagrams live in
 * docs/runbook-cutover.md), and `--mermaid` for every phase at 2, 12 and 1,000
 * APIs with `completeWith` address and cname — within Mermaid's 500 edges and 50,000 characters.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { OfflineRun } from "../offline/harness";
import { DiagramTooLarge, MERMAID_MAX_CHARS, MERMAID_MAX_EDGES, renderMermaid } from "../offline/mermaid";
import { cutoverConfigOf, topologyOf } from "../offline/topology";
import { TrafficRow } from "../plan/traffic";
import { plan } from "./cli-run";
import { cutoverOfMany, engineConfig, planConfig, ROOT } from "./helpers";
import { mermaidParse } from "./mermaid-parser";
import { copiedDiagram, DIAGRAM_PHASES, PHASE_DIAGRAMS_PAGE, phaseDiagram } from "./phase-diagrams";

const edges = (text: string) => text.split("\n").filter((l) => /-->|-\.->/.test(l)).length;

/** Asserts Mermaid accepts `text` as a flowchart within its limits. */
async function assertRenders(text: string, what: string): Promise<void> {
    assert.equal(await mermaidParse(text), "flowchart-v2", `${what}: Mermaid refuses it`);
    assert.ok(edges(text) <= MERMAID_MAX_EDGES, `${what}: ${edges(text)} edges`);
    assert.ok(text.length <= MERMAID_MAX_CHARS, `${what}: ${text.length} characters`);
}

function topology(values: Record<string, unknown>) {
    const e = engineConfig(values);
    return topologyOf(cutoverConfigOf({ project: "migration", stack: "test", ...e, values: e.config }));
}

/** The topology of a 2-API stack with its API list replaced by `n` synthesised ones (api0001…), for a synthesised ledger. */
function topologyOfMany(n: number) {
    return {
        ...topology(cutoverOfMany(2, "shift", () => 0)),
        apis: Array.from({ length: n }, (_, i) => ({
            name: `api${String(i + 1).padStart(4, "0")}`,
            namespace: "team1-ns",
            service: "svc",
            long: "x",
        })),
    };
}

/**
 * A ledger for `n` APIs without planning them (1,000 APIs take tens of seconds to plan): the
 * rows the components publish, DNS and Kong per API, at the weights given — the diagram is a
 * function of these rows and the topology only.
 */
function ledger(n: number, phase: string, weights: (i: number) => number, kongWeights: (i: number) => number = weights): OfflineRun {
    const traffic: TrafficRow[] = [];
    for (let i = 0; i < n; i++) {
        const name = `api${String(i + 1).padStart(4, "0")}`;
        const w = phase === "prepare" ? 0 : weights(i);
        const host = `${name}.source-team1.dev.aliyun.cloud.cn.aibang`;
        const dnsTargets =
            w === 0
                ? [{ side: "A" as const, address: "10.72.10.88", weight: 100 }]
                : w === 100
                  ? [{ side: "B" as const, address: "10.72.11.99", weight: 100 }]
                  : [
                        { side: "A" as const, address: "10.72.10.88", weight: 100 - w },
                        { side: "B" as const, address: "10.72.11.99", weight: w },
                    ];
        const effective = { direct: w, viaKong: Math.round((w / 100 + (1 - w / 100) * (w / 100)) * 10000) / 100 };
        traffic.push({ api: name, host, layer: "dns", phase, ttl: 60, targets: dnsTargets, effective });
        traffic.push({
            api: name,
            host,
            layer: "kong",
            phase,
            ttl: 0,
            targets: [
                { side: "A", address: `${host}:443`, weight: 100 - (phase === "prepare" ? 0 : kongWeights(i)) },
                {
                    side: "B",
                    address: `${name}.target-team2.dev.aliyun.cloud.cn.aibang:443`,
                    weight: phase === "prepare" ? 0 : kongWeights(i),
                },
            ],
            effective,
        });
    }
    return { project: "migration", stack: "cutover", resources: [], outputs: { phase, traffic }, warnings: [] };
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
            await assertRenders(generated, `${PHASE_DIAGRAMS_PAGE} ${phase}`);
        });
    }

    it("every mermaid block in README.md and docs/*.md parses", async () => {
        const blocks = markdown.flatMap(({ file, text }) =>
            [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m, i) => ({ what: `${file} block ${i + 1}`, text: m[1] })),
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
                const text = renderMermaid(await planConfig(values), topology(values));
                await assertRenders(text, `${n} APIs ${phase}`);
                if (completeWith === "cname") {
                    // Each legacy name points at its own long host: never one API's host for all.
                    assert.ok(text.includes(n === 2 ? "DNS CNAME → each API's own long host" : "each API's own long host"), text);
                    assert.ok(!text.includes("LB B api0001"), "the shared B node names no API");
                }
                if (phase === "complete") assert.match(text, /Cluster A \(idle: nothing routes here\)/);
            });
        }
    }

    it("1,000 APIs in every phase: one node per distinct state, within Mermaid's limits", async () => {
        for (const phase of ["prepare", "shift", "complete"]) {
            const text = renderMermaid(
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
