/**
 * Rule 3 — Services. A's allocations are A's: `clusterIP`s would collide with B's service CIDR
 * (or worse, land inside it on someone else's Service), auto-assigned node ports likewise. The
 * rules are Velero's (pkg/restore/actions/service_action.go @ d30d389b): clusterIP/clusterIPs
 * cleared unless `None`; nodePorts and healthCheckNodePort cleared unless the user set them
 * (found in last-applied-configuration or managedFields). Crane also clears `externalIPs`.
 * A `type: LoadBalancer` Service becomes `ClusterIP`: the team's traffic enters B through the
 * isolated ingress, and a copied LoadBalancer Service is a second, paid load balancer nobody asked for.
 */
import { ACK_LB_ANNOTATION } from "../platform";
import { copy, isRecord, KubeObject, pathOf, Rewrite } from "./objects";

/** The prefix of the labels and finalizers ACK's cloud controller manager writes on a LoadBalancer Service. */
const ACK_CCM_PREFIX = "service.k8s.alibaba/";
/** ACK's CCM annotation that binds a Service to an existing CLB: in B it would take over A's. */
const REUSED_LB = [`${ACK_LB_ANNOTATION}id`, `${ACK_LB_ANNOTATION}force-override-listeners`];
/** A vSwitch of cluster A's VPC, where a kept load balancer would be placed: B's VPC has others. */
const A_VSWITCH = `${ACK_LB_ANNOTATION}vswitch-id`;
/** Fields only a NodePort or LoadBalancer Service may set: the API server refuses them on a ClusterIP one. */
const EXTERNAL_ONLY = [
    "externalTrafficPolicy",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "loadBalancerClass",
    "allocateLoadBalancerNodePorts",
    "healthCheckNodePort",
];

type Port = Record<string, unknown>;

