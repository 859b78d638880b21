/**
 * The committed workloads stack (Pulumi.workloads.yaml over examples/a-export/team1-ns.yaml) as
 * the operator meets it: `npm run plan` exit codes and output, one typed resource per kept object
 * in waves with exact dependencies, the provider for B, Secret values nowhere in any output,
 * refusals before anything registers, config mistakes named by key path — and transplanting an
 * already transplanted export changes nothing.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WORKLOAD_TRANSPLANT_TYPE, TYPED } from "../components/workload-transplant";
import { KIND_WAVES } from "../plan/transplant/order";
import { KubeObject } from "../plan/transplant/objects";
import { planTransplant } from "../plan/transplant/plan";
import { OfflineRun } from "../offline/harness";
import { prng } from "./engine/engine";
import { plan as cli } from "./cli-run";
import { editedStackFile, planStack, ROOT } from "./helpers";
import { exported, fixture, FIXTURE, workloads } from "./transplant-helpers";

const children = (run: OfflineRun) =>
    run.resources.filter((r) => r.parent?.endsWith(`${WORKLOAD_TRANSPLANT_TYPE}::workloads`)).sort((a, b) => a.seq - b.seq);

describe("the committed workloads stack", () => {
    let run: OfflineRun;
    before(async () => {
        run = await planStack("workloads");
    });

    it("registers one typed resource per kept object under WorkloadTransplant, and B's provider", () => {
        // Registration order is the SDK's (asynchronous); the waves below are the order that matters.
        assert.deepEqual(
            children(run)
                .map((r) => [r.type, r.name])
                .sort((a, b) => a[1].localeCompare(b[1])),
            [
                ["pulumi:providers:kubernetes", "workloads-cluster-b"],
                ["kubernetes:core/v1:Namespace", "workloads-namespace-team1-ns"],
                ["kubernetes:core/v1:ConfigMap", "workloads-configmap-team1-ns/api01-config"],
                ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "workloads-networkpolicy-team1-ns/api-from-namespace"],
                ["kubernetes:rbac.authorization.k8s.io/v1:Role", "workloads-role-team1-ns/api01-config-reader"],
                ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "workloads-rolebinding-team1-ns/api01-config-reader"],
                ["kubernetes:core/v1:Secret", "workloads-secret-team1-ns/acr-pull"],
                ["kubernetes:core/v1:Secret", "workloads-secret-team1-ns/api01-db"],
                ["kubernetes:core/v1:ServiceAccount", "workloads-serviceaccount-team1-ns/api01"],
                ["kubernetes:core/v1:Service", "workloads-service-team1-ns/api01-debug"],
                ["kubernetes:core/v1:Service", "workloads-service-team1-ns/api01-service"],
                ["kubernetes:core/v1:Service", "workloads-service-team1-ns/api02-service"],
                ["kubernetes:core/v1:Service", "workloads-service-team1-ns/cache"],
                ["kubernetes:batch/v1:CronJob", "workloads-cronjob-team1-ns/nightly-report"],
                ["kubernetes:apps/v1:Deployment", "workloads-deployment-team1-ns/api01"],
                ["kubernetes:apps/v1:Deployment", "workloads-deployment-team1-ns/api02"],
                ["kubernetes:apps/v1:StatefulSet", "workloads-statefulset-team1-ns/cache"],
                ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "workloads-horizontalpodautoscaler-team1-ns/api01"],
                ["kubernetes:policy/v1:PodDisruptionBudget", "workloads-poddisruptionbudget-team1-ns/api01"],
            ].sort((a, b) => a[1].localeCompare(b[1])),
        );
        assert.deepEqual(children(run).find((r) => r.type === "pulumi:providers:kubernetes")!.inputs, { context: "cluster-b" });
    });

    it("applies in waves: each object waits for every object of the wave before, through B's provider", () => {
        const names = (type: string) =>
            children(run)
                .filter((r) => r.type === type)
                .map((r) => r.name);
        const byName = new Map(run.resources.map((r) => [r.urn, r.name]));
        const wave1 = [
            "workloads-configmap-team1-ns/api01-config",
            "workloads-networkpolicy-team1-ns/api-from-namespace",
            "workloads-role-team1-ns/api01-config-reader",
            "workloads-rolebinding-team1-ns/api01-config-reader",
            "workloads-secret-team1-ns/acr-pull",
            "workloads-secret-team1-ns/api01-db",
            "workloads-serviceaccount-team1-ns/api01",
        ];
        const wave2 = names("kubernetes:core/v1:Service");
        const wave3 = [
            "workloads-cronjob-team1-ns/nightly-report",
            "workloads-deployment-team1-ns/api01",
            "workloads-deployment-team1-ns/api02",
            "workloads-statefulset-team1-ns/cache",
        ];
        const expected = new Map<string, string[]>([
            ["workloads-namespace-team1-ns", []],
            ...wave1.map((n) => [n, ["workloads-namespace-team1-ns"]] as [string, string[]]),
            ...wave2.map((n) => [n, wave1] as [string, string[]]),
            ...wave3.map((n) => [n, wave2] as [string, string[]]),
            ["workloads-horizontalpodautoscaler-team1-ns/api01", wave3],
            ["workloads-poddisruptionbudget-team1-ns/api01", wave3],
        ]);
        for (const r of children(run).filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
            assert.deepEqual((r.options.dependsOn ?? []).map((u) => byName.get(u)).sort(), [...expected.get(r.name)!].sort(), r.name);
            assert.equal(byName.get(r.provider!.replace(/::[^:]*$/, "")), "workloads-cluster-b", r.name);
        }
        assert.equal(
            JSON.stringify(run.resources.map((r) => r.inputs)).includes("pulumi.com/skipAwait"),
            false,
            "the provider waits for readiness",
        );
    });

    it("every kind and version the plan orders has its typed class", () => {
        assert.deepEqual(Object.keys(TYPED).sort(), Object.keys(KIND_WAVES).sort());
    });

    it("npm run plan: exit 0, the Transplant table before the resource tree, --json's transplant {kept, dropped, refused}", async () => {
        const text = await cli(["--stack", "workloads"]);
        assert.deepEqual([text.code, text.stderr], [0, ""]);
        const lines = text.stdout.split("\n");
        assert.ok(lines.indexOf("Transplant: 18 kept, 14 dropped, 0 refused") < lines.findIndex((l) => l.startsWith("Resources (")));
        assert.ok(lines.includes("    Secret                   team1-ns   api01-db             password, username"));
        const json = await cli(["--stack", "workloads", "--json"]);
        const doc = JSON.parse(json.stdout) as { outputs: { transplant: { kept: unknown[]; dropped: unknown[]; refused: unknown[] } } };
        assert.equal(json.code, 0);
        assert.deepEqual(doc.outputs.transplant.kept[11], { kind: "Service", namespace: "team1-ns", name: "cache", rewrites: [] });
        assert.deepEqual(doc.outputs.transplant.refused, []);
        assert.equal(doc.outputs.transplant.dropped.length, 14);
    });

    it("no Secret value of the export appears in any output (text, JSON, warnings), as written or decoded; their keys do", async () => {
        const secrets = fixture().filter((o) => o.kind === "Secret");
        const values = secrets
            .flatMap((s) => Object.values(s.data as Record<string, string>))
            .flatMap((v) => [v, Buffer.from(v, "base64").toString("utf8")]);
        const outputs = [
            (await cli(["--stack", "workloads"])).stdout,
            (await cli(["--stack", "workloads", "--json"])).stdout,
            JSON.stringify(run.warnings),
        ];
        // A token Secret's `namespace` key and a user name hold the names of objects, which the plan shows as names.
        const names = new Set(fixture().flatMap((o) => [o.metadata.name, o.metadata.namespace ?? ""]));
        for (const out of outputs)
            for (const v of values.filter((x) => !names.has(x)))
                assert.equal(out.includes(v), false, `a Secret value leaked: ${v.slice(0, 4)}…`);
        const db = run.resources.find((r) => r.name === "workloads-secret-team1-ns/api01-db")!;
        assert.deepEqual((db.inputs as { data: unknown }).data, { password: "[secret]", username: "[secret]" });
        assert.deepEqual(
            run.warnings[0],
            `${FIXTURE} holds Secret data (team1-ns/api01-token-x7k2p, team1-ns/api01-db, team1-ns/acr-pull) and is committed to git: an export with Secrets belongs outside the repository or in the git-ignored exports/ folder, never in a commit; the plan shows the Secrets' keys only`,
        );
    });
});

describe("the workloads stack, edited: --against shows the change per object and field", () => {
    it("rewriteHosts: true updates the three objects naming an API's legacy host, nothing else", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workloads-diff-"));
        try {
            const file = editedStackFile(
                "workloads",
                dir,
                (c) => ((c["migration:transplant"] as Record<string, unknown>).rewriteHosts = true),
            );
            const r = await cli(["--stack", "workloads", "--against", file]);
            assert.equal(r.code, 0, r.stderr);
            const lines = r.stdout.split("\n");
            assert.deepEqual(lines.slice(2, 7), [
                "created (0):",
                "deleted (0):",
                "replaced (0):",
                "updated (3):",
                "  ~ kubernetes:apps/v1:Deployment  workloads-deployment-team1-ns/api01",
            ]);
            assert.ok(
                lines.includes(
                    "      spec.template.spec.containers[name=api01].env[name=API02_URL].value: https://api02.source-team1.dev.aliyun.cloud.cn.aibang/v1 → https://api02.target-team2.dev.aliyun.cloud.cn.aibang/v1",
                ),
            );
            assert.ok(lines.includes("  ~ kubernetes:core/v1:ConfigMap  workloads-configmap-team1-ns/api01-config"));
            assert.ok(lines.includes("unchanged: 17"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the workloads stack, a Secret's value changed in the export: --against shows it changed, never the value", () => {
    it("data.password of api01-db: [secret] → [secret] (changed), as pulumi preview shows a changed secret", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workloads-secret-"));
        try {
            const old = "ZXhhbXBsZS1ub3QtYS1zZWNyZXQtcGFzc3dvcmQ=";
            const fresh = Buffer.from("rotated-example-password").toString("base64");
            const text = fs.readFileSync(path.join(ROOT, FIXTURE), "utf8");
            assert.ok(text.includes(`password: ${old}`));
            // An export lives in the project (the git-ignored exports/ folder), as config requires.
            fs.mkdirSync(path.join(ROOT, "exports"), { recursive: true });
            const rotated = path.join(fs.mkdtempSync(path.join(ROOT, "exports", "test-rotated-")), "team1-ns.yaml");
            fs.writeFileSync(rotated, text.replace(`password: ${old}`, `password: ${fresh}`));
            const file = editedStackFile(
                "workloads",
                dir,
                (c) => ((c["migration:transplant"] as Record<string, unknown>).exports = [path.relative(ROOT, rotated)]),
            );
            const r = await cli(["--stack", "workloads", "--against", file]);
            assert.equal(r.code, 0, r.stderr);
            const lines = r.stdout.split("\n");
            assert.deepEqual(lines.slice(lines.indexOf("updated (1):"), lines.indexOf("updated (1):") + 3), [
                "updated (1):",
                "  ~ kubernetes:core/v1:Secret  workloads-secret-team1-ns/api01-db",
                "      data.password: [secret] → [secret] (changed)",
            ]);
            for (const value of [old, fresh, "rotated-example-password", "example-not-a-secret-password"])
                assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value), value);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
            for (const d of fs.readdirSync(path.join(ROOT, "exports")).filter((n) => n.startsWith("test-rotated-")))
                fs.rmSync(path.join(ROOT, "exports", d), { recursive: true, force: true });
        }
    });
});

describe("the workloads stack refuses before anything registers", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "workloads-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("without the StatefulSet's acknowledgement: exit 1, the reason on stderr, the report on stdout, no resource", async () => {
        const file = editedStackFile("workloads", dir, (c) => delete (c["migration:transplant"] as Record<string, unknown>).storage);
        const r = await cli(["--stack", "workloads", "--config", file, "--json"]);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            `plan: stack workloads: the transplant refuses 1 object; nothing was registered:\n  - StatefulSet team1-ns/cache: stores data in volumeClaimTemplates data (claims data-cache-<ordinal>), which does not move with the objects: move the data first (ACK backup center, or Velero with file-system backup: https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/how-to-modify-backup-cluster-resources-when-restoring-an-app), then acknowledge an empty volume in B: transplant.storage: { data-cache: recreate-empty }\n`,
        );
        const doc = JSON.parse(r.stdout) as { transplant: { refused: { kind: string; name: string }[] } };
        assert.deepEqual(
            doc.transplant.refused.map((x) => [x.kind, x.name]),
            [["StatefulSet", "cache"]],
        );
        await assert.rejects(planStack("workloads", { configFile: file }), (err: Error & { run?: OfflineRun }) => {
            assert.deepEqual(
                err.run!.resources.map((x) => x.type),
                ["pulumi:pulumi:Stack"],
            );
            return true;
        });
    });

    it("config mistakes: the key path, the accepted value, a close-match suggestion, no value of an unknown key; exit 2", async () => {
        const file = editedStackFile("workloads", dir, (c) => {
            const t = c["migration:transplant"] as Record<string, unknown>;
            t.exports = ["/etc/team1-ns.yaml"];
            t.namespaces = { "team1-ns": "Team1" };
            t.rewriteHost = true;
        });
        const r = await cli(["--stack", "workloads", "--config", file]);
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            `plan: stack workloads: invalid stack configuration (3 problems):
  migration:transplant.rewriteHost: not a key this program reads (its value is not shown); did you mean rewriteHosts?; known keys: exports, namespaces, kubeContext, imageRegistries, acceptDroppedAnnotations, keepLoadBalancers, storage, rewriteHosts
  migration:transplant.exports[0]: "/etc/team1-ns.yaml" is not accepted; expected a path relative to the project (no '..', not absolute) of a .yaml, .yml or .json export, e.g. examples/a-export/team1-ns.yaml
  migration:transplant.namespaces.team1-ns: "Team1" is not accepted; expected a namespace of B (DNS label)
`,
        );
    });

    it("an export that cannot be read or is not Kubernetes objects names the key and the file; exit 2", async () => {
        fs.writeFileSync(path.join(ROOT, "test", ".tmp-not-objects.yaml"), "- just\n- a list\n");
        try {
            const file = editedStackFile("workloads", dir, (c) => {
                (c["migration:transplant"] as Record<string, unknown>).exports = ["exports/missing.yaml", "test/.tmp-not-objects.yaml"];
            });
            const r = await cli(["--stack", "workloads", "--config", file]);
            assert.equal(r.code, 2);
            assert.equal(
                r.stderr,
                `plan: stack workloads: invalid stack configuration (2 problems):
  migration:transplant.exports[0]: "exports/missing.yaml" is not accepted; expected a readable export file (ENOENT)
  migration:transplant.exports[1]: "test/.tmp-not-objects.yaml" is not accepted; expected Kubernetes objects (each document a mapping with apiVersion, kind and metadata.name)
`,
            );
        } finally {
            fs.rmSync(path.join(ROOT, "test", ".tmp-not-objects.yaml"));
        }
    });
});

describe("rule 10: transplanting an already transplanted export changes nothing", () => {
    /** The part of an applier's managedFields entry that says which Service ports' node ports it set. */
    function appliedFields(o: KubeObject): Record<string, unknown> {
        const ports =
            o.kind === "Service" ? ((o.spec as { ports?: { port: number; protocol?: string; nodePort?: number }[] }).ports ?? []) : [];
        const set = ports.filter((p) => p.nodePort !== undefined);
        if (set.length === 0) return {};
        return {
            "f:spec": {
                "f:ports": Object.fromEntries(
                    set.map((p) => [
                        `k:${JSON.stringify({ port: p.port, protocol: p.protocol ?? "TCP" })}`,
                        { ".": {}, "f:nodePort": {}, "f:port": {} },
                    ]),
                ),
            },
        };
    }

    /** B's objects as an export of B would show them: what was kept, with the server's fields added back. */
    function asExportedFromB(objects: KubeObject[], random: () => number): KubeObject[] {
        return objects.map((o) => {
            const copy = structuredClone(o);
            copy.metadata.uid = `uid-${Math.floor(random() * 1e9)}`;
            copy.metadata.resourceVersion = String(Math.floor(random() * 1e7));
            copy.metadata.creationTimestamp = "2026-12-01T00:00:00Z";
            // pulumi-kubernetes applies server-side (v4's default): the manager owns every field it sent,
            // a Service port's node port included (`k:{"port":…,"protocol":…}` → `f:nodePort`).
            copy.metadata.managedFields = [{ manager: "pulumi-kubernetes", operation: "Apply", fieldsV1: appliedFields(o) }];
            // B's API server assigns a cluster IP to every Service that is not headless.
            const spec = copy.spec as Record<string, unknown>;
            if (o.kind === "Service" && spec.clusterIP === undefined)
                spec.clusterIP = `172.21.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`;
            copy.status = { observedGeneration: 1 };
            return copy;
        });
    }

    /** A generated namespace: Services of every type, Deployments behind them, ConfigMaps naming A's hosts. */
    function generated(random: () => number, n: number): KubeObject[] {
        const out: KubeObject[] = [];
        for (let i = 0; i < n; i++) {
            const type = ["ClusterIP", "NodePort", "LoadBalancer"][Math.floor(random() * 3)];
            // Some NodePort Services have a node port the team set (kubectl apply's record of it): it stays, pass after pass.
            const teamSet = type === "NodePort" && random() < 0.5;
            out.push({
                apiVersion: "v1",
                kind: "Service",
                metadata: {
                    name: `svc${i}`,
                    namespace: "team1-ns",
                    uid: `u${i}`,
                    annotations: {
                        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec": "slb.s1.small",
                        ...(teamSet
                            ? {
                                  "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({
                                      spec: { type, ports: [{ port: 80, nodePort: 30000 + i }] },
                                  }),
                              }
                            : {}),
                    },
                },
                spec: {
                    type,
                    clusterIP: `192.168.0.${i}`,
                    ports: [{ port: 80, ...(type === "ClusterIP" ? {} : { nodePort: 30000 + i }) }],
                    selector: { app: `app${i}` },
                },
                status: { loadBalancer: {} },
            });
            out.push({
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: {
                    name: `app${i}`,
                    namespace: "team1-ns",
                    generation: i,
                    annotations: { "deployment.kubernetes.io/revision": "3" },
                },
                spec: {
                    selector: { matchLabels: { app: `app${i}` } },
                    template: {
                        metadata: { creationTimestamp: null, labels: { app: `app${i}` } },
                        spec: {
                            containers: [
                                {
                                    name: "c",
                                    image: `registry-vpc.cn-hangzhou.aliyuncs.com/team1/app${i}:1`,
                                    env: [{ name: "PEER", value: `https://api0${1 + (i % 2)}.source-team1.dev.aliyun.cloud.cn.aibang` }],
                                },
                            ],
                        },
                    },
                },
            });
            out.push({
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: `cm${i}`, namespace: "team1-ns", resourceVersion: "1" },
                data: { url: `https://api01.source-team1.dev.aliyun.cloud.cn.aibang/${i}` },
            });
        }
        return out;
    }

    it("over the committed export and 24 seeded generated namespaces, with and without rewriteHosts and a registry map: the same objects, no new change", () => {
        const settings = [
            {},
            {
                rewriteHosts: true,
                imageRegistries: { "registry-vpc.cn-hangzhou.aliyuncs.com/team1": "registry-vpc.cn-hangzhou.aliyuncs.com/team2" },
            },
        ];
        let teamSetSeen = 0;
        for (let seed = 1; seed <= 25; seed++) {
            const random = prng(seed);
            const input = seed === 1 ? fixture() : [...fixture(), ...generated(random, 1 + Math.floor(random() * 6))];
            for (const overrides of settings) {
                const config = workloads(overrides);
                const first = planTransplant(config, exported(input));
                assert.deepEqual(first.refused, [], `seed ${seed}`);
                teamSetSeen += first.kept.filter((k) => k.kind === "Service" && JSON.stringify(k.object).includes('"nodePort"')).length;
                const again = planTransplant(
                    config,
                    exported(
                        asExportedFromB(
                            first.kept.map((k) => k.object),
                            random,
                        ),
                    ),
                );
                assert.deepEqual(again.refused, [], `seed ${seed}`);
                assert.deepEqual(
                    again.kept.map((k) => k.object),
                    first.kept.map((k) => k.object),
                    `seed ${seed}: the objects changed`,
                );
                assert.deepEqual(
                    again.kept.flatMap((k) => k.rewrites.filter((r) => !r.path.startsWith("spec.clusterIP"))),
                    [],
                    `seed ${seed}: a second change`,
                );
            }
        }
        assert.ok(teamSetSeen > 0, "the generated namespaces include node ports the team set");
    });
});
