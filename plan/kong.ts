import { Api, CutoverConfig, KongApiSettings, KongSettings, Phase } from "../config/types";
import { Side } from "./cutover";

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
export function activeHealthcheck(api: Api, settings: KongApiSettings): Record<string, unknown> {
    const https = portOf(settings.targetTarget) === 443;
    return {
        active: {
            type: https ? "https" : "http",
            http_path: api.healthPath,
            timeout: 2,
            concurrency: 2,
            ...(https ? { https_verify_certificate: true } : {}),
            healthy: { interval: 5, successes: 2 },
            unhealthy: { interval: 5, http_failures: 3, tcp_failures: 3, timeouts: 3 },
        },
    };
}

function relaxedFields(kong: KongSettings, phase: Phase): Record<string, number> | null {
    if (!kong.relaxed || phase === "complete") return null;
    const r = kong.relaxed;
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

/** The Kong layer for every API with Kong settings. Pure. */
export function planKong(config: CutoverConfig): KongUpstreamPlan[] {
    const kong = config.kong;
    if (!kong) return [];
    return config.apis
        .filter((api) => kong.apis[api.name])
        .map((api): KongUpstreamPlan => {
            const s = kong.apis[api.name];
            const w = kongWeight(config, api.name);
            const name = `${kong.upstreamPrefix}-${api.name}`;
            const stable = kong.mode === "stable-hostname";
            return {
                api: api.name,
                host: `${api.name}.${config.domains.source}`,
                phase: config.cutover.phase,
                mode: kong.mode,
                upstream: { name, host_header: s.hostHeader ?? null, healthchecks: activeHealthcheck(api, s), tags: ["migration", `api:${api.name}`] },
                targets: stable
                    ? [{ side: w === 100 ? "B" : "A", target: `${s.originHost}:${portOf(s.targetTarget)}`, weight: 100 }]
                    : [
                          { side: "A", target: s.sourceTarget, weight: 100 - w },
                          { side: "B", target: s.targetTarget, weight: w },
                      ],
                service: { name: s.service, host: name, relaxed: relaxedFields(kong, config.cutover.phase), fallbackOriginal: { host: hostOf(s.sourceTarget), port: portOf(s.sourceTarget) } },
                ...(stable ? { origin: { host: s.originHost, cname: hostOf(w === 100 ? s.targetTarget : s.sourceTarget) } } : {}),
            };
        });
}
