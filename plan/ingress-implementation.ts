import { IngressImplementationName } from "../config/types";
import { ResolvedController } from "./controller";
import { ingressNginxNames } from "./naming";

/** A Helm chart pinned to one version. */
export interface ChartRef {
    chart: string;
    version: string;
    repo: string;
}

/** How one path on a shared host reaches an API with its prefix stripped. */
export interface PrefixRoute {
    path: string;
    pathType: "Prefix" | "ImplementationSpecific" | "Exact";
    annotations: Record<string, string>;
}

/**
 * The seam between the migration and the ingress controller that carries it. ingress-nginx
 * is the only implementation today (cluster B runs it); it was archived upstream on
 * 2026-03-24, so a successor (for example ACK ALB Ingress) plugs in here without touching
 * the components.
 */
export interface IngressImplementation {
    chart: ChartRef;
    /** What the controller's load balancer publishes: an IPv4 (a CLB behind a Service) or a DNS name (ALB, NLB). */
    addressKind: "ip" | "hostname";
    /** The IngressClass `spec.controller` value this controller claims. */
    controllerValue(controllerName: string): string;
    /** The leader-election id; distinct per controller so two never share a lock. */
    electionId(controllerName: string): string;
    /** The Helm release name, which also names the controller's pods' `instance` label. */
    releaseName(controllerName: string): string;
    /** Labels that select the controller's pods (for the load-balancer Service and topology spread). */
    podSelector(controllerName: string): Record<string, string>;
    /** Chart values for one controller; `publishService` is the `<namespace>/<name>` of its load-balancer Service. */
    values(controller: ResolvedController, publishService: string): Record<string, unknown>;
    /** The path and annotations that send `/<prefix>/rest` to a backend as `/rest`. */
    prefixRoute(prefix: string): PrefixRoute;
}

const ingressNginx: IngressImplementation = {
    // 4.15.1 (controller v1.15.1) is the last chart release before the archive.
    chart: { chart: "ingress-nginx", version: "4.15.1", repo: "https://kubernetes.github.io/ingress-nginx" },
    addressKind: "ip",
    controllerValue: ingressNginxNames.controllerValue,
    electionId: ingressNginxNames.electionId,
    releaseName: ingressNginxNames.release,
    podSelector: (name) => ({
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/instance": ingressNginxNames.release(name),
        "app.kubernetes.io/component": "controller",
    }),
    values(controller, publishService) {
        return {
            controller: {
                ingressClass: controller.className,
                ingressClassResource: {
                    name: controller.className,
                    enabled: true,
                    // Never the default class: Ingresses without a class stay with cluster B's own controller.
                    default: false,
                    controllerValue: this.controllerValue(controller.name),
                },
                electionID: this.electionId(controller.name),
                watchIngressWithoutClass: false,
                replicaCount: controller.replicas,
                // The chart renders a PodDisruptionBudget with this floor whenever replicaCount > 1.
                minAvailable: 1,
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        // Soft: a zone without capacity must not block a rollout of the only path to the APIs.
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: this.podSelector(controller.name) },
                    },
                ],
                // The load-balancer Service is the component's own, so its CCM annotations are reviewable in the plan.
                service: { enabled: false },
                publishService: { enabled: true, pathOverride: publishService },
            },
        };
    },
    prefixRoute: (prefix) => ({
        path: `/${prefix}(/|$)(.*)`,
        // Regex paths are only honoured (and, on newer controllers, only accepted) with ImplementationSpecific.
        pathType: "ImplementationSpecific",
        annotations: {
            "nginx.ingress.kubernetes.io/use-regex": "true",
            "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
            "nginx.ingress.kubernetes.io/x-forwarded-prefix": `/${prefix}`,
        },
    }),
};

export const INGRESS_IMPLEMENTATIONS: Record<IngressImplementationName, IngressImplementation> = {
    "ingress-nginx": ingressNginx,
};
