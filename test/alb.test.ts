/**
 * ACK ALB Ingress behind IsolatedIngress, and ingress-nginx fixed where it stays. ALB's facts
 * (shared/notes/alibaba-cloud.md): with `alb.ingress.kubernetes.io/use-regex: "true"` only
 * `pathType: Prefix` paths become regexes, matched case-insensitively (`~*` + path, nginx's
 * semantics: a search, not anchored); `rewrite-target` variables are `${1}`..`${3}`, exactly as
 * many as the regex's capture groups; the query string is kept.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseEndpoint } from "../vocabulary/probes";
import { IsolatedIngress } from "../components/isolated-ingress";
import { OfflineRun } from "../offline/harness";
import { ALB_DNS_NAME_PATH, ALB_DNS_NAME_READY } from "../plan/alb";
import { albConfigProblems } from "./contracts/alb-contract";
import { ALB_INGRESS, configProblems, planConfig, planStack, platformConfig, T } from "./helpers";

const SHORT = "dev-01.aliyun.cloud.cn.aibang";
/** The certificate's key, as the engine hands it (a secret). */
const B_NAMES_BY_HAND =
    "B's names are not managed here (no migration:dns): api01.target-team2.dev.aliyun.cloud.cn.aibang and dev-01.aliyun.cloud.cn.aibang must be pointed at the new load balancers by hand, or they answer B's existing wildcard";
const TLS_KEY = { tlsKey: pulumi.secret("key"), tlsKeyIsSecret: true };

interface Rule {
    ingress: string;
    regex: string;
    rewrite: string;
    service: string;
}

/** The short host's ALB rules, from the plan's Ingresses. */
function shortRules(run: OfflineRun): Rule[] {
    return run.resources
        .filter((r) => r.type === T.ingress)
        .flatMap((r) => {
            const meta = r.inputs.metadata as { annotations?: Record<string, string> };
            const spec = r.inputs.spec as {
                rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string } } }[] } }[];
            };
            return spec.rules
                .filter((x) => x.host === SHORT)
                .flatMap((x) => x.http.paths)
                .map((p) => {
                    assert.equal(
                        meta.annotations?.["alb.ingress.kubernetes.io/use-regex"],
                        "true",
                        `${r.name}: a regex path needs use-regex`,
                    );
                    assert.equal(p.pathType, "Prefix", `${r.name}: ALB makes only Prefix paths regexes`);
                    return {
                        ingress: r.name,
                        regex: p.path,
                        rewrite: meta.annotations!["alb.ingress.kubernetes.io/rewrite-target"],
                        service: p.backend.service.name,
                    };
                });
        });
}

/** What ALB does with one request to the short host: which rule takes it and what path the backend receives. */
function route(rules: Rule[], request: string): string {
    const [path, query] = request.split("?");
    for (const r of rules) {
        const m = new RegExp(r.regex, "i").exec(path);
        if (!m) continue;
        const rewritten = r.rewrite.replace(/\$\{([1-3])\}/g, (_x, n: string) => m[Number(n)] ?? "");
        return `${r.service} ${rewritten}${query !== undefined ? `?${query}` : ""}`;
    }
    return "404 (no rule)";
}

