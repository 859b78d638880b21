/**
 * No message ever prints a secret. Real-looking secrets — an Admin token and freshly
 * generated EC (SEC1), RSA (PKCS#1) and PKCS#8 private keys — are put in every position of
 * every role's config where a value can be echoed (each leaf, an unknown key at each level,
 * an unknown top-level key, a flat dotted key), and no fragment of them may appear in what
 * the operator receives.
 */
import * as assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, show } from "../config/errors";
import { parseConfig } from "../config/parse";
import { RawConfig } from "../config/types";
import { plan } from "./cli-run";
import { api, DOMAINS, editedStackFile, EXAMPLE_CERT } from "./helpers";

const TOKEN = "kong-tok-SUPERSECRET-123";
const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const SECRETS: Record<string, string> = {
    token: TOKEN,
    "EC key (SEC1)": ec.export({ type: "sec1", format: "pem" }) as string,
    "RSA key (PKCS#1)": rsa.export({ type: "pkcs1", format: "pem" }) as string,
    "PKCS#8 key": ec.export({ type: "pkcs8", format: "pem" }) as string,
};

/** The secret parts of a secret: a token whole, a PEM's base64 body without its armour. */
function body(secret: string): string {
    return secret.startsWith("-----") ? secret.replace(/-----[A-Z0-9 ]+-----/g, "").replace(/\s+/g, "") : secret;
}

/** Fragments of `secret` (10 characters or more) found in `text`, or [] when none. */
function leaks(text: string, secret: string): string[] {
    const b = body(secret);
    const found: string[] = [];
    for (let i = 0; i + 10 <= text.length; i++) if (b.includes(text.slice(i, i + 10))) found.push(text.slice(i, i + 10));
    if (secret === TOKEN && /SUPERSECRET/.test(text)) found.push("SUPERSECRET");
    return found;
}

const valid: Record<string, Record<string, unknown>> = {
    platform: {
        role: "platform",
        domains: DOMAINS,
        apis: [api("api01")],
        ingress: {
            name: "team1",
            implementation: "ingress-nginx",
            className: "team1-nginx",
            loadBalancer: { addressType: "intranet", vswitchId: "vsw-abc" },
        },
        shortDomain: {
            mode: "dedicated",
            controller: {
                name: "short",
                implementation: "ingress-nginx",
                className: "short-nginx",
                loadBalancer: { addressType: "intranet" },
            },
        },
        tls: { certificate: EXAMPLE_CERT },
        kongDataPlane: {
            controlPlane: "kong-cp.team1.internal:8005",
            controlPlaneVersion: "3.9.1",
            image: { repository: "kong", tag: "3.9.1" },
            mtls: "pki",
            clusterCertificate: EXAMPLE_CERT,
            clusterCaCertificate: EXAMPLE_CERT,
            apis: ["api01"],
            replicas: 2,
            namespace: "kong-dp-team1",
            hostname: "kong-dp-b",
        },
    },
    cutover: {
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01")],
        cutover: {
            phase: "shift",
            weights: { api01: 20 },
            sourceAddress: "10.72.10.88",
            platformStack: "organization/migration/dev",
            completeWith: "address",
        },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
        kong: {
            adminUrl: "https://kong:8444",
            workspace: "team1",
            auth: "kong-admin-token",
            upstreamPrefix: "team1",
            mode: "weighted",
            migrationSettings: { retries: 10 },
            apis: { api01: { service: "api01", sourceTarget: "a:443", hostHeader: "api01.x.cn" } },
        },
    },
    source: {
        role: "source",
        domains: DOMAINS,
        apis: [api("api01")],
        source: {
            kubeContext: "cluster-a",
            address: "10.72.10.88",
            ingress: { kind: "objects", ingresses: ["team1-ns/api01"], ingressClass: "nginx-a" },
            loadBalancerId: "lb-abc",
            wildcardRecord: { id: "1", zone: "aliyun.cloud.cn.aibang" },
        },
        decommission: { observationHours: 24, confirm: ["api01"] },
    },
    workloads: {
        role: "workloads",
        domains: DOMAINS,
        apis: [api("api01")],
        transplant: {
            exports: ["examples/a-export/team1-ns.yaml"],
            namespaces: { "team1-ns": "team1-ns" },
            kubeContext: "cluster-b",
            imageRegistries: { "registry-vpc.cn-hangzhou.aliyuncs.com/team1": "registry-vpc.cn-hangzhou.aliyuncs.com/team2" },
            acceptDroppedAnnotations: ["nginx.ingress.kubernetes.io/configuration-snippet"],
            keepLoadBalancers: ["api01-debug"],
            storage: { "data-cache": "recreate-empty" },
            rewriteHosts: false,
        },
    },
};

/** Every leaf path of `value` and every object path (where an unknown key can be added). */
function positions(value: unknown, at: string[] = []): { leaves: string[][]; objects: string[][] } {
    if (Array.isArray(value)) {
        const parts = value.map((v, i) => positions(v, [...at, String(i)]));
        return { leaves: parts.flatMap((p) => p.leaves), objects: parts.flatMap((p) => p.objects) };
    }
    if (typeof value === "object" && value !== null) {
        const parts = Object.entries(value).map(([k, v]) => positions(v, [...at, k]));
        return { leaves: parts.flatMap((p) => p.leaves), objects: [at, ...parts.flatMap((p) => p.objects)] };
    }
    return { leaves: [at], objects: [] };
}

function withValue(base: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
    const copy = structuredClone(base);
    let node = copy as Record<string, unknown>;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[at[at.length - 1]] = value;
    return copy;
}

