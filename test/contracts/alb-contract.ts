/**
 * Checks an AlbConfig object against the CRD's field set (test/contracts/vendor/alb/, taken from
 * the Go types with their source): every key must be a field of its struct, with a value of the
 * field's kind. Returns the problems as `path: message`; [] when it fits.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface FieldSet {
    root: string;
    structs: Record<string, Record<string, string>>;
}

const FIELDS = JSON.parse(fs.readFileSync(path.join(__dirname, "vendor", "alb", "albconfig-fields.json"), "utf8")) as FieldSet;

function check(value: unknown, kind: string, at: string, out: string[]): void {
    if (kind.startsWith("[]")) {
        if (!Array.isArray(value)) return void out.push(`${at}: expected a list (${kind})`);
        value.forEach((v, i) => check(v, kind.slice(2), `${at}[${i}]`, out));
        return;
    }
    const scalar: Record<string, (v: unknown) => boolean> = {
        string: (v) => typeof v === "string",
        bool: (v) => typeof v === "boolean",
        int: (v) => Number.isInteger(v),
        intOrString: (v) => Number.isInteger(v) || typeof v === "string",
        map: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    };
    if (scalar[kind]) {
        if (!scalar[kind](value)) out.push(`${at}: expected ${kind}, got ${JSON.stringify(value)}`);
        return;
    }
    const struct = FIELDS.structs[kind];
    if (typeof value !== "object" || value === null || Array.isArray(value)) return void out.push(`${at}: expected an object (${kind})`);
    for (const [k, v] of Object.entries(value)) {
        if (!(k in struct)) out.push(`${at}.${k}: not a field of ${kind} (fields: ${Object.keys(struct).join(", ")})`);
        else check(v, struct[k], `${at}.${k}`, out);
    }
}

export function albConfigProblems(object: unknown): string[] {
    const out: string[] = [];
    check(object, FIELDS.root, "AlbConfig", out);
    return out;
}
