import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControllerConfig, TlsConfig } from "../config/types";
import { ResolvedController, resolveController } from "../plan/controller";
import { IsolatedIngressPlan, planIsolatedIngress, Route } from "../plan/platform";
import { ALB_DNS_NAME_PATH } from "../plan/alb";
import { createChart, createIngresses, createTlsSecrets } from "./kubernetes-objects";
import { ISOLATED_INGRESS_TYPE } from "../vocabulary/resource-types";
export { ISOLATED_INGRESS_TYPE };

export interface IsolatedIngressArgs {
    /**
     * The controller to run. Its name derives everything it claims (controller value, election
     * id, release, AlbConfig); `namespace` defaults to `ingress-<name>`, `className` to
     * `alb-<name>` / `nginx-<name>`, `implementation` is a closed choice (`alb`, `ingress-nginx`).
     */
    controller: ControllerConfig;
    /**
     * The APIs it serves: one Ingress per API in the API's own namespace, for its hosts.
     * @default [] (a controller that only carries another component's Ingresses)
     */
    routes?: Route[];
    /**
     * TLS for `routes`: a certificate and its key (the key an Input, e.g. a secret from config),
     * or an existing `kubernetes.io/tls` Secret. Required when `routes` is not empty.
     * @default undefined
     */
    tls?: TlsConfig;
    /**
     * What the Ingresses and their TLS Secrets wait for besides the controller: the Kong data
     * plane, whose namespace holds the Ingress of an API routed through it.
     * @default []
     */
    after?: pulumi.Resource[];
}

/**
 * A dedicated ingress controller in cluster B for the migrated APIs: its own IngressClass and
 * Alibaba Cloud load balancer, so the migration never touches cluster B's existing `nginx` class.
 * With `alb` (the default) that is an AlbConfig — one ALB instance, its listeners — and an
 * IngressClass bound to it, the controller run by Alibaba; with `ingress-nginx` (retired) its own
 * namespace, Helm release, election id and a `type: LoadBalancer` Service.
 */
/** The string at `path` in `obj`, or undefined. */
function valueAt(obj: unknown, path: readonly string[]): string | undefined {
    const v = path.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
    return typeof v === "string" ? v : undefined;
}

export class IsolatedIngress extends pulumi.ComponentResource {
    /** The controller with every derived name (plain data: known at construction). */
    readonly controller: ResolvedController;
    /** What the component planned (pure data), for readers and tests. */
    readonly plan: IsolatedIngressPlan;
    /** What Ingresses of this class must wait for: the chart (ingress-nginx) or the AlbConfig and IngressClass (alb). */
    readonly ready: pulumi.Resource[];
    /** One Ingress per route, by API. */
    readonly ingresses: Record<string, k8s.networking.v1.Ingress>;
    /** The IngressClass this controller serves. */
    readonly className: pulumi.Output<string>;
    /** The IngressClass `spec.controller` value. */
    readonly controllerValue: pulumi.Output<string>;
    /** The load balancer's address (an IPv4 for a CLB, a DNS name for an ALB); known only after apply. */
    readonly loadBalancerAddress: pulumi.Output<string | undefined>;
    /** Hosts served per API. */
    readonly hostsByApi: pulumi.Output<Record<string, string[]>>;

    constructor(name: string, args: IsolatedIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super(ISOLATED_INGRESS_TYPE, name, {}, opts);
        this.controller = resolveController(args.controller);
        const plan = planIsolatedIngress(name, args);
        this.plan = plan;
        const { controller } = plan;

        if (controller.implementation === "alb") {
            const albConfig = new k8s.apiextensions.CustomResource(
                `${name}-albconfig`,
                // `status` is declared so its output (the ALB's DNS name) can be read.
                { ...controller.albConfig, status: undefined },
                { parent: this },
            );
            const ingressClass = new k8s.networking.v1.IngressClass(`${name}-class`, controller.ingressClass, {
                parent: this,
                dependsOn: [albConfig],
            });
            this.ready = [albConfig, ingressClass];
            // The field the provider waits for (plan/alb.ts ALB_DNS_NAME_READY), so it is set once `up` returns.
            this.loadBalancerAddress = (albConfig as unknown as { status: pulumi.Output<unknown> }).status.apply((s) =>
                valueAt({ status: s }, ALB_DNS_NAME_PATH),
            );
        } else {
            const namespace = new k8s.core.v1.Namespace(
                `${name}-namespace`,
                { metadata: { name: controller.namespace } },
                { parent: this },
            );
            const chart = createChart(
                name,
                { chart: controller.chart, name: controller.releaseName, namespace: namespace.metadata.name, values: controller.values },
                // Named `<name>-controller` before (which doubled up as `short-domain-controller-controller`).
                { parent: this, aliases: [{ name: `${name}-controller` }] },
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
                        ports: controller.service.ports.map((p) => ({
                            name: p.name,
                            port: p.port,
                            targetPort: p.targetPort,
                            protocol: "TCP",
                        })),
                    },
                },
                { parent: this },
            );
            this.ready = [chart];
            this.loadBalancerAddress = service.status.apply(
                (s) => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname,
            );
        }
        const after = args.after ?? [];
        const secrets = args.tls ? createTlsSecrets(name, plan.tls, this, after) : new Map();
        const ingresses = createIngresses(name, plan.ingresses, secrets, [...this.ready, ...after], this);
        this.ingresses = Object.fromEntries(plan.ingresses.map((p, i) => [p.key, ingresses[i]]));

        this.className = pulumi.output(controller.className);
        this.controllerValue = pulumi.output(controller.controllerValue);
        this.hostsByApi = pulumi.output(plan.hostsByApi);
        this.registerOutputs({
            className: this.className,
            controllerValue: this.controllerValue,
            loadBalancerAddress: this.loadBalancerAddress,
            hostsByApi: this.hostsByApi,
        });
    }
}
