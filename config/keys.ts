/**
 * Checks of the stack's `migration:*` keys as the engine passes them (flat keys, string values),
 * before any block is parsed: keys of another role or misspelt, flat keys that `pulumi config set`
 * without --path writes, private keys and credentials in plain values.
 */
import { suggestion } from "./checks";
import { ConfigProblem, lastKey, looksLikeKeyMaterial, looksSecret, NAMES_OF_SECRETS, PRIVATE_KEY_PEM, REDACTED, redact } from "./errors";
import { NAMESPACE } from "./read";
import { PRIVATEZONE_ZONE_ID } from "./schema/common";
import { ROLE_BLOCKS, ROLE_SECRETS } from "./schema/roles";
import { PresentKey, Role, ROLES } from "./types";

function problem(into: ConfigProblem[], path: string, message: string): void {
    into.push({ path: `${NAMESPACE}:${path}`, message });
}

/** Keys every stack reads. */
export const COMMON_KEYS: readonly string[] = ["role", "domains", "apis"];
/** The keys each role reads besides the common ones. */
export const ROLE_KEYS: Record<Role, readonly string[]> = {
    platform: roleKeys("platform"),
    cutover: roleKeys("cutover"),
    source: roleKeys("source"),
    workloads: roleKeys("workloads"),
};

function roleKeys(role: Role): string[] {
    return [...Object.keys(ROLE_BLOCKS[role]), ...Object.keys(ROLE_SECRETS[role])].filter((k) => !COMMON_KEYS.includes(k));
}
/** The one key where a private key belongs (as a secret). */
export const PRIVATE_KEY_SETTING = "tlsKey";
/** The one key where the Kong data plane's cluster certificate key belongs (as a secret). */
export const CLUSTER_KEY_SETTING = "kongClusterKey";
/** The secret setting a private key found under `key` belongs in: the cluster key for the Kong data plane's block, else the TLS key. */
function privateKeySettingFor(key: string): string {
    return key === "kongDataPlane" || key.startsWith("kongDataPlane.") ? CLUSTER_KEY_SETTING : PRIVATE_KEY_SETTING;
}
/** The one key where the Kong Admin token belongs (as a secret). */
export const KONG_TOKEN_SETTING = "kongAdminToken";

/**
 * Every `migration:*` key must be one the stack's role reads: a typo (`shortDomian`) or a key
 * of another role would otherwise be ignored and its part of the plan silently fall back to
 * defaults — deleting what the key was meant to keep.
 */
export function checkTopLevelKeys(c: ConfigProblem[], role: Role, present: PresentKey[]): void {
    const mine = [...COMMON_KEYS, ...ROLE_KEYS[role]];
    for (const { key, value, secret } of present) {
        if (mine.includes(key)) continue;
        const base = key.split(/[.[]/)[0];
        const allKeys = [...COMMON_KEYS, ...Object.values(ROLE_KEYS).flat()];
        if (key !== base && allKeys.includes(base)) {
            // What `pulumi config set` writes when --path is forgotten: a flat key nobody reads.
            const shown =
                secret || redact(value, key) !== value
                    ? "<value>"
                    : /^[A-Za-z0-9_.:/-]+$/.test(value)
                      ? value
                      : `'${value.replace(/'/g, "'\\''")}'`;
            problem(
                c,
                key,
                `a flat key with dots in its name, which the program never reads (pulumi config set without --path writes it); use: pulumi config rm '${NAMESPACE}:${key}' && pulumi config set${secret ? " --secret" : ""} --path '${NAMESPACE}:${key}' ${shown}`,
            );
            continue;
        }
        const owner = ROLES.find((r) => ROLE_KEYS[r].includes(key));
        if (owner) {
            problem(
                c,
                key,
                `a ${owner} key; this stack's role is ${role}: remove it (pulumi config rm ${NAMESPACE}:${key}) or set it on the ${owner} stack`,
            );
            continue;
        }
        problem(
            c,
            key,
            `not a key this program reads (its value is not shown)${suggestion(key, mine, `${NAMESPACE}:`)}; keys of a ${role} stack: ${mine.join(", ")}`,
        );
    }
}

/** Leaf paths under `value` whose text holds a PEM private key. */
function privateKeyPaths(value: unknown, path: string): string[] {
    if (typeof value === "string") return PRIVATE_KEY_PEM.test(value) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => privateKeyPaths(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => privateKeyPaths(v, `${path}.${k}`));
    return [];
}

/** A private key anywhere but the secret `tlsKey` setting would be stored, and shown, as plain text. */
export function checkPrivateKeys(c: ConfigProblem[], present: PresentKey[]): void {
    for (const { key, value } of present) {
        if (key === PRIVATE_KEY_SETTING || key === CLUSTER_KEY_SETTING) continue;
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // a plain string value
        }
        for (const path of privateKeyPaths(parsed, key)) {
            problem(
                c,
                path,
                `${REDACTED} is not accepted: it holds a PEM private key, which belongs only in the secret ${NAMESPACE}:${privateKeySettingFor(key)} (pulumi config set --secret ${NAMESPACE}:${privateKeySettingFor(key)} -- "$(cat key.pem)"); remove it from here`,
            );
        }
    }
}

