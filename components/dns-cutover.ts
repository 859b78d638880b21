import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { HostCutoverPlan, LegacyNameCutover, planLegacyName } from "../plan/cutover";
import { relativeName } from "../plan/naming";
import { TrafficRow } from "../plan/traffic";
import { DnsWeights } from "../providers/alidns-weights";

/** The component's type token, shared by the class, the offline side and the tests. */
export const DNS_CUTOVER_TYPE = "migration:index:DnsCutover";

export interface DnsCutoverArgs extends LegacyNameCutover {
    /** B's load-balancer address (from the platform stack, or pinned). */
    targetAddress: pulumi.Input<string>;
    /**
     * Alidns API endpoint for the weights.
     * @default "alidns.aliyuncs.com"
     */
    endpoint?: string;
    /**
     * Retries of a throttled or unavailable Alidns call and the first backoff in ms.
     * @default { retries: 5, backoffMs: 250 }
     */
    retry?: { retries: number; backoffMs: number };
    /**
     * Kong's stable host name for this API and the long name its CNAME points at in this phase.
     * @default undefined (no stable host name)
     */
    origin?: { host: string; cname: string };
}

/**
 * Moves one legacy host name from A to B: its own A record to A's SLB (low TTL), a record
 * to B, and weighted round robin between them; finally one record to B with the steady TTL.
 * The records keep their identity across phases, so TTL and completion are in-place
 * updates and a new record always exists before an old one goes.
 */
export class DnsCutover extends pulumi.ComponentResource {
    readonly host: pulumi.Output<string>;
    /** What the name answers in this phase. */
    readonly traffic: TrafficRow<pulumi.Input<string>>;
    /** The records and weights this phase comes to (pure data, for readers of the component). */
    readonly plan: HostCutoverPlan;
    /** The name's records by key (`a`: A's, `b`: B's) as they exist in this phase. */
    readonly records: Record<string, alicloud.dns.AlidnsRecord>;

    constructor(name: string, args: DnsCutoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super(DNS_CUTOVER_TYPE, name, {}, opts);
        const plan = planLegacyName(args);
        this.plan = plan;
        const values = new Map<string, pulumi.Input<string>>();
        const records = new Map<string, alicloud.dns.AlidnsRecord>();
        for (const r of plan.records) {
            const value = r.value ?? args.targetAddress;
            values.set(r.key, value);
            records.set(
                r.key,
                new alicloud.dns.AlidnsRecord(
                    `${name}-${r.key}`,
                    {
                        domainName: plan.zone,
                        rr: plan.rr,
                        type: r.type,
                        value,
                        ttl: r.ttl,
                        // B's record is born paused while a weights resource will enable it once its weight is set,
                        // so it never answers unweighted; DnsWeights owns the status from then on.
                        status: r.side === "B" && plan.weights ? "DISABLE" : "ENABLE",
                        remark: `migration: ${plan.api} side ${r.side}`,
                    },
                    { parent: this, ignoreChanges: ["status"] },
                ),
            );
        }
        if (plan.weights) {
            new DnsWeights(
                `${name}-weights`,
                {
                    zone: plan.zone,
                    subDomain: plan.host,
                    records: plan.weights.map((w) => ({ side: w.side, recordId: records.get(w.key)!.id, weight: w.weight })),
                    ...(args.endpoint ? { endpoint: args.endpoint } : {}),
                    retry: args.retry ?? { retries: 5, backoffMs: 250 },
                },
                { parent: this },
            );
        }

        if (args.origin) {
            // One record whose value moves from A's long name to B's: an in-place update, so it always answers.
            new alicloud.dns.AlidnsRecord(
                `${name}-origin`,
                {
                    domainName: plan.zone,
                    rr: relativeName(args.origin.host, plan.zone),
                    type: "CNAME",
                    value: args.origin.cname,
                    ttl: plan.ttl,
                    remark: `migration: ${plan.api} Kong stable host name`,
                },
                { parent: this },
            );
        }

        this.records = Object.fromEntries(records);
        this.host = pulumi.output(plan.host);
        this.traffic = {
            api: plan.api,
            host: plan.host,
            layer: "dns",
            phase: plan.phase,
            ttl: plan.ttl,
            targets: plan.weights
                ? plan.weights.map((w) => ({ side: w.side, address: values.get(w.key)!, weight: w.weight }))
                : plan.records.map((r) => ({ side: r.side, address: values.get(r.key)!, weight: 100 })),
        };
        this.registerOutputs({ host: this.host, traffic: this.traffic });
    }
}
