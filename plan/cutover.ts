import { Api, CutoverConfig, Phase, PlatformDnsSettings } from "../config/types";
import { KongUpstreamIntent, kongUpstreamIntent, KongUpstreamPlan, planKongUpstream } from "./kong";
import { intermediateHost, legacyHost, longHost, relativeName, stagingHost } from "../vocabulary/naming";
import { EffectiveShare, rowsByHost, Side, TrafficRow, viaKongShare, weightsText } from "./traffic";
import { GatePlan, PlannedAddress, planGate, PublishedDataPlane, targetAddress } from "./gate";

export { Side };

/** One Alidns record on a legacy name. `value` absent means B's SLB address (from the platform stack). */
export interface RecordPlan {
    /**
     * Stable child-name suffix: `a` and `b` keep their identity across phases, so a TTL or type
     * change is an in-place update; `to-a`, `to-b` are the intermediate names (B by host name).
     * (Before the names moved under the team's suffix they were `via-a`, `via-b` at the zone's
     * apex: new keys make the engine create the new names before the legacy name's CNAMEs move
     * to them, and delete the old ones only at the end of the update.)
     */
    key: "a" | "b" | "to-a" | "to-b";
    side: Side;
    type: "A" | "CNAME";
    value?: string;
    ttl: number;
    /** The record's own name relative to the zone, when not the legacy name's (the intermediate names). */
    rr?: string;
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
    /** Where a second record of the name is born, paused, before it moves onto the name (relative to the zone). */
    stagingRr: string;
    phase: Phase;
    records: RecordPlan[];
    /** Present while the name holds A's and B's records (shift at a weight above 0). */
    weights?: WeightPlan[];
    /** TTL clients cache answers for in this phase. */
    ttl: number;
    /** Seconds to wait after applying before the next step, and why. */
    wait: { seconds: number; reason: string };
}

/** What moving one legacy name from A to B means: the intent DnsCutover takes. */
export interface LegacyNameCutover {
    /** The API the name belongs to. */
    api: string;
    /** The legacy host name, e.g. `api01.source-team1.dev.aliyun.cloud.cn.aibang`. */
    host: string;
    /** A's legacy suffix (`domains.source`): the intermediate and staging names live under it. */
    sourceDomain: string;
    /** The DNS zone that holds it. */
    zone: string;
    phase: Phase;
    /**
     * B's share of the name's answers in `shift`, 0..100.
     * @default 0
     */
    weight?: number;
    /** A's load-balancer address (IPv4). */
    sourceAddress: string;
    /** TTLs: the short one while moving, the steady one after. */
    ttl: { cutover: number; steady: number };
    /**
     * What `complete` leaves on the name: an A record to B's address, or a CNAME to `longHost`.
     * @default "address"
     */
    completeWith?: "address" | "cname";
    /** B's long host name, the CNAME's target with `completeWith: cname`. */
    longHost: string;
    /**
     * B's load balancer as a DNS name: the legacy name then holds weighted CNAMEs to two
     * intermediate names (`<api>-a` → A's address, `<api>-b` → this host). The conversion of
     * the legacy name from an A record to a CNAME happens in prepare, a step of its own.
     * @default undefined (B by address)
     */
    targetHost?: string;
    /**
     * B is a DNS name published by the platform stack (an ALB's or NLB's), not pinned: planned
     * as with `targetHost`, the name itself known only from the stack's outputs.
     * @default false
     */
    targetIsHostName?: boolean;
    /**
     * Kong's A target is `<api>-a` (a weighted Kong layer with its default A target): with B by
     * address, where there are no intermediate names, that name is written too — an A record to
     * A's address from prepare until complete — so that Kong's A target answers A only. (With B
     * by a host name it is the intermediate name, which exists anyway.)
     * @default false
     */
    kongSourceName?: boolean;
}

/**
 * What the platform stack says B is, when the cutover reads B from it: an IPv4 address (a CLB's)
 * or a DNS name (an ALB's, an NLB's). Known before anything registers (the platform stack's
 * `ingress.addressKind` output).
 */
