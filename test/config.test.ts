import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { isDnsName, parseConfig } from "../config/parse";
import { PlatformConfig, RawConfig } from "../config/types";
import { resolveController } from "../plan/controller";
import { api, configProblems, DOMAINS, EXAMPLE_CERT, platformConfig } from "./helpers";

const key = pulumi.secret("private key");

function raw(overrides: Record<string, unknown> = {}): RawConfig {
    return { ...platformConfig(), tlsKey: key, tlsKeyIsSecret: true, ...overrides } as RawConfig;
}

function problems(input: RawConfig): string[] {
    const found = configProblems(input);
    assert.notDeepEqual(found, [], "expected a ConfigError");
    return found;
}

describe("parseConfig", () => {
    it("GIVEN a minimal platform config WHEN parsed THEN defaults are filled in", () => {
        const config = parseConfig(raw()) as PlatformConfig;
        assert.deepEqual(
            { ...config, tls: { ...config.tls, key: "(output)" } },
            {
                role: "platform",
                domains: DOMAINS,
                apis: [api("api01")],
                ingress: {
                    name: "team1",
                    implementation: "ingress-nginx",
                    className: "team1-nginx",
                    replicas: 2,
                    loadBalancer: { kind: "new", addressType: "intranet", chargeType: "PayByCLCU" },
                    acceptLegacyHosts: true,
                },
                shortDomain: { mode: "shared" },
                tls: { kind: "certificate", certificatePem: EXAMPLE_CERT, key: "(output)" },
            },
        );
        assert.equal(resolveController(config.ingress).namespace, "ingress-team1", "the plan derives the namespace config left out");
        assert.equal(config.tls.kind === "certificate" && config.tls.key, key);
    });

    it("parses an existing SLB, a dedicated short-domain controller and an existing TLS Secret", () => {
        const config = parseConfig(
            raw({
                ingress: {
                    name: "team1",
                    implementation: "ingress-nginx",
                    loadBalancer: { id: "lb-abc123", addressType: "intranet", vswitchId: "vsw-1a" },
                    acceptLegacyHosts: false,
                    replicas: 3,
                },
                shortDomain: {
                    mode: "dedicated",
                    controller: { name: "short", implementation: "ingress-nginx", className: "short-nginx" },
                },
                tls: { existingSecret: "wildcard-tls" },
            }),
        ) as PlatformConfig;
        assert.deepEqual(config.ingress, {
            name: "team1",
            implementation: "ingress-nginx",
            replicas: 3,
            loadBalancer: { kind: "existing", addressType: "intranet", id: "lb-abc123", chargeType: "PayByCLCU", vswitchId: "vsw-1a" },
            acceptLegacyHosts: false,
        });
        assert.deepEqual(config.shortDomain, {
            mode: "dedicated",
            controller: {
                name: "short",
                implementation: "ingress-nginx",
                className: "short-nginx",
                replicas: 2,
                loadBalancer: { kind: "new", addressType: "intranet", chargeType: "PayByCLCU" },
            },
        });
        // config/ keeps what was set; the plan derives the rest (vocabulary/naming.ts).
        assert.deepEqual(
            [resolveController(config.ingress).namespace, resolveController(config.ingress).className],
            ["ingress-team1", "nginx-team1"],
        );
        if (config.shortDomain.mode !== "dedicated") throw new Error("dedicated expected");
        assert.deepEqual(
            [resolveController(config.shortDomain.controller).namespace, resolveController(config.shortDomain.controller).className],
            ["ingress-short", "short-nginx"],
        );
        assert.deepEqual(config.tls, { kind: "existingSecret", secretName: "wildcard-tls" });
    });

    it("parses a source config with its defaults (namespaces from the APIs, 24 h window, nothing confirmed)", () => {
        assert.deepEqual(
            parseConfig({
                role: "source",
                domains: DOMAINS,
                apis: [api("api01"), api("api02", "team2-ns")],
                source: {
                    kubeContext: "cluster-a",
                    address: "10.72.10.88",
                    ingress: { kind: "helm-release", release: "ingress-nginx/ingress-nginx-a" },
                },
            }),
            {
                role: "source",
                domains: DOMAINS,
                apis: [api("api01"), api("api02", "team2-ns")],
                source: {
                    kubeContext: "cluster-a",
                    cutoverStack: "organization/migration/cutover",
                    address: "10.72.10.88",
                    namespaces: ["team1-ns", "team2-ns"],
                    ingress: { kind: "helm-release", namespace: "ingress-nginx", name: "ingress-nginx-a", chart: "ingress-nginx" },
                },
                decommission: { observationHours: 24, confirm: [] },
            },
        );
    });

    describe("refuses, naming key path, value and what is accepted", () => {
        const cases: [string, RawConfig, string[]][] = [
            [
                "an unknown role",
                raw({ role: "blue" }),
                ['migration:role: "blue" is not accepted; expected one of platform | cutover | source | workloads'],
            ],
            [
                "a missing role",
                raw({ role: undefined }),
                ["migration:role: (missing) is not accepted; expected one of platform | cutover | source | workloads"],
            ],
            [
                "no APIs",
                raw({ apis: [] }),
                ["migration:apis: [] is not accepted; expected a non-empty list of APIs ({name, namespace, service, port, healthPath})"],
            ],
            [
                "a missing API name",
                raw({ apis: [{ ...api("x"), name: undefined }] }),
                [
                    "migration:apis[0].name: (missing) is not accepted; expected a DNS label: 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
                ],
            ],
            [
                "a duplicate API name",
                raw({ apis: [api("api01"), api("api02"), api("api01")] }),
                ['migration:apis[2].name: "api01" is not accepted; expected a name not already used by apis[0]'],
            ],
            [
                "an API name that is not a DNS label",
                raw({ apis: [{ ...api("api01"), name: "API_01" }] }),
                [
                    "migration:apis[0].name: \"API_01\" is not accepted; expected a DNS label: 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit",
                ],
            ],
            [
                "an invalid domain name",
                raw({ domains: { ...DOMAINS, target: "target_team2..example" } }),
                [
                    "migration:domains.target: \"target_team2..example\" is not accepted; expected a lower-case DNS name of two or more labels (a-z, 0-9, '-'), at most 253 characters",
                ],
            ],
            [
                "a port above 65535",
                raw({ apis: [{ ...api("api01"), port: 70000 }] }),
                ["migration:apis[0].port: 70000 is not accepted; expected an integer from 1 to 65535"],
            ],
            [
                "port 0",
                raw({ apis: [{ ...api("api01"), port: 0 }] }),
                ["migration:apis[0].port: 0 is not accepted; expected an integer from 1 to 65535"],
            ],
            [
                "a health path without a leading slash",
                raw({ apis: [{ ...api("api01"), healthPath: "health" }] }),
                ["migration:apis[0].healthPath: \"health\" is not accepted; expected an HTTP path starting with '/'"],
            ],
            [
                "the IngressClass nginx",
                raw({ ingress: { name: "team1", implementation: "ingress-nginx", className: "nginx" } }),
                [
                    'migration:ingress.className: "nginx" is not accepted; expected a class other than nginx (cluster B\'s existing controller owns it)',
                ],
            ],
            [
                "two controllers sharing a class",
                raw({
                    ingress: { name: "team1", implementation: "ingress-nginx", className: "mig" },
                    shortDomain: { mode: "dedicated", controller: { name: "short", implementation: "ingress-nginx", className: "mig" } },
                }),
                [
                    'migration:shortDomain.controller.className: "mig" is not accepted; expected a class other than ingress.className "mig": two controllers cannot share an IngressClass',
                ],
            ],
            [
                "two controllers sharing a controller value",
                raw({
                    ingress: { name: "team1", implementation: "ingress-nginx", className: "a" },
                    shortDomain: {
                        mode: "dedicated",
                        controller: { name: "team1", implementation: "ingress-nginx", className: "b", namespace: "ingress-b" },
                    },
                }),
                [
                    'migration:shortDomain.controller.name: "team1" is not accepted; expected a name other than ingress.name "team1": both would claim controller value k8s.io/ingress-nginx-team1 and election id ingress-nginx-team1-leader',
                ],
            ],
            [
                "replicas below 1",
                raw({ ingress: { name: "team1", implementation: "ingress-nginx", replicas: 0 } }),
                ["migration:ingress.replicas: 0 is not accepted; expected an integer from 1 to 50"],
            ],
            [
                "an existing SLB id together with a new-SLB spec",
                raw({ ingress: { name: "team1", implementation: "ingress-nginx", loadBalancer: { id: "lb-abc", spec: "slb.s1.small" } } }),
                [
                    'migration:ingress.loadBalancer.spec: "slb.s1.small" is not accepted; expected no spec with chargeType PayByCLCU: pay-by-LCU CLBs have no spec (a spec only with chargeType: PayBySpec on an existing instance)',
                ],
            ],
            [
                "a misspelt key",
                raw({ ingress: { name: "team1", implementation: "ingress-nginx", replica: 3 } }),
                [
                    "migration:ingress.replica: not a key this program reads (its value is not shown); did you mean replicas?; known keys: name, implementation, namespace, className, replicas, loadBalancer, acceptLegacyHosts",
                ],
            ],
            [
                "an unknown controller implementation",
                raw({ ingress: { name: "team1", implementation: "traefik" } }),
                ['migration:ingress.implementation: "traefik" is not accepted; expected one of alb | ingress-nginx'],
            ],
            [
                "a certificate together with an existing Secret",
                raw({ tls: { certificate: EXAMPLE_CERT, existingSecret: "x" } }),
                [
                    'migration:tls.existingSecret: "x" is not accepted; expected either tls.certificate (with secret migration:tlsKey) or tls.existingSecret, not both',
                ],
            ],
            [
                "a certificate without its key",
                raw({ tlsKey: undefined }),
                [
                    'migration:tlsKey: (missing) is not accepted; expected the certificate\'s private key as a secret: pulumi config set --secret migration:tlsKey -- "$(cat key.pem)"',
                ],
            ],
            [
                "a private key stored in plain text",
                raw({ tlsKeyIsSecret: false }),
                [
                    'migration:tlsKey: "[plain text private key]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:tlsKey',
                ],
            ],
        ];
        for (const [what, input, expected] of cases) {
            it(what, () => assert.deepEqual(problems(input), expected));
        }

        it("every bad value at once, not only the first", () => {
            assert.deepEqual(
                problems(
                    raw({
                        role: "platform",
                        apis: [{ ...api("a"), port: -1, healthPath: "x" }],
                        ingress: { name: "team1", implementation: "ingress-nginx", replicas: 0 },
                    }),
                ),
                [
                    "migration:apis[0].port: -1 is not accepted; expected an integer from 1 to 65535",
                    "migration:apis[0].healthPath: \"x\" is not accepted; expected an HTTP path starting with '/'",
                    "migration:ingress.replicas: 0 is not accepted; expected an integer from 1 to 50",
                ],
            );
        });
    });

    it("ConfigError's message lists the problems without a stack trace", () => {
        try {
            parseConfig(raw({ role: "blue" }));
            assert.fail("expected ConfigError");
        } catch (err) {
            assert.equal(
                (err as Error).message,
                'invalid stack configuration (1 problem):\n  migration:role: "blue" is not accepted; expected one of platform | cutover | source | workloads',
            );
            assert.ok(pulumi.RunError.isInstance(err), "a RunError, so the Pulumi CLI prints no stack trace");
        }
    });
});

describe("isDnsName", () => {
    const table: [string, boolean][] = [
        ["dev-01.aliyun.cloud.cn.aibang", true],
        ["a.b", true],
        ["single", false],
        ["UPPER.example", false],
        ["-lead.example", false],
        ["trail-.example", false],
        ["a..b", false],
        [`${"a".repeat(64)}.example`, false],
        [`${"a.".repeat(126)}ab`, false],
    ];
    for (const [name, ok] of table) it(`${name.slice(0, 40)} → ${ok}`, () => assert.equal(isDnsName(name), ok));
});