describe("ACK ALB Ingress (the committed dev stack)", () => {
    let run: OfflineRun;
    before(async () => {
        run = await planStack("dev");
    });

    it("every short-host rule fits ALB's limits: a Prefix regex, as many ${n} variables as capture groups (at most 3)", () => {
        const rules = shortRules(run);
        assert.equal(rules.length, 4);
        for (const r of rules) {
            const groups = new RegExp(`${r.regex}|`).exec("")!.length - 1;
            const vars = new Set([...r.rewrite.matchAll(/\$\{(\d)\}/g)].map((m) => m[1])).size;
            assert.ok(
                groups <= 3 && vars === groups,
                `${r.ingress}: ${groups} group(s) in ${r.regex}, ${vars} variable(s) in ${r.rewrite}`,
            );
            assert.ok(!/\$\d/.test(r.rewrite.replace(/\$\{\d\}/g, "")), `${r.ingress}: nginx-style $n is not an ALB variable`);
        }
    });

    it("the rewrite table: request path on the short host → the path the API's backend receives", () => {
        const rules = shortRules(run);
        assert.deepEqual(
            ["/api01", "/api01/", "/api01/health", "/api01/a/b?x=1", "/api01x", "/API01/health", "/api02/health"].map(
                (p) => `${p} → ${route(rules, p)}`,
            ),
            // api01 goes through B's Kong data plane (Pulumi.dev.yaml kongDataPlane.apis): its proxy receives the stripped path.
            [
                "/api01 → kong-dp-team1-kong-proxy /",
                "/api01/ → kong-dp-team1-kong-proxy /",
                "/api01/health → kong-dp-team1-kong-proxy /health",
                "/api01/a/b?x=1 → kong-dp-team1-kong-proxy /a/b?x=1",
                "/api01x → 404 (no rule)",
                "/API01/health → kong-dp-team1-kong-proxy /health",
                "/api02/health → api02-service /health",
            ],
        );
    });

    it("B is published as the ALB's DNS name: the cutover stack plans it by name, and the gate probes that name", async () => {
        assert.equal(run.outputs.ingress && (run.outputs.ingress as { addressKind: string }).addressKind, "hostname");
        const cutover = await planStack("cutover", {
            refs: {
                "organization/migration/dev": {
                    ...run.outputs,
                    ingress: { ...(run.outputs.ingress as object), loadBalancerAddress: "alb-team1.cn-hangzhou.alb.aliyuncsslb.com" },
                },
            },
        });
        const via = cutover.resources.find((r) => r.name === "dns-api01-to-b")!;
        assert.deepEqual([via.inputs.type, via.inputs.value], ["CNAME", "alb-team1.cn-hangzhou.alb.aliyuncsslb.com"]);
        const gate = cutover.resources.find((r) => r.name === "gate-api01")!;
        assert.deepEqual((gate.inputs.probes as { connect: unknown }[])[0].connect, {
            address: "alb-team1.cn-hangzhou.alb.aliyuncsslb.com",
            port: 443,
        });
        assert.deepEqual(parseEndpoint("alb-team1.cn-hangzhou.alb.aliyuncsslb.com"), {
            address: "alb-team1.cn-hangzhou.alb.aliyuncsslb.com",
            port: 443,
        });
    });

    it("certificates from Certificate Service go on the HTTPS listener as the CRD spells them (capitalised keys), the first the default", async () => {
        const withIds = await planConfig(
            platformConfig({
                ingress: {
                    ...ALB_INGRESS,
                    loadBalancer: { ...ALB_INGRESS.loadBalancer, certificateIds: ["12345678-cn-hangzhou", "23456789-cn-hangzhou"] },
                },
            }),
        );
        const albConfig = withIds.resources.find((r) => r.type === T.albConfig)!.inputs;
        assert.deepEqual((albConfig.spec as { listeners: unknown[] }).listeners[1], {
            port: 443,
            protocol: "HTTPS",
            certificates: [
                { CertificateId: "12345678-cn-hangzhou", IsDefault: true },
                { CertificateId: "23456789-cn-hangzhou", IsDefault: false },
            ],
        });
        assert.deepEqual(albConfigProblems(albConfig), []);
        // No retirement warning on ALB: only the note that B's names are left to the operator (no migration:dns here).
        assert.deepEqual(withIds.warnings, [B_NAMES_BY_HAND]);
    });

    it("ALB settings are refused with the key path and what is accepted", () => {
        const alb = (loadBalancer: Record<string, unknown>) =>
            configProblems({ ...platformConfig({ ingress: { name: "team1", implementation: "alb", loadBalancer } }), ...TLS_KEY } as never);
        assert.deepEqual(alb({ zoneMappings: [{ vSwitchId: "vsw-a", zoneId: "cn-hangzhou-k" }] }), [
            'migration:ingress.loadBalancer.zoneMappings: [{"vSwitchId":"vsw-a","zoneId":"cn-hangzhou-k"}] is not accepted; expected a list of {vSwitchId: vsw-…, zoneId: e.g. cn-hangzhou-h}, one per zone, in at least two zones (an ALB spans two zones; fixed at creation)',
        ]);
        assert.deepEqual(alb({ spec: "slb.s1.small", zoneMappings: [] }).slice(0, 1), [
            "migration:ingress.loadBalancer.spec: not a key this program reads (its value is not shown); known keys: addressType, zoneMappings, edition, id, certificateIds",
        ]);
    });
});

describe("the ALB's DNS name is known when the first `up` returns", () => {
    it("the committed dev stack: each AlbConfig declares pulumi.com/waitFor on the very field loadBalancerAddress reads", async () => {
        const run = await planStack("dev");
        const albConfigs = run.resources.filter((r) => r.type === T.albConfig);
        assert.deepEqual(
            albConfigs.map((r) => [r.name, (r.inputs.metadata as { annotations?: Record<string, string> }).annotations]),
            [
                ["short-domain-controller-albconfig", { "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.dnsname}" }],
                ["team1-albconfig", { "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.dnsname}" }],
            ],
        );
        assert.equal(ALB_DNS_NAME_READY, `jsonpath={.${ALB_DNS_NAME_PATH.join(".")}}`);
    });

    it("under an `up`, loadBalancerAddress is the AlbConfig's status.loadBalancer.dnsname (and nothing else)", async () => {
        const dnsname = "alb-abc123.cn-hangzhou.alb.aliyuncsslb.com";
        await pulumi.runtime.setMocks(
            {
                newResource: async (a) => ({
                    id: `${a.name}-id`,
                    // What the ALB controller writes once the ALB exists; everything else echoes its inputs.
                    state: a.type === T.albConfig ? { ...a.inputs, status: { loadBalancer: { dnsname, id: "alb-abc123" } } } : a.inputs,
                }),
                call: async () => ({}),
            },
            "lib",
            "test",
            false,
        );
        const ingress = new IsolatedIngress("edge", {
            controller: {
                ...ALB_INGRESS,
                implementation: "alb",
                replicas: 2,
                loadBalancer: { kind: "alb", ...ALB_INGRESS.loadBalancer, addressType: "intranet", edition: "Standard" },
            },
            routes: [],
            tls: { kind: "existingSecret", secretName: "edge-tls" },
        } as never);
        const address = await new Promise((resolve) => ingress.loadBalancerAddress.apply(resolve));
        assert.equal(address, dnsname);
    });
});

