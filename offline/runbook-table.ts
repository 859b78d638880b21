/**
 * `npm run runbook`: the cutover runbook's step table (docs/runbook-cutover.md, between its
 * markers), made from the committed stacks' own plans — each step an edit of the committed
 * Pulumi.cutover.yaml, planned with `--against` exactly as the operator reviews it — so its
 * numbers (records, weights, TTLs, waits) are the committed configuration's and cannot drift.
 * test/runbook-table.test.ts fails when the page's copy is stale.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { main } from "./cli";

const ROOT = path.join(__dirname, "..");
export const RUNBOOK_PAGE = "docs/runbook-cutover.md";
const BEGIN = "<!-- runbook-table:begin -->";
const END = "<!-- runbook-table:end -->";

/** One runbook step: its name, and the `migration:cutover` keys it sets (the rest stays as the step before left it). */
interface Step {
    step: string;
    set: Record<string, unknown>;
}

export const STEPS: Step[] = [
    { step: "1. prepare", set: { phase: "prepare", weights: {} } },
    { step: "2. canary", set: { phase: "shift", weights: { api01: 5 } } },
    { step: "3. ramp", set: { phase: "shift", weights: { api01: 20 } } },
    { step: "3. ramp", set: { phase: "shift", weights: { api01: 50 } } },
    { step: "3. ramp", set: { phase: "shift", weights: { api01: 100 } } },
    { step: "4. every API", set: { phase: "shift", weights: { api01: 100, api02: 100 } } },
    { step: "5. complete", set: { phase: "complete", weights: { api01: 100, api02: 100 } } },
];

interface Diff {
    created: { type: string; name: string }[];
    deleted: { type: string; name: string }[];
    replaced: { type: string; name: string }[];
    updated: { type: string; name: string; changes: { path: string; old: unknown; new: unknown }[] }[];
    refused: unknown[];
    convergence: { hosts: { host: string; after: string; worstCaseSeconds: number; observeSeconds: number }[] };
}

interface FirstPlan {
    resources: { type: string; name: string; parent: string | null }[];
    traffic: { host: string; layer: string; ttl: number | null; targets: { side: string; weight: number }[] }[];
    convergence: { host: string; worstCaseSeconds: number; observeSeconds: number }[];
}

/** The first step as a diff from nothing: everything it registers is created. */
function firstStep(p: FirstPlan): Diff {
    const hosts = [...new Set(p.traffic.map((t) => t.host))];
    const state = (host: string) =>
        p.traffic
            .filter((t) => t.host === host)
            .map(
                (t) =>
                    `${t.layer === "dns" ? "DNS" : "Kong"} ${t.targets.map((x) => `${x.side} ${x.weight}`).join(" · ")}${t.ttl ? ` (TTL ${t.ttl} s)` : ""}`,
            )
            .join(" | ");
    return {
        created: p.resources.filter(
            (r) => r.parent !== null && !r.type.startsWith("migration:index:") && r.type !== "pulumi:pulumi:StackReference",
        ),
        deleted: [],
        replaced: [],
        updated: [],
        refused: [],
        convergence: {
            hosts: hosts.map((host) => {
                const c = p.convergence.find((x) => x.host === host)!;
                return { host, after: state(host), worstCaseSeconds: c.worstCaseSeconds, observeSeconds: c.observeSeconds };
            }),
        },
    };
}

const short = (type: string) => type.split(/[:/]/).pop()!;

/** A changed field, in a few words: a record or target added or removed, or a value from → to. */
function change(c: { path: string; old: unknown; new: unknown }): string {
    const entry = (v: unknown) => {
        const r = v as { type?: string; value?: string; weight?: number };
        return [r.type, r.value, r.weight !== undefined ? `weight ${r.weight}` : undefined].filter(Boolean).join(" ");
    };
    if (c.old === null || c.old === undefined)
        return `${c.path} added${typeof c.new === "object" ? ` (${entry(c.new)})` : ` (${JSON.stringify(c.new)})`}`;
    if (c.new === null || c.new === undefined) return `${c.path} removed`;
    return `${c.path} ${JSON.stringify(c.old)} → ${JSON.stringify(c.new)}`;
}

