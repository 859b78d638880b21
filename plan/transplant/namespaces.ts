/**
 * Rule 6 — names and namespaces. Objects move from A's namespace to B's as
 * `transplant.namespaces` maps them; what refers to a namespace by name follows: RoleBinding
 * subjects that are moved ServiceAccounts (crane-lib strips their namespace; here it is mapped,
 * so a binding to another namespace's account stays exact), and NetworkPolicy namespace
 * selectors by name — which Crane leaves stale (migtools/crane#744), so a selector naming a
 * namespace the transplant does not map is refused rather than copied to mean something else in B.
 * Also: the Service each API's Ingress will point at must arrive, with ready-checked Pods behind it.
 */
import { Api } from "../../config/types";
import { NAMESPACE_NAME_LABEL } from "./strip";
import { containersOf, copy, isRecord, KubeObject, pathOf, podLabelsOf, Rewrite, selects } from "./objects";

/** The object in B's namespace, with the references to moved namespaces mapped; or why it cannot be. Pure. */
export function mapNamespaces(o: KubeObject, map: Record<string, string>): { object: KubeObject; rewrites: Rewrite[]; refused?: string } {
    const out = copy(o);
    const rewrites: Rewrite[] = [];
    const ns = out.metadata.namespace;
    if (out.kind === "Namespace" && map[out.metadata.name] && map[out.metadata.name] !== out.metadata.name) {
        rewrites.push({ path: "metadata.name", old: out.metadata.name, new: map[out.metadata.name] });
        out.metadata.name = map[out.metadata.name];
    }
    if (ns !== undefined && map[ns] !== undefined && map[ns] !== ns) {
        rewrites.push({ path: "metadata.namespace", old: ns, new: map[ns] });
        out.metadata.namespace = map[ns];
    }
    if (out.kind === "RoleBinding" && Array.isArray(out.subjects))
        (out.subjects as unknown[]).forEach((s, i) => {
            // The names Kubernetes gives service accounts as users and groups carry the namespace
            // (`system:serviceaccount:<ns>:<name>`, `system:serviceaccounts:<ns>`): they move with it too.
            if (isRecord(s) && (s.kind === "User" || s.kind === "Group") && typeof s.name === "string") {
                const m = /^(system:serviceaccounts?:)([^:]+)(:.*)?$/.exec(s.name);
                const to = m ? map[m[2]] : undefined;
                if (m && to !== undefined && to !== m[2]) {
                    const renamed = `${m[1]}${to}${m[3] ?? ""}`;
                    rewrites.push({
                        path: pathOf(["subjects", i, "name"]),
                        old: s.name,
                        new: renamed,
                        reason: "the service accounts it names move with their namespace",
                    });
                    s.name = renamed;
                }
                return;
            }
            if (!isRecord(s) || s.kind !== "ServiceAccount") return;
            const from = typeof s.namespace === "string" ? s.namespace : undefined;
            if (from && map[from] !== undefined && map[from] !== from) {
                rewrites.push({
                    path: pathOf(["subjects", i, "namespace"]),
                    old: from,
                    new: map[from],
                    reason: "the ServiceAccount moves with its namespace",
                });
                s.namespace = map[from];
            }
        });
    if (out.kind === "NetworkPolicy") {
        const unmapped: string[] = [];
        for (const { selector, path } of namespaceSelectors(out)) {
            const labels = isRecord(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : {};
            const named = labels[NAMESPACE_NAME_LABEL];
            if (named !== undefined) {
                if (map[named] === undefined) unmapped.push(named);
                else if (map[named] !== named) {
                    rewrites.push({
                        path: pathOf([...path, "matchLabels", NAMESPACE_NAME_LABEL]),
                        old: named,
                        new: map[named],
                        reason: "the selected namespace moves",
                    });
                    labels[NAMESPACE_NAME_LABEL] = map[named];
                }
            }
            const expressions = Array.isArray(selector.matchExpressions) ? (selector.matchExpressions as unknown[]) : [];
            expressions.forEach((e, j) => {
                if (!isRecord(e) || e.key !== NAMESPACE_NAME_LABEL || !Array.isArray(e.values)) return;
                (e.values as string[]).forEach((v, k) => {
                    if (map[v] === undefined) unmapped.push(v);
                    else if (map[v] !== v) {
                        rewrites.push({
                            path: pathOf([...path, "matchExpressions", j, "values", k]),
                            old: v,
                            new: map[v],
                            reason: "the selected namespace moves",
                        });
                        (e.values as string[])[k] = map[v];
                    }
                });
            });
        }
        if (unmapped.length > 0)
            return {
                object: out,
                rewrites,
                refused: `its namespace selector names ${[...new Set(unmapped)].join(", ")}, which transplant.namespaces does not map: in B that name may not exist or be another team's; map it, or edit the policy in the export`,
            };
    }
    return { object: out, rewrites };
}

/** Every `namespaceSelector` of a NetworkPolicy's ingress `from` and egress `to` peers, with its path. */
function namespaceSelectors(np: KubeObject): { selector: Record<string, unknown>; path: (string | number)[] }[] {
    const spec = isRecord(np.spec) ? np.spec : {};
    return (["ingress", "egress"] as const).flatMap((dir) => {
        const rules = Array.isArray(spec[dir]) ? (spec[dir] as unknown[]) : [];
        const peers = dir === "ingress" ? "from" : "to";
        return rules.flatMap((rule, i) => {
            const list = isRecord(rule) && Array.isArray(rule[peers]) ? (rule[peers] as unknown[]) : [];
            return list.flatMap((peer, j) =>
                isRecord(peer) && isRecord(peer.namespaceSelector)
                    ? [{ selector: peer.namespaceSelector, path: ["spec", dir, i, peers, j, "namespaceSelector"] }]
                    : [],
            );
        });
    });
}

/** Workload kinds whose pods a Service selects. */
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/**
 * Why the Service `apis[i]` names cannot take B's Ingress traffic, or undefined when it can: it
 * must be kept, expose the port, and select a workload whose pods are readiness-checked (B's
 * Ingress would otherwise point at nothing, or at pods that receive traffic before they can
 * answer). `kept` are the objects B receives, in B's namespaces. Pure.
 */
export function apiServiceProblem(api: Api, index: number, kept: KubeObject[]): string | undefined {
    const key = `apis[${index}] (${api.name})`;
    const service = kept.find((o) => o.kind === "Service" && o.metadata.namespace === api.namespace && o.metadata.name === api.service);
    if (!service)
        return `${key} routes to Service ${api.namespace}/${api.service}, which is not among the objects moved to B: B's Ingress would point at nothing`;
    const spec = isRecord(service.spec) ? service.spec : {};
    const ports = Array.isArray(spec.ports) ? (spec.ports as Record<string, unknown>[]) : [];
    if (!ports.some((p) => p.port === api.port))
        return `${key} routes to port ${api.port}; Service ${api.namespace}/${api.service} exposes ${ports.map((p) => String(p.port)).join(", ") || "no port"}`;
    const selector = isRecord(spec.selector) ? (spec.selector as Record<string, string>) : {};
    const workloads = kept.filter(
        (o) => WORKLOADS.has(o.kind) && o.metadata.namespace === api.namespace && selects(selector, podLabelsOf(o)),
    );
    if (workloads.length === 0)
        return `${key}: Service ${api.namespace}/${api.service} selects no Deployment, StatefulSet or DaemonSet among the objects moved to B`;
    const unchecked = workloads.filter((w) => !containersOf(w).some((c) => isRecord(c.container.readinessProbe)));
    if (unchecked.length > 0)
        return `${key}: ${unchecked.map((w) => `${w.kind} ${w.metadata.name}`).join(", ")} behind Service ${api.service} has no readinessProbe: B's Ingress would send traffic to pods that were never checked; add one in A first`;
    return undefined;
}
