import { SourceConfig } from "../config/types";
import { TrafficRow } from "./traffic";

/** A traffic row as the guard reads it from another stack (a row without `api` counts as no evidence). */
export type GuardTrafficRow = TrafficRow;

/** What the cutover stack publishes, as the guard sees it. `undefined` means not known (offline). */
export interface CutoverState {
    phase?: string;
    /** ISO time the current phase was first applied; undefined when unknown. */
    phaseAppliedAt?: string;
    traffic: GuardTrafficRow[];
    /** The DNS service the cutover stack moves the legacy names on (`alidns` | `privatezone`); undefined when not published. */
    dnsService?: string;
}

export interface Verdict {
    allowed: boolean;
    /** Every unmet condition, with the values seen. */
    reasons: string[];
    /** The guard's clock (ISO), so a verdict can be reproduced. */
    clock: string;
    /** When the cutover's phase was applied (ISO), or null when unknown (taken as now). */
    phaseAppliedAt: string | null;
}

/**
 * The cutover stack's outputs as the guard takes them: a phase time that is not a time (not
 * known yet, offline) is unknown, and traffic that is not a list is none. Pure.
 */
export function guardInput(phase: unknown, phaseAppliedAt: unknown, traffic: unknown, dnsService?: unknown): CutoverState {
    const time = typeof phaseAppliedAt === "string" && !Number.isNaN(Date.parse(phaseAppliedAt)) ? phaseAppliedAt : undefined;
    return {
        ...(typeof phase === "string" ? { phase } : {}),
        ...(time ? { phaseAppliedAt: time } : {}),
        traffic: Array.isArray(traffic) ? (traffic as GuardTrafficRow[]) : [],
        ...(typeof dnsService === "string" ? { dnsService } : {}),
    };
}

const SERVICE_NAMES: Record<string, string> = { alidns: "public Alidns", privatezone: "PrivateZone" };

/**
 * The wildcard this stack would delete must be the one the legacy names fall back to: on the
 * service the cutover stack moves them on. Adopting A's Alidns wildcard while the names live
 * in PrivateZone would leave PrivateZone's wildcard answering A's address (gone after destroy)
 * for every name the cutover does not hold. Unknown counts as disagreeing (fails closed).
 */
function wildcardReasons(config: SourceConfig, cutover: CutoverState): string[] {
    const w = config.source.wildcardRecord;
    if (!w) return [];
    const mine = SERVICE_NAMES[w.service];
    if (cutover.dnsService === undefined)
        return [
            `wildcard record: the cutover stack does not publish its DNS service (output dnsService; pulumi up -s cutover publishes it), so whether A's ${mine} wildcard is the one the legacy names fall back to is not shown`,
        ];
    if (cutover.dnsService === w.service) return [];
    return [
        `wildcard record: source.wildcardRecord is a ${mine} record, but the cutover stack moves the legacy names in ${SERVICE_NAMES[cutover.dnsService] ?? JSON.stringify(cutover.dnsService)} (dns.service ${cutover.dnsService}): adopt A's wildcard on the service the names live on`,
    ];
}

/** Reasons one traffic row does not show its API wholly on B (empty when it does). */
function rowReasons(api: string, row: GuardTrafficRow): string[] {
    const what = row.layer === "kong" ? `Kong upstream ${row.upstream ?? "(unknown)"}` : `DNS answers for ${row.host}`;
    const onA = row.targets.filter((t) => t.side === "A" && t.weight > 0);
    if (onA.length > 0) {
        return onA.map((t) =>
            row.layer === "kong"
                ? `${api}: Kong target ${t.address ?? "(unknown)"} of upstream ${row.upstream ?? "(unknown)"} still has weight ${t.weight}`
                : `${api}: DNS answer ${t.address ?? "(unknown)"} (side A) for ${row.host} still has weight ${t.weight}`,
        );
    }
    const onB = row.targets.filter((t) => t.side === "B").reduce((sum, t) => sum + t.weight, 0);
    return onB === 100 ? [] : [`${api}: ${what} give B weight ${onB}, not 100`];
}

/**
 * Whether A may be deleted. Fails closed: every API the source stack retires must be shown
 * on B by the cutover stack's own rows — its DNS row at B 100 / A 0 and, where it has a Kong
 * row, Kong at B 100 / A 0; an API the cutover stack does not route blocks, as does every
 * adopted namespace no listed API accounts for. Also: the cutover is `complete`, has been
 * observed long enough, and the operator confirmed exactly the APIs being retired. Pure;
 * `now` is a parameter. An unknown apply time counts as now.
 */
