/**
 * A legacy name always answers: the records one NameRecords resource holds (providers/name-records.ts)
 * are never empty, never all at weight 0 — PrivateZone answers every record of a name, unweighted,
 * when all weights are 0 (shared/notes/alibaba-cloud.md) — and never an A and a B record both
 * enabled while the name's weighting switch is off (Alidns then answers both in round robin, half
 * the traffic to a side the plan gave 0).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { nameRecordsHost, Weighted } from "./resources";

interface OwnedRecord {
    side: string;
    type: string;
    status: string;
}

/**
 * A stack policy: the records are inputs (checked in previews), the switch and what the service
 * holds are outputs (`owned`, `weightedType`; after an apply). Where several CNAMEs on one
 * PrivateZone name are always weighted (acceleration zones), there is no switch to be off.
 */
export const nameRecordsAlwaysAnswer: StackValidationPolicy = {
    name: "name-records-always-answer",
    description:
        "Every NameRecords set holds at least one record, its weights sum to more than 0, and an A and a B record are never both enabled with weighting off.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            if (r.type !== NAME_RECORDS_TYPE) continue;
            const host = nameRecordsHost(r.props as { rr: string; zone: string });
            const records = (r.props.records ?? []) as Weighted[];
            if (records.length === 0) {
                reportViolation(`${host}: the record set is empty, so the name would stop answering`, r.urn);
                continue;
            }
            const total = records.reduce((sum, x) => sum + x.weight, 0);
            if (!(total > 0))
                reportViolation(
                    `${host}: the weights of its records (${records.map((x) => `${x.side} ${x.weight}`).join(", ")}) sum to 0: a loss written before a gain; PrivateZone answers every record unweighted at all 0`,
                    r.urn,
                );
            const owned = r.props.owned as OwnedRecord[] | undefined;
            if (!Array.isArray(owned)) continue;
            const enabled = owned.filter((o) => o.status === "ENABLE");
            const sides = new Set(enabled.map((o) => o.side));
            const alwaysWeighted = r.props.service === "privatezone" && enabled.every((o) => o.type === "CNAME");
            if (sides.has("A") && sides.has("B") && !r.props.weightedType && !alwaysWeighted)
                reportViolation(
                    `${host}: an A and a B record are both enabled with the weighting switch off: the service answers both in round robin`,
                    r.urn,
                );
        }
    },
};
