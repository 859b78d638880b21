import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OfflineRun } from "../offline/harness";
import { renderMermaid } from "../offline/mermaid";
import { loadStackConfig } from "../offline/stack-files";
import { cutoverConfigOf, topologyOf } from "../offline/topology";
import { TrafficRow } from "../plan/traffic";
import { cutoverOfMany, editedStackFile, engineConfig, planStack, ROOT } from "./helpers";

/** The docs page that holds the phase diagrams, each between `<!-- mermaid:PHASE -->` markers. */
export const PHASE_DIAGRAMS_PAGE = "docs/runbook-cutover.md";

/** The phases the cutover runbook draws, each as an edit of the committed Pulumi.cutover.yaml (the runbook's steps). */
export const DIAGRAM_PHASES: { phase: string; weights: Record<string, number> }[] = [
    { phase: "prepare", weights: {} },
    { phase: "shift", weights: { api01: 20, api02: 0 } },
    { phase: "complete", weights: { api01: 100, api02: 100 } },
];

/** What `--mermaid` prints (the flowchart in a `mermaid` block, then its legend) for a phase of the committed cutover stack. */
export async function phaseDiagram(phase: string, weights: Record<string, number>): Promise<string> {
    const dev = await planStack("dev");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phase-"));
    try {
        const file = editedStackFile(
            "cutover",
            dir,
            (c) => (c["migration:cutover"] = { ...c["migration:cutover"], phase, weights }),
            `${phase}.yaml`,
        );
        const run = await planStack("cutover", { configFile: file, refs: { "organization/migration/dev": dev.outputs } });
        return renderMermaid(run, topologyOf(cutoverConfigOf(loadStackConfig(ROOT, "cutover", file)), dev.outputs));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The docs page's copy of a phase's `--mermaid` output: everything between its markers. */
export function copiedDiagram(page: string, phase: string): string | undefined {
    const m = new RegExp(`<!-- mermaid:${phase} -->\\n([\\s\\S]*?)<!-- /mermaid:${phase} -->`).exec(page);
    return m?.[1];
}

/** The Mermaid source in Markdown: each `mermaid` block's text. */
export function mermaidBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The topology of a cutover stack's config values (no platform stack). */
export function topology(values: Record<string, unknown>) {
    const e = engineConfig(values);
    return topologyOf(cutoverConfigOf({ project: "migration", stack: "test", ...e, values: e.config }));
}

/** The topology of a 2-API stack with its API list replaced by `n` synthesised ones (api0001…), for a synthesised ledger. */
export function topologyOfMany(n: number) {
    return {
        ...topology(cutoverOfMany(2, "shift", () => 0)),
        apis: Array.from({ length: n }, (_, i) => ({
            name: `api${String(i + 1).padStart(4, "0")}`,
            namespace: "team1-ns",
            service: "svc",
            long: `api${String(i + 1).padStart(4, "0")}.target-team2.dev.aliyun.cloud.cn.aibang`,
        })),
    };
}

/**
 * A ledger for `n` APIs without planning them (1,000 APIs take tens of seconds to plan): the
 * rows the components publish, DNS and Kong per API, at the weights given — the diagram is a
 * function of these rows and the topology only.
 */
export function ledger(n: number, phase: string, weights: (i: number) => number, kongWeights: (i: number) => number = weights): OfflineRun {
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
