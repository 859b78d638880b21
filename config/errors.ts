import * as pulumi from "@pulumi/pulumi";

/** One rule broken by one config value. */
export interface ConfigProblem {
    /** Full key path as `pulumi config set --path` takes it, e.g. `migration:apis[1].port`. */
    path: string;
    /** What is wrong and what would be accepted. */
    message: string;
}

/**
 * Bad stack configuration. A RunError, so the Pulumi CLI prints only the message (no stack
 * trace); the offline runner prints it to stderr and exits 2.
 */
export class ConfigError extends pulumi.RunError {
    readonly problems: ConfigProblem[];

    constructor(problems: ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
        this.problems = problems;
    }

    static isConfigError(err: unknown): err is ConfigError {
        return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).problems);
    }
}

function formatProblems(problems: ConfigProblem[]): string {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    return `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** Printed in place of a value that is, or looks like, a secret. */
export const REDACTED = "[redacted]";

/** Key names whose values are secrets whatever they hold (`tlsKey`, `kong.token`, `password`, ...). */
const SECRET_KEY_NAME = /(token|secret|passw(or)?d|passphrase|credentials?|key)s?$/i;
/** Keys that hold the *name* of a Kubernetes Secret, not secret material. */
export const NAMES_OF_SECRETS = new Set(["existingSecret", "secretName"]);
/** A PEM private key block (PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted PKCS#8, OpenSSH). */
export const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;
/** Words that mark a value as a credential even under an innocent key. */
const SECRET_WORD = /(secret|token|passw|bearer|tok[-_])/i;

/** Whether a string looks like a credential: a private key, a token-like word, or long random text. */
export function looksSecret(text: string): boolean {
    return PRIVATE_KEY_PEM.test(text) || SECRET_WORD.test(text) || looksRandom(text);
}

/**
 * Whether a string is key material by its shape alone (a private key, long random text),
 * leaving out the token-like words: what a value that names a Secret (`team1-tls-secret`)
 * must still not be.
 */
export function looksLikeKeyMaterial(text: string): boolean {
    return PRIVATE_KEY_PEM.test(text) || looksRandom(text);
}

/** Long unbroken random-looking text (API keys, base64 key material): letters and digits mixed, no dots or spaces. */
function looksRandom(text: string): boolean {
    return /^[A-Za-z0-9+/=_-]{24,}$/.test(text) && /[A-Za-z]/.test(text) && /\d/.test(text) && entropyBitsPerChar(text) >= 3.5;
}

function entropyBitsPerChar(text: string): number {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let bits = 0;
    for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
    return bits;
}

/** The last name in a key path: `kong.apis.api01.token` → `token`, `apis[1].name` → `name`. */
export function lastKey(path: string): string {
    const m = /([A-Za-z0-9_-]+)(\[\d+\])*$/.exec(path);
    return m ? m[1] : path;
}

/** Whether a key path names a secret. */
export function isSecretKeyPath(path: string): boolean {
    const key = lastKey(path);
    return !NAMES_OF_SECRETS.has(key) && SECRET_KEY_NAME.test(key);
}

/** A value with every secret-looking part replaced by "[redacted]", safe to print. */
export function redact(value: unknown, path = ""): unknown {
    if (path && isSecretKeyPath(path) && value !== undefined) return REDACTED;
    if (typeof value === "string") return looksSecret(value) ? REDACTED : redactUrlCredentials(value);
    if (Array.isArray(value)) return value.map((v, i) => redact(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, path ? `${path}.${k}` : k)]));
    }
    return value;
}

/** `https://user:pass@host` → `https://user:[redacted]@host`. */
function redactUrlCredentials(text: string): string {
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*):[^/@\s]*@/i, `$1:${REDACTED}@`);
}

/**
 * Renders a config value for an error message: strings quoted, objects as JSON, long values
 * cut, and anything that is or looks like a secret redacted (under a secret-named key, a
 * private key, a token) — an error message must never carry a credential.
 */
export function show(value: unknown, path = ""): string {
    if (value === undefined) return "(missing)";
    const safe = redact(value, path);
    if (safe === REDACTED) return REDACTED;
    const text = JSON.stringify(safe) ?? String(safe);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
