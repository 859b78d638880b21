import * as alicloud from "@pulumi/alicloud";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AdoptedPlan } from "../plan/decommission";
import { SOURCE_FOOTPRINT_TYPE } from "../vocabulary/resource-types";
export { SOURCE_FOOTPRINT_TYPE };

export interface SourceFootprintArgs {
    /** A's pieces to adopt, each by its id. */
    adopted: AdoptedPlan[];
    /** kubeconfig context of cluster A (never the ambient one: that may be cluster B). */
    kubeContext: string;
    /** Chart of an adopted Helm release. @default "ingress-nginx" */
    releaseChart?: string;
    /** Minimal inputs of the adopted wildcard record: in an Alidns zone (by name) or a PrivateZone zone (by id). @default undefined */
    wildcard?: { zone: string; zoneId?: string; rr: string; address: string };
    /**
     * Keep every adopted resource protected. Only the decommission guard lifts it.
     * @default true
     */
    protect?: boolean;
}

/**
 * Cluster A's footprint that the migration retires, adopted by id with the `import` option,
 * minimal inputs and `ignoreChanges: ["*"]`: `pulumi up` changes nothing in A, and
 * `pulumi destroy` can delete it once the guard lifts protection.
 */
export class SourceFootprint extends pulumi.ComponentResource {
    constructor(name: string, args: SourceFootprintArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SOURCE_FOOTPRINT_TYPE, name, {}, opts);
        const provider = new k8s.Provider(`${name}-cluster-a`, { context: args.kubeContext }, { parent: this });
        const adopt = (importId: string): pulumi.CustomResourceOptions => ({
            parent: this,
            import: importId,
            ignoreChanges: ["*"],
            protect: args.protect ?? true,
        });
        const namespaces = new Map<string, k8s.core.v1.Namespace>();

        for (const a of args.adopted) {
            const child = `${name}-${a.key}`;
            // Objects inside an adopted namespace go with it: deleting them one by one first would only add steps.
            const ns = a.namespace ? namespaces.get(a.namespace) : undefined;
            const inNamespace = ns ? { deletedWith: ns, dependsOn: [ns] } : {};
            switch (a.kind) {
                case "namespace":
                    namespaces.set(
                        a.importId,
                        new k8s.core.v1.Namespace(child, { metadata: { name: a.importId } }, { ...adopt(a.importId), provider }),
                    );
                    break;
                case "ingress": {
                    const [namespace, ingressName] = a.importId.split("/");
                    new k8s.networking.v1.Ingress(
                        child,
                        { metadata: { name: ingressName, namespace } },
                        { ...adopt(a.importId), provider, ...inNamespace },
                    );
                    break;
                }
                case "ingress-class":
                    new k8s.networking.v1.IngressClass(child, { metadata: { name: a.importId } }, { ...adopt(a.importId), provider });
                    break;
                case "helm-release": {
                    const [namespace, releaseName] = a.importId.split("/");
                    new k8s.helm.v3.Release(
                        child,
                        { chart: args.releaseChart ?? "ingress-nginx", name: releaseName, namespace },
                        { ...adopt(a.importId), provider, ...inNamespace },
                    );
                    break;
                }
                case "load-balancer":
                    new alicloud.slb.ApplicationLoadBalancer(child, {}, adopt(a.importId));
                    break;
                case "dns-record":
                    if (!args.wildcard) throw new Error(`SourceFootprint ${name}: a dns-record needs wildcard inputs`);
                    new alicloud.dns.AlidnsRecord(
                        child,
                        { domainName: args.wildcard.zone, rr: args.wildcard.rr, type: "A", value: args.wildcard.address },
                        adopt(a.importId),
                    );
                    break;
                case "privatezone-record":
                    if (!args.wildcard?.zoneId)
                        throw new Error(`SourceFootprint ${name}: a privatezone-record needs wildcard inputs with a zoneId`);
                    new alicloud.pvtz.ZoneRecord(
                        child,
                        { zoneId: args.wildcard.zoneId, rr: args.wildcard.rr, type: "A", value: args.wildcard.address },
                        adopt(a.importId),
                    );
                    break;
            }
        }
        this.registerOutputs({});
    }
}
