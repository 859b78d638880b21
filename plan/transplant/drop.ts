/**
 * Rule 2 — drop what B makes for itself or must not receive, each with its reason. The list is
 * crane-lib's "whiteouts" (transform/kubernetes/kubernetes.go @ 222a325c) and what Velero never
 * restores or skips (restore_controller.go, secret_action.go @ d30d389b): objects a controller
 * owns are recreated by that controller from their owner; B's API server mints its own
 * service-account tokens, root CA ConfigMap and default ServiceAccount; Events are history.
 */
import { isRecord, KubeObject } from "./objects";

export const SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
/** The annotation on a Secret the token controller (or OpenShift's dockercfg controller) created for a ServiceAccount. */
export const SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";
/** The ConfigMap every namespace gets from kube-controller-manager's root-ca-cert-publisher. */
export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
/** EndpointSlices the control plane mirrors from Services (discovery.k8s.io `managed-by` label). */
const ENDPOINTSLICE_CONTROLLER = "endpointslice-controller.k8s.io";

/**
 * What the drop rule needs to know about the rest of the export: Services that have a selector,
 * as `namespace/name`; and the exported objects an owner reference can name (by uid, and by
 * `namespace/kind/name` for exports whose objects carry no uid).
 */
export interface DropContext {
    servicesWithSelector: Set<string>;
    owners: Set<string>;
}

/** The services with a selector among `objects`, as the drop rule reads them. */
export function dropContext(objects: KubeObject[]): DropContext {
    return {
        servicesWithSelector: new Set(
            objects
                .filter(
                    (o) => o.kind === "Service" && isRecord(o.spec) && isRecord(o.spec.selector) && Object.keys(o.spec.selector).length > 0,
                )
                .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
        ),
        owners: new Set(
            objects.flatMap((o) => [
                `${o.metadata.namespace ?? ""}/${o.kind}/${o.metadata.name}`,
                ...(o.metadata.uid ? [`uid:${o.metadata.uid}`] : []),
            ]),
        ),
    };
}

/**
 * The owner reference rule 2 goes by: the controller's only. A reference without `controller:
 * true` is a garbage-collection link (delete with the owner), and nothing recreates the object
 * from it: such an object is kept.
 */
function ownerOf(o: KubeObject) {
    return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * Why an owned object cannot be dropped, or undefined: "its controller recreates it from the
 * owner" holds only when the owner moves too. An owner outside the export (an operator's custom
 * resource left out, a kind the kubectl command did not name) would leave nothing in B to
 * recreate it: the workload would silently vanish. Pure.
 */
export function missingOwnerReason(o: KubeObject, context: DropContext): string | undefined {
    const owner = ownerOf(o);
    if (!owner) return undefined;
    const found = owner.uid
        ? context.owners.has(`uid:${owner.uid}`)
        : context.owners.has(`${o.metadata.namespace ?? ""}/${owner.kind}/${owner.name}`);
    if (found) return undefined;
    return `owned by ${owner.kind} ${owner.name} (${owner.apiVersion}), which is not in the export: nothing in B would recreate it; export the owner too, or remove this object from the export if B gets its owner another way`;
}

/** Why `o` stays behind, or undefined when rule 2 keeps it. Pure. */
export function dropReason(o: KubeObject, context: DropContext): string | undefined {
    const owner = ownerOf(o);
    if (owner) return `owned by ${owner.kind} ${owner.name}: its controller recreates it in B from the owner`;
    if (o.kind === "Event") return "an Event: cluster A's history, not state";
    if (o.kind === "EndpointSlice" && o.metadata.labels?.["endpointslice.kubernetes.io/managed-by"] === ENDPOINTSLICE_CONTROLLER)
        return "an EndpointSlice the control plane mirrors from its Service";
    if (o.kind === "Endpoints" && context.servicesWithSelector.has(`${o.metadata.namespace ?? ""}/${o.metadata.name}`))
        return `the Endpoints of Service ${o.metadata.name}, which has a selector: B's endpoints controller fills them with B's Pods`;
    if (o.kind === "ServiceAccount" && o.metadata.name === "default")
        return "the default ServiceAccount: every namespace in B gets its own";
    if (o.kind === "ConfigMap" && o.metadata.name === ROOT_CA_CONFIGMAP)
        return "cluster A's root CA, published into every namespace: B publishes its own";
    if (o.kind === "Secret" && o.type === SERVICE_ACCOUNT_TOKEN)
        return "a service-account token of cluster A: signed by A, worthless in B, which mints its own";
    if (o.kind === "Secret" && o.type === "kubernetes.io/dockercfg" && o.metadata.annotations?.[SERVICE_ACCOUNT_NAME])
        return "a pull Secret created for a ServiceAccount by the cluster: B creates its own";
    return undefined;
}

/**
 * A kept ServiceAccount's references to A's token Secrets (`<sa>-token-*`), which are dropped:
 * Velero service_account_action.go removes them, or B's token controller would look for Secrets
 * that are never created.
 */
export function tokenReferences(sa: KubeObject, droppedSecrets: Set<string>): number[] {
    const secrets = Array.isArray(sa.secrets) ? (sa.secrets as unknown[]) : [];
    return secrets.flatMap((s, i) =>
        isRecord(s) && typeof s.name === "string" && droppedSecrets.has(`${sa.metadata.namespace ?? ""}/${s.name}`) ? [i] : [],
    );
}

/**
 * Where a pod spec uses one of A's dropped token Secrets (volumes, projected volumes, env and
 * envFrom), each as people name it; references marked `optional: true` start without it. A copy
 * would leave its Pods in ContainerCreating (a missing Secret volume) or CreateContainerConfigError
 * (a missing env Secret) in B, which never has that Secret.
 */
export function tokenSecretUses(spec: Record<string, unknown> | undefined, namespace: string, droppedSecrets: Set<string>): string[] {
    if (!spec) return [];
    const dropped = (ref: unknown, key: "secretName" | "name"): string | undefined =>
        isRecord(ref) && ref.optional !== true && typeof ref[key] === "string" && droppedSecrets.has(`${namespace}/${ref[key]}`)
            ? (ref[key] as string)
            : undefined;
    const uses: string[] = [];
    for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
        if (!isRecord(v)) continue;
        const direct = dropped(v.secret, "secretName");
        if (direct) uses.push(`volume ${v.name} mounts Secret ${direct}`);
        const sources = isRecord(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources : [];
        for (const src of sources) {
            const projected = isRecord(src) ? dropped(src.secret, "name") : undefined;
            if (projected) uses.push(`projected volume ${v.name} takes Secret ${projected}`);
        }
    }
    for (const list of ["initContainers", "containers", "ephemeralContainers"] as const)
        for (const c of Array.isArray(spec[list]) ? (spec[list] as unknown[]) : []) {
            if (!isRecord(c)) continue;
            for (const e of Array.isArray(c.env) ? c.env : []) {
                const ref = isRecord(e) && isRecord(e.valueFrom) ? dropped(e.valueFrom.secretKeyRef, "name") : undefined;
                if (ref) uses.push(`env ${e.name} of container ${c.name} reads Secret ${ref}`);
            }
            for (const e of Array.isArray(c.envFrom) ? c.envFrom : []) {
                const ref = isRecord(e) ? dropped(e.secretRef, "name") : undefined;
                if (ref) uses.push(`envFrom of container ${c.name} reads Secret ${ref}`);
            }
        }
    return uses;
}
