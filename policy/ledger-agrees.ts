/**
 * The traffic ledger (the cutover stack's `traffic` output, plan/traffic.ts) is what people and
 * the decommission guard read to know how much of a legacy host reaches B. It must be what the
 * resources do: per legacy host, B's share in its DNS records equals the ledger's `direct`, and
 * Kong's targets give its `viaKong` (exactly Kong's B weight when A's target is a name only A
 * answers; `k + (1 − k)·d` when A's target is the legacy name DNS is moving; all or nothing in
 * stable-hostname mode). And one legacy host has one owner: two DnsCutover components writing
 * the same name would each undo the other's weights.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { viaKongShare } from "../plan/traffic";
import { DNS_CUTOVER_TYPE, KONG_UPSTREAM_ENTITY_TYPE, NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { ancestorOf, hostOf, nameRecordsHost, recordIndex, shareOfB, stackOutputs, Weighted } from "./resources";

interface LedgerRow {
    host: string;
    layer: string;
    upstream?: string;
    effective?: { direct: number; viaKong?: number };
}

/**
 * Kong's share to B in stable-hostname mode, read from the record of its one target's name: a
 * CNAME to the legacy name follows DNS (`direct`); to any other name, the target's side says.
 */
function stableShare(
    target: Weighted & { target: string },
    legacy: string,
    direct: number,
    recordOf: (host: string) => PolicyResource | undefined,
): number {
    const record = recordOf(target.target);
    if (record && typeof record.props.value === "string" && hostOf(record.props.value) === legacy.toLowerCase()) return direct;
    return target.side === "B" ? 100 : 0;
}

/** Shares are percentages rounded to 0.01 on both sides. */
const same = (a: number, b: number) => Math.abs(a - b) < 0.011;

export const ledgerAgrees: StackValidationPolicy = {
    name: "ledger-agrees",
    description:
        "Per legacy host, B's share in the DNS records and in Kong's targets is the traffic ledger's effective share, and no host has two DnsCutover owners.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const records = args.resources.filter((r) => r.type === NAME_RECORDS_TYPE);
        const byHost = new Map<string, PolicyResource[]>();
        for (const r of records) {
            const host = nameRecordsHost(r.props as { rr: string; zone: string });
            byHost.set(host, [...(byHost.get(host) ?? []), r]);
        }
        for (const [host, owners] of byHost) {
            const components = [...new Set(owners.map((r) => ancestorOf(r, DNS_CUTOVER_TYPE) ?? r))];
            if (components.length > 1)
                reportViolation(
                    `${host} has ${components.length} DnsCutover owners (${components.map((c) => c.name).join(", ")}): each would undo the other's weights`,
                    owners[1].urn,
                );
        }

        const rows = (stackOutputs(args.resources).traffic ?? []) as LedgerRow[];
        const recordOf = recordIndex(args.resources);
        const upstreams = new Map(
            args.resources.filter((r) => r.type === KONG_UPSTREAM_ENTITY_TYPE).map((r) => [(r.props.upstream as { name: string }).name, r]),
        );
        for (const row of rows) {
            if (!row.effective) continue;
            const dns = byHost.get(row.host.toLowerCase())?.[0];
            if (!dns) continue;
            const direct = shareOfB((dns.props.records ?? []) as Weighted[]) ?? 0;
            if (row.layer === "dns" && !same(direct, row.effective.direct))
                reportViolation(
                    `${row.host}: the ledger says ${row.effective.direct} % reaches B directly; its DNS records send ${direct} %`,
                    dns.urn,
                );
            if (row.layer !== "kong" || row.upstream === undefined || row.effective.viaKong === undefined) continue;
            const kong = upstreams.get(row.upstream);
            if (!kong) continue;
            const targets = (kong.props.targets ?? []) as (Weighted & { target: string })[];
            const k = shareOfB(targets) ?? 0;
            const a = targets.find((t) => t.side === "A");
            const viaKong =
                targets.length === 1
                    ? stableShare(targets[0], row.host, direct, recordOf)
                    : viaKongShare(k, direct, a !== undefined && hostOf(a.target) === row.host.toLowerCase());
            if (!same(viaKong, row.effective.viaKong))
                reportViolation(
                    `${row.host}: the ledger says ${row.effective.viaKong} % reaches B through Kong; upstream ${row.upstream}'s targets send ${viaKong} %`,
                    kong.urn,
                );
        }
    },
};
