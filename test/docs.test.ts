/**
 * The documentation as a map: README.md stays a short page of links, every relative link in
 * README.md and docs/*.md reaches an existing file (and heading), every docs page is linked
 * from README.md, and every `npm run plan` command the pages show still runs as documented.
 *
 * Commands run in this process through the plan CLI's own `main` (test/cli-run.ts), never as
 * a new Node process, and offline: the plan sends nothing to a cluster, a cloud API or the
 * network. `npm run verify` commands are never run (they connect to B's intranet addresses).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { plan } from "./cli-run";
import { ROOT } from "./helpers";

const README = "README.md";
const DOCS = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
const PAGES = [README, ...DOCS];
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The text outside fenced code blocks (fences replaced by blank lines, so line numbers stay). */
function prose(text: string): string {
    let fenced = false;
    return text
        .split("\n")
        .map((line) => {
            if (line.startsWith("```")) {
                fenced = !fenced;
                return "";
            }
            return fenced ? "" : line;
        })
        .join("\n");
}

/** The bodies of the fenced blocks of the given languages. */
function fencedBlocks(text: string, languages: string[]): string[] {
    return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => languages.includes(m[1])).map((m) => m[2]);
}

/** GitHub's anchor for a heading: markup dropped, lower-case, punctuation but `-` (and `_`) dropped, spaces → `-`. */
function slug(heading: string): string {
    return heading
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/[`*]/g, "")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** Every anchor a page's headings make, repeated headings numbered as GitHub numbers them (`x`, `x-1`, …). */
function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const m of prose(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
        const base = slug(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        result.add(n === 0 ? base : `${base}-${n}`);
    }
    return result;
}

interface Link {
    from: string;
    target: string;
}

/** Every relative link `[text](target)` outside code blocks and code spans. */
function relativeLinks(file: string): Link[] {
    const text = prose(read(file)).replace(/`[^`]*`/g, "code");
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/i.test(target))
        .map((target) => ({ from: file, target }));
}

/** A link's file (relative to the repository) and its anchor, if any. */
function resolve({ from, target }: Link): { file: string; anchor?: string } {
    const [file, anchor] = target.split("#", 2);
    return { file: file === "" ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), file)), anchor };
}

