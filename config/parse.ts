import { parseEndpoint } from "../vocabulary/probes";
import { DEFAULT_LINE, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_RETRY } from "../providers/alibaba-calls";
import { PRIVATEZONE_TTLS } from "../providers/name-records";
import { isIP } from "node:net";
import {
    albConfigName,
    controllerNames,
    cutoverOwnNames,
    ingressNginxNames,
    inZone,
    legacyHost,
    legacyWildcard,
} from "../vocabulary/naming";
import {
    ConfigError,
    ConfigProblem,
    lastKey,
    looksLikeKeyMaterial,
    looksSecret,
    NAMES_OF_SECRETS,
    PRIVATE_KEY_PEM,
    REDACTED,
    redact,
    show,
} from "./errors";
import { pemCertificates } from "./tls";
import {
    Api,
    ControllerConfig,
    CutoverConfig,
    DNS_EDITIONS,
    DnsEdition,
    DnsSettings,
    CutoverSettings,
    GateSettings,
    AlbConfigSettings,
    ClbConfig,
    PHASES,
    TargetAddress,
    Domains,
    INGRESS_IMPLEMENTATION_NAMES,
    IngressImplementationName,
    KongApiSettings,
    KongSettings,
    RelaxedServiceSettings,
    DecommissionSettings,
    SourceConfig,
    SourceIngress,
    SourceSettings,
    WildcardRecord,
    LoadBalancerConfig,
    PlatformConfig,
    PresentKey,
    RawConfig,
    ROLES,
    Role,
    ShortDomainConfig,
    StackConfig,
    TlsConfig,
} from "./types";

export { NAMESPACE } from "./read";
import { NAMESPACE } from "./read";

/** Cluster B's existing IngressClass: the isolated controllers must never claim it. */
export const RESERVED_CLASS_NAMES = ["nginx"];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Kubernetes Service names are RFC 1035 labels: they start with a letter. */
const DNS_1035_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `name` is a lower-case DNS name of two or more RFC 1123 labels, at most 253 characters. */
export function isDnsName(name: string): boolean {
    if (name.length > 253) return false;
    const labels = name.split(".");
    return labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l));
}

/** True when `label` is one lower-case RFC 1123 label (what Kubernetes calls a DNS label). */
export function isDnsLabel(label: string): boolean {
    return DNS_LABEL.test(label);
}

/**
 * What `completeWith` accepts when B is a DNS name (pinned in cutover.targetHost, or an ALB's
 * published by the platform stack): complete already leaves each legacy name a CNAME to
 * `<api>-b`, which CNAMEs to B's load balancer; "cname" (the long host) is a step for B by address.
 */
export const COMPLETE_WITH_B_BY_NAME =
    '"address" while B is a DNS name: complete then leaves each legacy name a CNAME to <api>-b, which points at B\'s load balancer (completeWith: cname replaces an A record, which B by name never has)';

/** Collects problems with their key paths so one run reports every bad value at once. */
class Checker {
    readonly problems: ConfigProblem[] = [];

    fail(path: string, value: unknown, accepted: string): void {
        this.problems.push({ path: `${NAMESPACE}:${path}`, message: `${show(value, path)} is not accepted; expected ${accepted}` });
    }

    /** A problem with a key as such (its value is not shown). */
    problem(path: string, message: string): void {
        this.problems.push({ path: `${NAMESPACE}:${path}`, message });
    }

    object(path: string, value: unknown, required = true): Record<string, unknown> | undefined {
        if (value === undefined && !required) return undefined;
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.fail(path, value, "an object");
            return undefined;
        }
        return value as Record<string, unknown>;
    }

    /** Reports keys the program does not know: a typo must not silently fall back to a default. */
    knownKeys(path: string, obj: Record<string, unknown>, keys: readonly string[]): void {
        for (const key of Object.keys(obj)) {
            if (keys.includes(key)) continue;
            // The value is not echoed: an unknown key may well hold a token pasted in the wrong place.
            this.problem(
                `${path}.${key}`,
                `not a key this program reads (its value is not shown)${suggestion(key, keys)}; known keys: ${keys.join(", ")}`,
            );
        }
    }

    string(path: string, value: unknown, accepted: string, test: (s: string) => boolean): string | undefined {
        if (typeof value !== "string" || !test(value)) {
            this.fail(path, value, accepted);
            return undefined;
        }
        return value;
    }

    optionalString(path: string, value: unknown, accepted: string, test: (s: string) => boolean): string | undefined {
        return value === undefined ? undefined : this.string(path, value, accepted, test);
    }

    integer(path: string, value: unknown, min: number, max: number): number | undefined {
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            this.fail(path, value, `an integer from ${min} to ${max}`);
            return undefined;
        }
        return value;
    }

    oneOf<T extends string>(path: string, value: unknown, choices: readonly T[]): T | undefined {
        if (typeof value !== "string" || !choices.includes(value as T)) {
            this.fail(path, value, `one of ${choices.join(" | ")}`);
            return undefined;
        }
        return value as T;
    }

    /** `oneOf` for a key with a default: absent is `fallback`. */
    oneOfOr<T extends string>(path: string, value: unknown, choices: readonly T[], fallback: T): T | undefined {
        return value === undefined ? fallback : this.oneOf(path, value, choices);
    }

    boolean(path: string, value: unknown, fallback: boolean): boolean {
        if (value === undefined) return fallback;
        if (typeof value !== "boolean") {
            this.fail(path, value, "true or false");
            return fallback;
        }
        return value;
    }
}

/**
 * Parses and validates the stack's raw config into one typed object. Pure: no I/O, no
 * resources; throws ConfigError listing every problem found.
 */
export function parseConfig(raw: RawConfig): StackConfig {
    const c = new Checker();
    const role = c.oneOf<Role>("role", raw.role, ROLES);
    if (raw.present) {
        if (role) checkTopLevelKeys(c, role, raw.present);
        checkPrivateKeys(c, raw.present);
    }
    const domains = parseDomains(c, raw.domains);
    const apis = parseApis(c, raw.apis);

    if (role === "platform") {
        const ingress = parseController(c, "ingress", raw.ingress, ["acceptLegacyHosts"]);
        const acceptLegacyHosts = c.boolean(
            "ingress.acceptLegacyHosts",
            (raw.ingress as { acceptLegacyHosts?: unknown } | undefined)?.acceptLegacyHosts,
            true,
        );
        const shortDomain = parseShortDomain(c, raw.shortDomain);
        if (ingress && shortDomain?.mode === "dedicated") checkDistinctControllers(c, ingress, shortDomain.controller);
        const tls = parseTls(c, raw);
        throwIfProblems(c, raw);
        const config: PlatformConfig = {
            role,
            domains: domains!,
            apis: apis!,
            ingress: { ...ingress!, acceptLegacyHosts },
            shortDomain: shortDomain!,
            tls: tls!,
        };
        return config;
    }
    if (role === "cutover") {
        const dns = parseDns(c, raw.dns);
        const cutover = parseCutover(c, raw.cutover, apis, domains);
        if (cutover?.target.kind === "stack" && namesSelf(cutover.target.stack, raw.self)) {
            c.fail(
                "cutover.platformStack",
                cutover.target.stack,
                "the platform stack (role platform) that publishes B's address, not this stack itself (a stack referencing itself is a reference cycle)",
            );
        }
        if (dns && domains && apis) checkZoneHoldsLegacyNames(c, dns.zone, domains, apis);
        if (cutover?.target.kind === "host" && dns?.service === "alidns") {
            c.fail(
                "cutover.targetHost",
                cutover.target.host,
                "B's IPv4 in cutover.targetAddress on public Alidns: Alidns weights only A/AAAA records, and a name cannot hold an A record and a CNAME at once, so a B addressed by a host name cannot be weighted against A's address there; use dns.service: privatezone (weighted CNAMEs through <api>-a/<api>-b intermediate names), or pin an IPv4 of B",
            );
        }
        const kong = raw.kong === undefined ? undefined : parseKong(c, raw, domains, apis, cutover, dns);
        throwIfProblems(c, raw);
        const config: CutoverConfig = { role, domains: domains!, apis: apis!, cutover: cutover!, dns: dns!, ...(kong ? { kong } : {}) };
        return config;
    }
    if (role !== "source") {
        // The role itself is bad: its message is the one that matters.
        throwIfProblems(c);
        throw new Error("unreachable: an invalid role always reports a problem");
    }
    const source = parseSource(c, raw.source, apis, domains);
    if (source && namesSelf(source.cutoverStack, raw.self)) {
        c.fail(
            "source.cutoverStack",
            source.cutoverStack,
            "the cutover stack (role cutover) whose outputs show where traffic goes, not this stack itself (a stack referencing itself is a reference cycle)",
        );
    }
    const decommission = parseDecommission(c, raw.decommission, apis);
    throwIfProblems(c, raw);
    const config: SourceConfig = { role: "source", domains: domains!, apis: apis!, source: source!, decommission: decommission! };
    return config;
}

