import * as pulumi from "@pulumi/pulumi";
import { TargetNamesPlan } from "../plan/target-names";
import { dnsAdapter } from "./dns-services";
import { TARGET_NAMES_TYPE } from "../vocabulary/resource-types";
export { TARGET_NAMES_TYPE };

export interface TargetNamesArgs {
    /** B's names as planned (plan/target-names.ts `planTargetNames`): zone, TTL, service and one record per name. */
    plan: TargetNamesPlan;
    /** The team's isolated ingress's load balancer: an ALB's DNS name, or a CLB's address (IsolatedIngress `loadBalancerAddress`). */
    teamAddress: pulumi.Input<string | undefined>;
    /**
     * The short domain's own load balancer (dedicated mode).
     * @default undefined (shared mode: the short host points at the team's)
     */
    shortAddress?: pulumi.Input<string | undefined>;
}

/** One of B's names as published: the host, the record type and the load balancer it answers. */
export interface TargetName {
    host: string;
    type: "A" | "CNAME";
    value: pulumi.Output<string>;
}

/**
 * Points B's own names at B's new load balancers: `<api>.<target>` and the short host, each an
 * explicit record (an A record to a CLB's address, a CNAME to an ALB's DNS name) on the service
 * that holds them. Explicit names, never B's existing wildcard `*.<target>`, which keeps
 * answering B's existing load balancer for every other name.
 */
export class TargetNames extends pulumi.ComponentResource {
    /** Each name and what it answers, for the stack's outputs (`verify --dns-server` reads them). */
    readonly names: TargetName[];

    constructor(name: string, args: TargetNamesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TARGET_NAMES_TYPE, name, {}, opts);
        const dns = dnsAdapter(args.plan.service);
        this.names = args.plan.records.map((r) => {
            // An address unknown until the load balancer exists: the record waits for it (the engine passes it when known).
            const value = pulumi.output(r.pointsAt === "short" ? args.shortAddress : args.teamAddress).apply((v) => v ?? "");
            dns.record(
                `${name}-${r.key}`,
                {
                    zone: args.plan.zone,
                    rr: r.rr,
                    type: r.type,
                    value,
                    ttl: args.plan.ttl,
                    remark: `migration: B's name ${r.host} to the ${r.pointsAt === "short" ? "short domain's" : "team's"} load balancer`,
                },
                { parent: this },
            );
            return { host: r.host, type: r.type, value };
        });
        this.registerOutputs({ names: this.names });
    }
}
