import { Api, CutoverConfig, KongApiSettings, KongSettings, Phase, RelaxedServiceSettings } from "../config/types";
import { hostPort, intermediateHost, kongTag, legacyHost, longHost, originHost, upstreamName } from "../vocabulary/naming";
import { Side } from "./traffic";
import type { KongConnection } from "../providers/kong";

/** The tag the stack's Kong entities carried before it was scoped to the team (adopted and re-tagged by the next apply). */
export const LEGACY_KONG_TAG = "migration";

/** One API's Kong settings with every default filled in from the API and the domains. */
export type ResolvedKongApi = Required<Omit<KongApiSettings, "hostHeader" | "weight" | "path">> &
    Pick<KongApiSettings, "hostHeader" | "weight" | "path">;

/**
 * What config left to defaults. Weighted mode: A's target `<api>-a.<source>:443`, a name only A
 * answers (the DNS layer writes it: plan/cutover.ts), and B's `<api>.<target>:443`, B's own long
 * name (the platform stack points it at B's load balancer; the gate checks it), so Kong's split
 * is its weights and nothing else — the legacy name, which DNS moves meanwhile, is never a
 * target. Stable-hostname mode: one target, the stable host name `origin-<api>.<source>`, whose
 * CNAME points at A's legacy name or B's long name. In both modes the legacy host is the Host
 * header (both clusters' ingresses serve it), since the targets' own names are not hosts the
 * ingresses route. Pure.
 */
export function resolveKongApi(config: CutoverConfig, kong: KongSettings, api: string): ResolvedKongApi {
    const s = kong.apis[api];
    const legacy = legacyHost(api, config.domains);
    return {
        service: s.service,
        sourceTarget: s.sourceTarget ?? hostPort(kong.mode === "weighted" ? intermediateHost(api, "A", config.domains) : legacy, 443),
        targetTarget: s.targetTarget ?? hostPort(longHost(api, config.domains), 443),
        originHost: s.originHost ?? originHost(api, config.domains),
        hostHeader: s.hostHeader ?? legacy,
        // An http service pointed at :443 targets gets 400 from B's ingress: the protocol follows the targets' port.
        protocol: s.protocol ?? (portOf(s.targetTarget ?? hostPort(longHost(api, config.domains), 443)) === 443 ? "https" : "http"),
        ...(s.path !== undefined ? { path: s.path } : {}),
        ...(s.weight !== undefined ? { weight: s.weight } : {}),
    };
}

/** One upstream target. */
export interface KongTargetPlan {
    side: Side;
    /** `host:port`, port always explicit. */
    target: string;
    weight: number;
}

/** The Kong entities for one API: its upstream, targets and the service routed through them. */
export interface KongUpstreamPlan {
    api: string;
    /** Legacy host this layer carries traffic for (for the traffic table). */
    host: string;
    phase: Phase;
    mode: KongSettings["mode"];
    upstream: {
        name: string;
        /** null: each target receives its own hostname as Host. */
        host_header: string | null;
        healthchecks: Record<string, unknown>;
        tags: string[];
    };
    targets: KongTargetPlan[];
    service: {
        name: string;
        /** What `host` points at: the upstream. */
        host: string;
        /** Relaxed settings while migrating; null restores the service's own values. */
        relaxed: Record<string, number> | null;
        /** What the service must speak to the targets while it points at the upstream: the protocol, and the path when set. */
        expect: { protocol: "http" | "https"; path?: string };
        /** Recorded as the original when the service already points at the upstream (a re-run after a crash). */
        fallbackOriginal: { host: string; port: number };
    };
    /** Stable-hostname mode: the CNAME DnsCutover manages for the one target. */
    origin?: { host: string; cname: string };
}

function hostOf(hostPort: string): string {
    return hostPort.slice(0, hostPort.lastIndexOf(":"));
}

function portOf(hostPort: string): number {
    return Number(hostPort.slice(hostPort.lastIndexOf(":") + 1));
}

