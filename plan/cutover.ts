import { Api, CutoverConfig, Phase } from "../config/types";

/** Which cluster a DNS answer sends clients to. */
export type Side = "A" | "B";

/** One Alidns record on a legacy name. `value` absent means B's SLB address (from the platform stack). */
export interface RecordPlan {
    /** Stable child-name suffix: `a` and `b` keep their identity across phases, so a TTL or type change is an in-place update. */
    key: "a" | "b";
    side: Side;
    type: "A" | "CNAME";
    value?: string;
    ttl: number;
}

/** Per-record weights while the name is weighted. Weight 0 pauses the record (Alidns weights are 1..100). */
export interface WeightPlan {
    key: "a" | "b";
    side: Side;
    weight: number;
}

/** The DNS state of one legacy host in one phase. */
export interface HostCutoverPlan {
    api: string;
    host: string;
    zone: string;
    /** Host relative to the zone, as Alidns wants it. */
    rr: string;
    phase: Phase;
    records: RecordPlan[];
    /** Present while the name is weighted (shift, and complete with an A record). */
    weights?: WeightPlan[];
    /** TTL clients cache answers for in this phase. */
    ttl: number;
    /** Seconds to wait after applying before the next step, and why. */
    wait: { seconds: number; reason: string };
}

export interface CutoverPlan {
    hosts: HostCutoverPlan[];
}

/** The legacy host of an API relative to the zone. */
export function relativeName(host: string, zone: string): string {
    return host.slice(0, host.length - zone.length - 1);
}

function planHost(config: CutoverConfig, api: Api): HostCutoverPlan {
    const { cutover, dns, domains } = config;
    const host = `${api.name}.${domains.source}`;
    const w = cutover.weights[api.name] ?? 0;
    const base = { api: api.name, host, zone: dns.zone, rr: relativeName(host, dns.zone), phase: cutover.phase };
    const aRecord: RecordPlan = { key: "a", side: "A", type: "A", value: cutover.sourceAddress, ttl: dns.ttl.cutover };
    const bAddress: Omit<RecordPlan, "ttl"> = cutover.target.kind === "address" ? { key: "b", side: "B", type: "A", value: cutover.target.address } : { key: "b", side: "B", type: "A" };

    switch (cutover.phase) {
        case "prepare":
            return {
                ...base,
                records: [aRecord],
                ttl: dns.ttl.cutover,
                wait: {
                    seconds: dns.ttl.steady,
                    reason: `resolvers may still hold the answer cached under the TTL in force before (${dns.ttl.steady} s); shift only after that`,
                },
            };
        case "shift":
            return {
                ...base,
                records: [aRecord, { ...bAddress, ttl: dns.ttl.cutover }],
                weights: [
                    { key: "a", side: "A", weight: 100 - w },
                    { key: "b", side: "B", weight: w },
                ],
                ttl: dns.ttl.cutover,
                wait: { seconds: dns.ttl.cutover, reason: `clients follow the new weights within one TTL (${dns.ttl.cutover} s); watch B's error rate and latency before the next step` },
            };
        case "complete": {
            const final: RecordPlan =
                cutover.completeWith === "cname"
                    ? { key: "b", side: "B", type: "CNAME", value: `${api.name}.${domains.target}`, ttl: dns.ttl.steady }
                    : { ...bAddress, ttl: dns.ttl.steady };
            return {
                ...base,
                records: [final],
                // Weighting stays on while A's record is deleted: switching it off first would answer with A's paused record too.
                ...(final.type === "A" ? { weights: [{ key: "b" as const, side: "B" as const, weight: 100 }] } : {}),
                ttl: dns.ttl.steady,
                wait: {
                    seconds: dns.ttl.cutover,
                    reason: `answers pointing at A expire within the cutover TTL (${dns.ttl.cutover} s); then watch A's SLB for residual traffic before decommissioning`,
                },
            };
        }
    }
}

/** The DNS records and weights of every legacy host in the configured phase. Pure. */
export function planCutover(config: CutoverConfig): CutoverPlan {
    return { hosts: config.apis.map((api) => planHost(config, api)) };
}

/** How long until every client follows one legacy host's phase, in seconds. */
export interface Convergence {
    host: string;
    phase: Phase;
    /** The TTL of the answers clients may still hold: the earlier, longer one when this phase lowered it. */
    dnsSeconds: number;
    /** Kong data planes re-resolve a hostname target at record expiry + 0.5 s (0 without a Kong layer). */
    kongSeconds: number;
    worstCaseSeconds: number;
    /** How long to observe after that before the next step. */
    observeSeconds: number;
}

/** Kong re-resolves a hostname target this long after its record expires (kong/runloop/balancer). */
export const KONG_RERESOLVE_DELAY_SECONDS = 0.5;

/** Worst-case convergence per legacy host for the planned phase. Pure. */
export function planConvergence(config: CutoverConfig, plan: CutoverPlan, kongApis: Set<string>): Convergence[] {
    const { ttl } = config.dns;
    return plan.hosts.map((h) => {
        // prepare lowers the TTL: clients may hold the previous answer for the earlier (steady) TTL.
        const dnsSeconds = h.phase === "prepare" ? ttl.steady : ttl.cutover;
        const kongSeconds = kongApis.has(h.api) ? Math.ceil(dnsSeconds + KONG_RERESOLVE_DELAY_SECONDS) : 0;
        return { host: h.host, phase: h.phase, dnsSeconds, kongSeconds, worstCaseSeconds: Math.max(dnsSeconds, kongSeconds), observeSeconds: h.wait.seconds };
    });
}
