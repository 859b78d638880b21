/**
 * A loopback stand-in of a Kubernetes API server (HTTPS, as the official client requires) for the exporter: discovery and namespaced
 * list answers only, shaped as the API server gives them (https://kubernetes.io/docs/reference/using-api/api-concepts/):
 * - `GET /api` → APIVersions; `GET /apis` → APIGroupList with each group's preferredVersion;
 * - `GET /api/v1`, `GET /apis/<group>/<version>` → APIResourceList, subresources (`pods/log`) and
 *   create-only types (`bindings`) included, cluster-scoped ones marked `namespaced: false`;
 * - `GET …/namespaces/<ns>/<plural>` → `<Kind>List` whose items carry no apiVersion or kind (the
 *   server leaves them out of list items, kubernetes/kubernetes#3030), paged with `limit` and
 *   `continue` — the server may return fewer items than the limit, this one at most 3;
 * - anything else, and every method but GET, is 404 / 405 Status.
 * It holds the objects it is given, by apiVersion and kind; it never changes them.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as path from "node:path";

/** The stand-in's certificate (self-signed for 127.0.0.1: test/fixtures/tls/README.md); a kubeconfig trusts it as its CA. */
export const APISERVER_CERT = fs.readFileSync(path.join(__dirname, "..", "fixtures", "tls", "loopback-apiserver.crt"), "utf8");
const APISERVER_KEY = fs.readFileSync(path.join(__dirname, "..", "fixtures", "tls", "loopback-apiserver.key"), "utf8");

/**
 * The verbs a built-in type's discovery entry lists (`kubectl api-resources -o wide` on a
 * Kubernetes 1.3x API server): every stored type can be created, listed and watched.
 */
const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/**
 * Resource names and scopes of the kinds the stand-in serves, as the API server's discovery lists
 * them. `metrics.k8s.io` is metrics-server's aggregated API: its PodMetrics are computed views
 * (verbs get and list only; metrics-server pkg/api implements no create). A group in
 * `UNAVAILABLE` is an aggregated API whose backend is down: its discovery answers 503.
 */
const RESOURCES: Record<string, { name: string; namespaced: boolean; verbs: string[]; kind?: string }[]> = {
    v1: [
        { name: "bindings", namespaced: true, verbs: ["create"] },
        { name: "configmaps", namespaced: true, verbs: RW },
        { name: "endpoints", namespaced: true, verbs: RW },
        { name: "events", namespaced: true, verbs: RW },
        { name: "namespaces", namespaced: false, verbs: RW },
        { name: "nodes", namespaced: false, verbs: RW },
        { name: "persistentvolumeclaims", namespaced: true, verbs: RW },
        { name: "persistentvolumes", namespaced: false, verbs: RW },
        { name: "pods", namespaced: true, verbs: RW },
        { name: "pods/log", namespaced: true, verbs: ["get"] },
        { name: "secrets", namespaced: true, verbs: RW },
        { name: "serviceaccounts", namespaced: true, verbs: RW },
        { name: "services", namespaced: true, verbs: RW },
    ],
    "apps/v1": [
        { name: "controllerrevisions", namespaced: true, verbs: RW },
        { name: "deployments", namespaced: true, verbs: RW },
        { name: "deployments/scale", namespaced: true, verbs: ["get", "patch", "update"] },
        { name: "replicasets", namespaced: true, verbs: RW },
        { name: "statefulsets", namespaced: true, verbs: RW },
    ],
    "batch/v1": [
        { name: "cronjobs", namespaced: true, verbs: RW },
        { name: "jobs", namespaced: true, verbs: RW },
    ],
    "autoscaling/v2": [{ name: "horizontalpodautoscalers", namespaced: true, verbs: RW }],
    "autoscaling/v1": [{ name: "horizontalpodautoscalers", namespaced: true, verbs: RW }],
    "policy/v1": [{ name: "poddisruptionbudgets", namespaced: true, verbs: RW }],
    "networking.k8s.io/v1": [
        { name: "ingressclasses", namespaced: false, verbs: RW },
        { name: "ingresses", namespaced: true, verbs: RW },
        { name: "networkpolicies", namespaced: true, verbs: RW },
    ],
    "rbac.authorization.k8s.io/v1": [
        { name: "clusterroles", namespaced: false, verbs: RW },
        { name: "rolebindings", namespaced: true, verbs: RW },
        { name: "roles", namespaced: true, verbs: RW },
    ],
    "discovery.k8s.io/v1": [{ name: "endpointslices", namespaced: true, verbs: RW }],
    "alibabacloud.com/v1": [{ name: "albconfigs", namespaced: false, verbs: RW }],
    "metrics.k8s.io/v1beta1": [{ name: "pods", namespaced: true, verbs: ["get", "list"], kind: "PodMetrics" }],
    "custom.metrics.k8s.io/v1beta1": [],
};

/** Aggregated groups whose backend does not answer (discovery: 503 ServiceUnavailable, as kube-aggregator gives it). */
const UNAVAILABLE = new Set(["custom.metrics.k8s.io/v1beta1"]);

