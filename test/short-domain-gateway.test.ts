import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { api, byName, inventory, planConfig, platformConfig, T, urnOf } from "./helpers";

const GATEWAY = `urn:pulumi:test::migration::pulumi:pulumi:Stack$${T.gateway}::short-domain`;

function shortIngress(name: string, className: string, namespace = "team1-ns") {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            name: `${name}-short-domain`,
            namespace,
            annotations: {
                "nginx.ingress.kubernetes.io/use-regex": "true",
                "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
                "nginx.ingress.kubernetes.io/x-forwarded-prefix": `/${name}`,
            },
        },
        spec: {
            ingressClassName: className,
            tls: [{ hosts: ["dev-01.aliyun.cloud.cn.aibang"], secretName: "short-domain-tls" }],
            rules: [
                {
                    host: "dev-01.aliyun.cloud.cn.aibang",
                    http: {
                        paths: [
                            {
                                path: `/${name}(/|$)(.*)`,
                                pathType: "ImplementationSpecific",
                                backend: { service: { name: `${name}-service`, port: { number: 80 } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}

describe("ShortDomainGateway", () => {
    describe("GIVEN mode shared (the default) and two APIs in two namespaces", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(platformConfig({ apis: [api("api01"), api("api02", "team2-ns")] }));
        });

        it("THEN it adds no controller: only a TLS Secret per namespace and one Ingress per API, on the team's class", () => {
            assert.deepEqual(
                inventory(run).filter((x) => x.includes(" short-domain")),
                [
                    `${T.secret} short-domain-tls-team1-ns`,
                    `${T.secret} short-domain-tls-team2-ns`,
                    `${T.ingress} short-domain-api01`,
                    `${T.ingress} short-domain-api02`,
                    `${T.gateway} short-domain`,
                ],
            );
            assert.deepEqual(byName(run, T.ingress, "short-domain-api01").inputs, shortIngress("api01", "team1-nginx"));
            assert.deepEqual(byName(run, T.ingress, "short-domain-api02").inputs, shortIngress("api02", "team1-nginx", "team2-ns"));
        });

        it("THEN each Ingress is the gateway's child and waits for the team's chart and its own Secret", () => {
            const ingress = byName(run, T.ingress, "short-domain-api02");
            assert.equal(ingress.parent, GATEWAY);
            assert.deepEqual(ingress.options.dependsOn, [
                urnOf(run, T.chart, "team1-chart"),
                urnOf(run, T.secret, "short-domain-tls-team2-ns"),
            ]);
        });

        it("THEN its outputs point at the team controller's address", () => {
            assert.deepEqual(run.outputs.shortDomain, {
                host: "dev-01.aliyun.cloud.cn.aibang",
                mode: "shared",
                className: "team1-nginx",
                loadBalancerAddress: "[known after apply]",
                urls: { api01: "https://dev-01.aliyun.cloud.cn.aibang/api01/", api02: "https://dev-01.aliyun.cloud.cn.aibang/api02/" },
            });
        });
    });

    describe("GIVEN mode dedicated", () => {
        let run: OfflineRun;
        before(async () => {
            run = await planConfig(
                platformConfig({
                    shortDomain: {
                        mode: "dedicated",
                        controller: {
                            name: "short",
                            implementation: "ingress-nginx",
                            className: "short-nginx",
                            loadBalancer: { addressType: "internet" },
                        },
                    },
                }),
            );
        });

        it("THEN it runs its own IsolatedIngress (class, election id and SLB) as a child, with no long-host Ingresses", () => {
            assert.deepEqual(
                inventory(run).filter((x) => x.includes(" short-domain")),
                [
                    `${T.namespace} short-domain-controller-namespace`,
                    `${T.service} short-domain-controller-lb`,
                    `${T.chart} short-domain-controller-chart`,
                    `${T.secret} short-domain-tls-team1-ns`,
                    `${T.ingress} short-domain-api01`,
                    `${T.isolated} short-domain-controller`,
                    `${T.gateway} short-domain`,
                ],
            );
            const controller = byName(run, T.isolated, "short-domain-controller");
            assert.equal(controller.parent, GATEWAY);
            const values = byName(run, T.chart, "short-domain-controller-chart").inputs.values as { controller: Record<string, unknown> };
            assert.deepEqual(values.controller.ingressClassResource, {
                name: "short-nginx",
                enabled: true,
                default: false,
                controllerValue: "k8s.io/ingress-nginx-short",
            });
            assert.equal(values.controller.electionID, "ingress-nginx-short-leader");
            assert.deepEqual(
                (byName(run, T.service, "short-domain-controller-lb").inputs.metadata as { annotations: unknown }).annotations,
                {
                    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "internet",
                    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type": "PayByCLCU",
                },
            );
        });

        it("THEN the short-host Ingress uses the dedicated class and waits for the dedicated chart", () => {
            const ingress = byName(run, T.ingress, "short-domain-api01");
            assert.deepEqual(ingress.inputs, shortIngress("api01", "short-nginx"));
            assert.deepEqual(ingress.options.dependsOn, [
                urnOf(run, T.chart, "short-domain-controller-chart"),
                urnOf(run, T.secret, "short-domain-tls-team1-ns"),
            ]);
        });

        it("THEN the team controller still serves the long hosts on its own class", () => {
            assert.equal(
                (byName(run, T.ingress, "team1-api01").inputs.spec as { ingressClassName: string }).ingressClassName,
                "team1-nginx",
            );
            assert.equal((run.outputs.shortDomain as { className: string }).className, "short-nginx");
        });
    });
});
