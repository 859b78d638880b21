/**
 * Transplant rules 6 and 7: objects move into B's namespace with what refers to it; each API's
 * Service must arrive with ready-checked pods behind it; A's domain is reported, rewritten only
 * when asked and only to names B has; images change only through the registry map.
 */
import * as assert from "node:assert/strict";
import { KubeObject } from "../plan/transplant/objects";
import { api } from "./helpers";
import { edited, fixture, keptObject, obj, plan } from "./transplant-helpers";

const RENAMED = { namespaces: { "team1-ns": "team9-ns" } };
const apisIn = (ns: string) => [api("api01", ns), api("api02", ns)];

describe("transplant rule 6: names and namespaces", () => {
    it("mapped to another namespace, every kept object is in it, each move listed; the Namespace is B's name", () => {
        const p = plan(fixture(), RENAMED, apisIn("team9-ns"));
        assert.deepEqual(p.refused, []);
        assert.deepEqual([...new Set(p.kept.map((k) => k.namespace ?? k.name))], ["team9-ns"]);
        assert.deepEqual(p.kept.find((k) => k.kind === "Namespace")!.rewrites, [
            { path: "metadata.name", old: "team1-ns", new: "team9-ns" },
        ]);
        for (const k of p.kept.filter((x) => x.kind !== "Namespace"))
            assert.deepEqual(
                k.rewrites.find((r) => r.path === "metadata.namespace"),
                { path: "metadata.namespace", old: "team1-ns", new: "team9-ns" },
            );
    });

    it("a RoleBinding's ServiceAccount subject and a NetworkPolicy's namespace selector follow the move", () => {
        const p = plan(fixture(), RENAMED, apisIn("team9-ns"));
        assert.deepEqual(keptObject(p, "RoleBinding", "api01-config-reader").subjects, [
            { kind: "ServiceAccount", name: "api01", namespace: "team9-ns" },
        ]);
        assert.deepEqual(
            (keptObject(p, "NetworkPolicy", "api-from-namespace").spec as { ingress: { from: unknown[] }[] }).ingress[0].from[0],
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "team9-ns" } } },
        );
    });

    it("a RoleBinding's User and Group subjects that name the namespace's service accounts follow the move; others stay", () => {
        const bound = edited((o) => {
            if (o.kind !== "RoleBinding") return o;
            const copy = structuredClone(o);
            copy.subjects = [
                ...(copy.subjects as unknown[]),
                { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccounts:team1-ns" },
                { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "system:serviceaccount:team1-ns:api02" },
                { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "team1-developers" },
            ];
            return copy;
        });
        const p = plan(bound, RENAMED, apisIn("team9-ns"));
        assert.deepEqual(
            (keptObject(p, "RoleBinding", "api01-config-reader").subjects as { name: string }[]).map((x) => x.name),
            ["api01", "system:serviceaccounts:team9-ns", "system:serviceaccount:team9-ns:api02", "team1-developers"],
        );
        assert.deepEqual(
            p.kept.find((k) => k.kind === "RoleBinding")!.rewrites.filter((r) => r.path.endsWith(".name")),
            [
                {
                    path: "subjects[1].name",
                    old: "system:serviceaccounts:team1-ns",
                    new: "system:serviceaccounts:team9-ns",
                    reason: "the service accounts it names move with their namespace",
                },
                {
                    path: "subjects[2].name",
                    old: "system:serviceaccount:team1-ns:api02",
                    new: "system:serviceaccount:team9-ns:api02",
                    reason: "the service accounts it names move with their namespace",
                },
            ],
        );
    });

    it("a cluster-local name of the renamed namespace in a value is reported with the name B needs", () => {
        assert.deepEqual(
            plan(fixture(), RENAMED, apisIn("team9-ns")).mentions.filter((m) => m.host.includes(".svc")),
            [
                {
                    kind: "Deployment",
                    namespace: "team9-ns",
                    name: "api02",
                    path: "spec.template.spec.containers[0].env[0].value",
                    host: "cache-0.cache.team1-ns.svc.cluster.local",
                    reason: "names A's namespace team1-ns (B's is team9-ns): change it to cache-0.cache.team9-ns.svc.cluster.local in the export",
                },
            ],
        );
        // Only where B's object has it: A's last-applied record (stripped) is not a place to change it.
        const applied = edited((o) => {
            if (o.kind !== "Deployment" || o.metadata.name !== "api02") return o;
            const copy = structuredClone(o);
            copy.metadata.annotations = {
                ...copy.metadata.annotations,
                "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(o.spec),
            };
            return copy;
        });
        assert.deepEqual(
            plan(applied, RENAMED, apisIn("team9-ns"))
                .mentions.filter((m) => m.host.includes(".svc"))
                .map((m) => m.path),
            ["spec.template.spec.containers[0].env[0].value"],
        );
        // The short form a pod's search domains complete (`<service>.<namespace>`), for a Service that moves; not for any other name.
        const short = edited((o) =>
            o.kind === "ConfigMap" && o.metadata.name === "api01-config"
                ? { ...o, data: { ...(o.data as object), CACHE_URL: "redis://cache.team1-ns:6379/0", DOCS: "https://wiki.team1-ns/page" } }
                : o,
        );
        assert.deepEqual(
            plan(short, RENAMED, apisIn("team9-ns"))
                .mentions.filter((m) => m.kind === "ConfigMap" && m.host.includes("team1-ns"))
                .map((m) => [m.path, m.host, m.reason]),
            [
                [
                    "data.CACHE_URL",
                    "cache.team1-ns",
                    "names A's namespace team1-ns (B's is team9-ns): change it to cache.team9-ns in the export",
                ],
            ],
        );
        assert.deepEqual(
            plan().mentions.filter((m) => m.host.includes(".svc")),
            [],
            "not renamed: nothing to say",
        );
    });

    it("a NetworkPolicy selecting a namespace the transplant does not map is refused", () => {
        const np = obj(
            "NetworkPolicy",
            "from-monitoring",
            {
                spec: {
                    podSelector: {},
                    ingress: [
                        {
                            from: [
                                {
                                    namespaceSelector: {
                                        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }],
                                    },
                                },
                            ],
                        },
                    ],
                },
            },
            "networking.k8s.io/v1",
        );
        assert.deepEqual(plan([...fixture(), np]).refused, [
            {
                kind: "NetworkPolicy",
                namespace: "team1-ns",
                name: "from-monitoring",
                reason: "its namespace selector names monitoring, which transplant.namespaces does not map: in B that name may not exist or be another team's; map it, or edit the policy in the export",
            },
        ]);
    });

    it("objects of namespaces not listed are ignored and counted", () => {
        const other = [
            obj("ConfigMap", "x", {}, "v1", "team2-ns"),
            obj("Secret", "y", {}, "v1", "team2-ns"),
            { apiVersion: "v1", kind: "Namespace", metadata: { name: "team2-ns" } },
        ];
        const p = plan([...fixture(), ...other]);
        assert.deepEqual(p.ignored, { "team2-ns": 3 });
        assert.equal(p.kept.length, 18);
    });

    it("an API's Service must arrive with the API's port and select a workload with a readiness probe", () => {
        assert.deepEqual(plan(fixture(), {}, [api("api01"), api("api03")]).refused, [
            // api02 left apis: its Ingress is traffic nobody moves.
            {
                kind: "Ingress",
                namespace: "team1-ns",
                name: "api02",
                reason: "serves api02.source-team1.dev.aliyun.cloud.cn.aibang, which no API in migration:apis moves: traffic nobody moves to B; add the API to migration:apis, or leave this Ingress in A and remove it from the export",
            },
            {
                kind: "Service",
                namespace: "team1-ns",
                name: "api03-service",
                reason: "apis[1] (api03) routes to Service team1-ns/api03-service, which is not among the objects moved to B: B's Ingress would point at nothing",
            },
        ]);
        assert.deepEqual(
            plan(fixture(), {}, [{ ...api("api01"), port: 8080 }, api("api02")]).refused.map((r) => r.reason),
            ["apis[0] (api01) routes to port 8080; Service team1-ns/api01-service exposes 80"],
        );
        const unprobed = edited((o) => {
            if (o.kind !== "Deployment" || o.metadata.name !== "api02") return o;
            const d = structuredClone(o) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
            delete d.spec.template.spec.containers[0].readinessProbe;
            return d;
        });
        assert.deepEqual(
            plan(unprobed).refused.map((r) => [r.kind, r.name, r.reason]),
            [
                [
                    "Service",
                    "api02-service",
                    "apis[1] (api02): Deployment api02 behind Service api02-service has no readinessProbe: B's Ingress would send traffic to pods that were never checked; add one in A first",
                ],
            ],
        );
    });

    it("an object exported twice is refused; a kind the transplant does not order is refused with the kinds it does", () => {
        const twice = plan([...fixture(), fixture().find((o) => o.kind === "ConfigMap" && o.metadata.name === "api01-config")!]);
        assert.deepEqual(twice.refused, [
            {
                kind: "ConfigMap",
                namespace: "team1-ns",
                name: "api01-config",
                reason: "exported twice (in one export or two): one object, one owner; remove the copy",
            },
        ]);
        const old = plan([...fixture(), obj("PodDisruptionBudget", "legacy", { spec: { minAvailable: 1 } }, "policy/v1beta1")]);
        assert.match(
            old.refused[0].reason,
            /^policy\/v1beta1 PodDisruptionBudget is not a kind and version the transplant orders \(v1\/Namespace, v1\/ServiceAccount, .*policy\/v1\/PodDisruptionBudget\): export it in a version listed, or apply it by hand after review and remove it from the export$/,
        );
    });
});

