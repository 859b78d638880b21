/**
 * A load balancer is bought only where the platform stack runs an ingress controller: a Service
 * of type LoadBalancer makes ACK's cloud controller manager create an SLB/NLB (Alibaba Cloud,
 * "Use annotations to configure CLB instances"). The only ones this project means to buy are the
 * isolated ingress's (components/isolated-ingress.ts), in the controller namespace it creates; a
 * transplanted workload's Service (plan/transplant/services.ts) must not bring its own. ALB
 * Ingress buys its load balancer through an AlbConfig, not a Service. The controller namespaces
 * are read from the Namespace resources an IsolatedIngress registers — not from its Helm Chart,
 * whose only output under the engine is `resources` (pulumi-kubernetes helm/v4 chart.go).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ISOLATED_INGRESS_TYPE } from "../vocabulary/resource-types";
import { ancestorOf } from "./resources";

/** A Service, and a patch of one (server-side apply of some fields: it can make an existing Service a LoadBalancer). */
const SERVICE_TYPES = new Set(["kubernetes:core/v1:Service", "kubernetes:core/v1:ServicePatch"]);
const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";

export const noLoadBalancerOutsideController: StackValidationPolicy = {
    name: "no-load-balancer-outside-controller",
    description:
        "No Service of type LoadBalancer outside the namespaces of the ingress controllers the stack deploys (a transplanted workload must not buy a load balancer).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const controllerNamespaces = new Set(
            args.resources
                .filter((r) => r.type === NAMESPACE_TYPE && ancestorOf(r, ISOLATED_INGRESS_TYPE))
                .map((r) => String(r.props.metadata?.name)),
        );
        for (const r of args.resources) {
            if (!SERVICE_TYPES.has(r.type) || r.props.spec?.type !== "LoadBalancer") continue;
            const namespace = String(r.props.metadata?.namespace ?? "default");
            if (controllerNamespaces.has(namespace)) continue;
            reportViolation(
                `Service ${namespace}/${r.props.metadata?.name ?? r.name} is of type LoadBalancer outside ${
                    controllerNamespaces.size
                        ? `the ingress controller namespace${controllerNamespaces.size > 1 ? "s" : ""} ${[...controllerNamespaces].join(", ")}`
                        : "any ingress controller namespace of this stack"
                }: it would buy a load balancer of its own; traffic enters B through the isolated ingress`,
                r.urn,
            );
        }
    },
};
