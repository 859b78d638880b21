import * as pulumi from "@pulumi/pulumi";
import { ApiCutoverPlan, DnsService } from "../plan/cutover";
import { PlannedAddress, PlatformAddressSlot } from "../plan/gate";
import { TrafficRow } from "../plan/traffic";
import { HealthGate } from "../providers/health-gate";
import type { KongConnection } from "../providers/kong";
import { cutoverChildren } from "../vocabulary/naming";
import { DnsCutover } from "./dns-cutover";
import { KongUpstream } from "./kong-upstream";
import { API_CUTOVER_TYPE } from "../vocabulary/resource-types";
export { API_CUTOVER_TYPE };

export interface ApiCutoverArgs {
    /** What the cutover planned for this API (plan/cutover.ts `planApiCutovers`): its gate, DNS and Kong layer. */
    plan: ApiCutoverPlan;
    /**
     * The platform stack's published load-balancer addresses, for the slots the plan leaves open
     * (plan/gate.ts `PlannedAddress`).
     * @default {} (every address the plan uses is pinned)
     */
    platform?: Partial<Record<PlatformAddressSlot, pulumi.Input<string>>>;
    /**
     * The DNS service that answers the legacy name, its API endpoint and retries.
     * @default { kind: "alidns" }
     */
    service?: DnsService;
    /**
     * How to reach the Kong Admin API, and its token (a secret); required when the plan has a Kong layer.
     * @default undefined (no Kong layer)
     */
    kong?: { connection: KongConnection; adminToken?: pulumi.Input<string> };
}

/**
 * The alias every child keeps: the gate, DNS and Kong components were registered at the stack's
 * root before this component existed. With it the engine finds each under its old URN and moves
 * it (no replace); their own children follow through the aliases the engine derives from their
 * parent's.
 */
const REGISTERED_AT_ROOT: pulumi.Alias[] = [{ parent: pulumi.rootStackResource }];

/**
 * The cutover of one API, from its plan: its health gate, then its legacy name's records
 * (DnsCutover) and its Kong upstream (KongUpstream), both after the gate. Nothing is planned
 * here; the platform stack's addresses fill the slots the plan left open.
 */
export class ApiCutover extends pulumi.ComponentResource {
    /** What the component wires (pure data), for readers and tests. */
    readonly plan: ApiCutoverPlan;
    /** The gate B passes before any share toward it rises; undefined when the gate is off. */
    readonly gate?: HealthGate;
    readonly dns: DnsCutover;
    /** Undefined when the API has no Kong layer. */
    readonly kong?: KongUpstream;
    /** Where each layer sends the legacy host in this phase, with the host's share on B. */
    readonly traffic: TrafficRow<pulumi.Input<string>>[];

    constructor(name: string, args: ApiCutoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super(API_CUTOVER_TYPE, name, {}, opts);
        const { plan } = args;
        this.plan = plan;
        const address = (a: PlannedAddress): pulumi.Input<string> => {
            if ("pinned" in a) return a.pinned;
            const value = args.platform?.[a.slot];
            if (value === undefined)
                throw new Error(
                    `ApiCutover ${name}: the plan reads B's address from the platform stack's ${a.slot} output, and none was given`,
                );
            return value;
        };
        // The children's names predate this component (they are the API's, not derived from `name`):
        // renaming them would replace them.
        const children = { parent: this, aliases: REGISTERED_AT_ROOT };
        const g = plan.gate;
        this.gate = g
            ? new HealthGate(
                  cutoverChildren.gate(plan.api),
                  {
                      api: g.api,
                      shares: g.shares,
                      probes: g.probes.map(({ connect, ...probe }) => ({
                          ...probe,
                          connect: { address: address(connect.address), port: connect.port },
                      })),
                      successes: g.settings.successes,
                      intervalMs: g.settings.intervalMs,
                      deadlineMs: g.settings.deadlineMs,
                      timeoutMs: g.settings.timeoutMs,
                      ...(g.settings.caBundle ? { ca: g.settings.caBundle } : {}),
                      ...(g.names.length ? { names: g.names.map((n) => ({ host: n.host, expected: address(n.expected) })) } : {}),
                      ...(g.dataPlane ? { dataPlane: g.dataPlane } : {}),
                      ...(g.dataPlane && args.kong?.adminToken
                          ? { kongAdminToken: pulumi.secret(args.kong.adminToken), kongAdminAuth: args.kong.connection.auth }
                          : {}),
                  },
                  children,
              )
            : undefined;
        const gate = this.gate ? { gate: this.gate } : {};
        const origin = plan.kong?.origin;
        this.dns = new DnsCutover(
            cutoverChildren.dns(plan.api),
            {
                plan: plan.dns,
                targetAddress: address(plan.target),
                ...(args.service ? { service: args.service } : {}),
                ...(origin ? { origin } : {}),
                ...gate,
            },
            children,
        );
        const { effective } = plan;
        this.traffic = [{ ...this.dns.traffic, effective }];
        if (plan.kong) {
            if (!args.kong) throw new Error(`ApiCutover ${name}: the plan has a Kong layer, and no Kong connection was given`);
            const toA = plan.dns.records.find((r) => r.key === "to-a");
            const kongA =
                toA && plan.kong.mode === "weighted" && plan.kong.targets.some((t) => t.side === "A" && t.target.startsWith(`${toA.rr}.`))
                    ? this.dns.records["to-a"]
                    : undefined;
            this.kong = new KongUpstream(
                cutoverChildren.kong(plan.api),
                {
                    plan: plan.kong,
                    connection: args.kong.connection,
                    ...(args.kong.adminToken ? { adminToken: args.kong.adminToken } : {}),
                    // Stable-hostname mode: the one target follows the origin name's record, at the name's TTL.
                    ...(origin ? { ttl: plan.dns.ttl } : {}),
                    ...gate,
                    // Kong's A target `<api>-a` (weighted mode): its record first.
                    ...(kongA ? { names: [kongA] } : {}),
                },
                children,
            );
            this.traffic.push({ ...this.kong.traffic, effective });
        }
        this.registerOutputs({ traffic: this.traffic });
    }
}
