/**
 * Records when the cutover's current phase was first applied: a resource created with the
 * phase (and replaced when the phase changes), whose create time is the answer. The
 * program's own run time would move on every `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PHASE_MARKER_TYPE } from "../vocabulary/resource-types";
export { PHASE_MARKER_TYPE };

export const PHASE_MARKER_VERSION = "1";

export interface PhaseMarkerState {
    phase: string;
    /** What `complete` leaves on the legacy names (`address` | `cname`). */
    completeWith?: string;
    /** The operator's explicit consent to go from prepare (or nothing) straight to complete. */
    allowSkippingShift?: boolean;
    version: string;
    /** Output: ISO time of the create, i.e. of the first apply of this phase. */
    appliedAt?: string;
}

/**
 * Phase steps the DNS services refuse or that move all traffic at once, found where the engine
 * knows both the last applied phase and the new one (Check: old inputs, new inputs) — so
 * `pulumi preview` fails before anything moves.
 */
export const phaseMarkerProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<PhaseMarkerState>, news: PhaseMarkerState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const from = olds?.phase;
        if (news.phase === "complete" && (from === undefined || from === "prepare") && news.allowSkippingShift !== true) {
            failures.push({
                property: "phase",
                reason: `${from ?? "(a new stack)"} → complete skips shift: 0 → 100 % of every API's traffic in one apply; go through shift first, or set migration:cutover.allowSkippingShift: true`,
            });
        }
        if (news.phase === "complete" && from === "shift" && news.completeWith === "cname") {
            failures.push({
                property: "completeWith",
                reason: "shift → complete with completeWith: cname in one step: in shift the legacy names hold A records, and a name cannot hold a CNAME beside them (Alidns and PrivateZone both refuse it); complete with completeWith: address first, then set cname (its own step, its own wait)",
            });
        }
        return { inputs: news, failures };
    },
    async diff(_id: string, olds: PhaseMarkerState, news: PhaseMarkerState): Promise<pulumi.dynamic.DiffResult> {
        // A new phase is a new marker (a new time); re-running the same phase keeps the old time.
        const replaces = olds.phase !== news.phase ? ["phase"] : [];
        const changes =
            replaces.length > 0 || olds.completeWith !== news.completeWith || olds.allowSkippingShift !== news.allowSkippingShift;
        return { changes, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: PhaseMarkerState): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.phase}-${Date.now()}`, outs: { ...inputs, appliedAt: new Date().toISOString() } };
    },
};

/** When the cutover phase `phase` was first applied. */
export class PhaseMarker extends pulumi.dynamic.Resource {
    declare readonly appliedAt: pulumi.Output<string>;
    constructor(
        name: string,
        args: { phase: string; completeWith: string; allowSkippingShift?: boolean },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            phaseMarkerProvider,
            name,
            {
                phase: args.phase,
                completeWith: args.completeWith,
                ...(args.allowSkippingShift ? { allowSkippingShift: true } : {}),
                version: PHASE_MARKER_VERSION,
                appliedAt: undefined,
            },
            opts,
            "migration",
            "PhaseMarker",
        );
    }
}
