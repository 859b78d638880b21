import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KeptObject } from "../plan/transplant/plan";
import { WAVES } from "../plan/transplant/order";
import { transplantChild } from "../vocabulary/naming";
import { WORKLOAD_TRANSPLANT_TYPE } from "../vocabulary/resource-types";
export { WORKLOAD_TRANSPLANT_TYPE };

type Typed = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The typed class of each kind and version the plan orders (plan/transplant/order.ts KIND_WAVES;
 * a test holds the two tables equal). Typed classes, not `yaml.v2.ConfigGroup`: that is a remote
 * component whose children an offline plan cannot see, and the review is per object.
 */
export const TYPED: Record<string, Typed> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "v1/LimitRange": k8s.core.v1.LimitRange,
    "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "v1/Service": k8s.core.v1.Service,
    "v1/Endpoints": k8s.core.v1.Endpoints,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
    "batch/v1/CronJob": k8s.batch.v1.CronJob,
    "batch/v1/Job": k8s.batch.v1.Job,
    "v1/Pod": k8s.core.v1.Pod,
    "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
    "autoscaling/v1/HorizontalPodAutoscaler": k8s.autoscaling.v1.HorizontalPodAutoscaler,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
};

export interface WorkloadTransplantArgs {
    /** The objects B receives, as planned (plan/transplant/plan.ts): cleaned, rewritten, each with its wave. */
    kept: KeptObject[];
    /** kubeconfig context of cluster B. @default undefined (the default provider: the ambient kubeconfig) */
    kubeContext?: string;
}

/**
 * A's namespace workloads in cluster B: one typed resource per kept object, in waves (namespaces;
 * accounts, RBAC, config and Secrets; Services; workloads; autoscalers and budgets), each object
 * depending on every object of the wave before. The provider's await logic is left on: a
 * Deployment is done when its pods are ready, so the next wave meets a running workload.
 */
export class WorkloadTransplant extends pulumi.ComponentResource {
    /** The registered objects, in plan order. */
    readonly objects: pulumi.CustomResource[] = [];

    constructor(name: string, args: WorkloadTransplantArgs, opts?: pulumi.ComponentResourceOptions) {
        super(WORKLOAD_TRANSPLANT_TYPE, name, {}, opts);
        const provider = args.kubeContext
            ? new k8s.Provider(`${name}-cluster-b`, { context: args.kubeContext }, { parent: this })
            : undefined;
        let before: pulumi.Resource[] = [];
        for (let wave = 0; wave < WAVES.length; wave++) {
            const here = args.kept
                .filter((k) => k.wave === wave)
                .map((k) => {
                    const Class = TYPED[`${k.apiVersion}/${k.kind}`];
                    if (!Class)
                        throw new Error(
                            `WorkloadTransplant ${name}: no typed class for ${k.apiVersion} ${k.kind} (plan and component disagree)`,
                        );
                    return new Class(transplantChild(name, k.kind, k.namespace, k.name), inputsOf(k) as never, {
                        parent: this,
                        ...(provider ? { provider } : {}),
                        ...(before.length ? { dependsOn: before } : {}),
                    });
                });
            this.objects.push(...here);
            if (here.length) before = here;
        }
        this.registerOutputs({});
    }
}

/** The object as the resource's inputs: a Secret's data and stringData as Pulumi secrets (the plan shows their keys only). */
function inputsOf(k: KeptObject): Record<string, unknown> {
    if (k.kind !== "Secret") return k.object;
    const { data, stringData, ...rest } = k.object;
    return {
        ...rest,
        ...(data !== undefined ? { data: pulumi.secret(data) } : {}),
        ...(stringData !== undefined ? { stringData: pulumi.secret(stringData) } : {}),
    };
}
