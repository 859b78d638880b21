import * as pulumi from "@pulumi/pulumi";
import { ShortDomainPlan } from "../plan/platform";
import { IsolatedIngress } from "./isolated-ingress";
import { createIngresses, createTlsSecrets } from "./kubernetes-objects";

export interface ShortDomainGatewayArgs {
    /** The short host, its path routes (one Ingress per API namespace) and TLS. */
    plan: ShortDomainPlan;
    /**
     * The team's isolated controller, which serves the short host in `shared` mode.
     * Ignored in `dedicated` mode, where the gateway runs its own.
     * @default undefined (required in shared mode)
     */
    sharedController?: IsolatedIngress;
}

/**
 * `https://<short>/<api>/...` routed by path to each API, prefix stripped. The Ingresses
 * live in the APIs' namespaces (backends must be local); ingress-nginx merges them into one
 * server for the host.
 */
export class ShortDomainGateway extends pulumi.ComponentResource {
    /** The short host. */
    readonly host: pulumi.Output<string>;
    /** The IngressClass that serves it. */
    readonly className: pulumi.Output<string>;
    /** The load-balancer address the short host must resolve to; known only after apply. */
    readonly loadBalancerAddress: pulumi.Output<string | undefined>;
    /** URL prefix per API. */
    readonly urls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ShortDomainGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("migration:index:ShortDomainGateway", name, {}, opts);
        const { plan } = args;
        const controller = plan.controller
            ? new IsolatedIngress(`${name}-controller`, { controller: plan.controller }, { parent: this })
            : args.sharedController;
        if (!controller) throw new Error(`ShortDomainGateway ${name}: shared mode needs sharedController`);

        const secrets = createTlsSecrets(name, plan.tls, this);
        createIngresses(name, plan.ingresses, secrets, [controller.chart], this);

        this.host = pulumi.output(plan.host);
        this.className = pulumi.output(plan.className);
        this.loadBalancerAddress = controller.loadBalancerAddress;
        this.urls = pulumi.output(plan.urls);
        this.registerOutputs({ host: this.host, className: this.className, loadBalancerAddress: this.loadBalancerAddress, urls: this.urls });
    }
}
