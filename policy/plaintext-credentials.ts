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
import { isUnknownValueError } from "./analyzer";

/** A PEM private key of any kind (PKCS#1, PKCS#8, EC, OpenSSH, encrypted). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** A JWT (header and payload are base64url JSON objects: `eyJ`), or an HTTP credential with its scheme. */
const TOKEN = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|^(?:Bearer|Basic) [A-Za-z0-9._~+/=-]{8,}$/;
/** Property names that say their value is a credential (their last word). */
const CREDENTIAL_NAME = /(?:password|passwd|passphrase|token|secret|apikey|api_key|accesskeysecret|privatekey|private_key|clientsecret)$/i;

/** What makes a leaf look like a credential, or undefined. */
function looksLike(key: string, value: string): string | undefined {
    if (PRIVATE_KEY.test(value)) return "a private key";
    if (TOKEN.test(value)) return "a token";
    if (value !== "" && CREDENTIAL_NAME.test(key)) return `a credential (by its name ${key})`;
    return undefined;
}

/** `value[key]`, or undefined for a value only an apply knows: it cannot hold a credential in plain text yet. */
function known(value: Record<string, unknown>, key: string | number): unknown {
    try {
        return value[key];
    } catch (err) {
        if (isUnknownValueError(err)) return undefined;
        throw err;
    }
}

/** Every string leaf with its path (`a.b[0].c`); a dynamic resource's serialised provider is code, not input. */
function* leaves(value: unknown, path: string[], key: string): Generator<{ path: string[]; key: string; value: string }> {
    if (typeof value === "string") yield { path, key, value };
    else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* leaves(known(value as never, i), [...path, `[${i}]`], key);
    else if (typeof value === "object" && value !== null)
        for (const k of Object.keys(value))
            if (!(path.length === 0 && k === "__provider")) yield* leaves(known(value as Record<string, unknown>, k), [...path, k], k);
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
            const what = looksLike(leaf.key, leaf.value);
            // The path, never the value: the message is printed and kept.
            if (what)
                reportViolation(
                    `${leaf.path.join(".").replace(/\.\[/g, "[")} holds ${what} in plain text: pass it as a Pulumi secret in a property the resource declares secret`,
                );
        }
    },
};
