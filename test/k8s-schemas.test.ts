import * as assert from "node:assert/strict";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { HorizontalPodAutoscaler as HorizontalPodAutoscalerV1 } from "kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Endpoints } from "kubernetes-models/v1/Endpoints";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { IngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { albConfigProblems } from "./contracts/alb-contract";
import { TYPED } from "../components/workload-transplant";
import { plan } from "./transplant-helpers";
import { OfflineRun } from "../offline/harness";
import { api, planConfig, planStack, platformConfig } from "./helpers";

/** Every Kubernetes kind the program creates directly, with its published JSON schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
    "kubernetes:core/v1:Namespace": Namespace,
    "kubernetes:core/v1:Secret": Secret,
    "kubernetes:core/v1:Service": Service,
    "kubernetes:networking.k8s.io/v1:Ingress": Ingress,
    "kubernetes:networking.k8s.io/v1:IngressClass": IngressClass,
    // What the workloads stack moves (components/workload-transplant.ts TYPED).
    "kubernetes:core/v1:ServiceAccount": ServiceAccount,
    "kubernetes:core/v1:ConfigMap": ConfigMap,
    "kubernetes:core/v1:PersistentVolumeClaim": PersistentVolumeClaim,
    "kubernetes:core/v1:LimitRange": LimitRange,
    "kubernetes:core/v1:ResourceQuota": ResourceQuota,
    "kubernetes:core/v1:Endpoints": Endpoints,
    "kubernetes:core/v1:Pod": Pod,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": Role,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": RoleBinding,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
    "kubernetes:apps/v1:Deployment": Deployment,
    "kubernetes:apps/v1:StatefulSet": StatefulSet,
    "kubernetes:apps/v1:DaemonSet": DaemonSet,
    "kubernetes:batch/v1:CronJob": CronJob,
    "kubernetes:batch/v1:Job": Job,
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler": HorizontalPodAutoscalerV1,
    "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
    // No published JSON schema: checked against the CRD's Go types (test/contracts/vendor/alb/).
    "kubernetes:alibabacloud.com/v1:AlbConfig": class {
        constructor(private readonly data: unknown) {}
        validate(): void {
            const problems = albConfigProblems(this.data);
            if (problems.length) throw new Error(problems.join("\n"));
        }
    },
};

function kubernetesObjects(run: OfflineRun) {
    // Helm charts are components: the objects they render are validated by the provider at apply.
    return run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom);
}

function validateAll(run: OfflineRun, skip: (r: OfflineRun["resources"][number]) => boolean = () => false): number {
    const objects = kubernetesObjects(run).filter((r) => !skip(r));
    for (const r of objects) {
        const Model = MODELS[r.type];
        assert.ok(Model, `no schema registered for ${r.type}: add it to MODELS`);
        assert.doesNotThrow(() => new Model(r.inputs as never).validate(), `${r.type} ${r.name} violates its schema`);
    }
    return objects.length;
}

describe("every Kubernetes object validates against the Kubernetes JSON schemas", () => {
    it("the committed dev stack (ALB): 2 AlbConfigs, 2 IngressClasses, 6 Ingresses, 5 Secrets and the Kong data plane's namespace", async () => {
        assert.equal(validateAll(await planStack("dev")), 16);
    });

    it("the committed workloads stack: the 18 objects moved from A's export, as planned and as registered", async () => {
        // Registered Secrets show "[secret]" for their data (not base64): those two are checked as planned.
        const kept = plan().kept;
        for (const k of kept) {
            const Model = MODELS[`kubernetes:${k.apiVersion.includes("/") ? k.apiVersion : `core/${k.apiVersion}`}:${k.kind}`];
            assert.doesNotThrow(() => new Model(k.object as never).validate(), `${k.kind} ${k.name} violates its schema`);
        }
        assert.equal(kept.length, 18);
        assert.equal(
            validateAll(await planStack("workloads"), (r) => r.type === "kubernetes:core/v1:Secret"),
            16,
        );
    });

    it("every kind the transplant moves has its schema here", () => {
        for (const key of Object.keys(TYPED)) {
            const [group, kind] = [key.slice(0, key.lastIndexOf("/")), key.slice(key.lastIndexOf("/") + 1)];
            const type = `kubernetes:${group.includes("/") ? group : `core/${group}`}:${kind}`;
            assert.ok(MODELS[type], type);
        }
    });

    it("the AlbConfig check itself rejects a field the CRD does not have and a mis-cased certificate key", () => {
        assert.deepEqual(
            albConfigProblems({
                apiVersion: "alibabacloud.com/v1",
                kind: "AlbConfig",
                metadata: { name: "x" },
                spec: {
                    config: { name: "x", zoneMapping: [] },
                    listeners: [{ port: 443, protocol: "HTTPS", certificates: [{ certificateId: "1-cn" }] }],
                },
            }),
            [
                "AlbConfig.spec.config.zoneMapping: not a field of LoadBalancerSpec (fields: id, name, addressAllocatedMode, addressType, ipv6AddressType, addressIpVersion, resourceGroupId, edition, zoneMappings, accessLogConfig, deletionProtectionEnabled, billingConfig, forceOverride, modificationProtectionConfig, tags, listenerForceOverride)",
                "AlbConfig.spec.listeners[0].certificates[0].certificateId: not a field of Certificate (fields: IsDefault, CertificateId)",
            ],
        );
    });

    it("three APIs in two namespaces, shared short domain, existing SLB: 1 namespace, 1 Service, 4 Secrets, 6 Ingresses", async () => {
        const run = await planConfig(
            platformConfig({
                apis: [api("api01"), api("api02"), api("api03", "team3-ns")],
                ingress: { name: "team1", implementation: "ingress-nginx", loadBalancer: { id: "lb-abc" } },
            }),
        );
        assert.equal(validateAll(run), 12);
    });

    it("the check itself rejects a malformed object", () => {
        assert.throws(() =>
            new Ingress({
                metadata: { name: "x" },
                spec: {
                    rules: [
                        {
                            host: "a.example",
                            http: {
                                paths: [
                                    { path: "/", pathType: "Regex" as never, backend: { service: { name: "s", port: { number: 80 } } } },
                                ],
                            },
                        },
                    ],
                },
            }).validate(),
        );
    });
});
