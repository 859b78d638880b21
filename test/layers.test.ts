/**
 * Arrows only downward: a module may import its own layer or a lower one, never a higher one.
 * Imports are read with TypeScript's own pre-processor (`ts.preProcessFile`, the scanner tsc
 * uses to find a file's imports), so `import type` and re-exports count too.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..");

/**
 * The layers, lowest first. `vocabulary/` is what config, plan and providers all speak (names,
 * the probe type); providers are below config, whose defaults name vendor values; config's
 * types are below the plan that reads them; the components wire plans to providers; the entry
 * and the offline tools sit on top.
 */
export const LAYERS: { layer: string; paths: string[] }[] = [
    { layer: "vocabulary", paths: ["vocabulary/"] },
    { layer: "providers", paths: ["providers/"] },
    { layer: "config", paths: ["config/"] },
    { layer: "plan", paths: ["plan/"] },
    { layer: "components", paths: ["components/"] },
    { layer: "entry", paths: ["program.ts", "index.ts"] },
    { layer: "offline", paths: ["offline/"] },
];

function rankOf(file: string): number | undefined {
    const i = LAYERS.findIndex((l) => l.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
    return i < 0 ? undefined : i;
}

/** Every project import that points at a higher layer, as `file → target (layer → layer)`. */
export function upwardImports(files: string[], read: (file: string) => string): string[] {
    const out: string[] = [];
    for (const file of files) {
        const from = rankOf(file);
        if (from === undefined) continue;
        for (const ref of ts.preProcessFile(read(file), true, true).importedFiles) {
            if (!ref.fileName.startsWith(".")) continue;
            const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName)) + ".ts";
            const to = rankOf(target);
            if (to !== undefined && to > from) out.push(`${file} → ${target} (${LAYERS[from].layer} imports ${LAYERS[to].layer})`);
        }
    }
    return out;
}

function projectFiles(): string[] {
    const out: string[] = [];
    for (const { paths } of LAYERS)
        for (const p of paths) {
            if (!p.endsWith("/")) out.push(p);
            else for (const f of fs.readdirSync(path.join(ROOT, p))) if (f.endsWith(".ts")) out.push(p + f);
        }
    return out;
}

describe("layers: imports point only downward", () => {
    it("no module imports a higher layer", () => {
        const files = projectFiles();
        assert.ok(files.length > 40, `expected the project's modules, found ${files.length}`);
        assert.deepEqual(
            upwardImports(files, (f) => fs.readFileSync(path.join(ROOT, f), "utf8")),
            [],
        );
    });

    it("names the file and both layers when one does (config importing the plan, a provider importing a plan type)", () => {
        const sources: Record<string, string> = {
            "config/parse.ts":
                'import { legacyHost } from "../vocabulary/naming";\nimport { resolveController } from "../plan/controller";',
            "providers/health-gate.ts": 'import type { Probe } from "../plan/probes";\nexport { X } from "../config/types";',
            "plan/kong.ts": 'import type { KongConnection } from "../providers/kong";',
        };
        assert.deepEqual(
            upwardImports(Object.keys(sources), (f) => sources[f]),
            [
                "config/parse.ts → plan/controller.ts (config imports plan)",
                "providers/health-gate.ts → plan/probes.ts (providers imports plan)",
                "providers/health-gate.ts → config/types.ts (providers imports config)",
            ],
        );
    });
});