/** The stack a role reads through a StackReference: the key that names it, and the role that stack must have. */
export const REFERENCE_OF_ROLE: Partial<Record<Role, { key: string; role: Role }>> = {
    cutover: { key: "cutover.platformStack", role: "platform" },
    source: { key: "source.cutoverStack", role: "cutover" },
};

/**
 * A referenced stack whose `role` output is not the one its key expects: a guard reading a
 * platform stack's outputs would find no traffic rows and judge on nothing. Used by the program
 * (on the stack's outputs) and by the offline plan (on its file, before planning it).
 */
export function wrongRoleProblem(key: string, stack: string, expected: Role, seen: unknown): ConfigProblem {
    const said = typeof seen === "string" ? `its outputs say role ${JSON.stringify(seen)}` : "its outputs carry no role";
    return {
        path: `${NAMESPACE}:${key}`,
        message: `${JSON.stringify(stack)} is not accepted; expected a stack of role ${expected} (${said})`,
    };
}

/** Keys every stack reads. */
export const COMMON_KEYS: readonly string[] = ["role", "domains", "apis"];
/** The keys each role reads besides the common ones. */
export const ROLE_KEYS: Record<Role, readonly string[]> = {
    platform: ["ingress", "shortDomain", "tls", "tlsKey"],
    cutover: ["cutover", "dns", "kong", "kongAdminToken"],
    source: ["source", "decommission"],
};
/** The one key where a private key belongs (as a secret). */
const PRIVATE_KEY_SETTING = "tlsKey";
/** The one key where the Kong Admin token belongs (as a secret). */
const KONG_TOKEN_SETTING = "kongAdminToken";

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

/** `; did you mean X?` for the closest known key within two edits (case ignored), or "". */
function suggestion(key: string, known: readonly string[], prefix = ""): string {
    const scored = known
        .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
        .filter((x) => x.d <= 2)
        .sort((x, y) => x.d - y.d);
    return scored.length > 0 ? `; did you mean ${prefix}${scored[0].k}?` : "";
}

/**
 * Every `migration:*` key must be one the stack's role reads: a typo (`shortDomian`) or a key
 * of another role would otherwise be ignored and its part of the plan silently fall back to
 * defaults — deleting what the key was meant to keep.
 */
function checkTopLevelKeys(c: Checker, role: Role, present: PresentKey[]): void {
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
            c.problem(
                key,
                `a flat key with dots in its name, which the program never reads (pulumi config set without --path writes it); use: pulumi config rm '${NAMESPACE}:${key}' && pulumi config set${secret ? " --secret" : ""} --path '${NAMESPACE}:${key}' ${shown}`,
            );
            continue;
        }
        const owner = ROLES.find((r) => ROLE_KEYS[r].includes(key));
        if (owner) {
            c.problem(
                key,
                `a ${owner} key; this stack's role is ${role}: remove it (pulumi config rm ${NAMESPACE}:${key}) or set it on the ${owner} stack`,
            );
            continue;
        }
        c.problem(
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
function checkPrivateKeys(c: Checker, present: PresentKey[]): void {
    for (const { key, value } of present) {
        if (key === PRIVATE_KEY_SETTING) continue;
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // a plain string value
        }
        for (const path of privateKeyPaths(parsed, key)) {
            c.problem(
                path,
                `${REDACTED} is not accepted: it holds a PEM private key, which belongs only in the secret ${NAMESPACE}:${PRIVATE_KEY_SETTING} (pulumi config set --secret ${NAMESPACE}:${PRIVATE_KEY_SETTING} -- "$(cat key.pem)"); remove it from here`,
            );
        }
    }
}

/** A PrivateZone zone id as the service issues them: 16 to 32 lower-case letters and digits (e.g. 2c5f0e1d9a7b4f6e). */
export const PRIVATEZONE_ZONE_ID = /^[a-z0-9]{16,32}$/;

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

/** Whether a plain config value at `path` looks like a credential, with the public shapes above left out. */
function plainValueLooksSecret(path: string, text: string): boolean {
    const key = lastKey(path);
    if (CERTIFICATE_KEYS.has(key) || PUBLIC_ID_SHAPES[key]?.test(text)) return false;
    // The name of a Kubernetes Secret often says "secret" (team1-tls-secret): only key material counts there.
    return NAMES_OF_SECRETS.has(key) ? looksLikeKeyMaterial(text) : looksSecret(text);
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
function checkPlainSecrets(c: Checker, present: PresentKey[]): void {
    const reported = c.problems.map((p) => p.path.slice(NAMESPACE.length + 1));
    const covered = (path: string) => reported.some((r) => path === r || path.startsWith(`${r}.`) || path.startsWith(`${r}[`));
    for (const { key, value, secret } of present) {
        if (secret || key === PRIVATE_KEY_SETTING || key === KONG_TOKEN_SETTING) continue;
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // a plain string value
        }
        for (const [path, text] of stringLeaves(parsed, key)) {
            if (covered(path) || !plainValueLooksSecret(path, text)) continue;
            c.problem(
                path,
                `${REDACTED} is not accepted: it looks like a credential (a token or key), which a plain config value stores unencrypted and the plan prints; the Kong Admin token belongs only in the secret ${NAMESPACE}:${KONG_TOKEN_SETTING}, a private key only in the secret ${NAMESPACE}:${PRIVATE_KEY_SETTING} (pulumi config set --secret …)`,
            );
        }
    }
}

/** TTL floors of the Alidns editions; below them the API answers QuotaExceeded.TTL. */
export const TTL_FLOOR: Record<DnsEdition, number> = { free: 600, basic: 120, standard: 60, ultimate: 10, exclusive: 1 };
/** Weighted records one name (and line) may hold per edition. */
export const MAX_WEIGHTED_RECORDS: Record<DnsEdition, number> = { free: 10, basic: 90, standard: 90, ultimate: 90, exclusive: 90 };
/** Records each legacy name carries while weighted: one to A, one to B. */
export const WEIGHTED_RECORDS_PER_NAME = 2;
const TTL_CEILING = 86400;

