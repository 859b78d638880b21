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