export type PlatformTarget = "ip" | "hostname";

/** The intent for one API's legacy name, from the cutover config. Pure. */
export function legacyNameIntent(config: CutoverConfig, api: Api, platform?: PlatformTarget): LegacyNameCutover {
    const { cutover, dns, domains } = config;
    return {
        api: api.name,
        host: legacyHost(api.name, domains),
        sourceDomain: domains.source,
        zone: dns.zone,
        phase: cutover.phase,
        weight: cutover.weights[api.name] ?? 0,
        sourceAddress: cutover.sourceAddress,
        ttl: dns.ttl,
        completeWith: cutover.completeWith,
        longHost: longHost(api.name, domains),
        ...(cutover.target.kind === "host" ? { targetHost: cutover.target.host } : {}),
        ...(cutover.target.kind === "stack" && platform === "hostname" ? { targetIsHostName: true } : {}),
        ...(kongUsesSourceName(config, api.name) ? { kongSourceName: true } : {}),
    };
}

/** Whether Kong's A target for this API is `<api>-a.<source>` (weighted mode, A's target left to its default). Pure. */
function kongUsesSourceName(config: CutoverConfig, api: string): boolean {
    const kong = config.kong;
    return kong?.mode === "weighted" && kong.apis[api] !== undefined && kong.apis[api].sourceTarget === undefined;
}

/** The records and weights of one legacy name in its phase; B's record has no value (B's address is an Input). Pure. */
export function planLegacyName(intent: LegacyNameCutover): HostCutoverPlan {
    const { host, zone, phase, ttl } = intent;
    const w = intent.weight ?? 0;
    const base = {
        api: intent.api,
        host,
        zone,
        rr: relativeName(host, zone),
        stagingRr: relativeName(stagingHost(intent.api, { source: intent.sourceDomain }), zone),
        phase,
    };
    const dns = { ttl };
    if (intent.targetHost || intent.targetIsHostName) return planByHostName(intent, base);
    const aRecord: RecordPlan = { key: "a", side: "A", type: "A", value: intent.sourceAddress, ttl: ttl.cutover };
    const bAddress: Omit<RecordPlan, "ttl"> = { key: "b", side: "B", type: "A" };
    // Kong's A target `<api>-a` (the same record, under the same key, as the intermediate name
    // with B by host name): until complete, where Kong's A weight is 0 and A's wildcard answers the name.
    const kongA: RecordPlan[] = intent.kongSourceName
        ? [
              {
                  key: "to-a",
                  side: "A",
                  type: "A",
                  value: intent.sourceAddress,
                  ttl: ttl.cutover,
                  rr: relativeName(intermediateHost(intent.api, "A", { source: intent.sourceDomain }), zone),
              },
          ]
        : [];

    switch (phase) {
        case "prepare":
            return {
                ...base,
                records: [...kongA, aRecord],
                ttl: dns.ttl.cutover,
                wait: {
                    seconds: dns.ttl.steady,
                    reason: `resolvers may still hold the answer cached under the TTL in force before (${dns.ttl.steady} s); shift only after that`,
                },
            };
        case "shift":
            // A canary moves only the APIs it names: at weight 0 the name stays exactly as in
            // prepare (A's record alone, no B record, no weighting).
            if (w === 0) {
                return {
                    ...base,
                    records: [...kongA, aRecord],
                    ttl: dns.ttl.cutover,
                    wait: { seconds: dns.ttl.cutover, reason: `not moving yet (weight 0): the name answers A only, as in prepare` },
                };
            }
            return {
                ...base,
                records: [...kongA, aRecord, { ...bAddress, ttl: dns.ttl.cutover }],
                weights: [
                    { key: "a", side: "A", weight: 100 - w },
                    { key: "b", side: "B", weight: w },
                ],
                ttl: dns.ttl.cutover,
                wait: {
                    seconds: dns.ttl.cutover,
                    reason: `clients follow the new weights within one TTL (${dns.ttl.cutover} s); watch B's error rate and latency before the next step`,
                },
            };
        case "complete": {
            const final: RecordPlan =
                intent.completeWith === "cname"
                    ? { key: "b", side: "B", type: "CNAME", value: intent.longHost, ttl: dns.ttl.steady }
                    : { ...bAddress, ttl: dns.ttl.steady };
            return {
                ...base,
                // B's record alone: A's is paused, weighting switched off, then A's record deleted (providers/name-records.ts).
                records: [final],
                ttl: dns.ttl.steady,
                // The CNAME is its own step after complete: what clients may still hold is B's A
                // record, cached under the steady TTL it has had since complete.
                wait:
                    final.type === "CNAME"
                        ? {
                              seconds: dns.ttl.steady,
                              reason: `answers of the A record the CNAME replaces expire within the steady TTL (${dns.ttl.steady} s); both point at B, so nothing moves meanwhile`,
                          }
                        : {
                              seconds: dns.ttl.cutover,
                              reason: `answers pointing at A expire within the cutover TTL (${dns.ttl.cutover} s); then watch A's SLB for residual traffic before decommissioning`,
                          },
            };
        }
    }
}