/** What is accepted when a name would carry more weighted records than the edition allows, or undefined. */
export function weightedRecordLimitProblem(edition: DnsEdition, recordsPerName: number): string | undefined {
    const max = MAX_WEIGHTED_RECORDS[edition];
    return recordsPerName > max
        ? `an edition that allows ${recordsPerName} weighted records per name (${edition} allows ${max})`
        : undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a Pulumi stack name: `stack`, `project/stack` or `org/project/stack`. */
export function isStackName(value: string): boolean {
    return /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(value);
}

/** Whether a stack name (`stack`, `project/stack`, `org/project/stack`) names this very stack. */
export function namesSelf(name: string, self: { project: string; stack: string } | undefined): boolean {
    if (!self) return false;
    const parts = name.split("/");
    return parts[parts.length - 1] === self.stack && (parts.length < 2 || parts[parts.length - 2] === self.project);
}

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(value: string): boolean {
    return IPV4.test(value);
}

const DNS_SERVICES = ["alidns", "privatezone"] as const;
/** Keys of `migration:dns` that only PrivateZone reads. */
const PRIVATEZONE_KEYS = ["zoneId", "vpcIds"] as const;
/** A resolution line: "default", or a line identifier such as telecom, unicom, cn_mobile_anhui. */
const DNS_LINE = /^[a-z0-9_]{1,32}$/;

/**
 * Which service holds the names decides what every other `migration:dns` key may be. When it is
 * misspelt, or missing beside PrivateZone's own keys, that is the one problem reported: the
 * rest (zoneId and vpcIds "unknown", edition missing, TTLs judged by the wrong service) would
 * only be its echoes. Returns the service, or undefined after reporting.
 */
function dnsService(c: Checker, obj: Record<string, unknown>): (typeof DNS_SERVICES)[number] | undefined {
    if (obj.service !== undefined) return c.oneOf("dns.service", obj.service, DNS_SERVICES);
    const typo = Object.keys(obj).find((k) => k !== "service" && editDistance(k.toLowerCase(), "service") <= 2);
    if (typo) {
        c.problem(
            `dns.${typo}`,
            "not a key this program reads (its value is not shown); did you mean service? (without dns.service the legacy names are taken to be public Alidns records)",
        );
        return undefined;
    }
    const pvtzKeys = PRIVATEZONE_KEYS.filter((k) => obj[k] !== undefined);
    if (pvtzKeys.length > 0) {
        const keys = pvtzKeys.map((k) => `dns.${k}`).join(" and ");
        c.fail(
            "dns.service",
            undefined,
            `privatezone, since ${keys} ${pvtzKeys.length === 1 ? "is" : "are"} set (PrivateZone settings; without dns.service the legacy names are taken to be public Alidns records), or no ${keys} for Alidns`,
        );
        return undefined;
    }
    return "alidns";
}

function parseDns(c: Checker, value: unknown): DnsSettings | undefined {
    const obj = c.object("dns", value);
    if (!obj) return undefined;
    const service = dnsService(c, obj);
    if (!service) return undefined;
    const pvtz = service === "privatezone";
    c.knownKeys("dns", obj, [
        "service",
        "zone",
        ...(pvtz ? PRIVATEZONE_KEYS : ["edition"]),
        "ttl",
        "line",
        "endpoint",
        "retries",
        "retryBackoffMs",
        "requestsPerSecond",
    ]);
    const retries = obj.retries === undefined ? DEFAULT_RETRY.retries : c.integer("dns.retries", obj.retries, 0, 10);
    const backoffMs =
        obj.retryBackoffMs === undefined ? DEFAULT_RETRY.backoffMs : c.integer("dns.retryBackoffMs", obj.retryBackoffMs, 1, 10_000);
    const zone = c.string(
        "dns.zone",
        obj.zone,
        `the ${pvtz ? "PrivateZone" : "Alidns"} zone (domain) that holds the legacy names, e.g. aliyun.cloud.cn.aibang`,
        isDnsName,
    );
    const edition = pvtz ? undefined : c.oneOf<DnsEdition>("dns.edition", obj.edition, DNS_EDITIONS);
    // A zone id has one shape; anything else (a token pasted here passed the old letters-and-digits
    // pattern and was printed in every record's inputs) is refused, and shown only if it does not look secret.
    const zoneId = pvtz
        ? c.string(
              "dns.zoneId",
              obj.zoneId,
              "the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e",
              (x) => PRIVATEZONE_ZONE_ID.test(x),
          )
        : undefined;
    const line =
        obj.line === undefined
            ? DEFAULT_LINE
            : c.string(
                  "dns.line",
                  obj.line,
                  'the resolution line of the records: "default", or a line identifier of a-z, 0-9 and _, at most 32 characters (e.g. telecom)',
                  (x) => DNS_LINE.test(x),
              );
    let vpcIds: string[] | undefined;
    if (pvtz) {
        const list = obj.vpcIds;
        if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== "string" || !/^vpc-[a-z0-9]+$/.test(v))) {
            c.fail(
                "dns.vpcIds",
                list,
                "a non-empty list of VPC ids (vpc-…) whose clients resolve the legacy names (cluster A's, B's, Kong's)",
            );
        } else if (new Set(list).size !== list.length) c.fail("dns.vpcIds", list, "each VPC listed once");
        else vpcIds = list as string[];
    }
    const defaultEndpoint = pvtz ? "pvtz.aliyuncs.com" : "alidns.aliyuncs.com";
    const endpoint =
        obj.endpoint === undefined
            ? defaultEndpoint
            : c.string("dns.endpoint", obj.endpoint, `an API host name, e.g. ${defaultEndpoint} or a regional/VPC endpoint`, isDnsName);
    const ttlObj = c.object("dns.ttl", obj.ttl);
    let ttl: DnsSettings["ttl"] | undefined;
    if (ttlObj) {
        c.knownKeys("dns.ttl", ttlObj, ["cutover", "steady"]);
        const floor = edition ? TTL_FLOOR[edition] : 1;
        const why = edition ? ` (the ${edition} edition's floor is ${floor} s)` : "";
        const check = (key: "cutover" | "steady") => {
            const v = ttlObj[key];
            if (pvtz) {
                if (typeof v !== "number" || !PRIVATEZONE_TTLS.includes(v)) {
                    c.fail(`dns.ttl.${key}`, v, `one of ${PRIVATEZONE_TTLS.join(", ")} (the TTLs PrivateZone accepts, in seconds)`);
                    return undefined;
                }
                return v;
            }
            if (typeof v !== "number" || !Number.isInteger(v) || v < floor || v > TTL_CEILING) {
                c.fail(`dns.ttl.${key}`, v, `an integer number of seconds from ${floor} to ${TTL_CEILING}${why}`);
                return undefined;
            }
            return v;
        };
        const cutover = check("cutover");
        const steady = check("steady");
        if (cutover !== undefined && steady !== undefined && cutover > steady) {
            c.fail("dns.ttl.cutover", cutover, `a TTL no longer than dns.ttl.steady (${steady}): the cutover TTL is the short one`);
        } else if (cutover !== undefined && steady !== undefined) ttl = { cutover, steady };
    }
    const tooMany = edition ? weightedRecordLimitProblem(edition, WEIGHTED_RECORDS_PER_NAME) : undefined;
    if (tooMany) c.fail("dns.edition", edition, tooMany);
    if (!zone || !ttl || !line || !endpoint || retries === undefined || backoffMs === undefined) return undefined;
    // Alibaba Cloud's quotas are per API and account (Alidns: 60/s for record writes, 300/s for
    // DescribeSubDomainRecords; shared/notes/alibaba-cloud.md): one pace per endpoint under the smallest leaves room for other callers.
    const requestsPerSecond =
        obj.requestsPerSecond === undefined
            ? DEFAULT_REQUESTS_PER_SECOND
            : c.integer("dns.requestsPerSecond", obj.requestsPerSecond, 1, 1000);
    if (requestsPerSecond === undefined) return undefined;
    const retry = { retries, backoffMs };
    if (pvtz)
        return zoneId && vpcIds
            ? { service: "privatezone", zone, zoneId, vpcIds, ttl, line, endpoint, retry, requestsPerSecond }
            : undefined;
    return edition ? { service: "alidns", zone, edition, ttl, line, endpoint, retry, requestsPerSecond } : undefined;
}

/** An IPv4 or IPv6 literal (bracketed or not), or anything dotted-quad-like: never a DNS name. */
function isIpLiteral(text: string): boolean {
    return isIP(text.replace(/^\[(.*)\]$/, "$1")) !== 0 || /^\d+(\.\d+){3}$/.test(text);
}

