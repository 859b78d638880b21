/**
 * Rule 9 — order. B must hold a namespace before anything in it, the accounts, roles, config and
 * Secrets a pod mounts before the pod, the Services before the workloads that call each other
 * through them, and the workloads before what scales or protects them. Each kind the transplant
 * moves has its wave; a kind without one is refused (nobody has decided when it may be applied).
 * The Kubernetes provider waits for each Deployment to become ready before the next wave: nothing
 * here sets `pulumi.com/skipAwait`.
 */
import { KubeObject } from "./objects";

export const WAVES = [
    "namespaces",
    "accounts, RBAC, config, Secrets",
    "services",
    "workloads",
    "autoscalers and disruption budgets",
] as const;

/**
 * The kinds the transplant moves, by `apiVersion/kind` as a current cluster serves them, and their
 * wave (index into WAVES). A served-but-deprecated version (autoscaling/v2beta2, policy/v1beta1)
 * is refused: B may not serve it, and the export should be taken in the version B does.
 */
export const KIND_WAVES: Record<string, number> = {
    "v1/Namespace": 0,
    "v1/ServiceAccount": 1,
    "v1/ConfigMap": 1,
    "v1/Secret": 1,
    "v1/PersistentVolumeClaim": 1,
    "v1/LimitRange": 1,
    "v1/ResourceQuota": 1,
    "rbac.authorization.k8s.io/v1/Role": 1,
    "rbac.authorization.k8s.io/v1/RoleBinding": 1,
    "networking.k8s.io/v1/NetworkPolicy": 1,
    "v1/Service": 2,
    "v1/Endpoints": 2,
    "apps/v1/Deployment": 3,
    "apps/v1/StatefulSet": 3,
    "apps/v1/DaemonSet": 3,
    "batch/v1/CronJob": 3,
    "batch/v1/Job": 3,
    "v1/Pod": 3,
    "autoscaling/v2/HorizontalPodAutoscaler": 4,
    "autoscaling/v1/HorizontalPodAutoscaler": 4,
    "policy/v1/PodDisruptionBudget": 4,
};

/** The wave of an object's kind, or undefined for a kind the transplant does not move. */
export function waveOf(o: Pick<KubeObject, "apiVersion" | "kind">): number | undefined {
    return KIND_WAVES[`${o.apiVersion}/${o.kind}`];
}

/** Why a kind without a wave is refused. */
export function unorderedReason(o: Pick<KubeObject, "apiVersion" | "kind">): string {
    return `${o.apiVersion} ${o.kind} is not a kind and version the transplant orders (${Object.keys(KIND_WAVES).join(", ")}): export it in a version listed, or apply it by hand after review and remove it from the export`;
}
