import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { CertificateSummary, checkCertificate } from "../config/tls";
import { Api, ClbConfig, ControllerConfig, IngressImplementationName, PlatformConfig, TlsConfig } from "../config/types";
import { resolveController } from "./controller";
import { planTargetNames, TargetNamesPlan } from "./target-names";
import { KongDataPlanePlan, planKongDataPlane } from "./kong-data-plane";
import { albConfigObject, albIngressAnnotations, albIngressClass, albPrefixAnnotations, albPrefixRoutes, ALB_CONTROLLER } from "./alb";
import { ChartRef, INGRESS_NGINX, INGRESS_NGINX_RETIRED } from "./ingress-implementation";
import { ingressName, legacyHost, loadBalancerServiceName, longHost, tlsSecretName } from "../vocabulary/naming";

/** Prefix of the ACK cloud-controller-manager's Service annotations. */
export const ACK_LB_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

/** Name of the component that serves the short host. */
export const SHORT_DOMAIN_COMPONENT = "short-domain";
/** The Kong data plane in B. */
export const KONG_DATA_PLANE_COMPONENT = "kong-dp";
/** The component that points B's own names at B's new load balancers. */
export const TARGET_NAMES_COMPONENT = "b-names";

/** One ingress-nginx controller: its Helm release and its load-balancer Service. */
export interface NginxControllerPlan {
    name: string;
    implementation: "ingress-nginx";
    /** What its load balancer publishes (the cutover stack plans B by address or by DNS name from it). */
    addressKind: "ip";
    namespace: string;
    className: string;
    controllerValue: string;
    electionId: string;
    releaseName: string;
    replicas: number;
    chart: ChartRef;
    values: Record<string, unknown>;
    service: {
        name: string;
        annotations: Record<string, string>;
        selector: Record<string, string>;
        ports: { name: string; port: number; targetPort: string }[];
    };
}

/** One ACK ALB Ingress controller: its AlbConfig (one ALB) and the IngressClass bound to it; Alibaba runs the controller. */
export interface AlbControllerPlan {
    name: string;
    implementation: "alb";
    /** An ALB is addressed by a DNS name (AlbConfig status.loadBalancer.dnsname). */
    addressKind: "hostname";
    className: string;
    controllerValue: string;
    albConfig: ReturnType<typeof albConfigObject>;
    ingressClass: ReturnType<typeof albIngressClass>;
}

export type ControllerPlan = NginxControllerPlan | AlbControllerPlan;

/** One Ingress object, in the namespace of the Service it routes to. */
export interface IngressPlan {
    /** Stable key for the Pulumi child name (the API name, never a list index). */
    key: string;
    name: string;
    namespace: string;
    className: string;
    annotations: Record<string, string>;
    rules: { host: string; paths: { path: string; pathType: string; service: string; port: number }[] }[];
    tls: { hosts: string[]; secretName: string };
}

/** The TLS Secrets the Ingresses reference: created here, or existing ones named in config. */
export type TlsSecretsPlan =
    | { kind: "managed"; secretName: string; namespaces: string[]; certificatePem: string; key: pulumi.Output<string> }
    | { kind: "existing"; secretName: string; namespaces: string[] };

export interface IsolatedIngressPlan {
    controller: ControllerPlan;
    ingresses: IngressPlan[];
    tls: TlsSecretsPlan;
    /** Hosts each API is served on by this controller. */
    hostsByApi: Record<string, string[]>;
}

export interface ShortDomainPlan {
    host: string;
    mode: "shared" | "dedicated";
    className: string;
    /** Present in `dedicated` mode: the short host's own controller and SLB. */
    controller?: ControllerPlan;
    ingresses: IngressPlan[];
    tls: TlsSecretsPlan;
    /** Public URL prefix per API on the short host. */
    urls: Record<string, string>;
}

