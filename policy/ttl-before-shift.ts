/**
 * The TTL comes down before weights move: while a name sends part (not all) of its answers to B,
 * a resolver holds an answer for the whole TTL, so a shift at a steady TTL (an hour) cannot be
 * observed or rolled back within a ramp step. `prepare` lowers it (plan/cutover.ts); this flags
 * a shift whose records still carry a long TTL. Advisory: a TTL above the limit is slow, not wrong.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { nameRecordsHost, shareOfB, Weighted } from "./resources";

/** The longest TTL a shifting name may carry unless the pack's config says otherwise: Alidns's free edition's floor (the highest floor). */
export const MAX_SHIFT_TTL_SECONDS = 600;

export const ttlLoweredBeforeShift: ResourceValidationPolicy = {
    name: "ttl-lowered-before-shift",
    description: `A name that sends part of its answers to B carries a lowered TTL (at most maxShiftTtlSeconds, default ${MAX_SHIFT_TTL_SECONDS} s): the prepare phase lowers it before the first shift.`,
    enforcementLevel: "advisory",
    configSchema: {
        properties: { maxShiftTtlSeconds: { type: "integer", minimum: 1, default: MAX_SHIFT_TTL_SECONDS } },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== NAME_RECORDS_TYPE) return;
        const limit = args.getConfig<{ maxShiftTtlSeconds?: number }>().maxShiftTtlSeconds ?? MAX_SHIFT_TTL_SECONDS;
        const records = (args.props.records ?? []) as (Weighted & { ttl: number })[];
        const share = shareOfB(records);
        if (share === undefined || share <= 0 || share >= 100) return;
        const longest = Math.max(...records.map((r) => r.ttl));
        if (longest > limit)
            reportViolation(
                `${nameRecordsHost(args.props as { rr: string; zone: string })} sends ${share} % to B with a TTL of ${longest} s (above ${limit} s): the TTL was not lowered before the shift`,
            );
    },
};