/** An active health check on the API's health path, over the protocol of B's target port. */
export function activeHealthcheck(healthPath: string, targetTarget: string): Record<string, unknown> {
    const https = portOf(targetTarget) === 443;
    return {
        active: {
            type: https ? "https" : "http",
            http_path: healthPath,
            timeout: 2,
            concurrency: 2,
            ...(https ? { https_verify_certificate: true } : {}),
            healthy: { interval: 5, successes: 2 },
            unhealthy: { interval: 5, http_failures: 3, tcp_failures: 3, timeouts: 3 },
        },
    };
}

function relaxedFields(relaxed: RelaxedServiceSettings | undefined, phase: Phase): Record<string, number> | null {
    if (!relaxed || phase === "complete") return null;
    const r = relaxed;
    const out: Record<string, number> = {};
    if (r.retries !== undefined) out.retries = r.retries;
    if (r.connectTimeout !== undefined) out.connect_timeout = r.connectTimeout;
    if (r.readTimeout !== undefined) out.read_timeout = r.readTimeout;
    if (r.writeTimeout !== undefined) out.write_timeout = r.writeTimeout;
    return Object.keys(out).length ? out : null;
}

/** Percent of this API's Kong traffic on B: the layer override, else the shared weight; 100 at complete. */
export function kongWeight(config: CutoverConfig, api: string): number {
    if (config.cutover.phase === "complete") return 100;
    if (config.cutover.phase === "prepare") return 0;
    return config.kong?.apis[api]?.weight ?? config.cutover.weights[api] ?? 0;
}

/** What moving one API's Kong traffic means: the intent KongUpstream takes. */
export interface KongUpstreamIntent {
    /** The API (its upstream is `upstream`, its tags `api:<api>`). */
    api: string;
    /** Its legacy host, for the traffic row. */
    host: string;
    phase: Phase;
    /** `weighted`: A's and B's targets by weight; `stable-hostname`: one target whose DNS moves. */
    mode: KongSettings["mode"];
    /** Percent on B (0..100); 100 at complete, 0 in prepare. */
    weight: number;
    /** The upstream's name. */
    upstream: string;
    /** The team's tag on every entity (kong.tag, or `migration-<upstreamPrefix>`); decK's select_tags. */
    tag: string;
    /** The existing Kong service routed through the upstream. */
    service: string;
    /**
     * Kong's A and B targets as `host:port`, the stable host name, the Host header when one is
     * sent, and the service's own `host:port` before the migration (recorded as its original when
     * it already points at the upstream): the configured A target, else the legacy host on 443.
     */
    targets: { source: string; target: string; originHost: string; hostHeader?: string; original: string };
    /** The API's health path (the upstream's active health check). */
    healthPath: string;
    /**
     * Service settings while migrating; the service's own come back at complete.
     * @default undefined (the service's own settings throughout)
     */
    relaxed?: RelaxedServiceSettings;
    /** The service's protocol toward the targets, and its path when config sets one. */
    expect: { protocol: "http" | "https"; path?: string };
}

/** The intent for one API, from the cutover config, or undefined when it has no Kong settings. Pure. */
export function kongUpstreamIntent(config: CutoverConfig, api: Api): KongUpstreamIntent | undefined {
    const kong = config.kong;
    if (!kong?.apis[api.name]) return undefined;
    const s = resolveKongApi(config, kong, api.name);
    return {
        api: api.name,
        host: legacyHost(api.name, config.domains),
        phase: config.cutover.phase,
        mode: kong.mode,
        weight: kongWeight(config, api.name),
        upstream: upstreamName(kong.upstreamPrefix, api.name),
        tag: kong.tag ?? kongTag(kong.upstreamPrefix),
        service: s.service,
        targets: {
            source: s.sourceTarget,
            target: s.targetTarget,
            originHost: s.originHost,
            ...(s.hostHeader ? { hostHeader: s.hostHeader } : {}),
            original: kong.apis[api.name].sourceTarget ?? hostPort(legacyHost(api.name, config.domains), 443),
        },
        healthPath: api.healthPath,
        ...(kong.relaxed ? { relaxed: kong.relaxed } : {}),
        expect: { protocol: s.protocol, ...(s.path !== undefined ? { path: s.path } : {}) },
    };
}