export function decommissionVerdict(config: SourceConfig, cutover: CutoverState, now: Date): Verdict {
    const reasons: string[] = [];
    if (cutover.phase !== "complete")
        reasons.push(`cutover phase is ${JSON.stringify(cutover.phase ?? "(unknown)")}; decommissioning needs "complete"`);

    for (const { name } of config.apis) {
        const rows = cutover.traffic.filter((r) => r.api === name);
        const dns = rows.filter((r) => r.layer === "dns");
        if (rows.length === 0) reasons.push(`${name}: the cutover stack does not route it (no DNS or Kong row): it may still run on A`);
        else if (dns.length === 0)
            reasons.push(`${name}: the cutover stack has no DNS row for it: where its legacy name answers is not shown`);
        const blocking = rows.flatMap((row) => rowReasons(name, row));
        reasons.push(...blocking);
        // The ledger says what that means for clients: the share of the legacy host's requests still reaching A, per path.
        const e = rows.find((r) => r.effective)?.effective;
        if (blocking.length > 0 && e && (e.direct < 100 || (e.viaKong ?? 100) < 100)) {
            const via = e.viaKong !== undefined ? `, ${Math.round((100 - e.viaKong) * 100) / 100}% through Kong` : "";
            reasons.push(
                `${name}: ${Math.round((100 - e.direct) * 100) / 100}% of its requests still reach A resolving the legacy name${via}`,
            );
        }
    }
    const served = new Set(config.apis.map((a) => a.namespace));
    for (const ns of config.source.namespaces.filter((n) => !served.has(n))) {
        reasons.push(
            `namespace ${ns}: adopted for deletion, but no API in migration:apis lives in it: nothing shows that what runs there has moved`,
        );
    }
    reasons.push(...wildcardReasons(config, cutover));

    if (cutover.phase === "complete") {
        const window = config.decommission.observationHours;
        const applied = cutover.phaseAppliedAt ? new Date(cutover.phaseAppliedAt) : undefined;
        const hours = applied ? (now.getTime() - applied.getTime()) / 3_600_000 : 0;
        if (hours < window) {
            reasons.push(
                applied
                    ? `complete was applied ${hours.toFixed(1)} h ago (${applied.toISOString()}); the observation window is ${window} h`
                    : `the time complete was applied is unknown (taken as now); the observation window is ${window} h`,
            );
        }
    }

    const retiring = config.apis.map((a) => a.name).sort();
    const confirmed = [...config.decommission.confirm].sort();
    if (JSON.stringify(retiring) !== JSON.stringify(confirmed)) {
        reasons.push(
            `decommission.confirm is [${config.decommission.confirm.join(", ")}]; it must list exactly the APIs being retired: [${retiring.join(", ")}]`,
        );
    }
    return { allowed: reasons.length === 0, reasons, clock: now.toISOString(), phaseAppliedAt: cutover.phaseAppliedAt ?? null };
}

/** One piece of A's footprint, adopted by id. */
export interface AdoptedPlan {
    /** Child-name suffix, stable and derived from the id. */
    key: string;
    kind: "namespace" | "ingress" | "ingress-class" | "helm-release" | "load-balancer" | "dns-record" | "privatezone-record";
    importId: string;
    /** For Kubernetes objects in an adopted namespace: deleted with it, not on their own. */
    namespace?: string;
}

/** A's footprint the migration retires, in a stable order. */
export function planFootprint(config: SourceConfig): AdoptedPlan[] {
    const s = config.source;
    const out: AdoptedPlan[] = s.namespaces.map((ns) => ({ key: `namespace-${ns}`, kind: "namespace", importId: ns }));
    if (s.ingress.kind === "helm-release") {
        out.push({
            key: `release-${s.ingress.name}`,
            kind: "helm-release",
            importId: `${s.ingress.namespace}/${s.ingress.name}`,
            namespace: s.ingress.namespace,
        });
    } else {
        for (const i of s.ingress.ingresses)
            out.push({
                key: `ingress-${i.namespace}-${i.name}`,
                kind: "ingress",
                importId: `${i.namespace}/${i.name}`,
                namespace: i.namespace,
            });
        if (s.ingress.ingressClass)
            out.push({ key: `ingressclass-${s.ingress.ingressClass}`, kind: "ingress-class", importId: s.ingress.ingressClass });
    }
    if (s.loadBalancerId) out.push({ key: "slb", kind: "load-balancer", importId: s.loadBalancerId });
    const w = s.wildcardRecord;
    // alicloud.pvtz.ZoneRecord's id (the Terraform provider's alicloud_pvtz_zone_record) is `<record id>:<zone id>`.
    if (w?.service === "privatezone") out.push({ key: "wildcard-record", kind: "privatezone-record", importId: `${w.id}:${w.zoneId}` });
    else if (w) out.push({ key: "wildcard-record", kind: "dns-record", importId: w.id });
    return out;
}
