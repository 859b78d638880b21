/**
 * The building blocks every config block's schema is made of (zod 4), and the one translation of
 * zod's issues into the messages an operator reads: `migration:<key path>: <value> is not
 * accepted; expected <what is>`. Each block says, once, what it accepts; the TypeScript type
 * (`z.output`), the validation and the JSON Schema editors use (`z.toJSONSchema`) all come from
 * that one definition.
 */
import { z } from "zod";
import { ConfigProblem, show } from "./errors";
import { NAMESPACE } from "./read";

/** A plain object (not null, not a list): what a structured config value or a YAML mapping is. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Marks a custom issue whose message is a whole sentence about a key, not "expected …" (its value is not shown). */
const PROBLEM = "problem";
/** Prefix of the message an object schema gives its unknown keys: the keys it knows, for the suggestion. */
const KNOWN = "known:";

/** A string that passes `test` (a RegExp also becomes the JSON Schema `pattern`); anything else gets `accepted`. */
export function str(accepted: string, test?: RegExp | ((s: string) => boolean)) {
    const s = z.string({ error: accepted });
    if (test === undefined) return s;
    return test instanceof RegExp ? s.regex(test, { error: accepted }) : s.refine(test, { error: accepted });
}

/** An integer from `min` to `max`. */
export function int(min: number, max: number, accepted = `an integer from ${min} to ${max}`) {
    return z.number({ error: accepted }).int({ error: accepted }).min(min, { error: accepted }).max(max, { error: accepted });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(choices: T) {
    return z.enum(choices, { error: `one of ${choices.join(" | ")}` });
}

/** `true` or `false`, with its default. */
export function bool(fallback: boolean) {
    return z.boolean({ error: "true or false" }).default(fallback);
}

/**
 * An object that refuses keys it does not read: a typo must not silently fall back to a default.
 * The JSON Schema says `additionalProperties: false`, so editors flag the typo too.
 */
export function obj<S extends z.core.$ZodLooseShape>(shape: S) {
    const known = Object.keys(shape);
    return z.strictObject(shape, {
        error: (iss) => (iss.code === "unrecognized_keys" ? `${KNOWN}${known.join(",")}` : "an object"),
    });
}

/**
 * An absent block parsed as `{}`: its defaults apply and its required keys are reported. (zod's
 * `prefault` types its argument as the full input; `{}` is what the stack file leaves out.)
 */
export function absentIsEmpty<T extends z.ZodType>(schema: T) {
    return schema.prefault({} as z.input<T>);
}

/** Reports from a named cross-field rule. Paths are relative to the schema the rule sits on. */
export interface Report {
    /** The value at `path` is refused; `accepted` says what would be taken. */
    fail(path: (string | number)[], value: unknown, accepted: string): void;
    /** A problem with a key as such (its value is not shown). */
    problem(path: (string | number)[], message: string): void;
}

/**
 * A cross-field rule with a name (what it guards, for the reader of the schema). It runs when the
 * fields it reads passed their own checks, so a bad value is reported once, by its own check,
 * and the rule sees typed values.
 */
export interface Rule<T> {
    name: string;
    reads: string[];
    check(value: T, report: Report): void;
}

/** `schema` with its named rules attached (zod `superRefine`, gated on the fields each reads). */
export function withRules<T extends z.ZodType>(schema: T, rules: Rule<z.output<T>>[]): T {
    let out = schema;
    for (const rule of rules) {
        out = out.superRefine(
            (value, ctx) =>
                rule.check(value as z.output<T>, {
                    fail: (path, input, accepted) =>
                        ctx.addIssue({ code: "custom", path, input, message: accepted, params: { rule: rule.name } }),
                    problem: (path, message) =>
                        ctx.addIssue({ code: "custom", path, input: undefined, message, params: { rule: rule.name, [PROBLEM]: true } }),
                }),
            { when: (payload) => readsAreClean(payload, rule.reads) },
        ) as T;
    }
    return out;
}

/** True when the value is an object and no issue so far lies under any of `reads` (relative paths, dotted). */
function readsAreClean(payload: z.core.ParsePayload, reads: string[]): boolean {
    if (typeof payload.value !== "object" || payload.value === null) return false;
    return !payload.issues.some((iss) => {
        const at = (iss.path ?? []).map(String).join(".");
        return reads.some((r) => at === r || at.startsWith(`${r}.`) || r.startsWith(`${at}.`));
    });
}

/** A custom issue that is a whole sentence about a key (its value is not shown), for a preprocess step. */
export function problemIssue(path: (string | number)[], message: string): z.core.$ZodRawIssue {
    return { code: "custom", path, input: undefined, message, params: { [PROBLEM]: true } };
}

/** A key path as `pulumi config set --path` takes it: `apis[1].port`, `kong.apis.api01.service`. */
export function keyPath(path: readonly PropertyKey[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** `; did you mean X?` for the closest known key within two edits (case ignored), or "". */
export function suggestion(key: string, known: readonly string[], prefix = ""): string {
    const scored = known
        .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
        .filter((x) => x.d <= 2)
        .sort((x, y) => x.d - y.d);
    return scored.length > 0 ? `; did you mean ${prefix}${scored[0].k}?` : "";
}

/** Optimal string alignment distance: edits, with a swap of two neighbours as one. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** A refused value, as every message about one reads. */
export function failure(path: string, value: unknown, accepted: string): ConfigProblem {
    return { path: `${NAMESPACE}:${path}`, message: `${show(value, path)} is not accepted; expected ${accepted}` };
}

/** zod's issues as the operator's problems, in the order found. Values are shown through `show` (secrets redacted). */
export function problemsOf(issues: readonly z.core.$ZodIssue[], base: (string | number)[] = []): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const iss of issues) {
        const at = [...base, ...iss.path] as (string | number)[];
        const path = keyPath(at);
        if (iss.code === "unrecognized_keys" && iss.message.startsWith(KNOWN)) {
            const known = iss.message.slice(KNOWN.length).split(",");
            // The value is not echoed: an unknown key may well hold a token pasted in the wrong place.
            const unknown = iss.keys.map((key) => ({
                path: `${NAMESPACE}:${keyPath([...at, key])}`,
                message: `not a key this program reads (its value is not shown)${suggestion(key, known)}; known keys: ${known.join(", ")}`,
            }));
            // Reported before the object's other problems: a misspelt key explains the "missing" one that follows.
            const first = out.findIndex(
                (p) => p.path === `${NAMESPACE}:${path}` || p.path.startsWith(`${NAMESPACE}:${path}${path ? "." : ""}`),
            );
            out.splice(first < 0 ? out.length : first, 0, ...unknown);
            continue;
        }
        if (iss.code === "custom" && (iss.params as Record<string, unknown> | undefined)?.[PROBLEM]) {
            out.push({ path: `${NAMESPACE}:${path}`, message: iss.message });
            continue;
        }
        // A discriminator that matches no branch: the value shown is the discriminator's, not the whole object's.
        const input =
            iss.code === "invalid_union" && "discriminator" in iss && typeof iss.input === "object" && iss.input !== null
                ? (iss.input as Record<string, unknown>)[iss.discriminator as string]
                : iss.input;
        out.push(failure(path, input, iss.message));
    }
    return out;
}