/** Hosts of one API: the new long domain first, then the legacy one when accepted. */
export function apiHosts(config: PlatformConfig, api: Api): string[] {
    const hosts = [longHost(api.name, config.domains)];
    if (config.ingress.acceptLegacyHosts) hosts.push(legacyHost(api.name, config.domains));
    return hosts;
}

/**
 * Where B's ingress sends an API: its own Service, or — when the Kong data plane routes it — the
 * data plane's proxy Service (the Ingress then lives in the data plane's namespace, beside the
 * Service it names; the Host header reaches Kong unchanged, as its routes expect the legacy host).
 */
export function backendOf(api: Api, dataPlane: KongDataPlanePlan | undefined): { namespace: string; service: string; port: number } {
    return dataPlane?.apis.includes(api.name)
        ? { namespace: dataPlane.namespace, service: dataPlane.proxy.service, port: dataPlane.proxy.port }
        : { namespace: api.namespace, service: api.service, port: api.port };
}

/** Every host a platform stack serves, in a stable order. */
export function servedHosts(config: PlatformConfig): string[] {
    return [...config.apis.flatMap((api) => apiHosts(config, api)), config.domains.short];
}

/** ACK CCM annotations for an ingress-nginx controller's `type: LoadBalancer` Service. */
export function loadBalancerAnnotations(lb: ClbConfig): Record<string, string> {
    const a: Record<string, string> = {
        [`${ACK_LB_ANNOTATION}address-type`]: lb.addressType,
        // Said explicitly: pay-by-specification CLBs are no longer sold (CCM ≥ 2.12 defaults to pay-by-LCU).
        [`${ACK_LB_ANNOTATION}instance-charge-type`]: lb.chargeType,
    };
    if (lb.kind === "existing") {
        a[`${ACK_LB_ANNOTATION}id`] = lb.id;
        // Without this the CCM attaches the SLB but leaves its listeners pointing elsewhere.
        a[`${ACK_LB_ANNOTATION}force-override-listeners`] = "true";
        if (lb.spec) a[`${ACK_LB_ANNOTATION}spec`] = lb.spec;
    }
    if (lb.vswitchId) a[`${ACK_LB_ANNOTATION}vswitch-id`] = lb.vswitchId;
    return a;
}

export function planController(configured: ControllerConfig): ControllerPlan {
    const controller = resolveController(configured);
    const lb = controller.loadBalancer;
    if (controller.implementation === "alb") {
        if (lb.kind !== "alb") throw new Error(`controller ${controller.name}: an ALB controller needs ALB settings`);
        return {
            name: controller.name,
            implementation: "alb",
            addressKind: "hostname",
            className: controller.className,
            controllerValue: ALB_CONTROLLER,
            albConfig: albConfigObject(controller.name, lb),
            ingressClass: albIngressClass(controller.name, controller.className),
        };
    }
    if (lb.kind === "alb") throw new Error(`controller ${controller.name}: ingress-nginx needs CLB settings`);
    const impl = INGRESS_NGINX;
    const releaseName = impl.releaseName(controller.name);
    const serviceName = loadBalancerServiceName(releaseName);
    return {
        name: controller.name,
        implementation: "ingress-nginx",
        addressKind: "ip",
        namespace: controller.namespace,
        className: controller.className,
        controllerValue: impl.controllerValue(controller.name),
        electionId: impl.electionId(controller.name),
        releaseName,
        replicas: controller.replicas,
        chart: impl.chart,
        values: impl.values(controller, `${controller.namespace}/${serviceName}`),
        service: {
            name: serviceName,
            annotations: loadBalancerAnnotations(lb),
            selector: impl.podSelector(controller.name),
            ports: [
                { name: "http", port: 80, targetPort: "http" },
                { name: "https", port: 443, targetPort: "https" },
            ],
        },
    };
}

function namespacesOf(routes: { namespace: string }[]): string[] {
    return [...new Set(routes.map((a) => a.namespace))].sort();
}