/**
 * B addressed by a host name: the intermediate names always exist (`to-a`: A record to A's
 * address, `to-b`: CNAME to B's host); the legacy name is a CNAME to `<api>-a` (prepare, and
 * shift at 0), weighted CNAMEs to both (shift), then the CNAME to `<api>-b` alone
 * (complete). Pure.
 */
function planByHostName(intent: LegacyNameCutover, base: Omit<HostCutoverPlan, "records" | "ttl" | "wait">): HostCutoverPlan {
    const { ttl, zone, api } = intent;
    const w = intent.weight ?? 0;
    const domains = { source: intent.sourceDomain };
    const viaA = intermediateHost(api, "A", domains);
    const viaB = intermediateHost(api, "B", domains);
    const via: RecordPlan[] = [
        { key: "to-a", side: "A", type: "A", value: intent.sourceAddress, ttl: ttl.cutover, rr: relativeName(viaA, zone) },
        // No value when B's name comes from the platform stack: the component gives it (an Input).
        {
            key: "to-b",
            side: "B",
            type: "CNAME",
            ...(intent.targetHost ? { value: intent.targetHost } : {}),
            ttl: ttl.cutover,
            rr: relativeName(viaB, zone),
        },
    ];
    const toA: RecordPlan = { key: "a", side: "A", type: "CNAME", value: viaA, ttl: ttl.cutover };
    const toB: RecordPlan = { key: "b", side: "B", type: "CNAME", value: viaB, ttl: ttl.cutover };
    if (intent.phase === "prepare" || (intent.phase === "shift" && w === 0)) {
        return {
            ...base,
            records: [...via, toA],
            ttl: ttl.cutover,
            wait:
                intent.phase === "prepare"
                    ? {
                          seconds: ttl.steady,
                          reason: `the legacy name became a CNAME to ${viaA} (same answer, A's address); resolvers may hold the earlier answer for the TTL in force before (${ttl.steady} s): shift only after that`,
                      }
                    : { seconds: ttl.cutover, reason: `not moving yet (weight 0): the name answers A only, as in prepare` },
        };
    }
    if (intent.phase === "shift") {
        return {
            ...base,
            records: [...via, toA, toB],
            weights: [
                { key: "a", side: "A", weight: 100 - w },
                { key: "b", side: "B", weight: w },
            ],
            ttl: ttl.cutover,
            wait: {
                seconds: ttl.cutover,
                reason: `clients follow the new weights within one TTL (${ttl.cutover} s); watch B's error rate and latency before the next step`,
            },
        };
    }
    return {
        ...base,
        records: [via[1], { ...toB, ttl: ttl.steady }],
        ttl: ttl.steady,
        wait: {
            seconds: ttl.cutover,
            reason: `answers pointing at A expire within the cutover TTL (${ttl.cutover} s); then watch A's SLB for residual traffic before decommissioning`,
        },
    };
}

