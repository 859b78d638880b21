/**
 * Cluster A's footprint is not deleted while anything still routes to it: each resource the
 * source stack adopts (a child of SourceFootprint, components/source-footprint.ts) carries
 * `protect: true` until the decommission guard (plan/decommission.ts) allows it, which the stack
 * publishes as its `decommission.allowed` output. A stack that adopts A's resources and publishes
 * no verdict is held to protect them all.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { SOURCE_FOOTPRINT_TYPE } from "../vocabulary/resource-types";
import { ancestorOf, stackOutputs } from "./resources";

export const sourceProtectedUntilAllowed: StackValidationPolicy = {
    name: "source-protected-until-allowed",
    description:
        "The source stack's adopted resources carry protect: true unless the stack's decommission verdict (its decommission.allowed output) says decommissioning is allowed.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // A provider is how A is reached, not a piece of A: deleting it deletes nothing in A.
        const adopted = args.resources.filter(
            (r) => ancestorOf(r, SOURCE_FOOTPRINT_TYPE) && !r.type.startsWith("pulumi:providers:") && !r.opts.protect,
        );
        if (adopted.length === 0) return;
        const verdict = stackOutputs(args.resources).decommission as { allowed?: unknown } | undefined;
        if (verdict?.allowed === true) return;
        const why = verdict ? "the decommission verdict says not allowed" : "the stack publishes no decommission verdict";
        for (const r of adopted)
            reportViolation(
                `${r.type} ${r.name} of cluster A is not protected, and ${why}: pulumi destroy could delete it while traffic still reaches A`,
                r.urn,
            );
    },
};