/** parseConfig over `values` as the program reads them (every key also listed as present); the message, or "". */
function message(values: Record<string, unknown>, extraPresent: { key: string; value: string; secret: boolean }[] = []): string {
    const raw: RawConfig = {
        ...values,
        ...(values.role === "platform"
            ? { tlsKey: pulumi.secret("k"), tlsKeyIsSecret: true, kongClusterKey: pulumi.secret("k"), kongClusterKeyIsSecret: true }
            : {}),
        present: [
            ...Object.entries(values).map(([key, v]) => ({ key, value: typeof v === "string" ? v : JSON.stringify(v), secret: false })),
            ...extraPresent,
        ],
        self: { project: "migration", stack: "test" },
    };
    try {
        parseConfig(raw);
        return "";
    } catch (err) {
        assert.ok(ConfigError.isConfigError(err), String(err));
        return err.message;
    }
}

describe("no secret in any message", () => {
    for (const [role, base] of Object.entries(valid)) {
        it(`${role}: a secret in any leaf, as any unknown key, as an unknown or flat top-level key never shows`, () => {
            assert.equal(message(base), "", "the base config is valid");
            const { leaves, objects } = positions(base);
            let refused = 0;
            for (const [kind, secret] of Object.entries(SECRETS)) {
                const cases: [string, string][] = [
                    ...leaves.map((at) => [`leaf ${at.join(".")}`, message(withValue(base, at, secret))] as [string, string]),
                    ...objects
                        .filter((at) => at.length > 0)
                        .map(
                            (at) =>
                                [`unknown key under ${at.join(".")}`, message(withValue(base, [...at, "token"], secret))] as [
                                    string,
                                    string,
                                ],
                        ),
                    ["unknown top-level key", message(base, [{ key: "kongToken", value: secret, secret: false }])],
                    ["flat dotted key", message(base, [{ key: `${Object.keys(base)[3]}.token`, value: secret, secret: false }])],
                    [
                        "flat dotted key stored as secret",
                        message(base, [{ key: `${Object.keys(base)[3]}.password`, value: secret, secret: true }]),
                    ],
                ];
                for (const [where, text] of cases) {
                    if (text) refused++;
                    assert.deepEqual(leaks(text, secret), [], `${kind} at ${where} leaked into:\n${text}`);
                }
            }
            assert.ok(refused > leaves.length * 2, `most positions refuse the secret (${refused} refusals)`);
        });
    }

    for (const [role, base] of Object.entries(valid)) {
        it(`${role}: the secret detector sees every plain value, not only those a message shows: a token in any leaf is refused`, () => {
            // Values that pass their own key's pattern (a Kong service name, a stack name, a kubeconfig
            // context) reach resource inputs, warnings and the plan: a token there must not plan.
            const random = "Zx8Q2mP4kL9vB7nR3tY6wE1u";
            const accepted = positions(base)
                .leaves.filter((at) => [TOKEN, random].some((secret) => message(withValue(base, at, secret)) === ""))
                .map((at) => at.join("."));
            assert.deepEqual(accepted, []);
        });
    }

    it("a value under a secret-named key, a private key, a token and URL credentials are redacted; safe values are shown", () => {
        assert.equal(show("hunter2", "kong.password"), "[redacted]");
        assert.equal(show(SECRETS["PKCS#8 key"], "tls.certificate"), "[redacted]");
        assert.equal(show(TOKEN, "kong.workspace"), "[redacted]");
        assert.equal(show({ service: "x", token: TOKEN }, "kong.apis.api01"), '{"service":"x","token":"[redacted]"}');
        assert.equal(show("https://admin:p4ss@kong:8444", "kong.adminUrl"), '"https://admin:[redacted]@kong:8444"');
        assert.equal(show("team1-ns", "tls.existingSecret"), '"team1-ns"', "the name of a Kubernetes Secret is not a secret");
        assert.equal(show(120, "cutover.weights.api01"), "120");
        assert.equal(show("x".repeat(100), "apis[0].healthPath"), `"${"x".repeat(76)}...`);
    });

    describe("through npm run plan (stdout and stderr)", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const edits: [string, string, (secret: string) => (c: Record<string, Record<string, unknown>>) => void][] = [
            ["kong.token (unknown key)", "cutover", (s) => (c) => (c["migration:kong"].token = s)],
            ["tls.key (unknown key)", "dev", (s) => (c) => (c["migration:tls"].key = s)],
            ["an unknown top-level key", "cutover", (s) => (c) => ((c as Record<string, unknown>)["migration:kongToken"] = s)],
            ["a flat dotted key", "cutover", (s) => (c) => ((c as Record<string, unknown>)["migration:kong.token"] = s)],
            ["kong.upstreamPrefix", "cutover", (s) => (c) => (c["migration:kong"].upstreamPrefix = s)],
            [
                "source.kubeContext of the wrong role",
                "dev",
                (s) => (c) => ((c as Record<string, unknown>)["migration:source"] = { kubeContext: s }),
            ],
        ];
        for (const [where, stack, edit] of edits) {
            it(`${where}: refused, and no secret in the output`, async () => {
                for (const [kind, secret] of Object.entries(SECRETS)) {
                    const file = editedStackFile(stack, dir, edit(secret), "secret.yaml");
                    const { code, stdout, stderr } = await plan(["--stack", stack, "--config", file]);
                    assert.equal(code, 2, `${kind}: ${stderr}`);
                    assert.deepEqual(leaks(stdout + stderr, secret), [], `${kind} leaked:\n${stderr}`);
                }
            });
        }
    });
});