/**
 * Everything the cutover does for one API: its gate, its DNS, its Kong layer when it has one,
 * and what to wait for. ApiCutover wires exactly this; nothing in it is planned again.
 */
export interface ApiCutoverPlan {
    api: string;
    /** What moving the legacy name was asked to do. */
    intent: LegacyNameCutover;
    /** What that comes to: records, weights, TTL, the wait (DnsCutover's records). */
    dns: HostCutoverPlan;
    /** B's team load balancer, the value of the records whose `value` is absent (pinned, or the platform stack's). */
    target: PlannedAddress;
    /** What moving the Kong traffic was asked to do; absent when the API has no Kong settings (or the stack no Kong layer). */
    kongIntent?: KongUpstreamIntent;
    /** What that comes to (KongUpstream's entities). */
    kong?: KongUpstreamPlan;
    /** The health gate, with where its probes connect; absent when the gate is off. */
    gate?: GatePlan;
    /** The share of the legacy host that reaches B, per client path (on each of its traffic rows). */
    effective: EffectiveShare;
    convergence: Convergence;
    /** `<host>: wait W s, then observe at least M s: why`; absent when the host does not move in this phase. */
    note?: string;
}

/**
 * The cutover of every API, once per API, in the order the traffic table lists them (by
 * legacy host). Pure: the program only wires each entry to its ApiCutover.
 */
export function planApiCutovers(config: CutoverConfig, platform?: PlatformTarget, dataPlane?: PublishedDataPlane): ApiCutoverPlan[] {
    return config.apis
        .map((api) => {
            const intent = legacyNameIntent(config, api, platform);
            const dns = planLegacyName(intent);
            const kongIntent = kongUpstreamIntent(config, api);
            const kong = kongIntent && planKongUpstream(kongIntent);
            const gate = planGate(config, api, { dns, kong }, dataPlane);
            return {
                api: api.name,
                intent,
                dns,
                target: targetAddress(config),
                ...(kongIntent && kong ? { kongIntent, kong } : {}),
                ...(gate ? { gate } : {}),
                effective: effectiveShare({ dns, kong }),
                ...converging(config, dns, kong !== undefined, kong && kongShareNote({ dns, kong })),
            };
        })
        .sort((x, y) => (x.dns.host < y.dns.host ? -1 : x.dns.host > y.dns.host ? 1 : 0));
}

/** The share of one API's legacy host that reaches B, per client path (plan/traffic.ts EffectiveShare). Pure. */
export function effectiveShare(p: Pick<ApiCutoverPlan, "dns" | "kong">): EffectiveShare {
    const own = p.dns.records.filter((r) => r.rr === undefined);
    const direct = p.dns.weights ? p.dns.weights.find((w) => w.side === "B")!.weight : own.some((r) => r.side === "B") ? 100 : 0;
    if (!p.kong) return { direct };
    // Stable-hostname mode: the one target is the origin name, whose CNAME points at B's long host
    // (all to B), or at A's source target — by default the legacy name itself, which DNS is moving:
    // then Kong's requests reach B as the legacy name's clients do (DNS's share).
    if (p.kong.mode === "stable-hostname") {
        if (p.kong.targets[0]?.side === "B") return { direct, viaKong: 100 };
        return { direct, viaKong: p.kong.origin?.cname === p.dns.host ? direct : 0 };
    }
    const b = p.kong.targets.find((t) => t.side === "B");
    return { direct, viaKong: viaKongShare(b?.weight ?? 0, direct, kongATargetFollowsDns(p)) };
}

/**
 * Whether Kong's A target is the legacy name itself (only when config sets
 * `kong.apis.<api>.sourceTarget` to it; the default is `<api>-a`, which only A answers): then
 * it follows DNS, and each data plane sends all of A's weight to whichever side its cached
 * answer names. Pure.
 */