function parseCutover(c: Checker, value: unknown, apis: Api[] | undefined, domains?: Domains): CutoverSettings | undefined {
    const obj = c.object("cutover", value);
    if (!obj) return undefined;
    c.knownKeys("cutover", obj, [
        "phase",
        "weights",
        "sourceAddress",
        "targetAddress",
        "targetHost",
        "platformStack",
        "completeWith",
        "allowSkippingShift",
        "gate",
    ]);
    const gate = parseGate(c, obj.gate);
    const allowSkippingShift = c.boolean("cutover.allowSkippingShift", obj.allowSkippingShift, false);
    const phase = c.oneOf("cutover.phase", obj.phase, PHASES);
    const completeWith = c.oneOfOr("cutover.completeWith", obj.completeWith, ["address", "cname"] as const, "address");
    const sourceAddress = c.string("cutover.sourceAddress", obj.sourceAddress, "A's SLB address as IPv4, e.g. 10.72.10.88", isIpv4);
    let target: TargetAddress | undefined;
    const alongsideHost = (["targetAddress", "platformStack"] as const).filter((k) => obj[k] !== undefined);
    if (obj.targetHost !== undefined && alongsideHost.length > 0) {
        c.fail(
            "cutover.targetHost",
            obj.targetHost,
            `either cutover.targetHost or cutover.${alongsideHost[0]} (both say where B is), not both`,
        );
    } else if (typeof obj.targetHost === "string" && isIpLiteral(obj.targetHost)) {
        // An address passes as a DNS name (digits are labels): the legacy names would become CNAMEs to an address.
        c.fail(
            "cutover.targetHost",
            obj.targetHost,
            "B's load balancer as a DNS name, not an IP address: the legacy names become CNAMEs to it, and a CNAME points at a name; B by IPv4 goes in cutover.targetAddress",
        );
    } else if (obj.targetHost !== undefined) {
        const host = c.string(
            "cutover.targetHost",
            obj.targetHost,
            "B's load balancer as a DNS name, e.g. alb-xxxx.cn-hangzhou.alb.aliyuncs.com",
            isDnsName,
        );
        // A name this stack writes itself would point the legacy names back at themselves: a CNAME loop.
        const own =
            host && apis && domains
                ? apis.flatMap((a) => [legacyHost(a.name, domains), ...cutoverOwnNames(a.name, domains)]).find((n) => n === host)
                : undefined;
        if (own)
            c.fail(
                "cutover.targetHost",
                host,
                `B's own load balancer name, not a name this stack writes: ${own} would become a CNAME chain back to itself (a loop that answers nothing)`,
            );
        else if (host) target = { kind: "host", host };
        if (host && completeWith === "cname") c.fail("cutover.completeWith", "cname", COMPLETE_WITH_B_BY_NAME);
    } else if (obj.targetAddress !== undefined && obj.platformStack !== undefined) {
        c.fail(
            "cutover.targetAddress",
            obj.targetAddress,
            "either cutover.targetAddress or cutover.platformStack (B's address from that stack's outputs), not both",
        );
    } else if (obj.targetAddress !== undefined) {
        const address = c.string("cutover.targetAddress", obj.targetAddress, "B's SLB address as IPv4, e.g. 10.72.11.99", isIpv4);
        if (address) target = { kind: "address", address };
    } else {
        const stack =
            obj.platformStack === undefined
                ? "organization/migration/dev"
                : c.string("cutover.platformStack", obj.platformStack, "a stack name such as organization/migration/dev", isStackName);
        if (stack) target = { kind: "stack", stack };
    }

    const weights: Record<string, number> = {};
    const weightsObj = obj.weights === undefined ? {} : c.object("cutover.weights", obj.weights);
    if (weightsObj && apis) {
        const names = apis.map((a) => a.name);
        for (const [name, w] of Object.entries(weightsObj)) {
            if (!names.includes(name))
                c.fail(`cutover.weights.${name}`, w, `weights only for APIs defined in migration:apis (${names.join(", ")})`);
            else if (typeof w !== "number" || !Number.isInteger(w) || w < 0 || w > 100)
                c.fail(`cutover.weights.${name}`, w, "a whole percentage from 0 to 100 (the share of traffic on B)");
        }
        for (const name of names) {
            const w = weightsObj[name];
            weights[name] = typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 100 ? w : 0;
        }
        if (phase === "complete") {
            const short = names.filter((n) => weights[n] < 100);
            for (const name of short)
                c.fail(
                    `cutover.weights.${name}`,
                    weightsObj[name] ?? 0,
                    "100 for every API in phase complete (shift them all to 100 first)",
                );
        }
    }
    if (gate?.enabled && gate.probes.includes("short") && !gate.shortAddress && target?.kind !== "stack")
        c.fail(
            "cutover.gate.probes",
            gate.probes,
            `"short" only with cutover.gate.shortAddress or cutover.platformStack (where the short host's load balancer is)`,
        );
    if (!phase || !completeWith || !sourceAddress || !target || !weightsObj || !apis || !gate) return undefined;
    return { phase, weights, sourceAddress, target, completeWith, ...(allowSkippingShift ? { allowSkippingShift } : {}), gate };
}

/** `cutover.gate`, with its defaults (types.ts GateSettings). */
function parseGate(c: Checker, value: unknown): GateSettings | undefined {
    const obj = value === undefined ? {} : c.object("cutover.gate", value);
    if (!obj) return undefined;
    c.knownKeys("cutover.gate", obj, [
        "enabled",
        "probes",
        "successes",
        "intervalMs",
        "deadlineMs",
        "timeoutMs",
        "caBundle",
        "shortAddress",
    ]);
    const int = (key: string, fallback: number, min: number, max: number) =>
        obj[key] === undefined ? fallback : c.integer(`cutover.gate.${key}`, obj[key], min, max);
    const successes = int("successes", 3, 1, 20);
    const intervalMs = int("intervalMs", 2000, 100, 60_000);
    const deadlineMs = int("deadlineMs", 120_000, 1000, 1_800_000);
    const timeoutMs = int("timeoutMs", 5000, 100, 60_000);
    let probes: ("legacy" | "short")[] | undefined = ["legacy"];
    if (obj.probes !== undefined) {
        const list = obj.probes;
        const ok =
            Array.isArray(list) &&
            list.length > 0 &&
            list.every((p) => p === "legacy" || p === "short") &&
            new Set(list).size === list.length &&
            list.includes("legacy");
        if (!ok) {
            c.fail(
                "cutover.gate.probes",
                list,
                `a list of probes, each once, with "legacy" (the check that matters most): ["legacy"] or ["legacy", "short"]`,
            );
            probes = undefined;
        } else probes = list as ("legacy" | "short")[];
    }
    const caBundle = c.optionalString(
        "cutover.gate.caBundle",
        obj.caBundle,
        "a PEM bundle of CA certificates (-----BEGIN CERTIFICATE----- …)",
        isCaBundle,
    );
    const shortAddress = c.optionalString(
        "cutover.gate.shortAddress",
        obj.shortAddress,
        "ADDRESS[:PORT] of B's short-domain load balancer, e.g. 10.72.11.100:443",
        (v) => parseEndpoint(v) !== undefined,
    );
    const enabled = c.boolean("cutover.gate.enabled", obj.enabled, true);
    if ([successes, intervalMs, deadlineMs, timeoutMs, probes].some((v) => v === undefined)) return undefined;
    if (successes! > 1 && intervalMs! * (successes! - 1) >= deadlineMs!)
        c.fail(
            "cutover.gate.deadlineMs",
            deadlineMs,
            `more than intervalMs × (successes − 1) = ${intervalMs! * (successes! - 1)} ms, or the gate can never pass`,
        );
    // One request allowed to outlast the whole gate means the deadline, not the probe, decides its verdict.
    if (timeoutMs! > deadlineMs!)
        c.fail(
            "cutover.gate.timeoutMs",
            timeoutMs,
            `at most cutover.gate.deadlineMs (${deadlineMs} ms): a single request cannot be allowed longer than the whole gate`,
        );
    return {
        enabled,
        probes: probes!,
        successes: successes!,
        intervalMs: intervalMs!,
        deadlineMs: deadlineMs!,
        timeoutMs: timeoutMs!,
        ...(caBundle ? { caBundle } : {}),
        ...(shortAddress ? { shortAddress } : {}),
    };
}

/** Every PEM block is a certificate Node can read, there is at least one, and no private key rides along. */
function isCaBundle(pem: string): boolean {
    return pemCertificates(pem) !== undefined && !/PRIVATE KEY/.test(pem);
}