describe("transplant rule 7: values are reported, not sed-ed", () => {
    it("by default A's domain stays where it is, each place reported with the host only", () => {
        const p = plan();
        assert.deepEqual(
            p.mentions.map((m) => [m.kind, m.name, m.path, m.host, m.reason]),
            [
                [
                    "ConfigMap",
                    "api01-config",
                    'data["application.yaml"]',
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    "left as it is: the legacy name keeps resolving through the cutover (transplant.rewriteHosts: true rewrites it)",
                ],
                [
                    "ConfigMap",
                    "api01-config",
                    'data["application.yaml"]',
                    "audit.source-team1.dev.aliyun.cloud.cn.aibang",
                    "left as it is: no API in migration:apis has this name, so B has no name to put there",
                ],
                [
                    "Deployment",
                    "api01",
                    "spec.template.spec.containers[0].env[0].value",
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    "left as it is: the legacy name keeps resolving through the cutover (transplant.rewriteHosts: true rewrites it)",
                ],
                [
                    "CronJob",
                    "nightly-report",
                    "spec.jobTemplate.spec.template.spec.containers[0].env[0].value",
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    "left as it is: the legacy name keeps resolving through the cutover (transplant.rewriteHosts: true rewrites it)",
                ],
            ],
        );
        const env = (keptObject(p, "Deployment", "api01").spec as { template: { spec: { containers: { env: { value?: string }[] }[] } } })
            .template.spec.containers[0].env;
        assert.equal(env[0].value, "https://api02.source-team1.dev.aliyun.cloud.cn.aibang/v1");
    });

    it("rewriteHosts: an API's legacy name becomes its long name, each rewrite shown; a name B does not have stays", () => {
        const p = plan(fixture(), { rewriteHosts: true });
        assert.deepEqual(
            p.kept.flatMap((k) =>
                k.rewrites
                    .filter((r) => r.reason?.startsWith("transplant.rewriteHosts"))
                    .map((r) => [k.kind, k.name, r.path, r.old, r.new]),
            ),
            [
                [
                    "ConfigMap",
                    "api01-config",
                    'data["application.yaml"]',
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    "api02.target-team2.dev.aliyun.cloud.cn.aibang",
                ],
                [
                    "CronJob",
                    "nightly-report",
                    "spec.jobTemplate.spec.template.spec.containers[0].env[0].value",
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    "api01.target-team2.dev.aliyun.cloud.cn.aibang",
                ],
                [
                    "Deployment",
                    "api01",
                    "spec.template.spec.containers[0].env[0].value",
                    "api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    "api02.target-team2.dev.aliyun.cloud.cn.aibang",
                ],
            ],
        );
        assert.equal(
            (keptObject(p, "ConfigMap", "api01-config").data as Record<string, string>)["application.yaml"],
            "server:\n  port: 8080\ndownstream:\n  api02: https://api02.target-team2.dev.aliyun.cloud.cn.aibang/v1\n  audit: https://audit.source-team1.dev.aliyun.cloud.cn.aibang/events\n",
        );
        assert.deepEqual(
            p.mentions.map((m) => m.host),
            ["audit.source-team1.dev.aliyun.cloud.cn.aibang"],
        );
    });

    it("an ExternalName Service and a container's arguments name hosts too: reported, or rewritten with rewriteHosts", () => {
        const ext = obj(
            "Service",
            "legacy-api01",
            { spec: { type: "ExternalName", externalName: "api01.source-team1.dev.aliyun.cloud.cn.aibang" } },
            "v1",
            "team1-ns",
        );
        const withArgs = edited(
            (o) => {
                if (o.kind !== "Deployment" || o.metadata.name !== "api02") return o;
                const copy = structuredClone(o) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
                copy.spec.template.spec.containers[0].args = ["--upstream=https://api01.source-team1.dev.aliyun.cloud.cn.aibang/v1"];
                return copy;
            },
            [ext],
        );
        assert.deepEqual(
            plan(withArgs)
                .mentions.filter((m) => m.host.startsWith("api01.source") && ["api02", "legacy-api01"].includes(m.name))
                .map((m) => [m.kind, m.name, m.path]),
            [
                ["Deployment", "api02", "spec.template.spec.containers[0].args[0]"],
                ["Service", "legacy-api01", "spec.externalName"],
            ],
        );
        const rewritten = plan(withArgs, { rewriteHosts: true });
        assert.equal(
            (keptObject(rewritten, "Service", "legacy-api01").spec as { externalName: string }).externalName,
            "api01.target-team2.dev.aliyun.cloud.cn.aibang",
        );
    });

    it("Secret data is never scanned or rewritten; images change only through imageRegistries, longest prefix first", () => {
        const p = plan(fixture(), {
            rewriteHosts: true,
            imageRegistries: {
                "registry-vpc.cn-hangzhou.aliyuncs.com": "registry-vpc.cn-shanghai.aliyuncs.com",
                "registry-vpc.cn-hangzhou.aliyuncs.com/team1": "registry-vpc.cn-hangzhou.aliyuncs.com/team2",
            },
        });
        assert.deepEqual(keptObject(p, "Secret", "api01-db").data, {
            password: "ZXhhbXBsZS1ub3QtYS1zZWNyZXQtcGFzc3dvcmQ=",
            username: "YXBpMDE=",
        });
        assert.deepEqual(
            p.kept.flatMap((k) => k.rewrites.filter((r) => r.path.endsWith(".image")).map((r) => [k.name, r.old, r.new, r.reason])),
            [
                [
                    "nightly-report",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team1/report:0.9.1",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team2/report:0.9.1",
                    "transplant.imageRegistries: registry-vpc.cn-hangzhou.aliyuncs.com/team1 → registry-vpc.cn-hangzhou.aliyuncs.com/team2",
                ],
                [
                    "api01",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team1/api01:1.14.2",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team2/api01:1.14.2",
                    "transplant.imageRegistries: registry-vpc.cn-hangzhou.aliyuncs.com/team1 → registry-vpc.cn-hangzhou.aliyuncs.com/team2",
                ],
                [
                    "api02",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team1/api02:2.3.0",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team2/api02:2.3.0",
                    "transplant.imageRegistries: registry-vpc.cn-hangzhou.aliyuncs.com/team1 → registry-vpc.cn-hangzhou.aliyuncs.com/team2",
                ],
                [
                    "cache",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team1/redis:7.2.5",
                    "registry-vpc.cn-hangzhou.aliyuncs.com/team2/redis:7.2.5",
                    "transplant.imageRegistries: registry-vpc.cn-hangzhou.aliyuncs.com/team1 → registry-vpc.cn-hangzhou.aliyuncs.com/team2",
                ],
            ],
        );
        assert.equal(
            plan().kept.some((k) => k.rewrites.some((r) => r.path.endsWith(".image"))),
            false,
            "no map, no image change",
        );
    });
});
