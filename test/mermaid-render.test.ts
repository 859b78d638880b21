/**
 * The diagrams as a reader sees them: rendered by Mermaid's own renderer (mermaid 11's
 * mermaid.min.js from npm) in a real browser (Debian's chromium, driven by puppeteer-core; one
 * browser for the file, no network), as GitHub and any Markdown viewer render them. Every label
 * of every README.md and docs/*.md diagram and of `--mermaid` in each phase reaches the SVG as
 * text (Mermaid reads `<api>` as HTML unless it is written with its entity codes); the phase
 * diagrams draw no edge through a box and no box or label over another; and at 2, 200 and 1,000
 * APIs in five states the SVG Mermaid draws stays within 1,400 × 1,200 px.
 *
 * Needs /usr/bin/chromium (`apt-get install -y --no-install-recommends chromium`; .ci/run installs it).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { phaseDiagramOf } from "../offline/mermaid";
import { ROOT } from "./helpers";
import { MermaidBrowser, Rendered } from "./mermaid-parser";
import { DIAGRAM_PHASES, ledger, mermaidBlocks, phaseDiagram, topologyOfMany } from "./phase-diagrams";

/** Mermaid's entity codes (`#lt;`, `#35;`) as the characters they stand for. */
function decodeEntities(text: string): string {
    const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', amp: "&", nbsp: "\u00a0" };
    return text.replace(/#(\w+);/g, (m, code: string) => (/^\d+$/.test(code) ? String.fromCodePoint(Number(code)) : (named[code] ?? m)));
}

/**
 * The text a flowchart's source asks Mermaid to draw, line by line: its front-matter title, every
 * quoted label (`["…"]`, `|"…"|`, `(["…"])`), every bare one (`[…]`, `{…}`, `|…|`), each
 * `<br/>`-separated line on its own, entity codes decoded.
 */
function labelsOf(source: string): string[] {
    const title = /^---\ntitle: (.*)\n[\s\S]*?---\n/.exec(source);
    const body = source.replace(/^---\n[\s\S]*?\n---\n/, "");
    const labels: string[] = title ? [JSON.parse(title[1]) as string] : [];
    for (const line of body.split("\n")) {
        if (/^\s*(%%|linkStyle|style|classDef|class)\b/.test(line)) continue;
        const quoted = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
        const bare = [...line.replace(/"[^"]*"/g, "").matchAll(/\w\[([^\]"[]+)\]|\w\{([^}"{]+)\}|\|([^|"]+)\|/g)].map(
            (m) => m[1] ?? m[2] ?? m[3],
        );
        for (const l of [...quoted, ...bare]) labels.push(...l.split(/<br\s*\/?>/).map((s) => decodeEntities(s).trim()));
    }
    return labels.filter((l) => l !== "");
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

function assertLabelsSurvive(source: string, rendered: Rendered, what: string): void {
    const text = squash(rendered.text);
    for (const label of labelsOf(source))
        assert.ok(text.includes(squash(label)), `${what}: the label ${JSON.stringify(label)} is not in the rendered SVG's text:\n${text}`);
}

describe("diagrams rendered by Mermaid in a browser", function () {
    // One browser for the file: about 2 s to start, 0.1–0.5 s a diagram.
    this.timeout(15_000);
    let browser: MermaidBrowser;
    before(async () => {
        browser = await MermaidBrowser.launch();
    });
    after(async () => {
        await browser?.close();
    });

    it("every README.md and docs/*.md diagram renders with every label as text", async () => {
        const files = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)].filter((f) => f.endsWith(".md"));
        let n = 0;
        for (const file of files) {
            for (const [i, block] of mermaidBlocks(fs.readFileSync(path.join(ROOT, file), "utf8")).entries()) {
                const rendered = await browser.render(block);
                assertLabelsSurvive(block, rendered, `${file} block ${i + 1}`);
                n++;
            }
        }
        assert.ok(n >= 4, `${n} diagrams`);
    });

    for (const { phase, weights } of DIAGRAM_PHASES) {
        it(`--mermaid at ${phase}: the title names the phase, every label is text, no edge crosses a box, nothing overlaps`, async () => {
            const [block] = mermaidBlocks(await phaseDiagram(phase, weights));
            const r = await browser.render(block);
            assertLabelsSurvive(block, r, phase);
            assert.ok(r.texts.includes("/<api>/… prefix stripped"), `the short domain's prefix, as text: ${JSON.stringify(r.texts)}`);
            assert.ok(
                r.texts.some((t) => t.startsWith(`cutover: ${phase} · `)),
                `title: ${JSON.stringify(r.texts)}`,
            );
            assert.deepEqual(r.edgesThroughNodes, [], "edges through boxes");
            assert.deepEqual(r.overlaps, [], "overlapping boxes and labels");
            assert.ok(r.width <= 1400 && r.height <= 1200, `${phase}: ${r.width} × ${r.height} px`);
        });
    }

    for (const n of [2, 200, 1000]) {
        it(`${n.toLocaleString("en")} APIs in ${Math.min(n, 5)} states, every phase: within 1,400 × 1,200 px, shares on the edges`, async () => {
            const sizes: string[] = [];
            for (const phase of ["prepare", "shift", "complete"]) {
                const run = ledger(n, phase, (i) => (phase === "complete" ? 100 : [0, 5, 20, 50, 100][i % 5]));
                const { diagram } = phaseDiagramOf(run, {
                    ...topologyOfMany(n),
                    teamClass: "team1-alb",
                    shortClass: "short-alb",
                    shortMode: "dedicated",
                });
                const r = await browser.render(diagram);
                assertLabelsSurvive(diagram, r, `${n} APIs ${phase}`);
                if (phase === "shift")
                    for (const share of ["DNS 95 %", "DNS 5 %", "Kong 95 %", "Kong 5 %"])
                        assert.ok(
                            r.texts.some((t) => t.endsWith(share)),
                            `${share}: ${JSON.stringify(r.texts)}`,
                        );
                assert.deepEqual(r.overlaps, [], `${n} APIs ${phase}: overlapping boxes and labels`);
                assert.ok(r.width <= 1400 && r.height <= 1200, `${n} APIs ${phase}: ${r.width} × ${r.height} px`);
                sizes.push(`${phase} ${Math.round(r.width)} × ${Math.round(r.height)}`);
            }
            if (process.env.MERMAID_SIZES) console.log(`      ${n} APIs: ${sizes.join(", ")} px`);
        });
    }
});
