/**
 * `npm run -s export`: cluster A's namespace through discovery and list calls of the official
 * client, against a loopback stand-in of the API server (test/doubles/kube-apiserver.ts) that
 * holds the committed export's objects. Never a real cluster.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { main } from "../offline/export";
import { planTransplant } from "../plan/transplant/plan";
import { readExports } from "../config/exports";
import { APISERVER_CERT, ApiServer, startApiServer } from "./doubles/kube-apiserver";
import { ROOT } from "./helpers";
import { fixture, plan, workloads } from "./transplant-helpers";

describe("npm run -s export, against a loopback API server", () => {
    let server: ApiServer;
    let dir: string;
    const saved = process.env.KUBECONFIG;
    const run = async (args: string[]) => {
        let out = "";
        let err = "";
        const code = await main(args, dir, { out: (t) => (out += t), err: (t) => (err += t) });
        return { code, out, err };
    };

    before(async () => {
        server = await startApiServer(fixture() as never);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: "a",
                    cluster: { server: server.url, "certificate-authority-data": Buffer.from(APISERVER_CERT).toString("base64") },
                },
            ],
            users: [{ name: "reader", user: { token: "loopback-only" } }],
            contexts: [{ name: "cluster-a", context: { cluster: "a", user: "reader" } }],
            "current-context": "cluster-a",
        };
        fs.writeFileSync(path.join(dir, "kubeconfig"), stringify(kubeconfig));
        process.env.KUBECONFIG = path.join(dir, "kubeconfig");
    });
    after(async () => {
        if (saved === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = saved;
        await server.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lists every namespaced type discovery offers that can be listed and created (Ingresses, PVCs, RBAC, HPAs, PDBs too), only with GET, page by page", async () => {
        const r = await run(["--context", "cluster-a", "--namespace", "team1-ns", "--out", "team1-ns.yaml"]);
        assert.equal(r.code, 0, r.err);
        const lists = server.requests
            .filter((q) => q.includes("/namespaces/team1-ns/"))
            .map((q) => q.replace(/^GET /, "").replace(/\?.*$/, ""));
        assert.deepEqual([...new Set(lists)].sort(), [
            "/api/v1/namespaces/team1-ns/configmaps",
            "/api/v1/namespaces/team1-ns/endpoints",
            "/api/v1/namespaces/team1-ns/events",
            "/api/v1/namespaces/team1-ns/persistentvolumeclaims",
            "/api/v1/namespaces/team1-ns/pods",
            "/api/v1/namespaces/team1-ns/secrets",
            "/api/v1/namespaces/team1-ns/serviceaccounts",
            "/api/v1/namespaces/team1-ns/services",
            "/apis/apps/v1/namespaces/team1-ns/controllerrevisions",
            "/apis/apps/v1/namespaces/team1-ns/deployments",
            "/apis/apps/v1/namespaces/team1-ns/replicasets",
            "/apis/apps/v1/namespaces/team1-ns/statefulsets",
            "/apis/autoscaling/v2/namespaces/team1-ns/horizontalpodautoscalers",
            "/apis/batch/v1/namespaces/team1-ns/cronjobs",
            "/apis/batch/v1/namespaces/team1-ns/jobs",
            "/apis/discovery.k8s.io/v1/namespaces/team1-ns/endpointslices",
            "/apis/networking.k8s.io/v1/namespaces/team1-ns/ingresses",
            "/apis/networking.k8s.io/v1/namespaces/team1-ns/networkpolicies",
            "/apis/policy/v1/namespaces/team1-ns/poddisruptionbudgets",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team1-ns/rolebindings",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team1-ns/roles",
        ]);
        assert.deepEqual(
            server.requests.filter((q) => !q.startsWith("GET ")),
            [],
        );
        // metrics-server's PodMetrics are discovered (get, list) but are computed views B cannot be given: never listed.
        assert.ok(server.requests.includes("GET /apis/metrics.k8s.io/v1beta1"));
        assert.ok(!server.requests.some((q) => q.startsWith("GET /apis/metrics.k8s.io/v1beta1/namespaces/")));
        assert.ok(
            server.requests.some((q) => q.includes("/services?") && q.includes("continue=3")),
            "the 4 Services come in two pages",
        );
        assert.equal(
            r.out,
            `export: 32 objects of 21 namespaced types from team1-ns (context cluster-a) written to ${path.join(dir, "team1-ns.yaml")}\n`,
        );
        assert.equal(
            r.err,
            // An aggregated API whose backend is down (discovery 503) is skipped and named, as kubectl skips it.
            "export: warning: discovery of custom.metrics.k8s.io/v1beta1 (HTTP 503) failed, so objects of that group in team1-ns are not in the export; check the API service (kubectl get apiservices) and export again if the namespace holds any\n" +
                `export: warning: ${path.join(dir, "team1-ns.yaml")} holds 3 Secrets with their data in clear text (base64): keep it in the git-ignored exports/ folder or outside the repository, never in a commit; the workloads plan shows their keys only\n`,
        );
        assert.equal(fs.statSync(path.join(dir, "team1-ns.yaml")).mode & 0o777, 0o600);
    });

    it("the written List holds the namespace's objects whole, each with apiVersion and kind, and plans as the committed export does", () => {
        const written = parse(fs.readFileSync(path.join(dir, "team1-ns.yaml"), "utf8")) as {
            apiVersion: string;
            kind: string;
            items: Record<string, unknown>[];
        };
        assert.deepEqual([written.apiVersion, written.kind], ["v1", "List"]);
        const key = (o: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }) =>
            `${String(o.apiVersion)} ${String(o.kind)} ${String((o.metadata as { name: string }).name)}`;
        const byKey = new Map(fixture().map((o) => [key(o), o]));
        assert.equal(written.items.length, byKey.size);
        for (const item of written.items) assert.deepEqual(item, byKey.get(key(item as never)), key(item as never));
        // The exports/ folder is git-ignored: where an export belongs inside the project.
        const inProject = path.join(ROOT, "exports", `export-test-${process.pid}.yaml`);
        fs.mkdirSync(path.dirname(inProject), { recursive: true });
        fs.copyFileSync(path.join(dir, "team1-ns.yaml"), inProject);
        try {
            const again = planTransplant(workloads(), readExports([path.relative(ROOT, inProject)], ROOT).objects);
            const expected = plan();
            assert.deepEqual(
                again.kept.map((k) => k.object),
                expected.kept.map((k) => k.object),
            );
            assert.deepEqual(again.dropped.map((d) => [d.kind, d.name]).sort(), expected.dropped.map((d) => [d.kind, d.name]).sort());
        } finally {
            fs.rmSync(inProject);
        }
    });

    it("a context the kubeconfig lacks exits 2; a list the cluster forbids exits 1 naming it; nothing is written", async () => {
        assert.deepEqual(await run(["--context", "cluster-b", "--namespace", "team1-ns", "--out", "x.yaml"]), {
            code: 2,
            out: "",
            err: "export: --context cluster-b: no such context in the kubeconfig (contexts: cluster-a)\n",
        });
        server.forbid("secrets");
        const r = await run(["--context", "cluster-a", "--namespace", "team1-ns", "--out", "y.yaml"]);
        assert.equal(r.code, 1);
        assert.match(r.err, /^export: reading namespace team1-ns through context cluster-a failed: HTTP 403 /);
        assert.equal(fs.existsSync(path.join(dir, "y.yaml")), false);
    });
});
