import * as pulumi from "@pulumi/pulumi";
import { KongUpstreamPlan } from "../plan/kong";
import { TrafficRow } from "../plan/traffic";
import { KongConnection, KongServiceBinding, KongUpstreamEntity } from "../providers/kong";
import { KONG_UPSTREAM_TYPE } from "../vocabulary/resource-types";
export { KONG_UPSTREAM_TYPE };

export interface KongUpstreamArgs {
    /** The upstream, targets and service binding in this phase, as planned (plan/kong.ts `planKongUpstream`). */
    plan: KongUpstreamPlan;
    /** How to reach the Kong Admin API (URL, workspace, TLS verification, auth scheme, retries). */
    connection: KongConnection;
    /**
     * The Admin token, a secret.
     * @default undefined (an Admin API without auth)
     */
    adminToken?: pulumi.Input<string>;
    /**
     * TTL of the stable host name's record (stable-hostname mode), for the traffic row.
     * @default 0 (weights take effect in Kong at once)
     */
    ttl?: number;
    /**
     * The API's health gate: the targets' weights change only after it.
     * @default undefined (no gate)
     */
    gate?: pulumi.Resource;
    /**
     * The DNS records of the targets' names (`<api>-a`, DnsCutover's): the upstream points a
     * target at a name only after its record exists.
     * @default [] (the targets' names are not this stack's)
     */
    names?: pulumi.Resource[];
}

/**
 * Moves one API's Kong traffic from A's runtime to B's: an upstream with A's and B's targets
 * weighted by the API's percentage (or one stable host name whose DNS DnsCutover switches),
 * and the existing service pointed at it once its targets exist.
 */
export class KongUpstream extends pulumi.ComponentResource {
    /** What the component planned (pure data), for readers and tests. */
    readonly plan: KongUpstreamPlan;
    /** The upstream and its targets. */
    readonly upstream: KongUpstreamEntity;
    /** The existing service, pointed at the upstream. */
    readonly binding: KongServiceBinding;
    /** What this layer sends where in this phase. */
    readonly traffic: TrafficRow & { upstream: string };

    constructor(name: string, args: KongUpstreamArgs, opts?: pulumi.ComponentResourceOptions) {
        super(KONG_UPSTREAM_TYPE, name, {}, opts);
        const { plan } = args;
        this.plan = plan;
        const { connection } = args;
        const token = args.adminToken ? { adminToken: args.adminToken } : {};
        this.upstream = new KongUpstreamEntity(
            `${name}-upstream`,
            { connection, ...token, upstream: plan.upstream, targets: plan.targets },
            {
                parent: this,
                ...(args.gate || args.names?.length ? { dependsOn: [...(args.gate ? [args.gate] : []), ...(args.names ?? [])] } : {}),
            },
        );
        // The service switches to the upstream only after the upstream and its targets exist,
        // and on delete it is restored before the upstream goes.
        this.binding = new KongServiceBinding(
            `${name}-service`,
            {
                connection,
                ...token,
                service: plan.service.name,
                host: plan.service.host,
                relaxed: plan.service.relaxed,
                expect: plan.service.expect,
                fallbackOriginal: plan.service.fallbackOriginal,
            },
            { parent: this, dependsOn: [this.upstream] },
        );
        this.traffic = {
            api: plan.api,
            host: plan.host,
            layer: "kong",
            phase: plan.phase,
            ttl: args.ttl ?? 0,
            upstream: plan.upstream.name,
            targets: plan.targets.map((t) => ({
                side: t.side,
                address: plan.origin ? `${t.target} → ${plan.origin.cname}` : t.target,
                weight: t.weight,
            })),
        };
        this.registerOutputs({ traffic: this.traffic });
    }
}