function checkZoneHoldsLegacyNames(c: Checker, zone: string, domains: { source: string }, apis: Api[]): void {
    const outside = apis.map((a) => legacyHost(a.name, domains)).filter((h) => !inZone(h, zone));
    if (outside.length > 0) c.fail("dns.zone", zone, `a zone that contains the legacy hosts (${outside.join(", ")})`);
}

/** Throws every problem found; with the stack's keys at hand, after the sweep for plain-text secrets. */
function throwIfProblems(c: Checker, raw?: RawConfig): void {
    if (raw?.present) checkPlainSecrets(c, raw.present);
    if (c.problems.length > 0) throw new ConfigError(c.problems);
}

function parseDomains(c: Checker, value: unknown): Domains | undefined {
    const obj = c.object("domains", value);
    if (!obj) return undefined;
    c.knownKeys("domains", obj, ["source", "target", "short"]);
    const dns = "a lower-case DNS name of two or more labels (a-z, 0-9, '-'), at most 253 characters";
    const source = c.string("domains.source", obj.source, dns, isDnsName);
    const target = c.string("domains.target", obj.target, dns, isDnsName);
    const short = c.string("domains.short", obj.short, dns, isDnsName);
    if (source && target && source === target) c.fail("domains.target", target, "a suffix different from domains.source");
    if (!source || !target || !short) return undefined;
    return { source, target, short };
}

function parseApis(c: Checker, value: unknown): Api[] | undefined {
    if (!Array.isArray(value) || value.length === 0) {
        c.fail("apis", value, "a non-empty list of APIs ({name, namespace, service, port, healthPath})");
        return undefined;
    }
    const apis: Api[] = [];
    const seen = new Map<string, number>();
    value.forEach((entry, i) => {
        const path = `apis[${i}]`;
        const obj = c.object(path, entry);
        if (!obj) return;
        c.knownKeys(path, obj, ["name", "namespace", "service", "port", "healthPath"]);
        const name = c.string(
            `${path}.name`,
            obj.name,
            "a DNS label: 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
            isDnsLabel,
        );
        if (name !== undefined) {
            const first = seen.get(name);
            if (first !== undefined) c.fail(`${path}.name`, name, `a name not already used by apis[${first}]`);
            else seen.set(name, i);
        }
        const namespace = c.string(`${path}.namespace`, obj.namespace, "a Kubernetes namespace name (DNS label)", isDnsLabel);
        const service = c.string(`${path}.service`, obj.service, "a Kubernetes Service name (DNS-1035 label: starts with a letter)", (s) =>
            DNS_1035_LABEL.test(s),
        );
        const port = c.integer(`${path}.port`, obj.port, 1, 65535);
        const healthPath = c.string(
            `${path}.healthPath`,
            obj.healthPath,
            "an HTTP path starting with '/'",
            (s) => s.startsWith("/") && !/\s/.test(s),
        );
        if (name && namespace && service && port && healthPath) apis.push({ name, namespace, service, port, healthPath });
    });
    return apis.length === value.length ? apis : undefined;
}

const CONTROLLER_KEYS = ["name", "implementation", "namespace", "className", "replicas", "loadBalancer"] as const;

function parseController(c: Checker, path: string, value: unknown, extraKeys: string[] = []): ControllerConfig | undefined {
    const obj = c.object(path, value);
    if (!obj) return undefined;
    c.knownKeys(path, obj, [...CONTROLLER_KEYS, ...extraKeys]);
    const name = c.string(
        `${path}.name`,
        obj.name,
        "a DNS label of at most 40 characters (it prefixes the controller's object names)",
        (s) => isDnsLabel(s) && s.length <= 40,
    );
    // A new controller defaults to ACK ALB Ingress: ingress-nginx is retired (see README).
    const implementation =
        obj.implementation === undefined
            ? "alb"
            : c.oneOf<IngressImplementationName>(`${path}.implementation`, obj.implementation, INGRESS_IMPLEMENTATION_NAMES);
    const namespace =
        obj.namespace === undefined
            ? undefined
            : c.string(`${path}.namespace`, obj.namespace, "a Kubernetes namespace name (DNS label)", isDnsLabel);
    let className =
        obj.className === undefined
            ? undefined
            : c.string(`${path}.className`, obj.className, "an IngressClass name (DNS label)", isDnsLabel);
    if (className !== undefined && RESERVED_CLASS_NAMES.includes(className)) {
        c.fail(
            `${path}.className`,
            className,
            `a class other than ${RESERVED_CLASS_NAMES.join(", ")} (cluster B's existing controller owns it)`,
        );
        className = undefined;
    }
    // ALB Ingress runs no controller pods of this stack: a replica count there would be read by nothing.
    let replicas: number | undefined;
    if (implementation === "alb" && obj.replicas !== undefined)
        c.fail(
            `${path}.replicas`,
            obj.replicas,
            "no replicas with implementation alb: an ALB is a load balancer Alibaba runs, with no controller pods of this stack to count (replicas sizes ingress-nginx's controller)",
        );
    else replicas = obj.replicas === undefined ? 2 : c.integer(`${path}.replicas`, obj.replicas, 1, 50);
    const loadBalancer = parseLoadBalancer(c, `${path}.loadBalancer`, obj.loadBalancer, implementation);
    const bad = (key: string, v: unknown) => obj[key] !== undefined && v === undefined;
    if (!name || !implementation || bad("namespace", namespace) || bad("className", className) || !replicas || !loadBalancer)
        return undefined;
    return { name, implementation, ...(namespace ? { namespace } : {}), ...(className ? { className } : {}), replicas, loadBalancer };
}

function parseLoadBalancer(
    c: Checker,
    path: string,
    value: unknown,
    implementation: IngressImplementationName | undefined,
): LoadBalancerConfig | undefined {
    return implementation === "alb" ? parseAlb(c, path, value) : parseClb(c, path, value);
}

/** A CLB in front of ingress-nginx (ACK CCM Service annotations; shared/notes/alibaba-cloud.md). */
function parseClb(c: Checker, path: string, value: unknown): ClbConfig | undefined {
    const obj = value === undefined ? {} : c.object(path, value);
    if (!obj) return undefined;
    c.knownKeys(path, obj, ["addressType", "chargeType", "spec", "id", "vswitchId"]);
    const addressType = c.oneOfOr(`${path}.addressType`, obj.addressType, ["intranet", "internet"] as const, "intranet");
    const chargeType = c.oneOfOr(`${path}.chargeType`, obj.chargeType, ["PayByCLCU", "PayBySpec"] as const, "PayByCLCU");
    let vswitchId = c.optionalString(`${path}.vswitchId`, obj.vswitchId, "a vSwitch id such as vsw-xxxx", (s) => /^vsw-[a-z0-9]+$/.test(s));
    if (vswitchId && addressType === "internet") {
        c.fail(
            `${path}.vswitchId`,
            vswitchId,
            `no vSwitch with addressType internet (the CCM places only an intranet CLB in a vSwitch); use addressType: intranet, or drop vswitchId`,
        );
        vswitchId = undefined;
    }
    if (obj.spec !== undefined && chargeType !== "PayBySpec") {
        c.fail(
            `${path}.spec`,
            obj.spec,
            `no spec with chargeType ${chargeType ?? "PayByCLCU"}: pay-by-LCU CLBs have no spec (a spec only with chargeType: PayBySpec on an existing instance)`,
        );
        return undefined;
    }
    if (chargeType === "PayBySpec" && obj.id === undefined) {
        c.fail(
            `${path}.chargeType`,
            chargeType,
            "PayByCLCU for a new CLB (pay-by-specification CLBs are no longer sold since 2025-06-01); PayBySpec only with the id of an existing instance",
        );
        return undefined;
    }
    if (!addressType || !chargeType || (obj.vswitchId !== undefined && !vswitchId && addressType !== "internet")) return undefined;
    if (obj.id !== undefined) {
        const id = c.string(`${path}.id`, obj.id, "a CLB instance id such as lb-xxxx", (s) => /^lb-[a-z0-9]+$/.test(s));
        const spec = c.optionalString(`${path}.spec`, obj.spec, "a CLB spec such as slb.s1.small", (s) =>
            /^slb\.s\d+\.[a-z0-9.]+$/.test(s),
        );
        if (!id || (obj.spec !== undefined && !spec)) return undefined;
        return { kind: "existing", addressType, id, chargeType, ...(spec ? { spec } : {}), ...(vswitchId ? { vswitchId } : {}) };
    }
    return { kind: "new", addressType, chargeType: "PayByCLCU", ...(vswitchId ? { vswitchId } : {}) };
}

