/**
 * ACK ALB Ingress as data: one AlbConfig (one ALB instance, its listeners) and one IngressClass
 * bound to it per controller, the annotations an Ingress of that class carries, and the short
 * host's path rules within ALB's regex limits. Facts: shared/notes/alibaba-cloud.md; the
 * AlbConfig field names follow the CRD's Go types (test/contracts/vendor/alb/).
 */
import { AlbConfigSettings } from "../config/types";
import { albConfigName } from "../vocabulary/naming";

/** The IngressClass `spec.controller` of ALB Ingress. */
export const ALB_CONTROLLER = "ingress.k8s.alibabacloud/alb";

/** Annotation prefix of ALB Ingress. */
export const ALB_ANNOTATION = "alb.ingress.kubernetes.io/";

/** The listeners an Ingress of this class is served on (both exist on the AlbConfig). */
export const ALB_LISTEN_PORTS = '[{"HTTP": 80},{"HTTPS": 443}]';

/** The AlbConfig object (`alibabacloud.com/v1`, cluster-scoped) of one controller. Pure. */
/**
 * The Kubernetes provider's readiness override (pulumi-kubernetes ≥ 4.18.0, "EXPERIMENTAL: The
 * `pulumi.com/waitFor` annotation"; provider/pkg/metadata/overrides.go `ReadyCondition`): a
 * custom resource is otherwise ready as soon as it exists, and the platform stack would publish
 * an empty `loadBalancerAddress` after its first `up`.
 */
export const WAIT_FOR = "pulumi.com/waitFor";
/** Ready once the ALB controller has written the ALB's DNS name (a JSONPath without a value waits for any value there). */
export const ALB_DNS_NAME_READY = "jsonpath={.status.loadBalancer.dnsname}";
/** Where the ALB's DNS name is read from: the field the provider now waits for. */
export const ALB_DNS_NAME_PATH = ["status", "loadBalancer", "dnsname"] as const;

export function albConfigObject(
    controller: string,
    lb: AlbConfigSettings,
): { apiVersion: string; kind: string; metadata: { name: string; annotations: Record<string, string> }; spec: Record<string, unknown> } {
    const https: Record<string, unknown> = { port: 443, protocol: "HTTPS" };
    // Capitalised keys, as the CRD spells them. Without ids the controller uploads the Ingresses' TLS Secrets.
    if (lb.certificateIds) https.certificates = lb.certificateIds.map((id, i) => ({ CertificateId: id, IsDefault: i === 0 }));
    return {
        apiVersion: "alibabacloud.com/v1",
        kind: "AlbConfig",
        metadata: { name: albConfigName(controller), annotations: { [WAIT_FOR]: ALB_DNS_NAME_READY } },
        spec: {
            config: {
                name: albConfigName(controller),
                addressType: lb.addressType === "internet" ? "Internet" : "Intranet",
                edition: lb.edition,
                zoneMappings: lb.zoneMappings.map((z) => ({ vSwitchId: z.vSwitchId, zoneId: z.zoneId })),
                // Reusing an ALB: its listeners become this config's.
                ...(lb.id ? { id: lb.id, listenerForceOverride: true } : {}),
            },
            listeners: [{ port: 80, protocol: "HTTP" }, https],
        },
    };
}

/** The IngressClass bound to a controller's AlbConfig. Pure. */
export function albIngressClass(controller: string, className: string) {
    return {
        metadata: { name: className },
        spec: {
            controller: ALB_CONTROLLER,
            parameters: { apiGroup: "alibabacloud.com", kind: "AlbConfig", name: albConfigName(controller) },
        },
    };
}

/** Annotations of every Ingress of an ALB class. */
export function albIngressAnnotations(): Record<string, string> {
    return { [`${ALB_ANNOTATION}listen-ports`]: ALB_LISTEN_PORTS };
}

/**
 * The short host's rules for one API on ALB: regexes apply only to `pathType: Prefix` (the path
 * becomes a case-insensitive regex, `~*` + path) and rewrite variables are `${1}`..`${3}`, as many
 * as the regex has groups — so nginx's `/api01(/|$)(.*)` → `/$2` cannot be said. Two rules:
 * `/api01/(.*)` → `/${1}` (one group, one variable), and bare `/api01$` → `/` (none, none).
 * Each is its own Ingress (the rewrite target is an Ingress annotation).
 */
export function albPrefixRoutes(api: string): { suffix: string; path: string; rewrite: string }[] {
    return [
        { suffix: "", path: `/${api}/(.*)`, rewrite: "/${1}" },
        { suffix: "-root", path: `/${api}$`, rewrite: "/" },
    ];
}

/** The annotations of one short-host rule on ALB. */
export function albPrefixAnnotations(rewrite: string): Record<string, string> {
    return { ...albIngressAnnotations(), [`${ALB_ANNOTATION}use-regex`]: "true", [`${ALB_ANNOTATION}rewrite-target`]: rewrite };
}