/**
 * Public identifiers whose shape shows what they are, by the key that holds them. Real ones
 * (a 32-character zone id, a vpc-/vsw-/lb- id) are long random-looking text, which the
 * secret detector alone would refuse; a token in one of these keys has to match the shape
 * too. One that does (a lower-case 16–32 character token in dns.zoneId) cannot be told from
 * an id by its text.
 */
const PUBLIC_ID_SHAPES: Record<string, RegExp> = {
    zoneId: PRIVATEZONE_ZONE_ID,
    vpcIds: /^vpc-[a-z0-9]+$/,
    vSwitchId: /^vsw-[a-z0-9]+$/,
    vswitchId: /^vsw-[a-z0-9]+$/,
    id: /^((alb|lb)-[a-z0-9]+|\d+)$/,
    loadBalancerId: /^lb-[a-z0-9]+$/,
    certificateIds: /^\d+-[a-z0-9-]+$/,
    // Its choices name the header the token travels in (kong-admin-token), not the token.
    auth: /^(kong-admin-token|bearer)$/,
};
/** Keys that hold PEM certificates, public by nature; a private key among them is refused by checkPrivateKeys. */
const CERTIFICATE_KEYS = new Set(["certificate", "caBundle"]);

/** Keys whose items are names of annotations or objects (`nginx.ingress.kubernetes.io/auth-secret`), never credentials. */
const LISTS_OF_NAMES = new Set(["acceptDroppedAnnotations", "keepLoadBalancers"]);

/** Whether a plain config value at `path` looks like a credential, with the public shapes above left out. */
function plainValueLooksSecret(path: string, text: string): boolean {
    const key = lastKey(path);
    if (CERTIFICATE_KEYS.has(key) || PUBLIC_ID_SHAPES[key]?.test(text)) return false;
    // The name of a Kubernetes Secret (team1-tls-secret) or of an annotation (…/auth-secret) often
    // says "secret": only key material counts there.
    return NAMES_OF_SECRETS.has(key) || LISTS_OF_NAMES.has(key) ? looksLikeKeyMaterial(text) : looksSecret(text);
}

/** Every string leaf under `value`, with its key path. */
function stringLeaves(value: unknown, path: string): [string, string][] {
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, `${path}.${k}`));
    return [];
}

/**
 * The secret detector sees every plain value the stack sets, not only the ones an error message
 * would show: a plain value reaches resource inputs, warnings and the plan (a Kong token pasted
 * into dns.zoneId was printed eight times), and is stored unencrypted. Runs last, so a value
 * already refused (or a key already reported) is not reported twice; secret settings are
 * skipped, as are the two secrets' own keys, which say themselves when they are stored plain.
 */
export function checkPlainSecrets(c: ConfigProblem[], present: PresentKey[]): void {
    const reported = c.map((p) => p.path.slice(NAMESPACE.length + 1));
    const covered = (path: string) => reported.some((r) => path === r || path.startsWith(`${r}.`) || path.startsWith(`${r}[`));
    for (const { key, value, secret } of present) {
        if (secret || key === PRIVATE_KEY_SETTING || key === KONG_TOKEN_SETTING || key === CLUSTER_KEY_SETTING) continue;
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // a plain string value
        }
        for (const [path, text] of stringLeaves(parsed, key)) {
            if (covered(path) || !plainValueLooksSecret(path, text)) continue;
            problem(
                c,
                path,
                `${REDACTED} is not accepted: it looks like a credential (a token or key), which a plain config value stores unencrypted and the plan prints; the Kong Admin token belongs only in the secret ${NAMESPACE}:${KONG_TOKEN_SETTING}, a private key only in the secret ${NAMESPACE}:${PRIVATE_KEY_SETTING} (pulumi config set --secret …)`,
            );
        }
    }
}