/** The region of an Alibaba Cloud zone id: cn-hangzhou-k → cn-hangzhou, ap-southeast-1a → ap-southeast-1. */
export function regionOfZone(zoneId: string): string {
    return zoneId.replace(/-[a-z]$/, "").replace(/(\d)[a-z]$/, "$1");
}

/** The ALB of an ACK ALB Ingress controller, as its AlbConfig spells it (shared/notes/alibaba-cloud.md). */
function parseAlb(c: Checker, path: string, value: unknown): AlbConfigSettings | undefined {
    const obj = value === undefined ? {} : c.object(path, value);
    if (!obj) return undefined;
    c.knownKeys(path, obj, ["addressType", "zoneMappings", "edition", "id", "certificateIds"]);
    const addressType = c.oneOfOr(`${path}.addressType`, obj.addressType, ["intranet", "internet"] as const, "intranet");
    const edition = c.oneOfOr(`${path}.edition`, obj.edition, ["Basic", "Standard", "StandardWithWaf"] as const, "Standard");
    const id = c.optionalString(`${path}.id`, obj.id, "an ALB instance id such as alb-xxxx", (s) => /^alb-[a-z0-9]+$/.test(s));
    const list = obj.zoneMappings;
    const zoneOk = (z: unknown) =>
        typeof z === "object" &&
        z !== null &&
        /^vsw-[a-z0-9]+$/.test(String((z as Record<string, unknown>).vSwitchId)) &&
        /^[a-z]+-[a-z0-9-]+$/.test(String((z as Record<string, unknown>).zoneId)) &&
        Object.keys(z).every((k) => k === "vSwitchId" || k === "zoneId");
    let zoneMappings: { vSwitchId: string; zoneId: string }[] | undefined;
    if (
        !Array.isArray(list) ||
        !list.every(zoneOk) ||
        new Set(list.map((z) => (z as { zoneId: string }).zoneId)).size < 2 ||
        new Set(list.map((z) => (z as { zoneId: string }).zoneId)).size !== list.length
    ) {
        c.fail(
            `${path}.zoneMappings`,
            list,
            "a list of {vSwitchId: vsw-…, zoneId: e.g. cn-hangzhou-h}, one per zone, in at least two zones (an ALB spans two zones; fixed at creation)",
        );
    } else {
        // An ALB lives in one region: zones of two regions (cn-hangzhou-k, cn-shanghai-a) cannot be its zones.
        const regions = [...new Set((list as { zoneId: string }[]).map((z) => regionOfZone(z.zoneId)))];
        if (regions.length > 1)
            c.fail(
                `${path}.zoneMappings`,
                list,
                `zones of one region (an ALB lives in one region; these are in ${regions.join(" and ")}), e.g. cn-hangzhou-k and cn-hangzhou-j`,
            );
        else zoneMappings = list as { vSwitchId: string; zoneId: string }[];
    }
    let certificateIds: string[] | undefined;
    if (obj.certificateIds !== undefined) {
        const ids = obj.certificateIds;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === "string" && /^[0-9]+-[a-z0-9-]+$/.test(x)))
            c.fail(
                `${path}.certificateIds`,
                ids,
                "a non-empty list of Certificate Service ids such as 12345678-cn-hangzhou (the first is the listener's default)",
            );
        else certificateIds = ids as string[];
    }
    if (!addressType || !edition || !zoneMappings || (obj.id !== undefined && !id) || (obj.certificateIds !== undefined && !certificateIds))
        return undefined;
    return { kind: "alb", addressType, zoneMappings, edition, ...(id ? { id } : {}), ...(certificateIds ? { certificateIds } : {}) };
}

function parseShortDomain(c: Checker, value: unknown): ShortDomainConfig | undefined {
    const obj = value === undefined ? { mode: "shared" } : c.object("shortDomain", value);
    if (!obj) return undefined;
    c.knownKeys("shortDomain", obj, ["mode", "controller"]);
    const mode = c.oneOfOr("shortDomain.mode", obj.mode, ["shared", "dedicated"] as const, "shared");
    if (mode === "shared") {
        if (obj.controller !== undefined)
            c.fail(
                "shortDomain.controller",
                obj.controller,
                "no controller with mode shared (the team's isolated controller serves the short host); set mode: dedicated to give it its own",
            );
        return { mode };
    }
    if (mode === "dedicated") {
        if (obj.controller === undefined) {
            c.fail("shortDomain.controller", undefined, "a controller spec ({name, className, loadBalancer, ...}) with mode dedicated");
            return undefined;
        }
        const controller = parseController(c, "shortDomain.controller", obj.controller);
        return controller ? { mode, controller } : undefined;
    }
    return undefined;
}

/**
 * Two controllers in one cluster must differ in class, controller value and namespace/election
 * id. Compared as the plan will derive them (a default class of one may equal the other's
 * explicit one); what a name claims is the implementation's to say.
 */
function checkDistinctControllers(c: Checker, team: ControllerConfig, short: ControllerConfig): void {
    const [t, s] = [controllerNames(team), controllerNames(short)];
    if (team.name === short.name) {
        const claims =
            short.implementation === "alb"
                ? `AlbConfig ${albConfigName(short.name)}`
                : `controller value ${ingressNginxNames.controllerValue(short.name)} and election id ${ingressNginxNames.electionId(short.name)}`;
        c.fail("shortDomain.controller.name", short.name, `a name other than ingress.name ${show(team.name)}: both would claim ${claims}`);
    }
    if (t.className === s.className) {
        c.fail(
            "shortDomain.controller.className",
            s.className,
            `a class other than ingress.className ${show(t.className)}: two controllers cannot share an IngressClass`,
        );
    }
    // ALB controllers run no pods of ours: no namespace of their own to share.
    if (t.namespace === s.namespace && team.implementation === "ingress-nginx" && short.implementation === "ingress-nginx") {
        c.fail(
            "shortDomain.controller.namespace",
            s.namespace,
            `a namespace other than ingress.namespace ${show(t.namespace)}: each controller owns its namespace`,
        );
    }
}