function kongATargetFollowsDns(p: Pick<ApiCutoverPlan, "dns" | "kong">): boolean {
    const a = p.kong?.mode === "weighted" ? p.kong.targets.find((t) => t.side === "A") : undefined;
    return a !== undefined && a.target.replace(/:\d+$/, "") === p.dns.host;
}

/** What the plan says of Kong's share in weighted mode: exact, or (A's target the legacy name) an average. Pure. */
function kongShareNote(p: Pick<ApiCutoverPlan, "dns" | "kong">): string | undefined {
    if (p.kong?.mode !== "weighted") return undefined;
    const [a, b] = (["A", "B"] as const).map((side) => p.kong!.targets.find((t) => t.side === side));
    if (!a || !b) return undefined;
    if (kongATargetFollowsDns(p))
        return `via Kong: ${effectiveShare(p).viaKong} % to B on average only (its A target is the legacy name, which DNS moves: each data plane sends all of A's weight wherever its cached answer points)`;
    return `via Kong: exactly ${b.weight} % to B (targets are names only A or B answer: ${a.target}, ${b.target})`;
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
    /** How long at least to observe after that before the next step (0 when no traffic moves in this phase). */
    observeSeconds: number;
}

/** Kong re-resolves a hostname target this long after its record expires (kong/runloop/balancer). */
export const KONG_RERESOLVE_DELAY_SECONDS = 0.5;

/**
 * Worst-case convergence of one legacy host for the planned phase, and the note that says it
 * plainly: "wait W s, then observe at least M s". W is what clients may still hold (the TTL
 * the phase's wait is about — the earlier, longer one when prepare lowered it, the steady one
 * the CNAME step replaces) plus Kong's re-resolution; M is one more cutover TTL at the new share
 * when traffic moves, and nothing when it does not. Pure.
 */
function converging(
    config: CutoverConfig,
    h: HostCutoverPlan,
    kong: boolean,
    kongNote?: string,
): { convergence: Convergence; note?: string } {
    const dnsSeconds = h.wait.seconds;
    const kongSeconds = kong ? Math.ceil(dnsSeconds + KONG_RERESOLVE_DELAY_SECONDS) : 0;
    const worstCaseSeconds = Math.max(dnsSeconds, kongSeconds);
    const moves = h.phase === "complete" || (h.weights?.some((w) => w.side === "B" && w.weight > 0) ?? false);
    const observeSeconds = moves ? config.dns.ttl.cutover : 0;
    return {
        convergence: { host: h.host, phase: h.phase, dnsSeconds, kongSeconds, worstCaseSeconds, observeSeconds },
        // A host a canary leaves where it was (shift at 0) has nothing to wait for.
        ...(h.phase === "shift" && !moves
            ? {}
            : {
                  note: `${h.host}: wait ${worstCaseSeconds} s${observeSeconds ? `, then observe at least ${observeSeconds} s` : ""}: ${h.wait.reason}${kongNote ? `; ${kongNote}` : ""}`,
              }),
    };
}

/** What one edit (from one planned config to another) makes a legacy host wait for. */
export interface EditConvergence {
    host: string;
    /** The host's traffic rows before and after, as `DNS A 80 · B 20 (TTL 60 s) | Kong A 80 · B 20`; "absent" when it has none. */
    before: string;
    after: string;
    /** The TTL of the answers clients may hold when the edit lands: the TTL in force before it (the new plan's figure for a host new to the stack). */
    dnsSeconds: number;
    /** Kong re-resolution at that record's expiry + 0.5 s (0 without a Kong layer). */
    kongSeconds: number;
    worstCaseSeconds: number;
    /** From the new plan: one cutover TTL when traffic moves in its phase, else 0. */
    observeSeconds: number;
}

