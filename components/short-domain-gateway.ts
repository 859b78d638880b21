import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControllerConfig, TlsConfig } from "../config/types";
import { planShortDomain, Route, ShortDomainPlan } from "../plan/platform";
import { IsolatedIngress } from "./isolated-ingress";
import { createIngresses, createTlsSecrets } from "./kubernetes-objects";
import { SHORT_DOMAIN_GATEWAY_TYPE } from "../vocabulary/resource-types";
export { SHORT_DOMAIN_GATEWAY_TYPE };

export interface ShortDomainGatewayArgs {
    /** The short host, e.g. `dev-01.aliyun.cloud.cn.aibang`. */
    host: string;
    /**
     * Who serves it: its own controller and load balancer (`dedicated`), or the team's
     * IsolatedIngress (`shared`).
     */
    controller: { dedicated: ControllerConfig } | { shared: IsolatedIngress };
    /** The APIs routed by path: `https://<host>/<api>/…` reaches `<service>:<port>` as `/…`. */
    routes: Omit<Route, "hosts">[];
    /** TLS for the short host: a certificate and key, or an existing Secret in every API namespace. */
    tls: TlsConfig;
    /**
     * What the Ingresses and their TLS Secrets wait for besides the controller: the Kong data
     * plane, whose namespace holds the Ingress of an API routed through it.
     * @default []
     */
    after?: pulumi.Resource[];
}

/**
 * `https://<short>/<api>/...` routed by path to each API, prefix stripped. The Ingresses
 * live in the APIs' namespaces (backends must be local); the controller merges them into one
 * host (on ALB, two rules per API: see plan/alb.ts).
 */
export class ShortDomainGateway extends pulumi.ComponentResource {
    /** What the component planned (pure data), for readers and tests. */
    readonly plan: ShortDomainPlan;
    /** The controller that serves the short host (its own, or the shared one). */
    readonly controller: IsolatedIngress;
    /** One Ingress per API, by API. */
    readonly ingresses: Record<string, k8s.networking.v1.Ingress>;
    /** The short host. */
    readonly host: pulumi.Output<string>;
    /** The IngressClass that serves it. */
    readonly className: pulumi.Output<string>;
    /** The load-balancer address the short host must resolve to; known only after apply. */
    readonly loadBalancerAddress: pulumi.Output<string | undefined>;
    /** URL prefix per API. */
    readonly urls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ShortDomainGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SHORT_DOMAIN_GATEWAY_TYPE, name, {}, opts);
        const shared = "shared" in args.controller ? args.controller.shared : undefined;
        const plan = planShortDomain(name, {
            host: args.host,
            controller: shared
                ? { kind: "shared", className: shared.controller.className, implementation: shared.controller.implementation }
                : { kind: "dedicated", config: (args.controller as { dedicated: ControllerConfig }).dedicated },
            routes: args.routes,
            tls: args.tls,
        });
        this.plan = plan;
        this.controller =
            shared ??
            new IsolatedIngress(
                `${name}-controller`,
                { controller: (args.controller as { dedicated: ControllerConfig }).dedicated },
                { parent: this },
            );

        const after = args.after ?? [];
        const secrets = createTlsSecrets(name, plan.tls, this, after);
        const ingresses = createIngresses(name, plan.ingresses, secrets, [...this.controller.ready, ...after], this);
        this.ingresses = Object.fromEntries(plan.ingresses.map((p, i) => [p.key, ingresses[i]]));

        this.host = pulumi.output(plan.host);
        this.className = pulumi.output(plan.className);
        this.loadBalancerAddress = this.controller.loadBalancerAddress;
        this.urls = pulumi.output(plan.urls);
        this.registerOutputs({
            host: this.host,
            className: this.className,
            loadBalancerAddress: this.loadBalancerAddress,
            urls: this.urls,
        });
    }
}
