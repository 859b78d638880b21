import * as assert from "node:assert/strict";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { IngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { albConfigProblems } from "./contracts/alb-contract";
import { OfflineRun } from "../offline/harness";
import { api, planConfig, planStack, platformConfig } from "./helpers";

/** Every Kubernetes kind the program creates directly, with its published JSON schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
    "kubernetes:core/v1:Namespace": Namespace,
    "kubernetes:core/v1:Secret": Secret,
    "kubernetes:core/v1:Service": Service,
    "kubernetes:networking.k8s.io/v1:Ingress": Ingress,
    "kubernetes:networking.k8s.io/v1:IngressClass": IngressClass,
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

function validateAll(run: OfflineRun): number {
    const objects = kubernetesObjects(run);
    for (const r of objects) {
        const Model = MODELS[r.type];
        assert.ok(Model, `no schema registered for ${r.type}: add it to MODELS`);
        assert.doesNotThrow(() => new Model(r.inputs as never).validate(), `${r.type} ${r.name} violates its schema`);
    }
    return objects.length;
}

describe("every Kubernetes object validates against the Kubernetes JSON schemas", () => {
    it("the committed dev stack (ALB): 2 AlbConfigs, 2 IngressClasses, 2 Secrets, 6 Ingresses", async () => {
        assert.equal(validateAll(await planStack("dev")), 12);
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
