import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { editDistance } from "../config/parse";

/** Config as the Pulumi engine hands it to a program: `ns:key` → string (objects JSON-encoded). */
export interface EngineConfig {
    project: string;
    stack: string;
    /** Full keys (`migration:role`) to string values. */
    values: Record<string, string>;
    /** Keys whose values are secret (stored `secure:`); offline their values are placeholders. */
    secretKeys: string[];
}

/** Stands in for a `secure:` value, which cannot be decrypted without the stack's secrets provider. */
export const SECRET_PLACEHOLDER = "[secret: not decrypted offline]";

/** A stack file that is missing or malformed; the runner reports it like bad config. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

function readYaml(file: string): Record<string, unknown> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new StackFileError(`${file}: cannot be read`);
    }
    try {
        const doc = parseYaml(text) as unknown;
        if (doc === null || doc === undefined) return {};
        if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${file}: expected a YAML mapping at the top`);
        return doc as Record<string, unknown>;
    } catch (err) {
        if (err instanceof StackFileError) throw err;
        throw new StackFileError(`${file}: not valid YAML (${(err as Error).message.split("\n")[0]})`);
    }
}

function fullKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): value is { secure: string } {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces `secure:` values (top-level or nested, as `config set --secret --path` writes them) with the placeholder. */
function replaceSecure(value: unknown): { plain: unknown; secret: boolean } {
    if (isSecure(value)) return { plain: SECRET_PLACEHOLDER, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(replaceSecure);
        return { plain: items.map((i) => i.plain), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).map(([k, v]) => [k, replaceSecure(v)] as const);
        return { plain: Object.fromEntries(entries.map(([k, v]) => [k, v.plain])), secret: entries.some(([, v]) => v.secret) };
    }
    return { plain: value, secret: false };
}

/**
 * Project-level config in Pulumi.yaml: a scalar or list is the value; a mapping holds it
 * under `value` (or a declared `default`); a mapping with neither declares a key without a value.
 */
function projectDefault(entry: unknown): { has: boolean; value?: unknown } {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return { has: true, value: entry };
    const obj = entry as Record<string, unknown>;
    if ("value" in obj) return { has: true, value: obj.value };
    if ("default" in obj) return { has: true, value: obj.default };
    return { has: false };
}

/** Top-level keys of a stack file besides `config` (Pulumi's own). */
const STACK_FILE_KEYS = ["encryptionsalt", "encryptedkey", "secretsprovider", "environment"];

/**
 * Why a stack file without `config:` is refused: every stack sets migration:role there, and
 * without the block the engine would see none of the file's settings — the messages that
 * follow (role missing, keys missing) would all be echoes of a misspelt `confg:`.
 */
function noConfigBlock(doc: Record<string, unknown>): string {
    const close = Object.keys(doc).filter((k) => !STACK_FILE_KEYS.includes(k) && editDistance(k.toLowerCase(), "config") <= 2);
    return close.length > 0
        ? `no config: block, so none of its settings would be read; it has ${close.map((k) => `${k}:`).join(", ")} at the top: did you mean config:?`
        : "no config: block, so none of its settings would be read (every stack sets migration:role under config:)";
}

/**
 * Loads config the way the engine does: Pulumi.yaml's project-level config, overlaid by the
 * stack file (`Pulumi.<stack>.yaml`, or `configFile` in its place).
 */
export function loadStackConfig(projectDir: string, stack: string, configFile?: string): EngineConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const projectDoc = readYaml(projectFile);
    const project = projectDoc.name;
    if (typeof project !== "string" || project === "") throw new StackFileError(`${projectFile}: missing project name`);

    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const projectConfig = (projectDoc.config ?? {}) as Record<string, unknown>;
    for (const [key, entry] of Object.entries(projectConfig)) {
        const d = projectDefault(entry);
        if (d.has && d.value !== undefined) values[fullKey(project, key)] = encode(d.value);
    }

    const stackFile = configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
    const stackDoc = readYaml(stackFile);
    if (!("config" in stackDoc)) throw new StackFileError(`${stackFile}: ${noConfigBlock(stackDoc)}`);
    const stackConfig = stackDoc.config ?? {};
    if (typeof stackConfig !== "object" || Array.isArray(stackConfig)) throw new StackFileError(`${stackFile}: 'config' must be a mapping`);
    for (const [key, value] of Object.entries(stackConfig as Record<string, unknown>)) {
        const k = fullKey(project, key);
        const { plain, secret } = replaceSecure(value);
        values[k] = encode(plain);
        if (secret) secretKeys.add(k);
        else secretKeys.delete(k);
    }
    return { project, stack, values, secretKeys: [...secretKeys].sort() };
}
