import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { api, byName, EXAMPLE_CERT, inventory, NO_OPTIONS, planConfig, platformConfig, STACK, T, urnOf } from "./helpers";

const SELECTOR = {
    "app.kubernetes.io/name": "ingress-nginx",
    "app.kubernetes.io/instance": "ingress-nginx-team1",
    "app.kubernetes.io/component": "controller",
};
const TEAM = `urn:pulumi:test::migration::pulumi:pulumi:Stack$${T.isolated}::team1`;

function chartValues(replicas: number) {
    return {
        controller: {
            ingressClass: "team1-nginx",
            ingressClassResource: { name: "team1-nginx", enabled: true, default: false, controllerValue: "k8s.io/ingress-nginx-team1" },
            electionID: "ingress-nginx-team1-leader",
            watchIngressWithoutClass: false,
            replicaCount: replicas,
            minAvailable: 1,
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: SELECTOR },
                },
            ],
            service: { enabled: false },
            publishService: { enabled: false },
            extraArgs: { "publish-service": "ingress-team1/ingress-nginx-team1-lb" },
        },
    };
}

function longIngress(name: string, namespace: string, port = 80) {
    const hosts = [`${name}.target-team2.dev.aliyun.cloud.cn.aibang`, `${name}.source-team1.dev.aliyun.cloud.cn.aibang`];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: `${name}-team1`, namespace },
        spec: {
            ingressClassName: "team1-nginx",
            tls: [{ hosts, secretName: "team1-tls" }],
            rules: hosts.map((host) => ({
                host,
                http: {
                    paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: `${name}-service`, port: { number: port } } } }],
                },
            })),
        },
    };
}

