/**
 * Mermaid's own parser, from npm (mermaid 11), run in Node the way shared/notes/mermaid.md
 * found works: jsdom provides `window` and `document` (mermaid needs a DOM even to parse) before
 * mermaid — an ES module — is imported. `parse` resolves for a diagram Mermaid accepts and
 * rejects with Mermaid's own message otherwise.
 */
import { JSDOM } from "jsdom";

type Mermaid = {
    initialize(config: Record<string, unknown>): void;
    parse(text: string): Promise<{ diagramType: string } | false>;
};

let loaded: Promise<Mermaid> | undefined;

/** A real `import()` (TypeScript would turn `import()` into `require` for CommonJS output, which cannot load an ES module). */
const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<{ default: Mermaid }>;

function mermaid(): Promise<Mermaid> {
    loaded ??= (async () => {
        const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
        const g = globalThis as Record<string, unknown>;
        g.window = dom.window;
        g.document = dom.window.document;
        const m = (await importEsm("mermaid")).default;
        m.initialize({ startOnLoad: false, securityLevel: "strict" });
        return m;
    })();
    return loaded;
}

/** Mermaid's verdict on `text`: its diagram type, or its error message. */
export async function mermaidParse(text: string): Promise<string> {
    try {
        const r = await (await mermaid()).parse(text);
        return r ? r.diagramType : "not a diagram";
    } catch (err) {
        return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
}

/** What Mermaid's real renderer drew, measured in Chromium at the SVG's own size (px). */
export interface Rendered {
    /** The SVG's text content without its stylesheet: what a reader sees, labels joined. */
    text: string;
    /** The drawn lines of text, one per node, edge label, cluster title or title line. */
    texts: string[];
    width: number;
    height: number;
    /** Edges passing through a node box other than their own ends: `edge id → node id`. */
    edgesThroughNodes: string[];
    /** Node boxes and edge labels that overlap each other. */
    overlaps: string[];
}

export const CHROMIUM = "/usr/bin/chromium";

/**
 * One Chromium (Debian's `chromium`, driven by puppeteer-core; no network: the page is a local
 * file loading node_modules/mermaid/dist/mermaid.min.js) rendering diagrams with Mermaid's own
 * renderer, as GitHub's and any browser's Mermaid does. Reuse one for all diagrams; close it.
 */
export class MermaidBrowser {
    private constructor(
        private readonly browser: import("puppeteer-core").Browser,
        private readonly page: import("puppeteer-core").Page,
        private readonly dir: string,
    ) {}

    static async launch(): Promise<MermaidBrowser> {
        const fs = await import("node:fs");
        const os = await import("node:os");
        const path = await import("node:path");
        const puppeteer = (await import("puppeteer-core")).default;
        if (!fs.existsSync(CHROMIUM))
            throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y --no-install-recommends chromium`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mermaid-render-"));
        const script = require.resolve("mermaid/dist/mermaid.min.js");
        fs.writeFileSync(
            path.join(dir, "page.html"),
            `<!doctype html><html><head><meta charset="utf-8"></head><body><script charset="utf-8" src="file://${script}"></script></body></html>`,
        );
        const browser = await puppeteer.launch({
            executablePath: CHROMIUM,
            headless: true,
            args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
        });
        try {
            const page = await browser.newPage();
            // Nothing leaves the machine: only file: URLs (the page and mermaid.min.js) load.
            await page.setRequestInterception(true);
            page.on("request", (r) => (r.url().startsWith("file:") ? r.continue() : r.abort()));
            await page.goto(`file://${path.join(dir, "page.html")}`);
            await page.evaluate(() =>
                (window as unknown as { mermaid: Mermaid }).mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }),
            );
            return new MermaidBrowser(browser, page, dir);
        } catch (err) {
            await browser.close();
            throw err;
        }
    }

    async close(): Promise<void> {
        await this.browser.close();
        (await import("node:fs")).rmSync(this.dir, { recursive: true, force: true });
    }

    /** Renders `text` with mermaid.render and measures the SVG in the page. */
    async render(text: string): Promise<Rendered> {
        return this.page.evaluate(async (text: string) => {
            type Box = { id: string; l: number; t: number; r: number; b: number };
            const m = (window as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
            document.body.replaceChildren();
            const { svg } = await m.render("diagram", text);
            const host = document.createElement("div");
            host.innerHTML = svg;
            document.body.appendChild(host);
            const el = host.querySelector("svg") as SVGSVGElement;
            const vb = el.viewBox.baseVal;
            // At its own size (Mermaid sets width 100% and a max-width), so client pixels are the SVG's.
            el.style.maxWidth = "none";
            el.setAttribute("width", String(vb.width));
            el.setAttribute("height", String(vb.height));
            const box = (id: string, e: Element): Box => {
                const r = e.getBoundingClientRect();
                return { id, l: r.left, t: r.top, r: r.right, b: r.bottom };
            };
            const nodes = [...el.querySelectorAll("g.node")].map((n) => box(n.id.replace(/^diagram-flowchart-(.*)-\d+$/, "$1"), n));
            const labels = [...el.querySelectorAll("g.edgeLabel")]
                .filter((l) => (l.textContent ?? "").trim() !== "")
                .map((l) => box(`label "${l.textContent}"`, l));
            const inside = (x: number, y: number, b: Box, inset: number) =>
                x > b.l + inset && x < b.r - inset && y > b.t + inset && y < b.b - inset;
            const edgesThroughNodes: string[] = [];
            for (const p of el.querySelectorAll<SVGPathElement>("path.flowchart-link")) {
                const id = p.dataset.id ?? p.id;
                const ends = id.split("_").slice(1, 3);
                const ctm = p.getScreenCTM() as DOMMatrix;
                const length = p.getTotalLength();
                const hit = new Set<string>();
                for (let s = 0; s <= length; s += 4) {
                    const q = new DOMPoint(p.getPointAtLength(s).x, p.getPointAtLength(s).y).matrixTransform(ctm);
                    for (const n of nodes) if (!ends.includes(n.id) && inside(q.x, q.y, n, 2)) hit.add(n.id);
                }
                for (const n of hit) edgesThroughNodes.push(`${id} → ${n}`);
            }
            const overlaps: string[] = [];
            const all = [...nodes, ...labels];
            for (let i = 0; i < all.length; i++)
                for (let j = i + 1; j < all.length; j++) {
                    const [a, b] = [all[i], all[j]];
                    if (Math.min(a.r, b.r) - Math.max(a.l, b.l) > 1 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 1)
                        overlaps.push(`${a.id} / ${b.id}`);
                }
            const texts = [...el.querySelectorAll("p, text, tspan")]
                .filter((t) => !t.querySelector("p, tspan"))
                .flatMap((t) => (t.innerHTML.includes("<br") ? (t as HTMLElement).innerText.split("\n") : [t.textContent ?? ""]))
                .map((t) => t.trim())
                .filter((t) => t !== "");
            const bare = el.cloneNode(true) as SVGSVGElement;
            bare.querySelectorAll("style").forEach((s) => s.remove());
            return { text: bare.textContent ?? "", texts, width: vb.width, height: vb.height, edgesThroughNodes, overlaps };
        }, text);
    }
}