/** The Service as B receives it, and each change with its reason. Pure; `exported` still carries A's last-applied and managedFields. */
export function transplantService(
    exported: KubeObject,
    service: KubeObject,
    keepLoadBalancer: boolean,
): { object: KubeObject; rewrites: Rewrite[] } {
    const o = copy(service);
    const rewrites: Rewrite[] = [];
    const spec = isRecord(o.spec) ? o.spec : undefined;
    if (!spec) return { object: o, rewrites };
    const clear = (field: string, reason: string, value = spec[field]) => {
        rewrites.push({ path: pathOf(["spec", field]), old: value, new: null, reason });
        delete spec[field];
    };
    const headless = spec.clusterIP === "None";
    if (!headless) {
        if (spec.clusterIP !== undefined) clear("clusterIP", "A's cluster IP: B assigns one from its own service range");
        if (spec.clusterIPs !== undefined) clear("clusterIPs", "A's cluster IPs: B assigns them from its own service range");
    }
    if (Array.isArray(spec.externalIPs)) clear("externalIPs", "addresses of cluster A's network");

    const toClusterIp = spec.type === "LoadBalancer" && !keepLoadBalancer;
    if (toClusterIp) {
        rewrites.push({
            path: "spec.type",
            old: "LoadBalancer",
            new: "ClusterIP",
            reason: "traffic enters B through the isolated ingress; a copied LoadBalancer Service would buy a second load balancer (to keep one: list it in transplant.keepLoadBalancers, and disable the policy no-load-balancer-outside-controller for this stack: README, Policies)",
        });
        spec.type = "ClusterIP";
        for (const f of EXTERNAL_ONLY) if (spec[f] !== undefined) clear(f, "only a NodePort or LoadBalancer Service sets it");
    }
    const annotations = o.metadata.annotations ?? {};
    for (const key of Object.keys(annotations).sort()) {
        const ccm = key.startsWith(ACK_LB_ANNOTATION);
        if ((toClusterIp && ccm) || (!toClusterIp && (REUSED_LB.includes(key) || key === A_VSWITCH))) {
            rewrites.push({
                path: pathOf(["metadata", "annotations", key]),
                old: annotations[key],
                new: null,
                reason: toClusterIp
                    ? "ACK load balancer setting of a Service that no longer has one"
                    : key === A_VSWITCH
                      ? "a vSwitch of cluster A's VPC: B's cloud controller places the load balancer in B's (name one of B's in the export to choose)"
                      : "binds A's load balancer: B's cloud controller would take it over; B gets its own",
            });
            delete annotations[key];
        }
    }
    if (o.metadata.annotations && Object.keys(annotations).length === 0) delete o.metadata.annotations;
    // What A's cloud controller wrote on the Service: the CLB it made, and the finalizer with which it deletes that CLB.
    const labels = o.metadata.labels ?? {};
    for (const key of Object.keys(labels)
        .filter((k) => k.startsWith(ACK_CCM_PREFIX))
        .sort()) {
        rewrites.push({
            path: pathOf(["metadata", "labels", key]),
            old: labels[key],
            new: null,
            reason: "written by A's cloud controller: names A's load balancer",
        });
        delete labels[key];
    }
    if (o.metadata.labels && Object.keys(labels).length === 0) delete o.metadata.labels;
    const finalizers = Array.isArray(o.metadata.finalizers) ? (o.metadata.finalizers as string[]) : [];
    if (finalizers.some((f) => f.startsWith(ACK_CCM_PREFIX))) {
        const left = finalizers.filter((f) => !f.startsWith(ACK_CCM_PREFIX));
        rewrites.push({
            path: "metadata.finalizers",
            old: finalizers,
            new: left.length ? left : null,
            reason: "A's cloud controller's: B's adds its own to a load balancer it makes",
        });
        if (left.length) o.metadata.finalizers = left;
        else delete o.metadata.finalizers;
    }

    const explicit = userSetNodePorts(exported);
    if (spec.healthCheckNodePort !== undefined && !explicit.healthCheck)
        clear("healthCheckNodePort", "allocated by cluster A; B allocates its own");
    const ports = Array.isArray(spec.ports) ? (spec.ports as Port[]) : [];
    ports.forEach((p, i) => {
        if (p.nodePort === undefined) return;
        const keep = !toClusterIp && spec.type !== "ClusterIP" && explicit.ports.has(Number(p.port));
        if (keep) return;
        rewrites.push({
            path: pathOf(["spec", "ports", i, "nodePort"]),
            old: p.nodePort,
            new: null,
            reason: toClusterIp ? "a ClusterIP Service has no node port" : "allocated by cluster A; B allocates its own",
        });
        delete p.nodePort;
    });
    return { object: o, rewrites };
}

/**
 * Node ports the team set itself, by service port: in `kubectl apply`'s last-applied-configuration,
 * or owned by a field manager (allocated ports are defaulted, never managed; Velero reads both).
 */
export function userSetNodePorts(exported: KubeObject): { ports: Set<number>; healthCheck: boolean } {
    const ports = new Set<number>();
    let healthCheck = false;
    const applied = exported.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"];
    if (applied) {
        try {
            const spec = (JSON.parse(applied) as { spec?: { ports?: Port[]; healthCheckNodePort?: number } }).spec;
            for (const p of spec?.ports ?? []) if (p.nodePort !== undefined) ports.add(Number(p.port));
            if (spec?.healthCheckNodePort !== undefined) healthCheck = true;
        } catch {
            // Not JSON: nothing said explicitly.
        }
    }
    const managed = Array.isArray(exported.metadata.managedFields) ? (exported.metadata.managedFields as Record<string, unknown>[]) : [];
    for (const m of managed) {
        const spec = isRecord(m.fieldsV1) && isRecord(m.fieldsV1["f:spec"]) ? m.fieldsV1["f:spec"] : undefined;
        if (!spec) continue;
        if ("f:healthCheckNodePort" in spec) healthCheck = true;
        const list = isRecord(spec["f:ports"]) ? spec["f:ports"] : {};
        for (const [key, fields] of Object.entries(list)) {
            // Set keys are written `k:{"port":80,"protocol":"TCP"}`.
            if (!key.startsWith("k:") || !isRecord(fields) || !("f:nodePort" in fields)) continue;
            try {
                ports.add(Number((JSON.parse(key.slice(2)) as { port: number }).port));
            } catch {
                // A key this reader does not know: nothing said.
            }
        }
    }
    return { ports, healthCheck };
}
