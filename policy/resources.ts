/**
 * What the policies share: how they read the resources this project registers. Every function
 * here reads only what it is given (a policy's `props` are the engine's values; reading one only
 * `pulumi up` knows throws, and the analyzer reports the policy as not run during preview).
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** One policy of the pack: a resource policy (inputs, before each step) or a stack policy (all resources, after). */
export type MigrationPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The stack's own resource: in a stack validation, its `props` are the stack outputs (pulumi/pulumi pkg/resource/deploy step_generator.go `AnalyzeResources` passes each new state's outputs). */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** A weighted answer or target: which side, and its weight. */
export interface Weighted {
    side: string;
    weight: number;
}

/** The percentage of the weight on side B, rounded to 0.01; undefined when no weight is set at all. */
export function shareOfB(entries: readonly Weighted[]): number | undefined {
    const total = entries.reduce((sum, e) => sum + e.weight, 0);
    if (total <= 0) return undefined;
    const b = entries.filter((e) => e.side === "B").reduce((sum, e) => sum + e.weight, 0);
    return Math.round((b / total) * 10000) / 100;
}

/** The nearest ancestor of `type` (the resource itself excluded). */
export function ancestorOf(resource: PolicyResource, type: string): PolicyResource | undefined {
    for (let p = resource.parent; p; p = p.parent) if (p.type === type) return p;
    return undefined;
}

/** The stack outputs (the stack resource's props), or an empty object when the stack resource is not among `resources`. */
export function stackOutputs(resources: readonly PolicyResource[]): Record<string, unknown> {
    return resources.find((r) => r.type === STACK_TYPE && !r.parent)?.props ?? {};
}

/** The fully-qualified name a NameRecords resource answers for. */
export function nameRecordsHost(props: { rr: string; zone: string }): string {
    return (props.rr === "@" ? props.zone : `${props.rr}.${props.zone}`).toLowerCase();
}

/** The plain DNS records the program writes through @pulumi/alicloud (components/dns-services.ts): intermediate names, a stable host name. */
const DNS_RECORD_TYPES = new Set(["alicloud:pvtz/zoneRecord:ZoneRecord", "alicloud:dns/alidnsRecord:AlidnsRecord"]);

/** A host without its port or trailing dot, lower case. */
export function hostOf(target: string): string {
    return target.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
}

/**
 * A lookup of the plain DNS records among `all` by the host each answers (its `rr` is the host
 * relative to the zone): built once per validation, so finding a record per NameRecords set or
 * Kong upstream is not a scan of the whole stack each time. Of several records that answer a
 * host, the first in `all` is the one.
 */
export function recordIndex(all: readonly PolicyResource[]): (host: string) => PolicyResource | undefined {
    let byRr: Map<string, number> | undefined;
    // Built at the first lookup: a validation that looks nothing up reads no record.
    const index = () => {
        if (byRr) return byRr;
        byRr = new Map();
        all.forEach((x, i) => {
            if (!DNS_RECORD_TYPES.has(x.type) || typeof x.props.rr !== "string") return;
            const rr = x.props.rr.toLowerCase();
            if (!byRr!.has(rr)) byRr!.set(rr, i);
        });
        return byRr;
    };
    return (host) => {
        // Every prefix of the host at a label boundary, short of the whole host, is an `rr` that could answer it.
        const labels = hostOf(host).split(".");
        let first: number | undefined;
        for (let n = 1; n < labels.length; n++) {
            const i = index().get(labels.slice(0, n).join("."));
            if (i !== undefined && (first === undefined || i < first)) first = i;
        }
        return first === undefined ? undefined : all[first];
    };
}
