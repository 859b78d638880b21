/**
 * No credential travels as plain text in a resource's inputs: the state file and `pulumi preview
 * --diff` would carry it. pulumi-policy hands a validation every input already unwrapped
 * (@pulumi/policy 1.21.0 deserialize.js: "secrets must be fully unpacked"), so a policy cannot
 * tell a Pulumi secret from plain text by its value. What it does see is the resource's own
 * declaration, the `additionalSecretOutputs` option: @pulumi/kubernetes sets it to data and
 * stringData on every Secret (core/v1/secret.js), and this project's dynamic resources to the
 * Admin token they carry (providers/kong.ts, providers/health-gate.ts) — each also sent as a
 * secret. A credential-looking value anywhere else is a violation. The offline plan (offline/
 * policies.ts) builds the same arguments from the same wire values, so it sees what the CLI sees.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known } from "./analyzer";

/** A PEM private key of any kind (PKCS#1, PKCS#8, EC, OpenSSH, encrypted). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** A JWT (header and payload are base64url JSON objects: `eyJ`), or an HTTP credential with its scheme. */
const TOKEN = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|^(?:Bearer|Basic) [A-Za-z0-9._~+/=-]{8,}$/;
/** The last word (or last two) of a name that says its value is a credential. */
const CREDENTIAL_WORDS = new Set([
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "pass",
    "token",
    "secret",
    "credential",
    "credentials",
    "apikey",
    "privatekey",
    "accesskeysecret",
]);

/** Whether a name (a property's, an env var's, an assignment's) says its value is a credential: `DB_PASS`, `adminToken`, `api-key`. */
function credentialName(name: string): boolean {
    const words = name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
    const last = words.slice(-3);
    return [last.slice(-1), last.slice(-2), last].some((w) => w.length > 0 && CREDENTIAL_WORDS.has(w.join("")));
}
/**
 * `name=value` or `name: value` inside a text: a `--db-password=…` argument, a properties-file
 * line, a JSON or YAML text (`"password": "…"`), the name and the value quoted or not.
 */
const ASSIGNMENT = /(?:^|[\s;,&?{"'])(?:--?)?([A-Za-z0-9_.-]+)["']?[ \t]*[=:][ \t]*["']?([^\s;,&"'}]+)/g;
/** The password of a URL's user information (`postgres://app:…@db:5432/app`). */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^@\s/]+)@/i;
/** A command-line flag whose value is the next argument (`--db-password`, `…`). */
const FLAG = /^--?([A-Za-z0-9_.-]+)$/;

/**
 * Whether a value said to be a credential is one: eight characters or more, not a word people
 * use for a switch, not a placeholder filled elsewhere (`${VAR}`, `$(VAR)`), not a file's path
 * (`/run/secrets/db-password`), and with a digit or a symbol in it — so `"true"` (an injector's
 * switch) and `X-CSRF-Token` (a header's name) are not; a password of letters only goes unseen,
 * the price of not flagging every name.
 */
function secretLike(value: string): boolean {
    return (
        value.length >= 8 &&
        !/^(?:true|false|yes|no|on|off|null|none|enabled|disabled)$/i.test(value) &&
        !/^\$[({]/.test(value) &&
        !value.startsWith("/") &&
        !/^\d+$/.test(value) &&
        /[0-9!@#%^*+=~]/.test(value)
    );
}

/**
 * Whether `name`/`value` is a reference to a Kubernetes Secret rather than a credential: the
 * name says "secret" and the value is an object name or `namespace/name`
 * (`nginx.ingress.kubernetes.io/auth-secret: team1-ns/basic-auth`, `SECRET=team1-db-secret`).
 */
function secretReference(name: string, value: string): boolean {
    return /secret$/i.test(name) && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/.test(value);
}

/** A credential-named value: `how` says where the name comes from. */
function named(name: string, value: string, how: string): string | undefined {
    return credentialName(name) && secretLike(value) && !secretReference(name, value) ? `a credential (${how})` : undefined;
}

/** What makes a leaf look like a credential, or undefined. */
function looksLike(leaf: Leaf): string | undefined {
    const { key, value } = leaf;
    if (PRIVATE_KEY.test(value)) return "a private key";
    if (TOKEN.test(value)) return "a token";
    const password = URL_PASSWORD.exec(value)?.[1];
    if (password !== undefined && !/^\$[({]/.test(password)) return "a credential (a password in a URL)";
    const byContext = leaf.env
        ? named(leaf.env, value, `env ${leaf.env}`)
        : leaf.flag
          ? named(leaf.flag, value, `argument --${leaf.flag}`)
          : undefined;
    if (byContext) return byContext;
    const byName = named(key, value, `by its name ${key}`);
    if (byName) return byName;
    for (const [, name, v] of value.matchAll(ASSIGNMENT)) {
        const found = named(name, v, `a ${name} assignment in its text`);
        if (found) return found;
    }
    return undefined;
}

/** `value[key]`, or undefined for a value only an apply knows: it cannot hold a credential in plain text yet. */
const field = (value: Record<string, unknown>, key: string | number): unknown => known(() => value[key]);

interface Leaf {
    path: string[];
    key: string;
    value: string;
    /** The `name` beside it, when it is the `value` of a `{name, value}` pair (a container's env var). */
    env?: string;
    /** The flag before it, when it is the argument after `--<name>` in a list (`args`, `command`). */
    flag?: string;
}

/** Every string leaf with its path (`a.b[0].c`); a dynamic resource's serialised provider is code, not input. */
function* leaves(value: unknown, path: string[], key: string, context: Pick<Leaf, "env" | "flag"> = {}): Generator<Leaf> {
    if (typeof value === "string") yield { path, key, value, ...context };
    else if (Array.isArray(value))
        for (let i = 0; i < value.length; i++) {
            const before = i > 0 ? field(value as never, i - 1) : undefined;
            const flag = typeof before === "string" ? FLAG.exec(before)?.[1] : undefined;
            yield* leaves(field(value as never, i), [...path, `[${i}]`], key, flag ? { flag } : {});
        }
    else if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        const name = field(obj, "name");
        for (const k of Object.keys(obj))
            if (!(path.length === 0 && k === "__provider"))
                yield* leaves(field(obj, k), [...path, k], k, k === "value" && typeof name === "string" ? { env: name } : {});
    }
}

export const noPlaintextCredentials: ResourceValidationPolicy = {
    name: "no-plaintext-credentials",
    description:
        "No input that looks like a private key or a token (or is named as a credential) outside the properties the resource declares secret (additionalSecretOutputs): secrets only as Pulumi secrets.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const declared = new Set(args.opts.additionalSecretOutputs ?? []);
        for (const leaf of leaves(args.props, [], "")) {
            if (declared.has(leaf.path[0])) continue;
            const what = looksLike(leaf);
            // The path, never the value: the message is printed and kept.
            if (what)
                reportViolation(
                    `${leaf.path.join(".").replace(/\.\[/g, "[")} holds ${what} in plain text: pass it as a Pulumi secret in a property the resource declares secret`,
                );
        }
    },
};
