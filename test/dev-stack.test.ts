import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { byName, inventory, planStack, T } from "./helpers";

describe("the committed dev stack (Pulumi.yaml + Pulumi.dev.yaml)", () => {
    let run: OfflineRun;
    before(async () => {
        run = await planStack("dev");
    });

    it("composes the team controller and a dedicated short-domain controller for api01 and api02", () => {
        assert.deepEqual(inventory(run), [
            `${T.namespace} short-domain-controller-namespace`,
            `${T.namespace} team1-namespace`,
            `${T.secret} team1-tls-team1-ns`,
            `${T.service} short-domain-controller-lb`,
            `${T.service} team1-lb`,
            `${T.chart} short-domain-controller-chart`,
            `${T.chart} team1-chart`,
            `${T.ingress} team1-api01`,
            `${T.ingress} team1-api02`,
            `${T.secret} short-domain-tls-team1-ns`,
            `${T.ingress} short-domain-api01`,
            `${T.ingress} short-domain-api02`,
            `${T.isolated} short-domain-controller`,
            `${T.isolated} team1`,
            `${T.gateway} short-domain`,
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
        assert.deepEqual(hosts("short-domain-api01"), ["dev-01.aliyun.cloud.cn.aibang/api01(/|$)(.*)"]);
        assert.deepEqual(hosts("short-domain-api02"), ["dev-01.aliyun.cloud.cn.aibang/api02(/|$)(.*)"]);
    });

    it("publishes the outputs later stacks read", () => {
        assert.deepEqual(run.outputs, {
            role: "platform",
            ingress: {
                className: "team1-nginx",
                controllerValue: "k8s.io/ingress-nginx-team1",
                loadBalancerAddress: "[known after apply]",
                addressKind: "ip",
                hosts: {
                    api01: ["api01.target-team2.dev.aliyun.cloud.cn.aibang", "api01.source-team1.dev.aliyun.cloud.cn.aibang"],
                    api02: ["api02.target-team2.dev.aliyun.cloud.cn.aibang", "api02.source-team1.dev.aliyun.cloud.cn.aibang"],
                },
            },
            shortDomain: {
                host: "dev-01.aliyun.cloud.cn.aibang",
                mode: "dedicated",
                className: "short-nginx",
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
