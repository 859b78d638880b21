import * as pulumi from "@pulumi/pulumi";
import { HostCutoverPlan } from "../plan/cutover";
import { relativeName } from "../vocabulary/naming";
import { TrafficRow } from "../plan/traffic";
import { DnsService } from "../plan/cutover";
import { dnsAdapter } from "./dns-services";
import { DNS_CUTOVER_TYPE } from "../vocabulary/resource-types";
export { DNS_CUTOVER_TYPE };

export interface DnsCutoverArgs {
    /** The legacy name's records and weights in this phase, as planned (plan/cutover.ts `planLegacyName`). */
    plan: HostCutoverPlan;
    /** B's load-balancer address (from the platform stack, or pinned): the value of the planned records that have none. */
    targetAddress: pulumi.Input<string>;
    /**
     * The DNS service that answers the name (public Alidns, or PrivateZone with its zone id),
     * its API endpoint and retries.
     * @default { kind: "alidns" }
     */
    service?: DnsService;
    /**
     * Kong's stable host name for this API and the long name its CNAME points at in this phase.
     * @default undefined (no stable host name)
     */
    origin?: { host: string; cname: string };
    /**
     * The API's health gate: the name's records change only after it (B proves itself before its share rises).
     * @default undefined (no gate)
     */
    gate?: pulumi.Resource;
}

/**
 * Moves one legacy host name from A to B: its own A record to A's SLB (low TTL), a record
 * to B, and weighted round robin between them; finally one record to B with the steady TTL.
 * The name's records are one NameRecords resource that owns them from first to last, so a
 * record is never added answering and TTL, weights and completion are updates in place; the
 * intermediate names (B addressed by a host name), and `<api>-a` as Kong's A target with B by
 * address, are plain records (`records["to-a"]`, `records["to-b"]`).
 */
export class DnsCutover extends pulumi.ComponentResource {
    readonly host: pulumi.Output<string>;
    /** What the name answers in this phase. */
    readonly traffic: TrafficRow<pulumi.Input<string>>;
    /** The records and weights this phase comes to (pure data, for readers of the component). */
    readonly plan: HostCutoverPlan;
    /** The legacy name's records (NameRecords), and the intermediate names' records by key. */
    readonly records: Record<string, pulumi.CustomResource>;

    constructor(name: string, args: DnsCutoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super(DNS_CUTOVER_TYPE, name, {}, opts);
        const { plan } = args;
        this.plan = plan;
        const values = new Map<string, pulumi.Input<string>>();
        const dns = dnsAdapter(args.service ?? { kind: "alidns" });
        const records: Record<string, pulumi.CustomResource> = {};
        for (const r of plan.records) values.set(r.key, r.value ?? args.targetAddress);
        for (const r of plan.records.filter((x) => x.rr !== undefined)) {
            records[r.key] = dns.record(
                `${name}-${r.key}`,
                {
                    zone: plan.zone,
                    rr: r.rr!,
                    type: r.type,
                    value: values.get(r.key)!,
                    ttl: r.ttl,
                    remark: `migration: ${plan.api} intermediate name of side ${r.side}`,
                },
                // B's intermediate name carries B's whole DNS share: re-pointing it (B's load balancer
                // renamed) waits for the gate like the legacy name's weights do.
                { parent: this, ...(r.side === "B" && args.gate ? { dependsOn: [args.gate] } : {}) },
            );
        }
        const own = plan.records.filter((x) => x.rr === undefined);
        const weight = (key: string) => (plan.weights ? plan.weights.find((w) => w.key === key)!.weight : 100);
        records.name = dns.name(
            `${name}-records`,
            {
                zone: plan.zone,
                rr: plan.rr,
                stagingRr: plan.stagingRr,
                records: own.map((r) => ({ side: r.side, type: r.type, value: values.get(r.key)!, ttl: r.ttl, weight: weight(r.key) })),
            },
            // After the gate, and after the intermediate names its CNAMEs point at: the engine runs
            // independent steps in parallel, and a CNAME born before its target (or a target deleted
            // before the CNAME, on destroy) would answer nothing. With B by address the name holds A
            // records, and `<api>-a` (Kong's A target) is nothing it points at.
            {
                parent: this,
                dependsOn: [...(args.gate ? [args.gate] : []), ...(own.some((r) => r.type === "CNAME") ? Object.values(records) : [])],
            },
        );

        if (args.origin) {
            // One record whose value moves from A's long name to B's: an in-place update, so it always answers.
            dns.record(
                `${name}-origin`,
                {
                    zone: plan.zone,
                    rr: relativeName(args.origin.host, plan.zone),
                    type: "CNAME",
                    value: args.origin.cname,
                    ttl: plan.ttl,
                    remark: `migration: ${plan.api} Kong stable host name`,
                },
                // Its CNAME moving to B's long host moves Kong's whole share: B proves itself first, as for the name's own records.
                { parent: this, ...(args.gate ? { dependsOn: [args.gate] } : {}) },
            );
        }

        this.records = records;
        this.host = pulumi.output(plan.host);
        this.traffic = {
            api: plan.api,
            host: plan.host,
            layer: "dns",
            phase: plan.phase,
            ttl: plan.ttl,
            targets: plan.weights
                ? plan.weights.map((w) => ({ side: w.side, address: values.get(w.key)!, weight: w.weight }))
                : // The legacy name's own records only: the intermediate names (B by host name) are not what it answers.
                  own.map((r) => ({ side: r.side, address: values.get(r.key)!, weight: 100 })),
        };
        this.registerOutputs({ host: this.host, traffic: this.traffic });
    }
}