function parseTls(c: Checker, raw: RawConfig): TlsConfig | undefined {
    const obj = c.object("tls", raw.tls);
    if (!obj) return undefined;
    c.knownKeys("tls", obj, ["certificate", "existingSecret"]);
    if (obj.certificate !== undefined && obj.existingSecret !== undefined) {
        c.fail(
            "tls.existingSecret",
            obj.existingSecret,
            "either tls.certificate (with secret migration:tlsKey) or tls.existingSecret, not both",
        );
        return undefined;
    }
    if (obj.existingSecret !== undefined) {
        const secretName = c.string("tls.existingSecret", obj.existingSecret, "a Kubernetes Secret name (DNS label)", isDnsLabel);
        return secretName ? { kind: "existingSecret", secretName } : undefined;
    }
    const pem = c.string(
        "tls.certificate",
        obj.certificate,
        "a PEM certificate (-----BEGIN CERTIFICATE-----) or, instead, tls.existingSecret",
        (s) => s.includes("-----BEGIN CERTIFICATE-----"),
    );
    if (raw.tlsKey === undefined) {
        c.fail(
            "tlsKey",
            undefined,
            'the certificate\'s private key as a secret: pulumi config set --secret migration:tlsKey -- "$(cat key.pem)"',
        );
        return undefined;
    }
    if (raw.tlsKeyIsSecret === false) {
        c.problem(
            "tlsKey",
            '"[plain text private key]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:tlsKey',
        );
        return undefined;
    }
    return pem ? { kind: "certificate", certificatePem: pem, key: raw.tlsKey } : undefined;
}

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(host: string): boolean {
    return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const HOST_PORT = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*:(\d{1,5})$/;

/** True for `host:port` with an explicit port 1..65535 (Kong would otherwise store port 8000). */
export function isHostPort(value: string): boolean {
    const m = HOST_PORT.exec(value);
    return m !== null && Number(m[5]) >= 1 && Number(m[5]) <= 65535;
}

function parseKong(
    c: Checker,
    raw: RawConfig,
    domains?: { source: string; target: string },
    apis?: Api[],
    cutover?: CutoverSettings,
    dns?: DnsSettings,
): KongSettings | undefined {
    const obj = c.object("kong", raw.kong);
    if (!obj) return undefined;
    c.knownKeys("kong", obj, [
        "adminUrl",
        "allowPlainHttpWithToken",
        "requestTimeoutMs",
        "retries",
        "retryBackoffMs",
        "workspace",
        "tlsVerify",
        "auth",
        "upstreamPrefix",
        "mode",
        "migrationSettings",
        "apis",
    ]);
    const adminUrl = c.string("kong.adminUrl", obj.adminUrl, "the Kong Admin API base URL, http(s)://host[:port][/path]", (s) => {
        try {
            const u = new URL(s);
            return (u.protocol === "https:" || u.protocol === "http:") && u.search === "" && u.hash === "";
        } catch {
            return false;
        }
    });
    if (adminUrl && (new URL(adminUrl).username || new URL(adminUrl).password)) {
        c.fail(
            "kong.adminUrl",
            adminUrl,
            "a URL without user:password@ (credentials in a plain config value are stored unencrypted); put the token in the secret migration:kongAdminToken",
        );
    }
    const allowInsecure = c.boolean("kong.allowPlainHttpWithToken", obj.allowPlainHttpWithToken, false);
    if (
        adminUrl &&
        raw.kongAdminToken !== undefined &&
        new URL(adminUrl).protocol === "http:" &&
        !isLoopbackHost(new URL(adminUrl).hostname) &&
        !allowInsecure
    ) {
        c.fail(
            "kong.adminUrl",
            adminUrl,
            "an https:// Admin API URL while migration:kongAdminToken is set (over http:// the token travels in clear text); http:// only on a loopback address, or with kong.allowPlainHttpWithToken: true",
        );
    }
    const workspace = c.optionalString("kong.workspace", obj.workspace, "a Kong workspace name", (s) => /^[A-Za-z0-9_.-]+$/.test(s));
    const tlsVerify = c.boolean("kong.tlsVerify", obj.tlsVerify, true);
    const auth = c.oneOfOr("kong.auth", obj.auth, ["kong-admin-token", "bearer"] as const, "kong-admin-token");
    const upstreamPrefix = c.string(
        "kong.upstreamPrefix",
        obj.upstreamPrefix,
        "a prefix for upstream names (DNS label), e.g. team1",
        isDnsLabel,
    );
    const mode = c.oneOfOr("kong.mode", obj.mode, ["weighted", "stable-hostname"] as const, "weighted");
    const relaxed = parseRelaxed(c, obj.migrationSettings);
    const requestTimeoutMs =
        obj.requestTimeoutMs === undefined ? 10_000 : c.integer("kong.requestTimeoutMs", obj.requestTimeoutMs, 10, 120_000);
    const retries = obj.retries === undefined ? 3 : c.integer("kong.retries", obj.retries, 0, 10);
    const retryBackoffMs = obj.retryBackoffMs === undefined ? 500 : c.integer("kong.retryBackoffMs", obj.retryBackoffMs, 1, 10_000);
    if (raw.kongAdminToken !== undefined && raw.kongAdminTokenIsSecret === false) {
        c.problem(
            "kongAdminToken",
            '"[plain text token]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:kongAdminToken',
        );
    }

    const settings: Record<string, KongApiSettings> = {};
    const apisObj = c.object("kong.apis", obj.apis);
    if (apisObj && apis && domains && cutover) {
        const names = apis.map((a) => a.name);
        for (const [name, value] of Object.entries(apisObj)) {
            const path = `kong.apis.${name}`;
            if (!names.includes(name)) {
                c.fail(path, value, `Kong settings only for APIs defined in migration:apis (${names.join(", ")})`);
                continue;
            }
            const a = c.object(path, value);
            if (!a) continue;
            c.knownKeys(path, a, ["service", "sourceTarget", "targetTarget", "hostHeader", "weight", "originHost"]);
            const service = c.string(`${path}.service`, a.service, "the name of the existing Kong service that routes this API", (s) =>
                /^[A-Za-z0-9_.~-]+$/.test(s),
            );
            const hostPort = "host:port with an explicit port (Kong stores port 8000 when it is omitted)";
            const sourceTarget = c.optionalString(`${path}.sourceTarget`, a.sourceTarget, hostPort, isHostPort);
            const targetTarget = c.optionalString(`${path}.targetTarget`, a.targetTarget, hostPort, isHostPort);
            const hostHeader = c.optionalString(
                `${path}.hostHeader`,
                a.hostHeader,
                "a host name both clusters' ingresses serve",
                isDnsName,
            );
            const weight = a.weight === undefined ? undefined : c.integer(`${path}.weight`, a.weight, 0, 100);
            const originHost = c.optionalString(`${path}.originHost`, a.originHost, "a DNS name inside dns.zone", isDnsName);
            if (mode === "stable-hostname") {
                const effective = weight ?? cutover.weights[name] ?? 0;
                if (effective !== 0 && effective !== 100) {
                    c.fail(
                        weight === undefined ? `cutover.weights.${name}` : `${path}.weight`,
                        effective,
                        "0 or 100 in kong.mode stable-hostname (one CNAME points at A or at B; it cannot split traffic)",
                    );
                }
                if (originHost && dns && !inZone(originHost, dns.zone))
                    c.fail(`${path}.originHost`, originHost, `a name inside dns.zone ${dns.zone} (DnsCutover manages its CNAME)`);
            }
            if (cutover.phase === "complete" && weight !== undefined && weight < 100) {
                c.fail(`${path}.weight`, weight, "100 in phase complete (or no override)");
            }
            const invalid = (["sourceTarget", "targetTarget", "hostHeader", "originHost"] as const).some(
                (k) => a[k] !== undefined && { sourceTarget, targetTarget, hostHeader, originHost }[k] === undefined,
            );
            if (service && !invalid) {
                settings[name] = {
                    service,
                    ...(sourceTarget ? { sourceTarget } : {}),
                    ...(targetTarget ? { targetTarget } : {}),
                    ...(hostHeader ? { hostHeader } : {}),
                    ...(weight !== undefined ? { weight } : {}),
                    ...(originHost ? { originHost } : {}),
                };
            }
        }
    }
    if (
        !adminUrl ||
        !auth ||
        !upstreamPrefix ||
        !mode ||
        !apisObj ||
        requestTimeoutMs === undefined ||
        retries === undefined ||
        retryBackoffMs === undefined
    )
        return undefined;
    return {
        adminUrl: adminUrl.replace(/\/+$/, ""),
        ...(workspace ? { workspace } : {}),
        tlsVerify,
        auth,
        ...(raw.kongAdminToken ? { token: raw.kongAdminToken } : {}),
        upstreamPrefix,
        mode,
        requestTimeoutMs,
        retries,
        retryBackoffMs,
        ...(relaxed ? { relaxed } : {}),
        apis: settings,
    };
}

function parseRelaxed(c: Checker, value: unknown): RelaxedServiceSettings | undefined {
    if (value === undefined) return undefined;
    const obj = c.object("kong.migrationSettings", value);
    if (!obj) return undefined;
    c.knownKeys("kong.migrationSettings", obj, ["retries", "connectTimeout", "readTimeout", "writeTimeout"]);
    const out: RelaxedServiceSettings = {};
    if (obj.retries !== undefined) out.retries = c.integer("kong.migrationSettings.retries", obj.retries, 0, 32767);
    for (const key of ["connectTimeout", "readTimeout", "writeTimeout"] as const) {
        if (obj[key] !== undefined) out[key] = c.integer(`kong.migrationSettings.${key}`, obj[key], 1, 2147483646);
    }
    return out;
}

const NAMESPACED = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;

function parseSource(c: Checker, value: unknown, apis?: Api[], domains?: { source: string }): SourceSettings | undefined {
    const obj = c.object("source", value);
    if (!obj) return undefined;
    c.knownKeys("source", obj, ["kubeContext", "cutoverStack", "address", "namespaces", "ingress", "loadBalancerId", "wildcardRecord"]);
    const kubeContext = c.string("source.kubeContext", obj.kubeContext, "the kubeconfig context of cluster A", (s) => s.trim().length > 0);
    const cutoverStack =
        obj.cutoverStack === undefined
            ? "organization/migration/cutover"
            : c.string("source.cutoverStack", obj.cutoverStack, "a stack name such as organization/migration/cutover", isStackName);
    const address = c.string("source.address", obj.address, "A's SLB address as IPv4, e.g. 10.72.10.88", isIpv4);
    let namespaces: string[] | undefined = apis ? [...new Set(apis.map((a) => a.namespace))].sort() : undefined;
    if (obj.namespaces !== undefined) {
        if (!Array.isArray(obj.namespaces) || obj.namespaces.some((n) => typeof n !== "string" || !isDnsLabel(n))) {
            c.fail("source.namespaces", obj.namespaces, "a list of namespace names in cluster A");
            namespaces = undefined;
        } else namespaces = obj.namespaces as string[];
    }
    const ingress = parseSourceIngress(c, obj.ingress);
    const loadBalancerId = c.optionalString("source.loadBalancerId", obj.loadBalancerId, "a CLB instance id such as lb-xxxx", (s) =>
        /^lb-[a-z0-9]+$/.test(s),
    );
    const wildcardRecord = obj.wildcardRecord === undefined ? undefined : parseWildcardRecord(c, obj.wildcardRecord, domains);
    if (!kubeContext || !cutoverStack || !address || !namespaces || !ingress) return undefined;
    return {
        kubeContext,
        cutoverStack,
        address,
        namespaces,
        ingress,
        ...(loadBalancerId ? { loadBalancerId } : {}),
        ...(wildcardRecord ? { wildcardRecord } : {}),
    };
}

/**
 * A's wildcard `*.<domains.source>` where the legacy names live: public Alidns (the default, as
 * before), or a PrivateZone zone — where intranet `.aibang` names usually are, and where the
 * cutover stack may say they are. The decommission guard checks the two stacks agree.
 */
function parseWildcardRecord(c: Checker, value: unknown, domains?: { source: string }): WildcardRecord | undefined {
    const path = "source.wildcardRecord";
    const w = c.object(path, value);
    if (!w) return undefined;
    const service = c.oneOfOr(`${path}.service`, w.service, DNS_SERVICES, "alidns");
    if (!service) return undefined;
    // As with dns.service: PrivateZone's own key without the service says which one was meant.
    if (w.service === undefined && w.zoneId !== undefined) {
        c.fail(
            `${path}.service`,
            undefined,
            `privatezone, since ${path}.zoneId is set (a PrivateZone setting; without service the wildcard is taken to be a public Alidns record), or no zoneId for Alidns`,
        );
        return undefined;
    }
    const pvtz = service === "privatezone";
    c.knownKeys(path, w, ["service", "id", "zone", ...(pvtz ? ["zoneId"] : [])]);
    const name = pvtz ? "PrivateZone" : "Alidns";
    const id = c.string(`${path}.id`, w.id, `the ${name} record id (digits) of *.<domains.source>`, (s) => /^\d+$/.test(s));
    const zone = c.string(`${path}.zone`, w.zone, `the name of the ${name} zone holding it`, isDnsName);
    if (zone && domains && !inZone(legacyWildcard(domains), zone))
        c.fail(`${path}.zone`, zone, `a zone that contains ${legacyWildcard(domains)}`);
    const zoneId = pvtz
        ? c.string(
              `${path}.zoneId`,
              w.zoneId,
              "the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e",
              (x) => PRIVATEZONE_ZONE_ID.test(x),
          )
        : undefined;
    if (!id || !zone || (pvtz && !zoneId)) return undefined;
    return pvtz ? { service, id, zoneId: zoneId!, zone } : { service, id, zone };
}

function parseSourceIngress(c: Checker, value: unknown): SourceIngress | undefined {
    const obj = c.object("source.ingress", value);
    if (!obj) return undefined;
    const kind = c.oneOf("source.ingress.kind", obj.kind, ["helm-release", "objects"] as const);
    if (kind === "helm-release") {
        c.knownKeys("source.ingress", obj, ["kind", "release", "chart"]);
        const release = c.string(
            "source.ingress.release",
            obj.release,
            "the Helm release as namespace/name, e.g. ingress-nginx/ingress-nginx",
            (s) => NAMESPACED.test(s),
        );
        const chart =
            obj.chart === undefined
                ? "ingress-nginx"
                : c.string("source.ingress.chart", obj.chart, "the release's chart name", (s) => s.length > 0);
        if (!release || !chart) return undefined;
        const [namespace, name] = release.split("/");
        return { kind, namespace, name, chart };
    }
    if (kind === "objects") {
        c.knownKeys("source.ingress", obj, ["kind", "ingresses", "ingressClass"]);
        const list = Array.isArray(obj.ingresses) ? obj.ingresses : undefined;
        if (!list || list.length === 0 || list.some((x) => typeof x !== "string" || !NAMESPACED.test(x))) {
            c.fail("source.ingress.ingresses", obj.ingresses, "a non-empty list of A's Ingresses as namespace/name");
            return undefined;
        }
        const ingressClass = c.optionalString(
            "source.ingress.ingressClass",
            obj.ingressClass,
            "an IngressClass used only by the migrated APIs in cluster A",
            isDnsLabel,
        );
        return {
            kind,
            ingresses: (list as string[]).map((x) => ({ namespace: x.split("/")[0], name: x.split("/")[1] })),
            ...(ingressClass ? { ingressClass } : {}),
        };
    }
    return undefined;
}

function parseDecommission(c: Checker, value: unknown, apis?: Api[]): DecommissionSettings | undefined {
    const obj = value === undefined ? {} : c.object("decommission", value);
    if (!obj) return undefined;
    c.knownKeys("decommission", obj, ["observationHours", "acceptNoObservationWindow", "confirm"]);
    const acceptNoWindow = c.boolean("decommission.acceptNoObservationWindow", obj.acceptNoObservationWindow, false);
    let observationHours =
        obj.observationHours === undefined ? 24 : c.integer("decommission.observationHours", obj.observationHours, 0, 24 * 30);
    if (observationHours === 0 && !acceptNoWindow) {
        c.fail(
            "decommission.observationHours",
            0,
            "at least 1 hour of observation after complete, or 0 together with decommission.acceptNoObservationWindow: true (A may then go as soon as complete is applied)",
        );
        observationHours = undefined;
    }
    if (acceptNoWindow && observationHours !== undefined && observationHours !== 0) {
        c.fail(
            "decommission.acceptNoObservationWindow",
            true,
            `no override with a window of ${observationHours} h (it only allows observationHours: 0)`,
        );
    }
    let confirm: string[] | undefined = [];
    if (obj.confirm !== undefined) {
        if (!Array.isArray(obj.confirm) || obj.confirm.some((x) => typeof x !== "string")) {
            c.fail("decommission.confirm", obj.confirm, "a list of API names");
            confirm = undefined;
        } else confirm = obj.confirm as string[];
    }
    const names = apis?.map((a) => a.name) ?? [];
    for (const name of confirm ?? [])
        if (apis && !names.includes(name)) c.fail("decommission.confirm", name, `API names from migration:apis (${names.join(", ")})`);
    const repeated = (confirm ?? []).filter((n, i, all) => all.indexOf(n) !== i);
    for (const name of new Set(repeated)) c.fail("decommission.confirm", name, "each API listed once");
    if (observationHours === undefined || !confirm) return undefined;
    return { observationHours, confirm };
}
