import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { CertificateSummary, checkCertificate } from "../config/tls";
import { Api, ControllerConfig, IngressImplementationName, LoadBalancerConfig, PlatformConfig } from "../config/types";
import { resolveController } from "./controller";
import { ChartRef, INGRESS_IMPLEMENTATIONS } from "./ingress-implementation";
import { legacyHost, loadBalancerServiceName, longHost } from "./naming";

/** Prefix of the ACK cloud-controller-manager's Service annotations. */
export const ACK_LB_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-";

/** Name of the component that serves the short host. */
export const SHORT_DOMAIN_COMPONENT = "short-domain";

/** One ingress controller: what its Helm release and load-balancer Service look like. */
export interface ControllerPlan {
    name: string;
    implementation: IngressImplementationName;
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

export interface PlatformPlan {
    team: IsolatedIngressPlan;
    shortDomain: ShortDomainPlan;
    /** The checked certificate, when the program manages the TLS Secrets. */
    certificate?: CertificateSummary;
    warnings: string[];
}

/** Hosts of one API: the new long domain first, then the legacy one when accepted. */
export function apiHosts(config: PlatformConfig, api: Api): string[] {
    const hosts = [longHost(api.name, config.domains)];
    if (config.ingress.acceptLegacyHosts) hosts.push(legacyHost(api.name, config.domains));
    return hosts;
}

/** Every host a platform stack serves, in a stable order. */
export function servedHosts(config: PlatformConfig): string[] {
    return [...config.apis.flatMap((api) => apiHosts(config, api)), config.domains.short];
}

/** ACK CCM annotations for the controller's `type: LoadBalancer` Service. */
export function loadBalancerAnnotations(lb: LoadBalancerConfig): Record<string, string> {
    const a: Record<string, string> = { [`${ACK_LB_ANNOTATION}address-type`]: lb.addressType };
    if (lb.kind === "existing") {
        a[`${ACK_LB_ANNOTATION}id`] = lb.id;
        // Without this the CCM attaches the SLB but leaves its listeners pointing elsewhere.
        a[`${ACK_LB_ANNOTATION}force-override-listeners`] = "true";
    } else if (lb.spec) {
        a[`${ACK_LB_ANNOTATION}spec`] = lb.spec;
    }
    if (lb.vswitchId) a[`${ACK_LB_ANNOTATION}vswitch-id`] = lb.vswitchId;
    return a;
}

export function planController(configured: ControllerConfig): ControllerPlan {
    const controller = resolveController(configured);
    const impl = INGRESS_IMPLEMENTATIONS[controller.implementation];
    const releaseName = impl.releaseName(controller.name);
    const serviceName = loadBalancerServiceName(releaseName);
    return {
        name: controller.name,
        implementation: controller.implementation,
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
            annotations: loadBalancerAnnotations(controller.loadBalancer),
            selector: impl.podSelector(controller.name),
            ports: [
                { name: "http", port: 80, targetPort: "http" },
                { name: "https", port: 443, targetPort: "https" },
            ],
        },
    };
}

function namespacesOf(apis: Api[]): string[] {
    return [...new Set(apis.map((a) => a.namespace))].sort();
}

function tlsSecrets(config: PlatformConfig, secretName: string): TlsSecretsPlan {
    const namespaces = namespacesOf(config.apis);
    return config.tls.kind === "certificate"
        ? { kind: "managed", secretName, namespaces, certificatePem: config.tls.certificatePem, key: config.tls.key }
        : { kind: "existing", secretName: config.tls.secretName, namespaces };
}

/**
 * The whole `platform` stack as data: controllers, Ingresses, TLS Secrets. Pure; refuses
 * (ConfigError) a certificate that does not cover every served host or expires too soon.
 */
export function planPlatform(config: PlatformConfig, now: Date): PlatformPlan {
    const warnings: string[] = [];
    let certificate: CertificateSummary | undefined;
    if (config.tls.kind === "certificate") {
        const checked = checkCertificate(config.tls.certificatePem, servedHosts(config), now);
        if (checked.problems.length > 0) throw new ConfigError(checked.problems);
        certificate = checked.summary;
    } else {
        warnings.push(
            `TLS coverage not checked: existing Secret ${config.tls.secretName} must exist in ${namespacesOf(config.apis).join(", ")} and cover ${servedHosts(config).join(", ")}`,
        );
    }

    const teamController = planController(config.ingress);
    if (config.ingress.replicas < 2) warnings.push(`ingress.replicas is 1: no PodDisruptionBudget, a node drain takes the controller down`);
    const teamTls = tlsSecrets(config, `${config.ingress.name}-tls`);
    const hostsByApi: Record<string, string[]> = {};
    const teamIngresses = config.apis.map((api): IngressPlan => {
        const hosts = apiHosts(config, api);
        hostsByApi[api.name] = hosts;
        return {
            key: api.name,
            name: `${api.name}-${config.ingress.name}`,
            namespace: api.namespace,
            className: teamController.className,
            annotations: {},
            rules: hosts.map((host) => ({ host, paths: [{ path: "/", pathType: "Prefix", service: api.service, port: api.port }] })),
            tls: { hosts, secretName: teamTls.secretName },
        };
    });

    const shortController = config.shortDomain.mode === "dedicated" ? planController(config.shortDomain.controller) : undefined;
    if (shortController && shortController.replicas < 2) warnings.push(`shortDomain.controller.replicas is 1: no PodDisruptionBudget, a node drain takes the short host down`);
    const shortClass = shortController?.className ?? teamController.className;
    const impl = INGRESS_IMPLEMENTATIONS[(config.shortDomain.mode === "dedicated" ? config.shortDomain.controller : config.ingress).implementation];
    const shortTls = tlsSecrets(config, `${SHORT_DOMAIN_COMPONENT}-tls`);
    const short = config.domains.short;
    const urls: Record<string, string> = {};
    const shortIngresses = config.apis.map((api): IngressPlan => {
        const route = impl.prefixRoute(api.name);
        urls[api.name] = `https://${short}/${api.name}/`;
        return {
            key: api.name,
            name: `${api.name}-${SHORT_DOMAIN_COMPONENT}`,
            namespace: api.namespace,
            className: shortClass,
            annotations: route.annotations,
            rules: [{ host: short, paths: [{ path: route.path, pathType: route.pathType, service: api.service, port: api.port }] }],
            tls: { hosts: [short], secretName: shortTls.secretName },
        };
    });

    return {
        team: { controller: teamController, ingresses: teamIngresses, tls: teamTls, hostsByApi },
        shortDomain: {
            host: short,
            mode: config.shortDomain.mode,
            className: shortClass,
            ...(shortController ? { controller: shortController } : {}),
            ingresses: shortIngresses,
            tls: shortTls,
            urls,
        },
        ...(certificate ? { certificate } : {}),
        warnings,
    };
}