describe("IsolatedIngress", () => {
    describe("GIVEN one API", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(platformConfig());
        });

        it("THEN it registers exactly its namespace, chart, LB Service, TLS Secret and one Ingress", () => {
            assert.deepEqual(inventory(run), [
                `${T.namespace} team1-namespace`,
                `${T.secret} team1-tls-team1-ns`,
                `${T.service} team1-lb`,
                `${T.chart} team1-chart`,
                `${T.ingress} team1-api01`,
                `${T.secret} short-domain-tls-team1-ns`,
                `${T.ingress} short-domain-api01`,
                `${T.isolated} team1`,
                `${T.gateway} short-domain`,
            ]);
            for (const name of ["team1-namespace", "team1-chart", "team1-lb", "team1-tls-team1-ns", "team1-api01"]) {
                const r = run.resources.find((x) => x.name === name)!;
                assert.equal(r.parent, TEAM, `${name} is parented to the component`);
            }
            assert.equal(byName(run, T.isolated, "team1").parent, STACK);
        });

        it("THEN the namespace is its own", () => {
            assert.deepEqual(byName(run, T.namespace, "team1-namespace").inputs, {
                apiVersion: "v1",
                kind: "Namespace",
                metadata: { name: "ingress-team1" },
            });
        });

        it("THEN ingress-nginx is a pinned chart with a distinct class, controller value and election id, 2 replicas, a PDB floor and zone spread", () => {
            const chart = byName(run, T.chart, "team1-chart");
            assert.equal(chart.remote, true);
            assert.deepEqual(chart.inputs, {
                chart: "ingress-nginx",
                version: "4.15.1",
                repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" },
                name: "ingress-nginx-team1",
                namespace: "ingress-team1",
                values: chartValues(2),
            });
            assert.deepEqual(chart.options, NO_OPTIONS);
        });

        it("THEN the LoadBalancer Service carries the ACK CCM annotations for a new intranet SLB", () => {
            assert.deepEqual(byName(run, T.service, "team1-lb").inputs, {
                apiVersion: "v1",
                kind: "Service",
                metadata: {
                    name: "ingress-nginx-team1-lb",
                    namespace: "ingress-team1",
                    annotations: {
                        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
                        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type": "PayByCLCU",
                    },
                    labels: SELECTOR,
                },
                spec: {
                    type: "LoadBalancer",
                    selector: SELECTOR,
                    ports: [
                        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
                        { name: "https", port: 443, targetPort: "https", protocol: "TCP" },
                    ],
                },
            });
        });

        it("THEN the TLS Secret holds the certificate and a secret key", () => {
            const secret = byName(run, T.secret, "team1-tls-team1-ns");
            assert.deepEqual(secret.inputs, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "team1-tls", namespace: "team1-ns" },
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": "[secret]", "tls.key": "[secret]" },
            });
        });

        it("THEN the Ingress serves the long and the legacy host in the API's namespace, after the chart and its Secret", () => {
            const ingress = byName(run, T.ingress, "team1-api01");
            assert.deepEqual(ingress.inputs, longIngress("api01", "team1-ns"));
            assert.deepEqual(ingress.options, {
                ...NO_OPTIONS,
                dependsOn: [urnOf(run, T.chart, "team1-chart"), urnOf(run, T.secret, "team1-tls-team1-ns")],
            });
        });

        it("THEN its outputs are the class, the controller value, an address known after apply and the hosts", () => {
            assert.deepEqual(run.outputs.ingress, {
                className: "team1-nginx",
                controllerValue: "k8s.io/ingress-nginx-team1",
                loadBalancerAddress: "[known after apply]",
                addressKind: "ip",
                hosts: { api01: ["api01.target-team2.dev.aliyun.cloud.cn.aibang", "api01.source-team1.dev.aliyun.cloud.cn.aibang"] },
            });
        });
    });

    describe("GIVEN three APIs in two namespaces", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(
                platformConfig({
                    apis: [api("api01"), { ...api("api02"), port: 8080 }, api("api03", "team3-ns")],
                    ingress: { name: "team1", implementation: "ingress-nginx", className: "team1-nginx", replicas: 3 },
                }),
            );
        });

        it("THEN there is one Ingress per API and one TLS Secret per namespace", () => {
            assert.deepEqual(
                inventory(run).filter((x) => x.includes(" team1-")),
                [
                    `${T.namespace} team1-namespace`,
                    `${T.secret} team1-tls-team1-ns`,
                    `${T.secret} team1-tls-team3-ns`,
                    `${T.service} team1-lb`,
                    `${T.chart} team1-chart`,
                    `${T.ingress} team1-api01`,
                    `${T.ingress} team1-api02`,
                    `${T.ingress} team1-api03`,
                ],
            );
            assert.deepEqual(byName(run, T.ingress, "team1-api02").inputs, longIngress("api02", "team1-ns", 8080));
            assert.deepEqual(byName(run, T.ingress, "team1-api03").inputs, longIngress("api03", "team3-ns"));
            assert.deepEqual(byName(run, T.ingress, "team1-api03").options.dependsOn, [
                urnOf(run, T.chart, "team1-chart"),
                urnOf(run, T.secret, "team1-tls-team3-ns"),
            ]);
        });

        it("THEN the replica count reaches the chart", () => {
            assert.deepEqual(byName(run, T.chart, "team1-chart").inputs.values, chartValues(3));
        });
    });

    describe("GIVEN an existing SLB id", () => {
        it("THEN the Service reuses it with force-override-listeners and no spec", async () => {
            const run = await planConfig(
                platformConfig({
                    ingress: {
                        name: "team1",
                        implementation: "ingress-nginx",
                        className: "team1-nginx",
                        loadBalancer: { id: "lb-2ze1abc", vswitchId: "vsw-2zeabc" },
                    },
                }),
            );
            assert.deepEqual((byName(run, T.service, "team1-lb").inputs.metadata as { annotations: unknown }).annotations, {
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type": "PayByCLCU",
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id": "lb-2ze1abc",
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners": "true",
                "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-vswitch-id": "vsw-2zeabc",
            });
        });
    });

    describe("GIVEN legacy hosts turned off and one replica", () => {
        it("THEN the Ingress serves only the long host, and the plan warns about the missing disruption budget", async () => {
            const run = await planConfig(
                platformConfig({
                    ingress: {
                        name: "team1",
                        implementation: "ingress-nginx",
                        className: "team1-nginx",
                        acceptLegacyHosts: false,
                        replicas: 1,
                    },
                    tls: { certificate: EXAMPLE_CERT },
                }),
            );
            const spec = byName(run, T.ingress, "team1-api01").inputs.spec as { rules: { host: string }[]; tls: unknown };
            assert.deepEqual(
                spec.rules.map((r) => r.host),
                ["api01.target-team2.dev.aliyun.cloud.cn.aibang"],
            );
            assert.deepEqual(spec.tls, [{ hosts: ["api01.target-team2.dev.aliyun.cloud.cn.aibang"], secretName: "team1-tls" }]);
            assert.deepEqual(run.warnings, [
                "ingress.replicas is 1: no PodDisruptionBudget, a node drain takes the controller down",
                "ingress-nginx is retired (archived 2026-03-24; chart 4.15.1 / controller 1.15.1 is the last release, pinned here): CVE-2026-3288 (rewrite-target) and CVE-2026-24512 (paths.path) are in exactly what the short host uses, and later nginx fixes (CVE-2026-42945) get no release; each release also installs a cluster-wide, fail-closed admission webhook (ValidatingWebhookConfiguration, failurePolicy Fail) on every Ingress write. Prefer implementation: alb",
                "B's names are not managed here (no migration:dns): api01.target-team2.dev.aliyun.cloud.cn.aibang and dev-01.aliyun.cloud.cn.aibang must be pointed at the new load balancers by hand, or they answer B's existing wildcard",
            ]);
        });
    });
});
