import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderMermaid } from "../offline/mermaid";
import { loadStackConfig } from "../offline/stack-files";
import { cutoverConfigOf, topologyOf } from "../offline/topology";
import { editedStackFile, planStack, ROOT } from "./helpers";

/** The docs page that holds the phase diagrams, each between `<!-- mermaid:PHASE -->` markers. */
export const PHASE_DIAGRAMS_PAGE = "docs/runbook-cutover.md";

/** The phases the cutover runbook draws, each as an edit of the committed Pulumi.cutover.yaml (the runbook's steps). */
export const DIAGRAM_PHASES: { phase: string; weights: Record<string, number> }[] = [
    { phase: "prepare", weights: {} },
    { phase: "shift", weights: { api01: 20, api02: 0 } },
    { phase: "complete", weights: { api01: 100, api02: 100 } },
];

/** The Mermaid flowchart the plan draws for a phase of the committed cutover stack. */
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

/** The docs page's copy of a phase's diagram, between its markers. */
export function copiedDiagram(page: string, phase: string): string | undefined {
    const m = new RegExp(`<!-- mermaid:${phase} -->\\n\`\`\`mermaid\\n([\\s\\S]*?)\`\`\`\\n<!-- /mermaid:${phase} -->`).exec(page);
    return m?.[1];
}
