import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { byName, inventory, planStack, T, urnOf } from "./helpers";

describe("the committed dev stack (Pulumi.yaml + Pulumi.dev.yaml)", () => {
    let run: OfflineRun;
    before(async () => {
        run = await planStack("dev");
    });

    it("composes the team controller, a dedicated short-domain controller on ACK ALB Ingress for api01 and api02, and B's Kong data plane for api01", () => {
        assert.deepEqual(inventory(run), [
            `${T.albConfig} short-domain-controller-albconfig`,
            `${T.albConfig} team1-albconfig`,
            `${T.secret} team1-tls-kong-dp-team1`,
            `${T.secret} team1-tls-team1-ns`,
            `${T.ingress} team1-api01`,
            `${T.ingress} team1-api02`,
            `${T.ingressClass} short-domain-controller-class`,
            `${T.ingressClass} team1-class`,
            "kubernetes:core/v1:Namespace kong-dp-namespace",
            `${T.secret} kong-dp-cluster-cert`,
            "kubernetes:helm.sh/v4:Chart kong-dp-chart",
            `${T.secret} short-domain-tls-kong-dp-team1`,
            `${T.secret} short-domain-tls-team1-ns`,
            `${T.ingress} short-domain-api01`,
            `${T.ingress} short-domain-api01-root`,
            `${T.ingress} short-domain-api02`,
            `${T.ingress} short-domain-api02-root`,
            `${T.isolated} short-domain-controller`,
            `alicloud:pvtz/zoneRecord:ZoneRecord b-names-long-api01`,
            `alicloud:pvtz/zoneRecord:ZoneRecord b-names-long-api02`,
            `alicloud:pvtz/zoneRecord:ZoneRecord b-names-short`,
            `${T.isolated} team1`,
            "migration:index:KongDataPlane kong-dp",
            `${T.gateway} short-domain`,
            `migration:index:TargetNames b-names`,
        ]);
    });

    it("gives each controller its own ALB (an AlbConfig: intranet, two zones, listeners 80 and 443) and an IngressClass bound to it", () => {
        assert.deepEqual(byName(run, T.albConfig, "team1-albconfig").inputs, {
            apiVersion: "alibabacloud.com/v1",
            kind: "AlbConfig",
            metadata: { name: "alb-team1", annotations: { "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.dnsname}" } },
            spec: {
                config: {
                    name: "alb-team1",
                    addressType: "Intranet",
                    edition: "Standard",
                    zoneMappings: [
                        { vSwitchId: "vsw-b1zonek", zoneId: "cn-hangzhou-k" },
                        { vSwitchId: "vsw-b1zonej", zoneId: "cn-hangzhou-j" },
                    ],
                },
                listeners: [
                    { port: 80, protocol: "HTTP" },
                    { port: 443, protocol: "HTTPS" },
                ],
            },
        });
        assert.deepEqual(byName(run, T.ingressClass, "team1-class").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "IngressClass",
            metadata: { name: "team1-alb" },
            spec: {
                controller: "ingress.k8s.alibabacloud/alb",
                parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: "alb-team1" },
            },
        });
        assert.deepEqual(
            (byName(run, T.ingressClass, "short-domain-controller-class").inputs.spec as { parameters: { name: string } }).parameters.name,
            "alb-short",
        );
        const ingress = byName(run, T.ingress, "team1-api01");
        assert.deepEqual((ingress.inputs.metadata as { annotations: unknown }).annotations, {
            "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80},{"HTTPS": 443}]',
        });
        // Ingresses of the class wait for their ALB and class, for B's Kong data plane (api01's Ingress lives in its
        // namespace) and for their TLS Secret (the controller uploads it).
        assert.deepEqual(ingress.options.dependsOn, [
            urnOf(run, T.albConfig, "team1-albconfig"),
            urnOf(run, T.ingressClass, "team1-class"),
            urnOf(run, "migration:index:KongDataPlane", "kong-dp"),
            urnOf(run, T.secret, "team1-tls-kong-dp-team1"),
        ]);
    });

    it("keeps the private key secret (the secure value is never decrypted offline)", () => {
        assert.deepEqual(byName(run, T.secret, "team1-tls-team1-ns").inputs.stringData, { "tls.crt": "[secret]", "tls.key": "[secret]" });
        assert.deepEqual(byName(run, T.secret, "short-domain-tls-team1-ns").inputs.stringData, {
            "tls.crt": "[secret]",
            "tls.key": "[secret]",
        });
    });

    it("serves each API on its long and legacy host, and on the short host by path", () => {
        const hosts = (name: string) =>
            (byName(run, T.ingress, name).inputs.spec as { rules: { host: string; http: { paths: { path: string }[] } }[] }).rules.map(
                (r) => `${r.host}${r.http.paths[0].path}`,
            );
        assert.deepEqual(hosts("team1-api01"), [
            "api01.target-team2.dev.aliyun.cloud.cn.aibang/",
            "api01.source-team1.dev.aliyun.cloud.cn.aibang/",
        ]);
        assert.deepEqual(hosts("team1-api02"), [
            "api02.target-team2.dev.aliyun.cloud.cn.aibang/",
            "api02.source-team1.dev.aliyun.cloud.cn.aibang/",
        ]);
        // ALB's regex limits: two rules per API (see test/alb.test.ts for what each path reaches).
        assert.deepEqual(hosts("short-domain-api01"), ["dev-01.aliyun.cloud.cn.aibang/api01/(.*)"]);
        assert.deepEqual(hosts("short-domain-api01-root"), ["dev-01.aliyun.cloud.cn.aibang/api01$"]);
        assert.deepEqual(hosts("short-domain-api02"), ["dev-01.aliyun.cloud.cn.aibang/api02/(.*)"]);
    });

    it("publishes the outputs later stacks read", () => {
        assert.deepEqual(run.outputs, {
            role: "platform",
            ingress: {
                className: "team1-alb",
                controllerValue: "ingress.k8s.alibabacloud/alb",
                loadBalancerAddress: "[known after apply]",
                addressKind: "hostname",
                hosts: {
                    api01: ["api01.target-team2.dev.aliyun.cloud.cn.aibang", "api01.source-team1.dev.aliyun.cloud.cn.aibang"],
                    api02: ["api02.target-team2.dev.aliyun.cloud.cn.aibang", "api02.source-team1.dev.aliyun.cloud.cn.aibang"],
                },
            },
            shortDomain: {
                host: "dev-01.aliyun.cloud.cn.aibang",
                mode: "dedicated",
                className: "short-alb",
                loadBalancerAddress: "[known after apply]",
                urls: { api01: "https://dev-01.aliyun.cloud.cn.aibang/api01/", api02: "https://dev-01.aliyun.cloud.cn.aibang/api02/" },
            },
            tls: {
                managed: true,
                dnsNames: [
                    "dev-01.aliyun.cloud.cn.aibang",
                    "*.target-team2.dev.aliyun.cloud.cn.aibang",
                    "*.source-team1.dev.aliyun.cloud.cn.aibang",
                ],
                notAfter: "2036-11-18T16:15:42.000Z",
            },
            names: [
                { host: "api01.target-team2.dev.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
                { host: "api02.target-team2.dev.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
                { host: "dev-01.aliyun.cloud.cn.aibang", type: "CNAME", value: "[known after apply]" },
            ],
            // Read by the cutover stack: the gate of an API routed through the data plane checks it.
            kongDataPlane: {
                namespace: "kong-dp-team1",
                hostname: "kong-dp-team1",
                proxy: { namespace: "kong-dp-team1", service: "kong-dp-team1-kong-proxy", port: 80 },
                apis: ["api01"],
                controlPlane: "kong-cp.team1.internal:8005",
                controlPlaneVersion: "3.9.1",
                certificateNotAfter: "2036-11-01T00:00:00.000Z",
            },
        });
        assert.deepEqual(run.warnings, []);
    });

    it("marks no resource protected, imported or retained", () => {
        for (const r of run.resources) {
            assert.deepEqual(
                [r.options.protect, r.options.import, r.options.retainOnDelete, r.options.ignoreChanges],
                [false, null, false, []],
                r.urn,
            );
        }
    });
});