function tlsSecrets(tls: TlsConfig, secretName: string, routes: { namespace: string }[]): TlsSecretsPlan {
    const namespaces = namespacesOf(routes);
    return tls.kind === "certificate"
        ? { kind: "managed", secretName, namespaces, certificatePem: tls.certificatePem, key: tls.key }
        : { kind: "existing", secretName: tls.secretName, namespaces };
}

/** One API a controller serves: its Service and the hosts its Ingress answers for. */
export interface Route {
    /** The API's name: the Ingress is `<api>-<component>`, the child `<component>-<api>`. */
    api: string;
    /** The API's namespace (its Service lives there, so its Ingress does too). */
    namespace: string;
    service: string;
    port: number;
    /** The hosts served, the long one first. */
    hosts: string[];
}

/** What IsolatedIngress is asked to run: a controller, the APIs it serves, their TLS. */
export interface IsolatedIngressIntent {
    controller: ControllerConfig;
    routes?: Route[];
    tls?: TlsConfig;
}

/** The IsolatedIngress named `name` as data. Pure. */
export function planIsolatedIngress(name: string, intent: IsolatedIngressIntent): IsolatedIngressPlan {
    const controller = planController(intent.controller);
    const routes = intent.routes ?? [];
    if (routes.length > 0 && !intent.tls) throw new Error(`IsolatedIngress ${name}: tls is required when routes are given`);
    const tls: TlsSecretsPlan = intent.tls
        ? tlsSecrets(intent.tls, tlsSecretName(name), routes)
        : { kind: "existing", secretName: tlsSecretName(name), namespaces: [] };
    const hostsByApi: Record<string, string[]> = {};
    const ingresses = routes.map((r): IngressPlan => {
        hostsByApi[r.api] = r.hosts;
        return {
            key: r.api,
            name: ingressName(r.api, name),
            namespace: r.namespace,
            className: controller.className,
            annotations: controller.implementation === "alb" ? albIngressAnnotations() : {},
            rules: r.hosts.map((host) => ({ host, paths: [{ path: "/", pathType: "Prefix", service: r.service, port: r.port }] })),
            tls: { hosts: r.hosts, secretName: tls.secretName },
        };
    });
    return { controller, ingresses, tls, hostsByApi };
}

/** What ShortDomainGateway is asked to do: route `https://<host>/<api>/…` to each API, prefix stripped. */
export interface ShortDomainIntent {
    host: string;
    /** Its own controller (`dedicated`), or the class and implementation of the team's controller it shares. */
    controller:
        { kind: "dedicated"; config: ControllerConfig } | { kind: "shared"; className: string; implementation: IngressImplementationName };
    routes: Omit<Route, "hosts">[];
    tls: TlsConfig;
}

/** The ShortDomainGateway named `name` as data. Pure. */
export function planShortDomain(name: string, intent: ShortDomainIntent): ShortDomainPlan {
    const dedicated = intent.controller.kind === "dedicated" ? planController(intent.controller.config) : undefined;
    const className = dedicated?.className ?? (intent.controller as { className: string }).className;
    const implementation =
        intent.controller.kind === "dedicated" ? intent.controller.config.implementation : intent.controller.implementation;
    const tls = tlsSecrets(intent.tls, tlsSecretName(name), intent.routes);
    const urls: Record<string, string> = {};
    const ingress = (
        key: string,
        r: Omit<Route, "hosts">,
        path: string,
        pathType: string,
        annotations: Record<string, string>,
    ): IngressPlan => ({
        key,
        name: ingressName(key, name),
        namespace: r.namespace,
        className,
        annotations,
        rules: [{ host: intent.host, paths: [{ path, pathType, service: r.service, port: r.port }] }],
        tls: { hosts: [intent.host], secretName: tls.secretName },
    });
    const ingresses = intent.routes.flatMap((r): IngressPlan[] => {
        urls[r.api] = `https://${intent.host}/${r.api}/`;
        if (implementation === "alb")
            return albPrefixRoutes(r.api).map((x) => ingress(`${r.api}${x.suffix}`, r, x.path, "Prefix", albPrefixAnnotations(x.rewrite)));
        const route = INGRESS_NGINX.prefixRoute(r.api);
        return [ingress(r.api, r, route.path, route.pathType, route.annotations)];
    });
    return {
        host: intent.host,
        mode: intent.controller.kind,
        className,
        ...(dedicated ? { controller: dedicated } : {}),
        ingresses,
        tls,
        urls,
    };
}

