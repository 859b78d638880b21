/**
 * B proves itself before its share rises: every resource that sends part of a legacy host to B
 * (a NameRecords set with weight on B, a Kong upstream with weight on B) depends on its API's
 * HealthGate (providers/health-gate.ts), whose create or update runs the probes and fails the
 * apply before anything moves — and that gate carries the same share on that layer (`shares`),
 * since it probes again only when its inputs change. The one exception is the stack saying the
 * gate is off (`migration:cutover.gate.enabled: false`, published as the `gate.enabled` output).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { API_CUTOVER_TYPE, HEALTH_GATE_TYPE, KONG_UPSTREAM_ENTITY_TYPE, NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { ancestorOf, hostOf, nameRecordsHost, recordIndex, shareOfB, stackOutputs, Weighted } from "./resources";

interface Move {
    /** The resource whose write moves the share. */
    resource: PolicyResource;
    layer: "dns" | "kong";
    what: string;
    share: number;
}

/**
 * What moves a share to B, per resource: a NameRecords set by its weights, and the record of B's
 * intermediate name its B CNAME points at (which re-points the whole share when B's load
 * balancer changes); a Kong upstream by its targets' weights — or, with one target
 * (stable-hostname mode), by the record of that target's name, whose CNAME the cutover switches
 * from A's long host to B's.
 */
function moves(r: PolicyResource, recordOf: (host: string) => PolicyResource | undefined): Move[] {
    if (r.type === NAME_RECORDS_TYPE) {
        const records = (r.props.records ?? []) as (Weighted & { type: string; value: string })[];
        const share = shareOfB(records) ?? 0;
        const what = `DNS ${nameRecordsHost(r.props as { rr: string; zone: string })}`;
        // B's share by a CNAME to an intermediate name (B's load balancer by name): that name's record re-points it too.
        const viaNames = records
            .filter((x) => x.side === "B" && x.type === "CNAME" && x.weight > 0)
            .flatMap((x) => {
                const record = recordOf(x.value);
                return record ? [{ resource: record, layer: "dns" as const, what: `${what}'s B name ${x.value}`, share }] : [];
            });
        return [{ resource: r, layer: "dns", what, share }, ...viaNames];
    }
    if (r.type !== KONG_UPSTREAM_ENTITY_TYPE) return [];
    const targets = (r.props.targets ?? []) as (Weighted & { target: string })[];
    const upstream = `Kong upstream ${(r.props.upstream as { name?: string } | undefined)?.name ?? r.name}`;
    const share = shareOfB(targets) ?? 0;
    if (targets.length !== 1) return [{ resource: r, layer: "kong", what: upstream, share }];
    const host = hostOf(targets[0].target);
    const record = recordOf(host);
    // A stable host name this stack does not write is not this stack's move.
    return record ? [{ resource: record, layer: "kong", what: `${upstream}'s stable host name ${host} (its CNAME)`, share }] : [];
}

export const shareRisesBehindGate: StackValidationPolicy = {
    name: "share-rises-behind-gate",
    description:
        "Every resource that sends a share of a legacy host to B (DNS records, Kong targets) depends on its API's HealthGate, unless the stack turns the gate off explicitly (cutover.gate.enabled: false).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const gate = stackOutputs(args.resources).gate as { enabled?: unknown } | undefined;
        if (gate?.enabled === false) return;
        const recordOf = recordIndex(args.resources);
        for (const move of args.resources.flatMap((r) => moves(r, recordOf))) {
            if (move.share <= 0) continue;
            const { resource } = move;
            // The API's gate: a HealthGate under the same ApiCutover (any HealthGate in a stack written without one).
            const api = ancestorOf(resource, API_CUTOVER_TYPE);
            const gate = resource.dependencies.find(
                (d) => d.type === HEALTH_GATE_TYPE && (!api || ancestorOf(d, API_CUTOVER_TYPE) === api),
            );
            if (!gate) {
                reportViolation(
                    `${move.what} sends ${move.share} % to B without depending on ${api ? `${api.name}'s` : "a"} HealthGate: B's share would rise before B proved itself`,
                    resource.urn,
                );
                continue;
            }
            // The gate probes again only when its inputs change: it must carry the share it lets through.
            const gated = (gate.props.shares as Record<string, number> | undefined)?.[move.layer];
            if (gated !== move.share)
                reportViolation(
                    `${move.what} sends ${move.share} % to B, and its HealthGate ${gate.name} was passed for ${gated ?? "no"} % on ${move.layer}: the rise would not be probed`,
                    resource.urn,
                );
        }
    },
};
