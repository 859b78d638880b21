/**
 * A Kong upstream whose targets total weight 0 has no peer: weight 0 disables a target, and with
 * every target at 0 Kong answers 503 "failure to get a peer from the ring-balancer" for every
 * request (Kong Admin API, targets; shared/notes/kong-admin-api.md). Checked on the inputs of
 * each KongUpstreamEntity (providers/kong.ts) before it is written.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { KONG_UPSTREAM_ENTITY_TYPE } from "../vocabulary/resource-types";
import { Weighted } from "./resources";

export const kongTargetsCarryWeight: ResourceValidationPolicy = {
    name: "kong-targets-carry-weight",
    description: "A Kong upstream's targets never total weight 0 (Kong would have no peer to send any request to).",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== KONG_UPSTREAM_ENTITY_TYPE) return;
        const targets = (args.props.targets ?? []) as (Weighted & { target: string })[];
        const upstream = (args.props.upstream as { name?: string } | undefined)?.name ?? args.name;
        if (targets.length === 0) reportViolation(`upstream ${upstream} has no target`);
        else if (!(targets.reduce((sum, t) => sum + t.weight, 0) > 0))
            reportViolation(
                `upstream ${upstream}: its targets (${targets.map((t) => `${t.target} ${t.weight}`).join(", ")}) total weight 0, so Kong has no peer for any request`,
            );
    },
};
