/**
 * The Kong data plane in B as data: its namespace, the TLS Secret with the cluster certificate,
 * and the kong/kong chart with the values a hybrid-mode data plane needs (shared/notes/kong-hybrid.md:
 * charts/kong/example-values/minimal-kong-hybrid-data.yaml, kong.conf.default). Every value key
 * set here exists in the pinned chart's values.yaml or is read by its templates, and every `env`
 * key is a kong.conf setting (test/contracts/vendor/kong-chart, test/contracts/vendor/kong).
 */
import { X509Certificate } from "node:crypto";
import { ConfigProblem } from "../config/errors";
import { NAMESPACE } from "../config/read";
import { KongDataPlaneSettings } from "../config/types";
import { dataPlaneNames } from "../vocabulary/naming";
import { ChartRef } from "./ingress-implementation";

/** kong/kong 3.4.1 (appVersion 3.9): the chart version the values below are checked against. */
export const KONG_CHART: ChartRef = { chart: "kong", version: "3.4.1", repo: "https://charts.konghq.com" };

/** A cluster certificate must stay valid this long past the plan: an expired one cuts the DP off its CP. */
export const MIN_CLUSTER_CERT_DAYS = 30;

/** Where the chart mounts a `secretVolumes` Secret (charts/kong/templates/_helpers.tpl: /etc/secrets/<name>). */
const mounted = (secret: string, file: string) => `/etc/secrets/${secret}/${file}`;

/** The chart's proxy Service port for plain HTTP (values.yaml proxy.http.servicePort), where B's ingress sends requests. */
export const DATA_PLANE_PROXY_PORT = 80;

export interface KongDataPlanePlan {
    namespace: string;
    /** The name the control plane lists this data plane by (`/clustering/data-planes` `hostname`). */
    hostname: string;
    release: string;
    chart: ChartRef;
    values: Record<string, unknown>;
    /** The `kubernetes.io/tls` Secret: the cluster certificate (and with pki, `ca.crt`); the key comes from the secret setting. */
    clusterSecret: { name: string; certificatePem: string; caPem?: string };
    /** The chart's proxy Service: where B's ingress sends the APIs routed through the data plane. */
    proxy: { service: string; port: number };
    /** The APIs routed through the data plane. */
    apis: string[];
    /** The cluster certificate's expiry, for the plan and verify. */
    certificateNotAfter: string;
}

/** The data plane of the team's ingress `ingress`, or the problems with its certificates. Pure; `now` is the clock. */
export function planKongDataPlane(
    ingress: string,
    dp: KongDataPlaneSettings,
    now: Date,
): { plan?: KongDataPlanePlan; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const notAfter = checkClusterCertificate("kongDataPlane.clusterCertificate", dp.clusterCertificate, now, problems);
    if (dp.clusterCaCertificate !== undefined)
        checkClusterCertificate("kongDataPlane.clusterCaCertificate", dp.clusterCaCertificate, now, problems);
    if (problems.length > 0 || !notAfter) return { problems };
    const names = dataPlaneNames(ingress, dp);
    const secret = names.clusterSecret;
    const pki = dp.mtls === "pki";
    const values = {
        image: { repository: dp.image.repository, tag: dp.image.tag },
        env: {
            role: "data_plane",
            database: "off",
            cluster_control_plane: dp.controlPlane,
            cluster_mtls: dp.mtls,
            cluster_cert: mounted(secret, "tls.crt"),
            cluster_cert_key: mounted(secret, "tls.key"),
            // shared: the DP trusts the one certificate both sides present; pki: the CA that signed the CP's.
            lua_ssl_trusted_certificate: mounted(secret, pki ? "ca.crt" : "tls.crt"),
            ...(pki ? { cluster_ca_cert: mounted(secret, "ca.crt") } : {}),
        },
        secretVolumes: [secret],
        // A data plane takes its configuration from the control plane only.
        admin: { enabled: false },
        ingressController: { enabled: false },
        // /status/ready answers 200 only once a non-empty configuration is loaded (kong-hybrid.md).
        status: { enabled: true, http: { enabled: true, containerPort: 8100 } },
        readinessProbe: { httpGet: { path: "/status/ready", port: "status", scheme: "HTTP" } },
        deployment: { hostname: names.hostname },
        replicaCount: dp.replicas,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        topologySpreadConstraints: [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                // Soft: a zone without capacity must not block the rollout of the path to the APIs.
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: { "app.kubernetes.io/name": "kong", "app.kubernetes.io/instance": names.release } },
            },
        ],
        // B's isolated ingress is the only way in: no load balancer of the data plane's own; TLS ends at the ingress.
        proxy: { type: "ClusterIP", http: { enabled: true, servicePort: DATA_PLANE_PROXY_PORT }, tls: { enabled: false } },
    };
    return {
        problems,
        plan: {
            namespace: names.namespace,
            hostname: names.hostname,
            release: names.release,
            chart: KONG_CHART,
            values,
            clusterSecret: {
                name: secret,
                certificatePem: dp.clusterCertificate,
                ...(dp.clusterCaCertificate ? { caPem: dp.clusterCaCertificate } : {}),
            },
            proxy: { service: names.proxyService, port: DATA_PLANE_PROXY_PORT },
            apis: dp.apis,
            certificateNotAfter: notAfter,
        },
    };
}

/** A readable certificate valid now and for MIN_CLUSTER_CERT_DAYS more; its expiry, or undefined with the problem recorded. */
function checkClusterCertificate(key: string, pem: string, now: Date, problems: ConfigProblem[]): string | undefined {
    const path = `${NAMESPACE}:${key}`;
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(pem);
    } catch (err) {
        problems.push({
            path,
            message: `is not a readable PEM certificate (${(err as Error).message}); expected the PEM of the cluster certificate`,
        });
        return undefined;
    }
    const notAfter = new Date(cert.validTo);
    const days = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
    if (days < MIN_CLUSTER_CERT_DAYS) {
        problems.push({
            path,
            message: `expires ${notAfter.toISOString()} (${days < 0 ? "already expired" : `in ${days} days`}); expected at least ${MIN_CLUSTER_CERT_DAYS} days of validity left (an expired cluster certificate cuts the data plane off its control plane)`,
        });
        return undefined;
    }
    if (new Date(cert.validFrom).getTime() > now.getTime()) {
        problems.push({ path, message: `is not valid before ${new Date(cert.validFrom).toISOString()}; expected a certificate valid now` });
        return undefined;
    }
    return notAfter.toISOString();
}
