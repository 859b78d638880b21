/**
 * `npm run docs`: writes what is generated from the config schemas — the stack files' JSON
 * Schemas (schema/<role>.schema.json) and the configuration reference (docs/config-reference.md,
 * every key with what it accepts, its default and its description). test/config-schema.test.ts
 * fails when either is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { JsonSchema, stackFileSchema, stackFileSchemas } from "../config/json-schema";
import { ROLES } from "../config/types";

const ROOT = path.join(__dirname, "..");
export const REFERENCE_FILE = "docs/config-reference.md";

interface Row {
    key: string;
    accepts: string;
    default?: unknown;
    description?: string;
    when: string[];
}

const code = (v: unknown) => `\`${JSON.stringify(v)}\``;

/** What a leaf accepts, in a few words. */
function accepts(s: JsonSchema): string {
    if (s.not !== undefined) return "not allowed here";
    if (s.const !== undefined) return code(s.const);
    if (Array.isArray(s.enum)) return `one of ${s.enum.map(code).join(", ")}`;
    if (s.type === "integer" || s.type === "number") {
        const [min, max] = [s.minimum, s.maximum];
        return min !== undefined && max !== undefined ? `integer ${min}–${max}` : String(s.type);
    }
    if (s.type === "string") return s.pattern ? `string matching \`${String(s.pattern).replace(/\|/g, "\\|")}\`` : "string";
    if (s.type === "array") return `list of ${accepts((s.items ?? {}) as JsonSchema)}`;
    if (s.type === "boolean") return "true or false";
    if (s.type === "object") return "object";
    if (Array.isArray(s.oneOf)) return "object (one of the forms below)";
    return "any";
}

/** The discriminator of a union's branch: its property with a `const`, as `key: value`. */
function branchName(s: JsonSchema): string {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const [key, p] = Object.entries(props).find(([, p]) => p.const !== undefined) ?? ["", {}];
    return key ? `${key}: ${String(p.const)}` : "";
}

function walk(key: string, s: JsonSchema, when: string[], rows: Row[]): void {
    rows.push({ key, accepts: accepts(s), default: s.default, description: s.description as string | undefined, when });
    if (Array.isArray(s.oneOf)) walkBranches(key, s.oneOf as JsonSchema[], when, rows);
    else if (s.type === "object") walkProperties(key, s, when, () => true, rows);
    else if (s.type === "array" && (s.items as JsonSchema | undefined)?.type === "object")
        walkProperties(`${key}[i]`, s.items as JsonSchema, when, () => true, rows);
}

/** A union's forms: a key alike in every form is listed once, unqualified; the others say which form they belong to. */
function walkBranches(key: string, branches: JsonSchema[], when: string[], rows: Row[]): void {
    const props = (b: JsonSchema) => Object.entries((b.properties ?? {}) as Record<string, JsonSchema>);
    const alike = (k: string, p: JsonSchema) =>
        branches.every((b) => JSON.stringify((b.properties as Record<string, unknown>)?.[k]) === JSON.stringify(p));
    branches.forEach((b, i) => {
        const form = [...when, branchName(b)];
        for (const [k, p] of props(b)) {
            if (!alike(k, p)) walk(`${key}.${k}`, p, form, rows);
            else if (i === 0) walk(`${key}.${k}`, p, when, rows);
        }
    });
}

function walkProperties(key: string, s: JsonSchema, when: string[], keep: (k: string) => boolean, rows: Row[]): void {
    for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>))
        if (keep(k)) walk(`${key}.${k}`, p, when, rows);
    const extra = s.additionalProperties;
    if (typeof extra === "object" && extra !== null) walk(`${key}.<name>`, extra as JsonSchema, when, rows);
}

/** Rows of a role's keys, in the order the schema declares them. */
function roleRows(role: (typeof ROLES)[number]): Row[] {
    const config = (stackFileSchema(role).properties as Record<string, JsonSchema>).config;
    const rows: Row[] = [];
    for (const [k, s] of Object.entries(config.properties as Record<string, JsonSchema>)) walk(k, s, [], rows);
    return rows;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/config-reference.md, generated. */
export function configReference(): string {
    const out = [
        "# Configuration reference",
        "",
        "Every key each role reads, generated from the config schemas (`config/schema/`) by `npm run docs`; do not edit by hand. How configuration works (roles, secrets, validation): [configuration.md](configuration.md). Back to the [README](../README.md).",
        "",
        "Keys are `migration:<key>` in the stack file; nested keys are set with `pulumi config set --path`. Rules across keys (weights only for defined APIs, the zone holds the legacy names, two controllers claim different names, …) are checked by the plan and named in its messages.",
    ];
    for (const role of ROLES) {
        out.push("", `## \`${role}\` stacks`, "", "| key | accepts | default | description |", "|---|---|---|---|");
        for (const r of roleRows(role)) {
            const when = r.when.filter(Boolean);
            const description = [r.description ?? "", when.length ? `(with ${when.join(", ")})` : ""].filter(Boolean).join(" ");
            out.push(
                `| \`${r.key}\` | ${cell(r.accepts)} | ${r.default === undefined ? "" : cell(code(r.default))} | ${cell(description)} |`,
            );
        }
    }
    return out.join("\n") + "\n";
}

/** Every generated file, by its path from the project root. */
export function generatedFiles(): Record<string, string> {
    const files: Record<string, string> = { [REFERENCE_FILE]: configReference() };
    for (const [name, schema] of Object.entries(stackFileSchemas())) files[`schema/${name}`] = JSON.stringify(schema, null, 2) + "\n";
    return files;
}

if (require.main === module) {
    for (const [file, text] of Object.entries(generatedFiles())) {
        fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
        fs.writeFileSync(path.join(ROOT, file), text);
        process.stdout.write(`wrote ${file}\n`);
    }
}