describe("ingress-nginx where it stays", () => {
    /**
     * The controller's arguments as the chart renders them from the values, by the rules of
     * kubernetes/ingress-nginx `charts/ingress-nginx/templates/_params.tpl` (chart 4.15.1): the
     * chart's defaults for what the plan leaves out (values.yaml: controller.service.enabled true,
     * publishService.enabled true, service.external.enabled true, admissionWebhooks.enabled true).
     */
    function controllerArgs(values: { controller: Record<string, unknown> }): string[] {
        const c = values.controller as {
            service?: { enabled?: boolean };
            publishService?: { enabled?: boolean; pathOverride?: string };
            electionID: string;
            ingressClassResource: { controllerValue: string };
            ingressClass?: string;
            watchIngressWithoutClass?: boolean;
            extraArgs?: Record<string, string>;
        };
        const args = ["/nginx-ingress-controller"];
        // `if and .Values.controller.publishService.enabled .Values.controller.service.enabled`
        if ((c.publishService?.enabled ?? true) && (c.service?.enabled ?? true))
            args.push(`--publish-service=${c.publishService?.pathOverride}`);
        args.push(`--election-id=${c.electionID}`, `--controller-class=${c.ingressClassResource.controllerValue}`);
        if (c.ingressClass) args.push(`--ingress-class=${c.ingressClass}`);
        if (c.watchIngressWithoutClass) args.push("--watch-ingress-without-class=true");
        // `range $key, $value := .Values.controller.extraArgs` (Go templates range a map by sorted key)
        for (const k of Object.keys(c.extraArgs ?? {}).sort()) args.push(c.extraArgs![k] === "" ? `--${k}` : `--${k}=${c.extraArgs![k]}`);
        return args;
    }

    it("the rendered controller arguments carry --publish-service with the component's own Service (Ingress status gets the LB's address)", async () => {
        const run = await planConfig(platformConfig());
        const chart = run.resources.find((r) => r.type === T.chart && r.name === "team1-chart")!;
        const args = controllerArgs(chart.inputs.values as { controller: Record<string, unknown> });
        assert.ok(args.includes("--publish-service=ingress-team1/ingress-nginx-team1-lb"), args.join(" "));
        assert.equal(args.filter((a) => a.startsWith("--publish-service")).length, 1);
    });

    it("pay-by-LCU by default, no slb.s1.small; one retirement warning naming the CVEs and the webhook", async () => {
        const run = await planConfig(
            platformConfig({
                shortDomain: {
                    mode: "dedicated",
                    controller: { name: "short", implementation: "ingress-nginx", className: "short-nginx" },
                },
            }),
        );
        const annotations = (
            run.resources.find((r) => r.type === T.service && r.name === "team1-lb")!.inputs.metadata as {
                annotations: Record<string, string>;
            }
        ).annotations;
        assert.equal(annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type"], "PayByCLCU");
        assert.ok(!JSON.stringify(run.resources.map((r) => r.inputs)).includes("slb.s1.small"));
        const retired = run.warnings.filter((w) => w.startsWith("ingress-nginx is retired"));
        assert.equal(retired.length, 1);
        assert.match(retired[0], /CVE-2026-3288.*CVE-2026-24512.*fail-closed admission webhook/);
    });

    it("a CLB refuses what cannot be bought or placed: vSwitch with internet, spec without PayBySpec, PayBySpec for a new CLB", () => {
        const clb = (loadBalancer: Record<string, unknown>) =>
            configProblems({
                ...platformConfig({ ingress: { name: "team1", implementation: "ingress-nginx", loadBalancer } }),
                ...TLS_KEY,
            } as never);
        assert.deepEqual(clb({ addressType: "internet", vswitchId: "vsw-abc" }), [
            'migration:ingress.loadBalancer.vswitchId: "vsw-abc" is not accepted; expected no vSwitch with addressType internet (the CCM places only an intranet CLB in a vSwitch); use addressType: intranet, or drop vswitchId',
        ]);
        assert.deepEqual(clb({ spec: "slb.s1.small" }), [
            'migration:ingress.loadBalancer.spec: "slb.s1.small" is not accepted; expected no spec with chargeType PayByCLCU: pay-by-LCU CLBs have no spec (a spec only with chargeType: PayBySpec on an existing instance)',
        ]);
        assert.deepEqual(clb({ chargeType: "PayBySpec", spec: "slb.s1.small" }), [
            'migration:ingress.loadBalancer.chargeType: "PayBySpec" is not accepted; expected PayByCLCU for a new CLB (pay-by-specification CLBs are no longer sold since 2025-06-01); PayBySpec only with the id of an existing instance',
        ]);
        assert.deepEqual(clb({ chargeType: "PayBySpec", spec: "slb.s1.small", id: "lb-abc" }), []);
    });
});