/** A host's traffic state as the edit sees it: each layer's weights, and DNS's TTL. */
function hostTraffic(rows: TrafficRow[]): string {
    if (rows.length === 0) return "absent";
    return rows
        .map((r) => {
            const weights = weightsText(r);
            return r.layer === "dns" ? `DNS ${weights} (TTL ${r.ttl} s)` : `Kong ${weights}`;
        })
        .join(" | ");
}

/**
 * Convergence of an edit rather than of a phase: what clients hold when it lands is decided by
 * the config before it, which a phase's own plan cannot know — a rollback from complete (TTL back
 * at the steady 600 s) to shift waits 600 s, not the shift's 60 s. A host whose rows (targets,
 * weights, addresses, TTL) the edit leaves as they were waits for nothing and is not listed.
 * Hosts come in the order of the new plan's rows, then hosts the edit removes. Pure.
 */
export function editConvergence(
    before: { traffic: TrafficRow[] },
    after: { traffic: TrafficRow[]; convergence: Convergence[] },
): { hosts: EditConvergence[]; unchanged: number } {
    const was = rowsByHost(before.traffic);
    const now = rowsByHost(after.traffic);
    const planned = new Map(after.convergence.map((c) => [c.host, c]));
    const same = (a: TrafficRow[], b: TrafficRow[]) =>
        JSON.stringify(a.map((r) => [r.layer, r.ttl, r.targets])) === JSON.stringify(b.map((r) => [r.layer, r.ttl, r.targets]));
    const hosts: EditConvergence[] = [];
    let unchanged = 0;
    for (const host of new Set([...now.keys(), ...was.keys()])) {
        const a = was.get(host) ?? [];
        const b = now.get(host) ?? [];
        if (same(a, b)) {
            unchanged++;
            continue;
        }
        const held = a.find((r) => r.layer === "dns")?.ttl;
        const dnsSeconds = held ?? planned.get(host)?.dnsSeconds ?? 0;
        const kong = [...a, ...b].some((r) => r.layer === "kong");
        const kongSeconds = kong ? Math.ceil(dnsSeconds + KONG_RERESOLVE_DELAY_SECONDS) : 0;
        hosts.push({
            host,
            before: hostTraffic(a),
            after: hostTraffic(b),
            dnsSeconds,
            kongSeconds,
            worstCaseSeconds: Math.max(dnsSeconds, kongSeconds),
            observeSeconds: planned.get(host)?.observeSeconds ?? 0,
        });
    }
    return { hosts, unchanged };
}

/** Which DNS service answers a legacy name, and how to reach its API. */
export type DnsService =
    | {
          kind: "alidns";
          /** @default "alidns.aliyuncs.com" */
          endpoint?: string;
          /** @default { retries: 5, backoffMs: 250 } */
          retry?: { retries: number; backoffMs: number };
          /** The records' resolution line. @default "default" */
          line?: string;
          /** Requests per second to the API from the whole provider process. @default 20 */
          perSecond?: number;
      }
    | {
          kind: "privatezone";
          /** The PrivateZone zone id. */
          zoneId: string;
          /** @default "pvtz.aliyuncs.com" */
          endpoint?: string;
          /** @default { retries: 5, backoffMs: 250 } */
          retry?: { retries: number; backoffMs: number };
          /** The records' resolution line. @default "default" */
          line?: string;
          /** Requests per second to the API from the whole provider process. @default 20 */
          perSecond?: number;
      };

/** The DNS service the components talk to, from a stack's `dns` settings (the cutover's or the platform's). Pure. */
export function dnsService(dns: CutoverConfig["dns"] | PlatformDnsSettings): DnsService {
    return dns.service === "privatezone"
        ? {
              kind: "privatezone",
              zoneId: dns.zoneId,
              endpoint: dns.endpoint,
              retry: dns.retry,
              line: dns.line,
              perSecond: dns.requestsPerSecond,
          }
        : { kind: "alidns", endpoint: dns.endpoint, retry: dns.retry, line: dns.line, perSecond: dns.requestsPerSecond };
}
