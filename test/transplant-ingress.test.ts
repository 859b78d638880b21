/**
 * Transplant rule 5: A's Ingresses are compared with what the platform stack's Ingresses serve,
 * never copied; ingress-nginx annotations are translated to ALB's where ALB can say the same,
 * refused where it cannot (unless accepted); an Ingress for a host no API moves is refused.
 */
import * as assert from "node:assert/strict";
import { ALB_EQUIVALENTS } from "../plan/transplant/ingress-annotations";
import { servedByB } from "../plan/transplant/ingress";
import { KubeObject } from "../plan/transplant/objects";
import { api, DOMAINS, planStack } from "./helpers";
import { edited, fixture, plan } from "./transplant-helpers";

const withAnnotations = (name: string, extra: Record<string, string>) =>
    edited((o) =>
        o.kind === "Ingress" && o.metadata.name === name
            ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...extra } } }
            : o,
    );

describe("transplant rule 5: Ingress parity, not copy", () => {
    it("what B serves for an API is what the committed platform stack registers (hosts, path, backend, TLS hosts, annotations)", async () => {
        const run = await planStack("dev");
        // api01 goes through B's Kong data plane in the committed dev stack (kongDataPlane.apis): its Ingress names
        // the data plane's proxy, which the transplant cannot compare A's backends with; api02 goes straight.
        const api01 = run.resources.find((r) => r.name === "team1-api01")!;
        assert.equal((api01.inputs as { metadata: { namespace: string } }).metadata.namespace, "kong-dp-team1");
        for (const a of [api("api02")]) {
            const ingress = run.resources.find(
                (r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress" && r.name === `team1-${a.name}`,
            )!;
            const inputs = ingress.inputs as {
                metadata: { namespace: string; annotations: Record<string, string> };
                spec: {
                    rules: {
                        host: string;
                        http: {
                            paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[];
                        };
                    }[];
                    tls: { hosts: string[] }[];
                };
            };
            const served = servedByB(a, DOMAINS);
            assert.deepEqual(
                inputs.spec.rules.map((r) => r.host),
                served.hosts,
            );
            for (const rule of inputs.spec.rules)
                assert.deepEqual(rule.http.paths, [
                    {
                        path: served.path,
                        pathType: served.pathType,
                        backend: { service: { name: served.service, port: { number: served.port } } },
                    },
                ]);
            assert.deepEqual(inputs.spec.tls[0].hosts, served.tlsHosts);
            assert.equal(inputs.metadata.namespace, served.namespace);
            assert.deepEqual(inputs.metadata.annotations, served.annotations);
        }
    });

    it("the committed export: every path and TLS host reproduced, four nginx annotations translated but not set on B, the snippet accepted", () => {
        assert.deepEqual(
            plan().parity.map((p) => [p.ingress, p.item, p.status, p.a, p.b]),
            [
                [
                    "team1-ns/api01",
                    "path",
                    "reproduced",
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang/ (Prefix) → team1-ns/api01-service:80",
                    "api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.source-team1.dev.aliyun.cloud.cn.aibang / (Prefix) → team1-ns/api01-service:80",
                ],
                [
                    "team1-ns/api01",
                    "tls",
                    "reproduced",
                    "TLS for api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    "TLS for api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.source-team1.dev.aliyun.cloud.cn.aibang (the platform stack's certificate)",
                ],
                ["team1-ns/api01", "annotation", "reproduced", 'nginx.ingress.kubernetes.io/backend-protocol: "HTTP"', "ALB's default"],
                [
                    "team1-ns/api01",
                    "annotation",
                    "translated, not set on B",
                    'nginx.ingress.kubernetes.io/cors-allow-origin: "https://portal.source-team1.dev.aliyun.cloud.cn.aibang"',
                    'alb.ingress.kubernetes.io/cors-allow-origin: "https://portal.source-team1.dev.aliyun.cloud.cn.aibang"',
                ],
                [
                    "team1-ns/api01",
                    "annotation",
                    "translated, not set on B",
                    'nginx.ingress.kubernetes.io/enable-cors: "true"',
                    'alb.ingress.kubernetes.io/enable-cors: "true"',
                ],
                [
                    "team1-ns/api01",
                    "annotation",
                    "translated, not set on B",
                    'nginx.ingress.kubernetes.io/proxy-read-timeout: "120"',
                    'AlbConfig listener requestTimeout: "120"',
                ],
                [
                    "team1-ns/api01",
                    "annotation",
                    "translated, not set on B",
                    'nginx.ingress.kubernetes.io/ssl-redirect: "true"',
                    'alb.ingress.kubernetes.io/ssl-redirect: "true"',
                ],
                [
                    "team1-ns/api02",
                    "path",
                    "reproduced",
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang/ (Prefix) → team1-ns/api02-service:80",
                    "api02.target-team2.dev.aliyun.cloud.cn.aibang, api02.source-team1.dev.aliyun.cloud.cn.aibang / (Prefix) → team1-ns/api02-service:80",
                ],
                [
                    "team1-ns/api02",
                    "tls",
                    "reproduced",
                    "TLS for api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    "TLS for api02.target-team2.dev.aliyun.cloud.cn.aibang, api02.source-team1.dev.aliyun.cloud.cn.aibang (the platform stack's certificate)",
                ],
                [
                    "team1-ns/api02",
                    "annotation",
                    "accepted as dropped",
                    'nginx.ingress.kubernetes.io/configuration-snippet: "more_set_headers \\"X-Served-By: cluster-a\\";\\n"',
                    "dropped (transplant.acceptDroppedAnnotations)",
                ],
                [
                    "team1-ns/api02",
                    "annotation",
                    "translated, not set on B",
                    'nginx.ingress.kubernetes.io/ssl-redirect: "true"',
                    'alb.ingress.kubernetes.io/ssl-redirect: "true"',
                ],
            ],
        );
    });

    it("each Ingress B does not match in full is a warning naming what B needs", () => {
        assert.deepEqual(plan().warnings, [
            'A\'s Ingress team1-ns/api01 does what B\'s Ingress for api01 does not: nginx.ingress.kubernetes.io/cors-allow-origin: "https://portal.source-team1.dev.aliyun.cloud.cn.aibang" (B needs alb.ingress.kubernetes.io/cors-allow-origin: "https://portal.source-team1.dev.aliyun.cloud.cn.aibang"); nginx.ingress.kubernetes.io/enable-cors: "true" (B needs alb.ingress.kubernetes.io/enable-cors: "true"); nginx.ingress.kubernetes.io/proxy-read-timeout: "120" (B needs AlbConfig listener requestTimeout: "120"); nginx.ingress.kubernetes.io/ssl-redirect: "true" (B needs alb.ingress.kubernetes.io/ssl-redirect: "true")',
            'A\'s Ingress team1-ns/api02 does what B\'s Ingress for api02 does not: nginx.ingress.kubernetes.io/ssl-redirect: "true" (B needs alb.ingress.kubernetes.io/ssl-redirect: "true")',
        ]);
    });

    it("an annotation with no ALB equivalent is refused until accepted; so is a value ALB cannot say", () => {
        const snippet = plan(fixture(), { acceptDroppedAnnotations: [] });
        assert.deepEqual(snippet.refused, [
            {
                kind: "Ingress",
                namespace: "team1-ns",
                name: "api02",
                reason: "annotation nginx.ingress.kubernetes.io/configuration-snippet has no ALB Ingress equivalent: B's Ingress cannot do what A's did; to go without, list it in transplant.acceptDroppedAnnotations",
            },
        ]);
        const p = plan(
            withAnnotations("api01", {
                "nginx.ingress.kubernetes.io/proxy-read-timeout": "600",
                "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
            }),
        );
        assert.deepEqual(
            p.refused.map((r) => r.reason),
            [
                "annotations nginx.ingress.kubernetes.io/proxy-body-size, nginx.ingress.kubernetes.io/proxy-read-timeout have no ALB Ingress equivalent: B's Ingress cannot do what A's did; to go without, list them in transplant.acceptDroppedAnnotations",
            ],
        );
        assert.deepEqual(
            p.parity.filter((x) => x.status === "no ALB equivalent").map((x) => x.b),
            [
                "no ALB equivalent",
                "no ALB equivalent for this value: ALB's request timeout is 1 to 180 seconds, per listener (AlbConfig requestTimeout)",
            ],
        );
    });

    it("basic auth on A's Ingress: refused, then accepted by naming the annotations (a name with 'secret' in it is a name, not a credential)", () => {
        const auth = withAnnotations("api01", {
            "nginx.ingress.kubernetes.io/auth-type": "basic",
            "nginx.ingress.kubernetes.io/auth-secret": "team1-ns/basic-auth",
        });
        assert.deepEqual(
            plan(auth).refused.map((r) => r.reason),
            [
                "annotations nginx.ingress.kubernetes.io/auth-secret, nginx.ingress.kubernetes.io/auth-type have no ALB Ingress equivalent: B's Ingress cannot do what A's did; to go without, list them in transplant.acceptDroppedAnnotations",
            ],
        );
        const accepted = plan(auth, {
            acceptDroppedAnnotations: [
                "nginx.ingress.kubernetes.io/configuration-snippet",
                "nginx.ingress.kubernetes.io/auth-type",
                "nginx.ingress.kubernetes.io/auth-secret",
            ],
        });
        assert.deepEqual(accepted.refused, []);
    });

    it("a source allowlist B does not apply is refused until accepted: moving would open the API to every client", () => {
        const limited = withAnnotations("api01", { "nginx.ingress.kubernetes.io/whitelist-source-range": "10.72.0.0/16" });
        assert.deepEqual(plan(limited).refused, [
            {
                kind: "Ingress",
                namespace: "team1-ns",
                name: "api01",
                reason: "nginx.ingress.kubernetes.io/whitelist-source-range limits which clients A's Ingress serves, and B's Ingress for api01 applies no such limit (the platform stack sets no ALB listener ACL): moving would open the API to every client that reaches B; set the ACL on B's listener, or accept the wider access by listing it in transplant.acceptDroppedAnnotations",
            },
        ]);
        const accepted = plan(limited, {
            acceptDroppedAnnotations: [
                "nginx.ingress.kubernetes.io/configuration-snippet",
                "nginx.ingress.kubernetes.io/whitelist-source-range",
            ],
        });
        assert.deepEqual(accepted.refused, []);
        assert.deepEqual(
            accepted.parity.filter((x) => x.a.includes("whitelist")).map((x) => [x.b, x.status]),
            [['AlbConfig listener aclConfig: "{aclType: White, aclEntries: [10.72.0.0/16]}"', "translated, not set on B"]],
        );
    });

    it("an annotation value that looks like a credential is not shown", () => {
        const p = plan(
            withAnnotations("api02", {
                "nginx.ingress.kubernetes.io/configuration-snippet": 'proxy_set_header Authorization "Bearer s3cr3tT0kenValue99";',
            }),
        );
        const item = p.parity.find((x) => x.a.startsWith("nginx.ingress.kubernetes.io/configuration-snippet"))!;
        assert.equal(item.a, "nginx.ingress.kubernetes.io/configuration-snippet: [redacted]");
        // A translated value is A's value reworded: column B hides it the same way.
        const translated = plan(
            withAnnotations("api02", { "nginx.ingress.kubernetes.io/cors-allow-headers": "Authorization: Bearer s3cr3tT0kenValue99" }),
        );
        const cors = translated.parity.find((x) => x.a.startsWith("nginx.ingress.kubernetes.io/cors-allow-headers"))!;
        assert.deepEqual(
            [cors.a, cors.b],
            ["nginx.ingress.kubernetes.io/cors-allow-headers: [redacted]", "alb.ingress.kubernetes.io/cors-allow-headers: [redacted]"],
        );
        assert.ok(
            !JSON.stringify([translated.parity, translated.warnings]).includes("s3cr3tT0kenValue99"),
            "no parity item or warning shows it",
        );
    });

    it("a path to another backend is not reproduced (B sends the whole host to the API's Service); an Ingress for a host nobody moves is refused", () => {
        const admin = edited((o) => {
            if (o.kind !== "Ingress" || o.metadata.name !== "api01") return o;
            const ing = structuredClone(o) as KubeObject & { spec: { rules: { http: { paths: unknown[] } }[] } };
            ing.spec.rules[0].http.paths.push({
                path: "/admin",
                pathType: "Prefix",
                backend: { service: { name: "admin", port: { number: 9090 } } },
            });
            return ing;
        });
        const p = plan(admin);
        assert.deepEqual(
            p.parity.filter((x) => x.status === "not reproduced").map((x) => [x.a, x.b]),
            [
                [
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang/admin (Prefix) → team1-ns/admin:9090",
                    "api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.source-team1.dev.aliyun.cloud.cn.aibang / (Prefix) → team1-ns/api01-service:80",
                ],
            ],
        );
        const other: KubeObject = {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: { name: "grafana", namespace: "team1-ns" },
            spec: { rules: [{ host: "grafana.source-team1.dev.aliyun.cloud.cn.aibang", http: { paths: [] } }] },
        };
        assert.deepEqual(plan([...fixture(), other]).refused, [
            {
                kind: "Ingress",
                namespace: "team1-ns",
                name: "grafana",
                reason: "serves grafana.source-team1.dev.aliyun.cloud.cn.aibang, which no API in migration:apis moves: traffic nobody moves to B; add the API to migration:apis, or leave this Ingress in A and remove it from the export",
            },
        ]);
    });

    it("ingress-nginx redirects to HTTPS whenever an Ingress has TLS: without the annotation that default is listed too", () => {
        const quiet = edited((o) => {
            if (o.kind !== "Ingress" || o.metadata.name !== "api02") return o;
            const { "nginx.ingress.kubernetes.io/ssl-redirect": _, ...rest } = o.metadata.annotations!;
            return { ...o, metadata: { ...o.metadata, annotations: rest } };
        });
        assert.deepEqual(
            plan(quiet)
                .parity.filter((x) => x.ingress === "team1-ns/api02" && x.a.includes("ssl-redirect"))
                .map((x) => [x.a, x.status]),
            [
                [
                    'nginx.ingress.kubernetes.io/ssl-redirect: "true" (ingress-nginx\'s default for an Ingress with TLS)',
                    "translated, not set on B",
                ],
            ],
        );
    });

    it("the table's translations: values as ALB spells them, or none where ALB cannot say it", () => {
        const t = (key: string, v: string) => ALB_EQUIVALENTS[`nginx.ingress.kubernetes.io/${key}`].translate(v);
        assert.deepEqual(t("backend-protocol", "HTTPS"), { "alb.ingress.kubernetes.io/backend-protocol": "https" });
        assert.deepEqual(t("backend-protocol", "GRPC"), { "alb.ingress.kubernetes.io/backend-protocol": "grpc" });
        assert.equal(t("backend-protocol", "FCGI"), undefined);
        assert.deepEqual(t("ssl-redirect", "false"), {});
        assert.deepEqual(t("rewrite-target", "/$1"), { "alb.ingress.kubernetes.io/rewrite-target": "/${1}" });
        assert.equal(t("rewrite-target", "/$4"), undefined);
        assert.deepEqual(t("cors-max-age", "600"), { "alb.ingress.kubernetes.io/cors-max-age": "600" });
        assert.equal(t("cors-max-age", "1728000"), undefined, "ingress-nginx's default (20 days) is beyond ALB's 172800 s");
        assert.deepEqual(t("whitelist-source-range", "10.72.0.0/16"), {
            "AlbConfig listener aclConfig": "{aclType: White, aclEntries: [10.72.0.0/16]}",
        });
        assert.deepEqual(t("affinity", "cookie"), {
            "alb.ingress.kubernetes.io/sticky-session": "true",
            "alb.ingress.kubernetes.io/sticky-session-type": "Insert",
        });
    });
});