describe("documentation: README.md is a map, docs/ holds the rest", function () {
    this.timeout(10_000);

    it("README.md has at most 250 lines", () => {
        const lines = read(README).split("\n").length - (read(README).endsWith("\n") ? 1 : 0);
        assert.ok(lines <= 250, `README.md has ${lines} lines`);
    });

    it("every docs page starts with its title, says what it is, and links back to README", () => {
        assert.ok(DOCS.length > 0);
        for (const file of DOCS) {
            const [title, blank, what] = read(file).split("\n");
            assert.match(title, /^# \S/, `${file}: no one-line # title`);
            assert.equal(blank, "", `${file}: a blank line after the title`);
            assert.match(what, /\S.*\[README\]\(\.\.\/README\.md\)/, `${file}: no "what this page is" line linking back to README`);
            assert.equal((prose(read(file)).match(/^# /gm) ?? []).length, 1, `${file}: more than one # title`);
        }
    });

    it("every relative link in README.md and docs/*.md reaches an existing file and heading", () => {
        const links = PAGES.flatMap(relativeLinks);
        assert.ok(links.length > 20, `only ${links.length} links found`);
        const broken: string[] = [];
        for (const link of links) {
            const { file, anchor } = resolve(link);
            if (!fs.existsSync(path.join(ROOT, file))) {
                broken.push(`${link.from}: ${link.target} (no file ${file})`);
            } else if (anchor !== undefined) {
                if (!file.endsWith(".md")) broken.push(`${link.from}: ${link.target} (an anchor into a file that is not markdown)`);
                else if (!anchors(read(file)).has(anchor)) broken.push(`${link.from}: ${link.target} (no heading #${anchor} in ${file})`);
            }
        }
        assert.deepEqual(broken, []);
    });

    it("every docs page is linked from README.md", () => {
        const linked = new Set(relativeLinks(README).map((l) => resolve(l).file));
        assert.deepEqual(
            DOCS.filter((f) => !linked.has(f)),
            [],
        );
    });

    it("the anchor rule is GitHub's", () => {
        assert.equal(slug("Phase 0 — B-side platform (`dev`)"), "phase-0--b-side-platform-dev");
        assert.equal(slug("Kong's DNS caching (why a switch is not instant)"), "kongs-dns-caching-why-a-switch-is-not-instant");
        assert.equal(slug("Shared (`Pulumi.yaml`)"), "shared-pulumiyaml");
        assert.deepEqual([...anchors("# A\n## B\n```sh\n# not a heading\n```\n## B\n")], ["a", "b", "b-1"]);
    });

    describe("every `npm run plan` command shown still runs", () => {
        let helpFlags: Set<string>;
        before(async () => {
            const help = await plan(["--help"]);
            assert.equal(help.code, 0);
            helpFlags = new Set([...help.stdout.matchAll(/^ {2}(--[a-z-]+)(?:, (-[a-z]))?/gm)].flatMap((m) => m.slice(1).filter(Boolean)));
            assert.ok(helpFlags.has("--stack") && helpFlags.has("--help"), help.stdout);
        });

        /** The flags of an argument list that `--help` does not list. */
        const unknownFlags = (args: string[]) =>
            args
                .map((a) => /^\[*(--?[a-z][a-z-]*)/.exec(a)?.[1])
                .filter((flag): flag is string => flag !== undefined && !helpFlags.has(flag));

        /**
         * Whether a command can run offline exactly as written: no placeholder (`<x>`, `…`, `[…]`,
         * `a | b`), no redirection, no `--out` (it would write a file), every FILE it names present.
         */
        function runnable(args: string[]): boolean {
            if (args.some((a) => /[<>…|[\]]|\.\.\./.test(a) || a === "--out" || a.startsWith("--out="))) return false;
            for (let i = 0; i < args.length; i++) {
                const [flag, inline] = args[i].split("=", 2);
                if (!["--config", "--against", "--ref"].includes(flag)) continue;
                const value = inline ?? args[i + 1];
                const file = flag === "--ref" ? value?.split("=", 2)[1] : value;
                if (file === undefined || !fs.existsSync(path.resolve(ROOT, file))) return false;
            }
            return args.includes("--stack") || args.includes("--help") || args.includes("-h");
        }

        /** Splits a shell line into words (single and double quotes kept together, `#` comments apart). */
        function words(line: string): { words: string[]; comment: string } {
            const out: string[] = [];
            let comment = "";
            const re = /'([^']*)'|"([^"]*)"|(#.*)$|(\S+)/g;
            for (const m of line.matchAll(re)) {
                if (m[3] !== undefined) comment = m[3];
                else out.push(m[1] ?? m[2] ?? m[4]);
            }
            return { words: out, comment };
        }

        /** The arguments after `npm run [-s] plan --` of each plan command in a word list (`&&`, `;` separate commands). */
        function planArgs(ws: string[]): string[][] {
            const commands: string[][] = [[]];
            for (const w of ws) {
                if (w === "&&" || w === ";" || w === "||") commands.push([]);
                else commands[commands.length - 1].push(w);
            }
            return commands
                .map((c) => {
                    const at = c.findIndex(
                        (w, i) => w === "npm" && c[i + 1] === "run" && (c[i + 2] === "plan" || (c[i + 2] === "-s" && c[i + 3] === "plan")),
                    );
                    if (at < 0) return undefined;
                    const rest = c.slice(at + (c[at + 2] === "-s" ? 4 : 3));
                    return rest[0] === "--" ? rest.slice(1) : rest;
                })
                .filter((a): a is string[] => a !== undefined);
        }

        it("in ```sh / ```bash blocks: each runs offline and exits as documented (0, or the `# exits N` its line says)", async () => {
            let ran = 0;
            for (const file of PAGES) {
                for (const block of fencedBlocks(read(file), ["sh", "bash"])) {
                    for (const line of block.split("\n")) {
                        const { words: ws, comment } = words(line);
                        for (const args of planArgs(ws)) {
                            assert.deepEqual(unknownFlags(args), [], `${file}: ${line}`);
                            if (!runnable(args)) continue;
                            const expected = Number(/exits? (\d)/.exec(comment)?.[1] ?? 0);
                            const { code, stderr } = await plan(args);
                            assert.equal(code, expected, `${file}: \`${line.trim()}\` exited ${code}: ${stderr}`);
                            ran++;
                        }
                    }
                }
            }
            assert.ok(ran >= 1, "no plan command found in a sh block");
        });

        it("in the text: each uses only flags `--help` lists; those runnable as written run and exit 0", async () => {
            // Inline commands with placeholders (`--against <rollback.yaml>`) or files the reader
            // writes (`--ref cutover=edited-cutover.yaml`) cannot run offline as written: their
            // flags are checked against `--help` instead. The runnable ones are few (one plan
            // each of dev, cutover and source, --mermaid, --kong-deck, --help), about 1 s in all.
            const seen = new Set<string>();
            let ran = 0;
            let checked = 0;
            for (const file of PAGES) {
                for (const m of prose(read(file)).matchAll(/`([^`]*)`/g)) {
                    const span = m[1].replace(/\s+/g, " ").trim();
                    for (const args of planArgs(words(span).words)) {
                        if (args.length === 0) continue; // "`npm run plan`" named, not shown
                        assert.deepEqual(unknownFlags(args), [], `${file}: \`${span}\``);
                        checked++;
                        const key = args.join(" ");
                        if (!runnable(args) || seen.has(key)) continue;
                        seen.add(key);
                        const { code, stderr } = await plan(args);
                        assert.equal(code, 0, `${file}: \`${span}\` exited ${code}: ${stderr}`);
                        ran++;
                    }
                }
            }
            assert.ok(checked >= 10 && ran >= 4, `${checked} inline plan commands checked, ${ran} run`);
        });
    });
});
