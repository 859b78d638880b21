import { SourceConfig } from "../config/types";

/** What the cutover stack publishes, as the guard sees it. `undefined` means not known (offline). */
export interface CutoverState {
    phase?: string;
    /** ISO time the current phase was first applied; undefined when unknown. */
    phaseAppliedAt?: string;
    traffic: { host: string; layer: string; upstream?: string; targets: { side: string; address?: string; weight: number }[] }[];
}

export interface Verdict {
    allowed: boolean;
    /** Every unmet condition, with the values seen. */
    reasons: string[];
}

function apiOf(host: string): string {
    return host.split(".")[0];
}

/**
 * Whether A may be deleted: the cutover is `complete`, nothing of side A has weight, the
 * completion has been observed long enough, and the operator confirmed exactly the APIs
 * being retired. Pure; `now` is a parameter. An unknown apply time counts as now.
 */
export function decommissionVerdict(config: SourceConfig, cutover: CutoverState, now: Date): Verdict {
    const reasons: string[] = [];
    if (cutover.phase !== "complete") reasons.push(`cutover phase is ${JSON.stringify(cutover.phase ?? "(unknown)")}; decommissioning needs "complete"`);

    for (const row of cutover.traffic) {
        for (const t of row.targets.filter((x) => x.side === "A" && x.weight > 0)) {
            reasons.push(
                row.layer === "kong"
                    ? `${apiOf(row.host)}: Kong target ${t.address ?? "(unknown)"} of upstream ${row.upstream ?? "(unknown)"} still has weight ${t.weight}`
                    : `${apiOf(row.host)}: DNS answer ${t.address ?? "(unknown)"} (side A) for ${row.host} still has weight ${t.weight}`,
            );
        }
    }

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
        reasons.push(`decommission.confirm is [${config.decommission.confirm.join(", ")}]; it must list exactly the APIs being retired: [${retiring.join(", ")}]`);
    }
    return { allowed: reasons.length === 0, reasons };
}

/** One piece of A's footprint, adopted by id. */
export interface AdoptedPlan {
    /** Child-name suffix, stable and derived from the id. */
    key: string;
    kind: "namespace" | "ingress" | "ingress-class" | "helm-release" | "load-balancer" | "dns-record";
    importId: string;
    /** For Kubernetes objects in an adopted namespace: deleted with it, not on their own. */
    namespace?: string;
}

/** A's footprint the migration retires, in a stable order. */
export function planFootprint(config: SourceConfig): AdoptedPlan[] {
    const s = config.source;
    const out: AdoptedPlan[] = s.namespaces.map((ns) => ({ key: `namespace-${ns}`, kind: "namespace", importId: ns }));
    if (s.ingress.kind === "helm-release") {
        out.push({ key: `release-${s.ingress.name}`, kind: "helm-release", importId: `${s.ingress.namespace}/${s.ingress.name}`, namespace: s.ingress.namespace });
    } else {
        for (const i of s.ingress.ingresses) out.push({ key: `ingress-${i.namespace}-${i.name}`, kind: "ingress", importId: `${i.namespace}/${i.name}`, namespace: i.namespace });
        if (s.ingress.ingressClass) out.push({ key: `ingressclass-${s.ingress.ingressClass}`, kind: "ingress-class", importId: s.ingress.ingressClass });
    }
    if (s.loadBalancerId) out.push({ key: "slb", kind: "load-balancer", importId: s.loadBalancerId });
    if (s.wildcardRecord) out.push({ key: "wildcard-record", kind: "dns-record", importId: s.wildcardRecord.id });
    return out;
}