/** The upstream, targets and service binding an intent comes to. Pure. */
export function planKongUpstream(i: KongUpstreamIntent): KongUpstreamPlan {
    const w = i.weight;
    const stable = i.mode === "stable-hostname";
    const t = i.targets;
    return {
        api: i.api,
        host: i.host,
        phase: i.phase,
        mode: i.mode,
        upstream: {
            name: i.upstream,
            host_header: t.hostHeader ?? null,
            healthchecks: activeHealthcheck(i.healthPath, t.target),
            tags: [i.tag, `api:${i.api}`],
        },
        targets: stable
            ? [{ side: w === 100 ? "B" : "A", target: hostPort(t.originHost, portOf(t.target)), weight: 100 }]
            : [
                  { side: "A", target: t.source, weight: 100 - w },
                  { side: "B", target: t.target, weight: w },
              ],
        service: {
            name: i.service,
            host: i.upstream,
            relaxed: relaxedFields(i.relaxed, i.phase),
            expect: i.expect,
            fallbackOriginal: { host: hostOf(t.original), port: portOf(t.original) },
        },
        ...(stable ? { origin: { host: t.originHost, cname: hostOf(w === 100 ? t.target : t.source) } } : {}),
    };
}

/** How the providers reach the Admin API, from the Kong settings. Pure. */
export function kongConnection(kong: KongSettings): KongConnection {
    return {
        adminUrl: kong.adminUrl,
        ...(kong.workspace ? { workspace: kong.workspace } : {}),
        tlsVerify: kong.tlsVerify,
        auth: kong.auth,
        timeoutMs: kong.requestTimeoutMs,
        retries: kong.retries,
        backoffMs: kong.retryBackoffMs,
    };
}

/** What the plan must say about the cutover stack's settings (printed, and logged by `pulumi up`). */
export function cutoverWarnings(config: CutoverConfig): string[] {
    const kong = config.kong;
    const out: string[] = [];
    if (config.dns.service === "privatezone") {
        out.push(
            `PrivateZone zone ${config.dns.zoneId}: weighted records exist only in an acceleration zone (DnsGroup FAST_ZONE); a regular zone (NORMAL_ZONE) has no weights and holds one CNAME per name, so the provider reads the zone (DescribeZoneInfo) before a name's first record and refuses a regular zone; \`npm run -s verify -- --stack cutover --check-dns\` reads it now, and ChangeZoneDnsGroup switches it (NORMAL → FAST only, not undone)`,
            `PrivateZone zone ${config.dns.zoneId} must be bound to every VPC whose clients resolve the legacy names: ${config.dns.vpcIds.join(", ")} (cluster A's, B's, Kong's); this stack does not bind them`,
        );
    }
    if (kong && !kong.token) {
        out.push(
            `Kong layer without migration:kongAdminToken: the Admin API at ${kong.adminUrl} must accept unauthenticated requests (Kong OSS without RBAC); set the token if it has RBAC`,
        );
    }
    // An explicit opt-out of a safety check is said on every run, as the gate's is (over http:// there is no certificate to check).
    if (kong && !kong.tlsVerify && kong.adminUrl.startsWith("https:")) {
        out.push(
            `Kong Admin API certificate not verified (migration:kong.tlsVerify: false): the stack talks to whoever answers at ${kong.adminUrl}${kong.token ? " and sends it the Admin token" : ""}; set tlsVerify: true (the default) once the machine running pulumi up trusts the Admin API's certificate`,
        );
    }
    // Warned, not refused: in prepare nothing is on B whatever the weights say, and rolling back
    // to prepare is one edit (phase prepare) that leaves the weights in place — refusing them
    // would turn a rollback into several edits at the worst moment. Said so that a weight set
    // before its phase (the canary's `weights.api01 5` without `phase shift`) is not mistaken for a move.
    if (config.cutover.phase === "prepare") {
        const idle = [
            ...Object.entries(config.cutover.weights)
                .filter(([, w]) => w > 0)
                .map(([api, w]) => `migration:cutover.weights.${api} (${w})`),
            ...Object.entries(kong?.apis ?? {})
                .filter(([, a]) => a.weight !== undefined && a.weight > 0)
                .map(([api, a]) => `migration:kong.apis.${api}.weight (${a.weight})`),
        ];
        if (idle.length > 0)
            out.push(`phase prepare moves nothing to B: ${idle.join(", ")} will move traffic the moment phase shift is applied`);
    }
    return out;
}