/** Kind of each resource name (the API's own spelling). */
const KINDS: Record<string, string> = {
    bindings: "Binding",
    configmaps: "ConfigMap",
    endpoints: "Endpoints",
    events: "Event",
    namespaces: "Namespace",
    nodes: "Node",
    persistentvolumeclaims: "PersistentVolumeClaim",
    persistentvolumes: "PersistentVolume",
    pods: "Pod",
    "pods/log": "Pod",
    secrets: "Secret",
    serviceaccounts: "ServiceAccount",
    services: "Service",
    controllerrevisions: "ControllerRevision",
    deployments: "Deployment",
    "deployments/scale": "Scale",
    replicasets: "ReplicaSet",
    statefulsets: "StatefulSet",
    cronjobs: "CronJob",
    jobs: "Job",
    horizontalpodautoscalers: "HorizontalPodAutoscaler",
    poddisruptionbudgets: "PodDisruptionBudget",
    ingressclasses: "IngressClass",
    ingresses: "Ingress",
    networkpolicies: "NetworkPolicy",
    clusterroles: "ClusterRole",
    rolebindings: "RoleBinding",
    roles: "Role",
    endpointslices: "EndpointSlice",
    albconfigs: "AlbConfig",
};

const PAGE = 3;

export interface ApiServer {
    url: string;
    /** Every request as `METHOD path?query`. */
    requests: string[];
    /** Make the list of `plural` answer 403 (RBAC that does not allow it). */
    forbid(plural: string): void;
    close(): Promise<void>;
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

export async function startApiServer(objects: Obj[]): Promise<ApiServer> {
    const requests: string[] = [];
    const forbidden = new Set<string>();
    const send = (res: http.ServerResponse, code: number, body: unknown) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const status = (res: http.ServerResponse, code: number, reason: string, message: string) =>
        send(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
    const server = https.createServer({ cert: APISERVER_CERT, key: APISERVER_KEY }, (req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        requests.push(`${req.method} ${url.pathname}${url.search}`);
        if (req.method !== "GET") return status(res, 405, "MethodNotAllowed", `${req.method} is not served here`);
        const p = url.pathname;
        if (p === "/api") return send(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
        if (p === "/apis") {
            const groups = new Map<string, string[]>();
            for (const gv of Object.keys(RESOURCES).filter((k) => k.includes("/"))) {
                const [g, v] = gv.split("/");
                groups.set(g, [...(groups.get(g) ?? []), v]);
            }
            return send(res, 200, {
                kind: "APIGroupList",
                apiVersion: "v1",
                groups: [...groups].map(([name, versions]) => ({
                    name,
                    versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
                    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
                })),
            });
        }
        const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(p);
        if (discovery) {
            const gv = discovery[1] ?? discovery[2];
            if (!RESOURCES[gv]) return status(res, 404, "NotFound", `the server could not find the requested resource`);
            if (UNAVAILABLE.has(gv)) return status(res, 503, "ServiceUnavailable", "the server is currently unable to handle the request");
            return send(res, 200, {
                kind: "APIResourceList",
                apiVersion: "v1",
                groupVersion: gv,
                resources: RESOURCES[gv].map((r) => ({ ...r, singularName: "", kind: r.kind ?? KINDS[r.name] })),
            });
        }
        const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p);
        if (ns) {
            const found = objects.find((o) => o.kind === "Namespace" && o.metadata.name === ns[1]);
            if (!found) return status(res, 404, "NotFound", `namespaces "${ns[1]}" not found`);
            const { apiVersion: _a, kind: _k, ...rest } = found;
            return send(res, 200, { kind: "Namespace", apiVersion: "v1", ...rest });
        }
        const list = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/namespaces\/([^/]+)\/([^/]+)$/.exec(p);
        if (list) {
            const gv = list[1] ?? list[2];
            const plural = list[4];
            const type = RESOURCES[gv]?.find((r) => r.name === plural && r.namespaced);
            if (!type) return status(res, 404, "NotFound", "the server could not find the requested resource");
            const kind = type.kind ?? KINDS[plural];
            if (forbidden.has(plural))
                return status(
                    res,
                    403,
                    "Forbidden",
                    `${plural} is forbidden: User "exporter" cannot list resource "${plural}" in the namespace "${list[3]}"`,
                );
            const items = objects
                .filter((o) => o.apiVersion === gv && o.kind === kind && o.metadata.namespace === list[3])
                .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
            const from = Number(url.searchParams.get("continue") ?? 0);
            const limit = Math.min(Number(url.searchParams.get("limit") ?? PAGE), PAGE);
            const page = items.slice(from, from + limit);
            const next = from + limit < items.length ? String(from + limit) : undefined;
            return send(res, 200, {
                kind: `${kind}List`,
                apiVersion: gv,
                metadata: { resourceVersion: "9913600", ...(next ? { continue: next } : {}) },
                items: page,
            });
        }
        return status(res, 404, "NotFound", "the server could not find the requested resource");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `https://127.0.0.1:${port}`,
        requests,
        forbid: (plural) => forbidden.add(plural),
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
