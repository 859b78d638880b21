/**
 * The Kong data plane in B (issue 24, first part): planned values, the component's resources, the
 * chart contract (every value key is the pinned chart's, every `env` key a kong.conf setting), and
 * what is refused before anything registers. Routing through the data plane, its verify checks and
 * the health gate's DP check are not built yet.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { KONG_DATA_PLANE_TYPE } from "../components/kong-data-plane";
import { KONG_CHART, planKongDataPlane } from "../plan/kong-data-plane";
import { kongDataPlaneSchema } from "../config/schema/kong-data-plane";
import { OfflineRun } from "../offline/harness";
import { ALB_INGRESS, api, planConfig, platformConfig, ROOT } from "./helpers";

const CERT = fs.readFileSync(path.join(ROOT, "examples/kong/cluster-example.crt"), "utf8");
const KEY = fs.readFileSync(path.join(ROOT, "examples/kong/cluster-example.key"), "utf8");
const NOT_AFTER = new Date("2036-11-01T00:00:00.000Z");
const NOW = new Date("2026-12-06T00:00:00Z");
const VENDOR = path.join(ROOT, "test/contracts/vendor");

const block = (overrides: Record<string, unknown> = {}) => ({
    controlPlane: "kong-cp.team1.internal:8005",
    controlPlaneVersion: "3.9.1",
    image: { repository: "kong", tag: "3.9.1" },
    clusterCertificate: CERT,
    apis: ["api01"],
    ...overrides,
});

const withDp = (dp: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    platformConfig({ ingress: ALB_INGRESS, apis: [api("api01"), api("api02")], kongDataPlane: dp, ...extra });

const secrets = { tlsKey: "-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----\n", kongClusterKey: KEY };

async function refusal(values: Record<string, unknown>, opts: Parameters<typeof planConfig>[1] = {}): Promise<string[]> {
    try {
        await planConfig(values, { now: NOW, secrets, ...opts });
    } catch (err) {
        const cause = (err as { cause?: { problems?: { path: string; message: string }[] } }).cause;
        if (cause?.problems) return cause.problems.map((p) => `${p.path}: ${p.message}`);
        throw err;
    }
    return [];
}

describe("KongDataPlane: a Kong data plane in B joined to A's control plane", () => {
    let run: OfflineRun;
    before(async () => {
        run = await planConfig(withDp(block()), { now: NOW, secrets });
    });

    it("plans the chart values a hybrid data plane needs (role data_plane, DB-less, the cluster certificate mounted, admin and controller off)", () => {
        const { plan } = planKongDataPlane("team1", kongDataPlaneSchema.parse(block()), NOW);
        assert.deepEqual(plan!.values, {
            image: { repository: "kong", tag: "3.9.1" },
            env: {
                role: "data_plane",
                database: "off",
                cluster_control_plane: "kong-cp.team1.internal:8005",
                cluster_mtls: "shared",
                cluster_cert: "/etc/secrets/kong-dp-team1-cluster-cert/tls.crt",
                cluster_cert_key: "/etc/secrets/kong-dp-team1-cluster-cert/tls.key",
                lua_ssl_trusted_certificate: "/etc/secrets/kong-dp-team1-cluster-cert/tls.crt",
            },
            secretVolumes: ["kong-dp-team1-cluster-cert"],
            admin: { enabled: false },
            ingressController: { enabled: false },
            status: { enabled: true, http: { enabled: true, containerPort: 8100 } },
            readinessProbe: { httpGet: { path: "/status/ready", port: "status", scheme: "HTTP" } },
            deployment: { hostname: "kong-dp-team1" },
            replicaCount: 2,
            podDisruptionBudget: { enabled: true, minAvailable: 1 },
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": "kong", "app.kubernetes.io/instance": "kong-dp-team1" } },
                },
            ],
            proxy: { type: "ClusterIP", http: { enabled: true, servicePort: 80 }, tls: { enabled: false } },
        });
        assert.deepEqual(plan!.proxy, { service: "kong-dp-team1-kong-proxy", port: 80 });
        assert.equal(plan!.certificateNotAfter, NOT_AFTER.toISOString());
    });

    it("registers its namespace, the cluster certificate as a kubernetes.io/tls Secret (key secret), and the pinned kong chart after it", () => {
        const mine = run.resources.filter((r) => r.parent?.endsWith(`${KONG_DATA_PLANE_TYPE}::kong-dp`));
        assert.deepEqual(mine.map((r) => [r.type, r.name]).sort(), [
            ["kubernetes:core/v1:Namespace", "kong-dp-namespace"],
            ["kubernetes:core/v1:Secret", "kong-dp-cluster-cert"],
            ["kubernetes:helm.sh/v4:Chart", "kong-dp-chart"],
        ]);
        const secret = mine.find((r) => r.name === "kong-dp-cluster-cert")!;
        assert.deepEqual(secret.inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "kong-dp-team1-cluster-cert", namespace: "kong-dp-team1" },
            type: "kubernetes.io/tls",
            // One secret value makes the whole map secret on the wire: the certificate is hidden with the key.
            stringData: { "tls.crt": "[secret]", "tls.key": "[secret]" },
        });
        const chart = mine.find((r) => r.name === "kong-dp-chart")!;
        const inputs = chart.inputs as Record<string, unknown>;
        assert.deepEqual(
            [inputs.chart, inputs.version, inputs.repositoryOpts, inputs.name, inputs.namespace],
            ["kong", "3.4.1", { repo: "https://charts.konghq.com" }, "kong-dp-team1", "kong-dp-team1"],
        );
        assert.deepEqual(chart.options.dependsOn, [secret.urn]);
        assert.deepEqual(run.outputs.kongDataPlane, {
            namespace: "kong-dp-team1",
            hostname: "kong-dp-team1",
            proxy: { namespace: "kong-dp-team1", service: "kong-dp-team1-kong-proxy", port: 80 },
            apis: ["api01"],
            controlPlane: "kong-cp.team1.internal:8005",
            controlPlaneVersion: "3.9.1",
            certificateNotAfter: NOT_AFTER.toISOString(),
        });
    });

    it("the cluster key appears in no input, output or warning", () => {
        const body = KEY.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
        const text = JSON.stringify([run.resources.map((r) => r.inputs), run.outputs, run.warnings]);
        for (let i = 0; i + 12 <= body.length; i += 6) assert.equal(text.includes(body.slice(i, i + 12)), false);
    });

    it("every chart value key is the pinned chart's (values.yaml, or read by its templates); every env key is a kong.conf setting", () => {
        const values = parse(fs.readFileSync(path.join(VENDOR, "kong-chart/values.yaml"), "utf8")) as Record<string, unknown>;
        const templates = fs
            .readdirSync(path.join(VENDOR, "kong-chart/templates"))
            .map((f) => fs.readFileSync(path.join(VENDOR, "kong-chart/templates", f), "utf8"))
            .join("\n");
        const conf = fs.readFileSync(path.join(VENDOR, "kong/kong.conf.default"), "utf8");
        const { plan } = planKongDataPlane("team1", kongDataPlaneSchema.parse(block({ mtls: "pki", clusterCaCertificate: CERT })), NOW);
        const missing: string[] = [];
        const walk = (v: unknown, at: string[], chart: unknown) => {
            if (at[0] === "env" && at.length === 2) {
                if (!new RegExp(`^#${at[1]} =`, "m").test(conf)) missing.push(`env.${at[1]} (not in kong.conf.default)`);
                return;
            }
            const known =
                typeof chart === "object" && chart !== null && !Array.isArray(chart) && at.length > 0 && at[at.length - 1] in chart;
            const inTemplates = templates.includes(`.Values.${at.join(".")}`);
            if (at.length > 0 && !known && !inTemplates) missing.push(at.join("."));
            // Lists and open maps (probe specs, constraints) are the user's from here down.
            if (typeof v === "object" && v !== null && !Array.isArray(v) && (known || at.length === 0))
                for (const [k, x] of Object.entries(v))
                    walk(x, [...at, k], at.length === 0 ? values[k] : (chart as Record<string, unknown>)[k]);
        };
        walk(plan!.values, [], values);
        assert.deepEqual(missing, []);
        assert.equal(
            KONG_CHART.version,
            (parse(fs.readFileSync(path.join(VENDOR, "kong-chart/Chart.yaml"), "utf8")) as { version: string }).version,
        );
    });

    it("refuses a data plane the control plane would refuse: another major, a newer minor (Kong's own rule)", async () => {
        for (const tag of ["3.10.0", "4.0.0"])
            assert.deepEqual(await refusal(withDp(block({ image: { tag } }))), [
                `migration:kongDataPlane.image.tag: "${tag}" is not accepted; expected a Kong version the control plane 3.9.1 accepts: the same major and a minor no newer (Kong's rule, kong/clustering/compat/init.lua: the control plane refuses another major or a newer minor as kong_version_incompatible and pushes that data plane no configuration; upgrade the control plane first)`,
            ]);
        assert.deepEqual(await refusal(withDp(block({ image: { tag: "3.8.2-ubuntu" } }))), [], "an older minor is accepted");
    });

    it("refuses a control plane that is not host:port, pki without a CA, an API not in apis, a namespace an ingress-nginx controller owns", async () => {
        assert.deepEqual(await refusal(withDp(block({ controlPlane: "https://kong-cp:8005", mtls: "pki" }))), [
            'migration:kongDataPlane.controlPlane: "https://kong-cp:8005" is not accepted; expected the control plane\'s cluster listener as host:port, e.g. kong-cp.team1.internal:8005',
            "migration:kongDataPlane.clusterCaCertificate: (missing) is not accepted; expected the CA that signed the control plane's cluster certificate, with mtls: pki (cluster_ca_cert)",
        ]);
        assert.deepEqual(await refusal(withDp(block({ apis: ["api01", "api09"] }))), [
            'migration:kongDataPlane.apis[1]: "api09" is not accepted; expected API names from migration:apis (api01, api02)',
        ]);
        const nginx = platformConfig({ apis: [api("api01")], kongDataPlane: block({ namespace: "ingress-team1" }) });
        assert.deepEqual(await refusal(nginx), [
            'migration:kongDataPlane.namespace: "ingress-team1" is not accepted; expected a namespace other than the ingress-nginx controller team1\'s (ingress-team1): each owns its namespace',
        ]);
    });

    it("refuses a cluster certificate that is not one, or has under 30 days left; the key must be set, and set as a secret", async () => {
        assert.deepEqual(
            await refusal(withDp(block({ clusterCertificate: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" }))),
            [
                "migration:kongDataPlane.clusterCertificate: is not a readable PEM certificate (error:0680007B:asn1 encoding routines::header too long); expected the PEM of the cluster certificate",
            ],
        );
        // The serving certificate is another's (tls.existingSecret): only the cluster certificate's clock is under test.
        const existingTls = withDp(block(), { tls: { existingSecret: "team1-tls" } });
        assert.deepEqual(await refusal(existingTls, { now: new Date(NOT_AFTER.getTime() - 10 * 86_400_000) }), [
            `migration:kongDataPlane.clusterCertificate: expires ${NOT_AFTER.toISOString()} (in 10 days); expected at least 30 days of validity left (an expired cluster certificate cuts the data plane off its control plane)`,
        ]);
        assert.deepEqual(await refusal(withDp(block()), { secrets: { tlsKey: secrets.tlsKey } }), [
            'migration:kongClusterKey: (missing) is not accepted; expected the private key of kongDataPlane.clusterCertificate as a secret: pulumi config set --secret migration:kongClusterKey -- "$(cat cluster.key)"',
        ]);
        assert.deepEqual(await refusal(withDp(block()), { plainKeys: ["migration:kongClusterKey"] }), [
            'migration:kongClusterKey: "[plain text private key]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:kongClusterKey',
        ]);
        assert.deepEqual(await refusal(withDp(block({ clusterKey: KEY }))), [
            'migration:kongDataPlane.clusterKey: [redacted] is not accepted: it holds a PEM private key, which belongs only in the secret migration:kongClusterKey (pulumi config set --secret migration:kongClusterKey -- "$(cat key.pem)"); remove it from here',
            "migration:kongDataPlane.clusterKey: not a key this program reads (its value is not shown); known keys: controlPlane, controlPlaneVersion, image, mtls, clusterCertificate, clusterCaCertificate, apis, replicas, namespace, hostname",
        ]);
    });
});

describe("routing through B's Kong data plane", () => {
    for (const [implementation, ingress] of [
        ["ALB", ALB_INGRESS],
        ["ingress-nginx", { name: "team1", implementation: "ingress-nginx", className: "team1-nginx", loadBalancer: {} }],
    ] as const) {
        it(`${implementation}: a listed API's long and legacy hosts go to the DP's proxy, its Ingress beside it; the others straight to their Service`, async () => {
            const run = await planConfig(withDp(block(), { ingress }), { now: NOW, secrets });
            const ingresses = run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
            const summary = (name: string) => {
                const r = ingresses.find((x) => x.name === name)!;
                const i = r.inputs as {
                    metadata: { namespace: string };
                    spec: {
                        rules: {
                            host: string;
                            http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] };
                        }[];
                        tls: { hosts: string[] }[];
                    };
                };
                return {
                    namespace: i.metadata.namespace,
                    rules: i.spec.rules.map(
                        (x) =>
                            `${x.host}${x.http.paths[0].path} → ${x.http.paths[0].backend.service.name}:${x.http.paths[0].backend.service.port.number}`,
                    ),
                    tls: i.spec.tls[0].hosts,
                    waitsForDataPlane: r.options.dependsOn.some((u) => u.endsWith(`${KONG_DATA_PLANE_TYPE}::kong-dp`)),
                };
            };
            assert.deepEqual(summary("team1-api01"), {
                namespace: "kong-dp-team1",
                rules: [
                    "api01.target-team2.dev.aliyun.cloud.cn.aibang/ → kong-dp-team1-kong-proxy:80",
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang/ → kong-dp-team1-kong-proxy:80",
                ],
                tls: ["api01.target-team2.dev.aliyun.cloud.cn.aibang", "api01.source-team1.dev.aliyun.cloud.cn.aibang"],
                waitsForDataPlane: true,
            });
            assert.deepEqual(summary("team1-api02"), {
                namespace: "team1-ns",
                rules: [
                    "api02.target-team2.dev.aliyun.cloud.cn.aibang/ → api02-service:80",
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang/ → api02-service:80",
                ],
                tls: ["api02.target-team2.dev.aliyun.cloud.cn.aibang", "api02.source-team1.dev.aliyun.cloud.cn.aibang"],
                waitsForDataPlane: true,
            });
            // The short host follows the same choice; each namespace with an Ingress gets the TLS Secret.
            const short = ingresses.filter((r) => r.name.startsWith("short-domain-api01"));
            assert.ok(short.length > 0);
            for (const r of short)
                assert.equal((r.inputs as { metadata: { namespace: string } }).metadata.namespace, "kong-dp-team1", r.name);
            assert.deepEqual(
                run.resources
                    .filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.startsWith("team1-tls-"))
                    .map((r) => r.name)
                    .sort(),
                ["team1-tls-kong-dp-team1", "team1-tls-team1-ns"],
            );
        });
    }

    it("without a data plane nothing changes: the committed dev stack's Ingresses go to the APIs' Services", async () => {
        const run = await planConfig(platformConfig({ ingress: ALB_INGRESS, apis: [api("api01")] }), { now: NOW });
        const ingress = run.resources.find((r) => r.name === "team1-api01")!;
        assert.equal((ingress.inputs as { metadata: { namespace: string } }).metadata.namespace, "team1-ns");
        assert.equal(
            ingress.options.dependsOn.some((u) => u.includes("KongDataPlane")),
            false,
        );
    });
});

describe("the offline plan of a platform stack with a data plane", () => {
    it("says in the summary which APIs go through it, and what the data plane is", async () => {
        const { renderText } = await import("../offline/render");
        const run = await planConfig(withDp(block()), { now: NOW, secrets });
        const lines = renderText(run, "platform").split("\n");
        assert.ok(lines.includes("Kong data plane in B (kong-dp-team1): api01 through it"));
        assert.ok(
            lines.includes(
                "Kong data plane in B: namespace kong-dp-team1, listed by the control plane kong-cp.team1.internal:8005 as kong-dp-team1; cluster certificate until 2036-11-01T00:00:00.000Z",
            ),
        );
        assert.ok(
            lines.includes(
                "  through it (B's ingress → kong-dp-team1-kong-proxy:80 → Kong → the API): api01; the other APIs go straight to their Service",
            ),
        );
    });
});

describe("--mermaid shows B's path through its Kong data plane", () => {
    it("the committed cutover stack: B's load balancers name the data plane for api01 and the straight path for api02", async () => {
        const { phaseDiagram } = await import("./phase-diagrams");
        const diagram = await phaseDiagram("shift", { api01: 20, api02: 0 });
        const lines = diagram.split("\n");
        assert.ok(
            lines.includes(
                '        lbB["LB B (team)<br/>IsolatedIngress team1-alb<br/>→ Kong data plane (B) kong-dp-team1 → api01<br/>→ api02 in B"]',
            ),
            diagram,
        );
        assert.ok(
            lines.some(
                (l) =>
                    l.startsWith('        lbS["LB short domain') &&
                    l.includes("→ Kong data plane (B) kong-dp-team1 → api01<br/>→ api02 in B"),
            ),
        );
    });
});
