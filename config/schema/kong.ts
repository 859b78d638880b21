/**
 * `migration:kong`: the Kong Gateway layer of the cutover, driven through its Admin API. Rules
 * that read other blocks (APIs defined, stable-hostname weights, origin hosts in the zone) sit on
 * the cutover role's schema (config/parse.ts); the token is the secret `migration:kongAdminToken`.
 */
import { z } from "zod";
import { bool, int, obj, oneOf, str } from "../checks";
import { dnsLabel, dnsName } from "./common";

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

function isAdminUrl(s: string): boolean {
    try {
        const u = new URL(s);
        return (u.protocol === "https:" || u.protocol === "http:") && u.search === "" && u.hash === "";
    } catch {
        return false;
    }
}

const HOST_PORT_ACCEPTED = "host:port with an explicit port (Kong stores port 8000 when it is omitted)";

/** `migration:kong.apis.<api>`: Kong settings of one API. */
export const kongApiSchema = obj({
    service: str("the name of the existing Kong service that routes this API", /^[A-Za-z0-9_.~-]+$/).describe(
        "The existing Kong service that routes this API.",
    ),
    sourceTarget: str(HOST_PORT_ACCEPTED, isHostPort)
        .optional()
        .describe(
            'Kong\'s A target as `host:port`: a name only A answers. @default "<api>-a.<source>:443" (weighted mode; the DNS layer writes that name), the legacy host on 443 otherwise',
        ),
    targetTarget: str(HOST_PORT_ACCEPTED, isHostPort)
        .optional()
        .describe(
            "Kong's B target as `host:port`: B's own long name, which the platform stack points at B. @default \"<api>.<target>:443\"",
        ),
    hostHeader: dnsName("a host name both clusters' ingresses serve")
        .optional()
        .describe(
            "Host header Kong sends upstream (the upstream's host_header, also the proxy's SNI). @default the legacy host, which both clusters' ingresses serve",
        ),
    protocol: oneOf(["http", "https"])
        .optional()
        .describe(
            "The protocol the Kong service speaks to its targets, set on the service while it points at the upstream (the service's own comes back when the binding is deleted). @default https when the targets are on port 443, else http",
        ),
    path: str("an HTTP path starting with '/'", /^\/\S*$/)
        .optional()
        .describe("The path the Kong service sends upstream, set with the protocol. @default the service's own"),
    weight: int(0, 100).optional().describe("Percent to B on this layer. @default `cutover.weights.<api>`"),
    originHost: dnsName("a DNS name inside dns.zone")
        .optional()
        .describe(
            "Stable-hostname mode: the one target's host name, a CNAME the DNS cutover points at A's or B's long name. @default \"origin-<api>.<source>\"",
        ),
});

/** Service settings relaxed while the migration runs, restored at `complete`. */
export const relaxedSchema = obj({
    retries: int(0, 32767).optional(),
    connectTimeout: int(1, 2147483646).optional(),
    readTimeout: int(1, 2147483646).optional(),
    writeTimeout: int(1, 2147483646).optional(),
});

/** `migration:kong`: the Kong Gateway layer. */
export const kongSchema = obj({
    adminUrl: str("the Kong Admin API base URL, http(s)://host[:port][/path]", isAdminUrl)
        .refine((s) => !isAdminUrl(s) || (!new URL(s).username && !new URL(s).password), {
            error: "a URL without user:password@ (credentials in a plain config value are stored unencrypted); put the token in the secret migration:kongAdminToken",
        })
        .describe("The Admin API base URL, http(s)://host[:port][/path]."),
    allowPlainHttpWithToken: bool(false).describe("Send the token over http:// to a non-loopback Admin API (clear text)."),
    workspace: str("a Kong workspace name", /^[A-Za-z0-9_.-]+$/)
        .optional()
        .describe("Enterprise workspace, a path prefix."),
    tlsVerify: bool(true).describe("Verify the Admin API's TLS certificate."),
    auth: oneOf(["kong-admin-token", "bearer"]).default("kong-admin-token").describe("How the secret `migration:kongAdminToken` is sent."),
    tag: str("a Kong tag: letters, digits and _ . - (no comma or space)", /^[A-Za-z0-9_.-]{1,128}$/)
        .optional()
        .describe(
            "The tag on every Kong entity this stack manages and decK's select_tags: scoped to the team, so another team's `deck gateway sync` never touches these. @default \"migration-<upstreamPrefix>\"",
        ),
    upstreamPrefix: dnsLabel("a prefix for upstream names (DNS label), e.g. team1").describe(
        "Upstream names are `<upstreamPrefix>-<api>`.",
    ),
    mode: oneOf(["weighted", "stable-hostname"])
        .default("weighted")
        .describe("weighted: two targets by weight; stable-hostname: one target whose DNS name the cutover switches."),
    requestTimeoutMs: int(10, 120_000).default(10_000).describe("Per-request timeout of the Admin API, ms."),
    retries: int(0, 10).default(3).describe("Retries of a call answered 429/5xx or timed out."),
    retryBackoffMs: int(1, 10_000)
        .default(500)
        .describe("First backoff between retries, ms (doubling, jittered, capped at 5 s; a Retry-After wins)."),
    migrationSettings: relaxedSchema.optional().describe("Service settings relaxed while the migration runs, restored at `complete`."),
    apis: z.record(z.string(), kongApiSchema, { error: "an object" }).describe("Kong settings per API, by API name."),
}).transform(({ migrationSettings, allowPlainHttpWithToken: _, adminUrl, ...rest }) => ({
    ...rest,
    adminUrl: adminUrl.replace(/\/+$/, ""),
    ...(migrationSettings ? { relaxed: migrationSettings } : {}),
}));

export type KongApiSettings = z.output<typeof kongApiSchema>;
export type RelaxedServiceSettings = z.output<typeof relaxedSchema>;
