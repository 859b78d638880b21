import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControllerPlan, IngressPlan, TlsSecretsPlan } from "../plan/platform";
import { createIngresses, createTlsSecrets } from "./kubernetes-objects";

export interface IsolatedIngressArgs {
    /** The controller to run: namespace, class, controller value, election id, chart values, SLB annotations. */
    controller: ControllerPlan;
    /**
     * One Ingress per API, each in the API's own namespace, served by this controller.
     * @default [] (a controller that only carries another component's Ingresses)
     */
    ingresses?: IngressPlan[];
    /**
     * TLS Secrets for `ingresses`. Required when `ingresses` is not empty.
     * @default undefined
     */
    tls?: TlsSecretsPlan;
    /**
     * Hosts served per API, published as an output.
     * @default {}
     */
    hostsByApi?: Record<string, string[]>;
}

/**
 * A dedicated ingress controller in cluster B for the migrated APIs: its own namespace,
 * IngressClass, controller value, election id and Alibaba Cloud load balancer, so the
 * migration never touches cluster B's existing `nginx` class.
 */
export class IsolatedIngress extends pulumi.ComponentResource {
    /** The IngressClass this controller serves. */
    readonly className: pulumi.Output<string>;
    /** The IngressClass `spec.controller` value. */
    readonly controllerValue: pulumi.Output<string>;
    /** The SLB address from the Service status; known only after apply. */
    readonly loadBalancerAddress: pulumi.Output<string | undefined>;
    /** Hosts served per API. */
    readonly hosts: pulumi.Output<Record<string, string[]>>;
    /** The controller release: Ingresses of this class must wait for it. */
    readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: IsolatedIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("migration:index:IsolatedIngress", name, {}, opts);
        const { controller } = args;
        const ingresses = args.ingresses ?? [];
        if (ingresses.length > 0 && !args.tls) throw new Error(`IsolatedIngress ${name}: tls is required when ingresses are given`);

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: controller.namespace } }, { parent: this });
        this.chart = new k8s.helm.v4.Chart(
            `${name}-controller`,
            {
                chart: controller.chart.chart,
                version: controller.chart.version,
                repositoryOpts: { repo: controller.chart.repo },
                name: controller.releaseName,
                namespace: namespace.metadata.name,
                values: controller.values,
            },
            { parent: this },
        );
        const service = new k8s.core.v1.Service(
            `${name}-lb`,
            {
                metadata: {
                    name: controller.service.name,
                    namespace: namespace.metadata.name,
                    annotations: controller.service.annotations,
                    labels: controller.service.selector,
                },
                spec: {
                    type: "LoadBalancer",
                    selector: controller.service.selector,
                    ports: controller.service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: "TCP" })),
                },
            },
            { parent: this },
        );
        const secrets = args.tls ? createTlsSecrets(name, args.tls, this) : new Map();
        createIngresses(name, ingresses, secrets, [this.chart], this);

        this.className = pulumi.output(controller.className);
        this.controllerValue = pulumi.output(controller.controllerValue);
        this.loadBalancerAddress = service.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname);
        this.hosts = pulumi.output(args.hostsByApi ?? {});
        this.registerOutputs({
            className: this.className,
            controllerValue: this.controllerValue,
            loadBalancerAddress: this.loadBalancerAddress,
            hosts: this.hosts,
        });
    }
}