/** What an edit changes, in a few words: resources by kind, and the fields that move. */
function changes(d: Diff): string {
    const parts: string[] = [];
    const list = (verb: string, rs: { type: string; name: string }[]) =>
        rs.length ? [`${verb} ${rs.map((r) => `${short(r.type)} \`${r.name}\``).join(", ")}`] : [];
    parts.push(...list("creates", d.created), ...list("deletes", d.deleted), ...list("replaces", d.replaced));
    const moved = d.updated
        .filter((u) => (u.changes ?? []).length > 0)
        .map((u) => `${short(u.type)} \`${u.name}\` (${u.changes.map(change).join(", ")})`);
    if (moved.length) parts.push(`updates ${moved.join("; ")}`);
    return parts.join("; ") || "nothing";
}

/** The plan's own wait note per moving host. */
function waits(d: Diff): string {
    if (!d.convergence.hosts.length) return "none (no legacy name moves)";
    return d.convergence.hosts
        .map((h) => `\`${h.host.split(".")[0]}\`: wait ${h.worstCaseSeconds} s, then observe at least ${h.observeSeconds} s`)
        .join("; ");
}

/** Writes `base` with the step's `migration:cutover` keys set to `file`. */
export function edited(base: Record<string, unknown>, set: Record<string, unknown>, file: string): void {
    const doc = structuredClone(base) as { config: Record<string, Record<string, unknown>> };
    doc.config["migration:cutover"] = { ...doc.config["migration:cutover"], ...set };
    fs.writeFileSync(file, stringify(doc));
}

const REVIEW_FIRST = "`npm run -s plan -- --stack cutover --config <edited>`";
const REVIEW_EDIT = "`npm run -s plan -- --stack cutover --config <current> --against <edited>`";

const cell = (t: string) => t.replace(/\|/g, "\\|");

/** The table, planned step by step from the committed cutover stack (in process, the CLI's own `main`). */
export async function runbookTable(): Promise<string> {
    const base = parse(fs.readFileSync(path.join(ROOT, "Pulumi.cutover.yaml"), "utf8")) as Record<string, unknown>;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runbook-"));
    const rows = [
        "| step | edit of `migration:cutover` | review it offline | what the apply changes (from the plan) | the legacy names answer | wait before the next step (from the plan) |",
        "|---|---|---|---|---|---|",
    ];
    try {
        let previous: string | undefined;
        for (const [i, s] of STEPS.entries()) {
            const next = path.join(dir, `step-${i + 1}.yaml`);
            edited(base, s.set, next);
            let out = "";
            let err = "";
            // The first step has no stack before it: its own plan (what it creates, and how long clients hold the wildcard's answer).
            const argv = previous ? ["--config", previous, "--against", next] : ["--config", next];
            const code = await main(["--stack", "cutover", ...argv, "--json"], ROOT, ROOT, {
                out: (t) => (out += t),
                err: (t) => (err += t),
            });
            if (code !== 0) throw new Error(`planning ${s.step} failed (exit ${code}): ${err}`);
            const d = previous ? (JSON.parse(out) as { diff: Diff }).diff : firstStep(JSON.parse(out) as FirstPlan);
            const edit = Object.entries(s.set)
                .map(([k, v]) => `\`${k}: ${JSON.stringify(v)}\``)
                .join(", ");
            const answers = d.convergence.hosts.map((h) => `\`${h.host.split(".")[0]}\`: ${h.after}`).join("; ") || "as before";
            rows.push(
                `| ${s.step} | ${edit} | ${previous ? REVIEW_EDIT : REVIEW_FIRST} | ${cell(changes(d))} | ${cell(answers)} | ${cell(waits(d))} |`,
            );
            previous = next;
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return rows.join("\n") + "\n";
}

/** The page's copy: everything between the markers. */
export function copiedTable(page: string): string | undefined {
    const at = page.indexOf(BEGIN);
    const end = page.indexOf(END);
    return at < 0 || end < 0 ? undefined : page.slice(at + BEGIN.length + 1, end);
}

if (require.main === module) {
    void runbookTable().then((table) => {
        const file = path.join(ROOT, RUNBOOK_PAGE);
        const page = fs.readFileSync(file, "utf8");
        const at = page.indexOf(BEGIN);
        const end = page.indexOf(END);
        if (at < 0 || end < 0) throw new Error(`${RUNBOOK_PAGE} has no ${BEGIN} … ${END} markers`);
        fs.writeFileSync(file, page.slice(0, at + BEGIN.length + 1) + table + page.slice(end));
        process.stdout.write(`wrote the step table of ${RUNBOOK_PAGE}\n`);
    });
}
