/**
 * B proves itself before its share rises: every resource that sends part of a legacy host to B
 * (a NameRecords set with weight on B, a Kong upstream with weight on B) depends on its API's
 * HealthGate (providers/health-gate.ts), whose create or update runs the probes and fails the
 * apply before anything moves. The one exception is the stack saying the gate is off
 * (`migration:cutover.gate.enabled: false`, published as the `gate.enabled` output).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { API_CUTOVER_TYPE, HEALTH_GATE_TYPE, KONG_UPSTREAM_ENTITY_TYPE, NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { ancestorOf, nameRecordsHost, shareOfB, stackOutputs, Weighted } from "./resources";

/** What a resource sends to B, or undefined when it is not one that moves traffic. */
function raises(r: PolicyResource): { layer: string; what: string; share: number } | undefined {
    if (r.type === NAME_RECORDS_TYPE) {
        const share = shareOfB((r.props.records ?? []) as Weighted[]) ?? 0;
        return { layer: "DNS", what: nameRecordsHost(r.props as { rr: string; zone: string }), share };
    }
    if (r.type === KONG_UPSTREAM_ENTITY_TYPE) {
        const share = shareOfB((r.props.targets ?? []) as Weighted[]) ?? 0;
        return { layer: "Kong", what: `upstream ${(r.props.upstream as { name?: string } | undefined)?.name ?? r.name}`, share };
    }
    return undefined;
}

export const shareRisesBehindGate: StackValidationPolicy = {
    name: "share-rises-behind-gate",
    description:
        "Every resource that sends a share of a legacy host to B (DNS records, Kong targets) depends on its API's HealthGate, unless the stack turns the gate off explicitly (cutover.gate.enabled: false).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const gate = stackOutputs(args.resources).gate as { enabled?: unknown } | undefined;
        if (gate?.enabled === false) return;
        for (const r of args.resources) {
            const moves = raises(r);
            if (!moves || moves.share <= 0) continue;
            // The API's gate: a HealthGate under the same ApiCutover (any HealthGate in a stack written without one).
            const api = ancestorOf(r, API_CUTOVER_TYPE);
            const gated = r.dependencies.some((d) => d.type === HEALTH_GATE_TYPE && (!api || ancestorOf(d, API_CUTOVER_TYPE) === api));
            if (!gated)
                reportViolation(
                    `${moves.layer} ${moves.what} sends ${moves.share} % to B without depending on ${api ? `${api.name}'s` : "a"} HealthGate: B's share would rise before B proved itself`,
                    r.urn,
                );
        }
    },
};
