import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartRef } from "../plan/ingress-implementation";
import { IngressPlan, TlsSecretsPlan } from "../plan/platform";

/**
 * Creates the `kubernetes.io/tls` Secrets a component's Ingresses reference, one per
 * namespace, and returns them by namespace so each Ingress can wait for its own. Existing
 * Secrets (named in config) create nothing.
 */
export function createTlsSecrets(
    name: string,
    tls: TlsSecretsPlan,
    parent: pulumi.Resource,
    after: pulumi.Resource[] = [],
): Map<string, k8s.core.v1.Secret> {
    const secrets = new Map<string, k8s.core.v1.Secret>();
    if (tls.kind !== "managed") return secrets;
    for (const namespace of tls.namespaces) {
        secrets.set(
            namespace,
            new k8s.core.v1.Secret(
                `${name}-tls-${namespace}`,
                {
                    metadata: { name: tls.secretName, namespace },
                    type: "kubernetes.io/tls",
                    stringData: { "tls.crt": tls.certificatePem, "tls.key": tls.key },
                },
                { parent, ...(after.length ? { dependsOn: after } : {}) },
            ),
        );
    }
    return secrets;
}

/**
 * Creates one Ingress per plan entry. Each waits for its TLS Secret (so the controller never
 * serves its fake certificate for the host) and for `after` (the controller's chart, whose
 * IngressClass and admission webhook must exist first).
 */
export function createIngresses(
    name: string,
    ingresses: IngressPlan[],
    secrets: Map<string, k8s.core.v1.Secret>,
    after: pulumi.Resource[],
    parent: pulumi.Resource,
): k8s.networking.v1.Ingress[] {
    return ingresses.map((ing) => {
        const secret = secrets.get(ing.namespace);
        return new k8s.networking.v1.Ingress(
            `${name}-${ing.key}`,
            {
                metadata: {
                    name: ing.name,
                    namespace: ing.namespace,
                    ...(Object.keys(ing.annotations).length > 0 ? { annotations: ing.annotations } : {}),
                },
                spec: {
                    ingressClassName: ing.className,
                    tls: [{ hosts: ing.tls.hosts, secretName: ing.tls.secretName }],
                    rules: ing.rules.map((rule) => ({
                        host: rule.host,
                        http: {
                            paths: rule.paths.map((p) => ({
                                path: p.path,
                                pathType: p.pathType,
                                backend: { service: { name: p.service, port: { number: p.port } } },
                            })),
                        },
                    })),
                },
            },
            { parent, dependsOn: [...after, ...(secret ? [secret] : [])] },
        );
    });
}

/** A Helm release of a pinned chart (`k8s.helm.v4.Chart`), named `<name>-chart`, in `namespace`. */
export function createChart(
    name: string,
    release: { chart: ChartRef; name: string; namespace: pulumi.Input<string>; values: Record<string, unknown> },
    opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
    return new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            chart: release.chart.chart,
            version: release.chart.version,
            repositoryOpts: { repo: release.chart.repo },
            name: release.name,
            namespace: release.namespace,
            values: release.values,
        },
        opts,
    );
}
