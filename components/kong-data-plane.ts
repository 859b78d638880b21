import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KongDataPlanePlan } from "../plan/kong-data-plane";
import { createChart } from "./kubernetes-objects";
import { KONG_DATA_PLANE_TYPE } from "../vocabulary/resource-types";
export { KONG_DATA_PLANE_TYPE };

export interface KongDataPlaneArgs {
    /** The data plane as planned (plan/kong-data-plane.ts): namespace, chart and values, cluster Secret. */
    plan: KongDataPlanePlan;
    /** The cluster certificate's private key, from the secret setting `migration:kongClusterKey`; never printed. */
    clusterKey: pulumi.Input<string>;
}

/**
 * A Kong data plane in cluster B, joined to the control plane A's data planes follow: its own
 * namespace, the cluster certificate as a `kubernetes.io/tls` Secret (mounted by the chart through
 * `secretVolumes`), and the kong/kong chart in data-plane role. The chart waits for the Secret:
 * a data plane started without it never reaches its control plane.
 */
export class KongDataPlane extends pulumi.ComponentResource {
    /** The proxy Service B's ingress sends the routed APIs to, `<namespace>/<name>:<port>`. */
    readonly proxy: { namespace: string; service: string; port: number };

    constructor(name: string, args: KongDataPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super(KONG_DATA_PLANE_TYPE, name, {}, opts);
        const { plan } = args;
        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: plan.namespace } }, { parent: this });
        const secret = new k8s.core.v1.Secret(
            `${name}-cluster-cert`,
            {
                metadata: { name: plan.clusterSecret.name, namespace: namespace.metadata.name },
                type: "kubernetes.io/tls",
                stringData: {
                    "tls.crt": plan.clusterSecret.certificatePem,
                    "tls.key": pulumi.secret(args.clusterKey),
                    ...(plan.clusterSecret.caPem ? { "ca.crt": plan.clusterSecret.caPem } : {}),
                },
            },
            { parent: this },
        );
        createChart(
            name,
            { chart: plan.chart, name: plan.release, namespace: namespace.metadata.name, values: plan.values },
            { parent: this, dependsOn: [secret] },
        );
        this.proxy = { namespace: plan.namespace, service: plan.proxy.service, port: plan.proxy.port };
        this.registerOutputs({});
    }
}
