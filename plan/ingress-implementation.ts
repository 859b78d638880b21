import { ResolvedController } from "./controller";
import { ingressNginxNames } from "../vocabulary/naming";

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
 * An ingress controller the project runs itself from a Helm chart: ingress-nginx, retired
 * (archived 2026-03-24; chart 4.15.1 is the last release). ACK ALB Ingress, the default, is run
 * by Alibaba and planned in plan/alb.ts.
 */
export interface IngressImplementation {
    chart: ChartRef;
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
                // The chart emits --publish-service only when publishService.enabled AND service.enabled
                // (templates/_params.tpl): with its Service off, the flag is passed directly, or Ingress
                // status would carry node IPs instead of the load balancer's address.
                publishService: { enabled: false },
                extraArgs: { "publish-service": publishService },
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

export const INGRESS_NGINX: IngressImplementation = ingressNginx;

/** The plan's one warning for a stack that still runs ingress-nginx. */
export const INGRESS_NGINX_RETIRED =
    "ingress-nginx is retired (archived 2026-03-24; chart 4.15.1 / controller 1.15.1 is the last release, pinned here): CVE-2026-3288 (rewrite-target) and CVE-2026-24512 (paths.path) are in exactly what the short host uses, and later nginx fixes (CVE-2026-42945) get no release; each release also installs a cluster-wide, fail-closed admission webhook (ValidatingWebhookConfiguration, failurePolicy Fail) on every Ingress write. Prefer implementation: alb";