/** The platform stack as the components are asked for it, with the checks that come before. */
export interface PlatformPlan {
    team: IsolatedIngressIntent & { routes: Route[]; tls: TlsConfig };
    /** The short domain's intent; in shared mode the component is given the team's controller. */
    shortDomain: { host: string; dedicated?: ControllerConfig; routes: Omit<Route, "hosts">[]; tls: TlsConfig };
    /** The checked certificate, when the program manages the TLS Secrets. */
    certificate?: CertificateSummary;
    /** B's own names, when the stack says where they live (`migration:dns`). */
    targetNames?: TargetNamesPlan;
    /** The Kong data plane in B, when `migration:kongDataPlane` is set. */
    kongDataPlane?: KongDataPlanePlan;
    warnings: string[];
}

/**
 * The whole `platform` stack as intents for its components, after the checks: refuses
 * (ConfigError) a certificate that does not cover every served host or expires too soon. Pure.
 */
export function planPlatform(config: PlatformConfig, now: Date): PlatformPlan {
    const warnings: string[] = [];
    const dataPlane = config.kongDataPlane ? planKongDataPlane(config.ingress.name, config.kongDataPlane, now) : undefined;
    if (dataPlane && dataPlane.problems.length > 0) throw new ConfigError(dataPlane.problems);
    let certificate: CertificateSummary | undefined;
    if (config.tls.kind === "certificate") {
        const checked = checkCertificate(config.tls.certificatePem, servedHosts(config), now);
        if (checked.problems.length > 0) throw new ConfigError(checked.problems);
        certificate = checked.summary;
    } else {
        warnings.push(
            `TLS coverage not checked: existing Secret ${config.tls.secretName} must exist in ${namespacesOf(config.apis.map((a) => backendOf(a, dataPlane?.plan))).join(", ")} and cover ${servedHosts(config).join(", ")}`,
        );
    }
    const nginx = config.ingress.implementation === "ingress-nginx";
    if (nginx && config.ingress.replicas < 2)
        warnings.push(`ingress.replicas is 1: no PodDisruptionBudget, a node drain takes the controller down`);
    const dedicated = config.shortDomain.mode === "dedicated" ? config.shortDomain.controller : undefined;
    if (dedicated?.implementation === "ingress-nginx" && dedicated.replicas < 2)
        warnings.push(`shortDomain.controller.replicas is 1: no PodDisruptionBudget, a node drain takes the short host down`);
    if (nginx || dedicated?.implementation === "ingress-nginx") warnings.push(INGRESS_NGINX_RETIRED);
    const { acceptLegacyHosts: _, ...controller } = config.ingress;
    const targetNames = planTargetNames(config);
    if (!targetNames)
        warnings.push(
            `B's names are not managed here (no migration:dns): ${longHost(config.apis[0].name, config.domains)} and ${config.domains.short} must be pointed at the new load balancers by hand, or they answer B's existing wildcard`,
        );
    return {
        team: {
            controller,
            routes: config.apis.map((api) => ({ api: api.name, ...backendOf(api, dataPlane?.plan), hosts: apiHosts(config, api) })),
            tls: config.tls,
        },
        shortDomain: {
            host: config.domains.short,
            ...(dedicated ? { dedicated } : {}),
            routes: config.apis.map((api) => ({ api: api.name, ...backendOf(api, dataPlane?.plan) })),
            tls: config.tls,
        },
        ...(certificate ? { certificate } : {}),
        ...(targetNames ? { targetNames } : {}),
        ...(dataPlane?.plan ? { kongDataPlane: dataPlane.plan } : {}),
        warnings,
    };
}
