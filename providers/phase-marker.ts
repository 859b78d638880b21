/**
 * Records when the cutover's current phase was first applied: a resource created with the
 * phase (and replaced when the phase changes), whose create time is the answer. The
 * program's own run time would move on every `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The resource type the engine and the offline side see for PhaseMarker. */
export const PHASE_MARKER_TYPE = "pulumi-nodejs:dynamic/migration:PhaseMarker";

export const PHASE_MARKER_VERSION = "1";

export interface PhaseMarkerState {
    phase: string;
    version: string;
    /** Output: ISO time of the create, i.e. of the first apply of this phase. */
    appliedAt?: string;
}

export const phaseMarkerProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: PhaseMarkerState, news: PhaseMarkerState): Promise<pulumi.dynamic.DiffResult> {
        // A new phase is a new marker (a new time); re-running the same phase keeps the old time.
        const replaces = olds.phase !== news.phase ? ["phase"] : [];
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: PhaseMarkerState): Promise<pulumi.dynamic.CreateResult> {
        return { id: `${inputs.phase}-${Date.now()}`, outs: { ...inputs, appliedAt: new Date().toISOString() } };
    },
};

/** When the cutover phase `phase` was first applied. */
export class PhaseMarker extends pulumi.dynamic.Resource {
    declare readonly appliedAt: pulumi.Output<string>;
    constructor(name: string, args: { phase: string }, opts?: pulumi.CustomResourceOptions) {
        super(
            phaseMarkerProvider,
            name,
            { phase: args.phase, version: PHASE_MARKER_VERSION, appliedAt: undefined },
            opts,
            "migration",
            "PhaseMarker",
        );
    }
}
