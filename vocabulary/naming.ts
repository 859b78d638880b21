/**
 * Every name the migration derives, in one place (in the spirit of SST's
 * `components/naming.ts`): host names from an API and a domain suffix, names relative to a
 * DNS zone, the names an ingress controller claims, Kong upstream names, and the child-name
 * rules of the components. Nothing else builds these strings, and nothing parses them back:
 * rows and plans carry the API name itself.
 */

/** An API's host under a suffix: `<api>.<suffix>` (legacy: A's suffix; long: B's). */
export function apiHost(api: string, suffix: string): string {
    return `${api}.${suffix}`;
}

/** The legacy host clients use today: `<api>.<domains.source>`. */
export function legacyHost(api: string, domains: { source: string }): string {
    return apiHost(api, domains.source);
}

/** The new long host in cluster B: `<api>.<domains.target>`. */
export function longHost(api: string, domains: { target: string }): string {
    return apiHost(api, domains.target);
}

/**
 * The intermediate name of one side when B is addressed by a host name: `<api>-a.<source>` (an
 * A record to A's address) and `<api>-b.<source>` (a CNAME to B's host); the legacy name holds
 * weighted CNAMEs to them. They live under A's legacy suffix, which is the team's own (another
 * team's API of the same name sits under its own suffix), and which A's wildcard covers: a
 * name not created yet, or already deleted, answers A's address rather than nothing.
 */
export function intermediateHost(api: string, side: "A" | "B", domains: { source: string }): string {
    return apiHost(`${api}-${side.toLowerCase()}`, domains.source);
}

/**
 * Where a second record of a legacy name is born before it joins the name: `<api>-staging.<source>`.
 * Neither DNS service can add a record paused, so it is added here (nobody resolves this name),
 * paused, and moved onto the legacy name. Under the team's suffix, like the intermediate names.
 */
export function stagingHost(api: string, domains: { source: string }): string {
    return apiHost(`${api}-staging`, domains.source);
}

/** The names the cutover writes beside an API's legacy name, which no other API's legacy name may take. */
export function cutoverOwnNames(api: string, domains: { source: string }): string[] {
    return [intermediateHost(api, "A", domains), intermediateHost(api, "B", domains), stagingHost(api, domains)];
}

/** Kong's stable host name for an API in stable-hostname mode: `origin-<api>.<domains.source>`. */
export function originHost(api: string, domains: { source: string }): string {
    return apiHost(`origin-${api}`, domains.source);
}

/** The wildcard that covers every legacy host: `*.<domains.source>`. */
export function legacyWildcard(domains: { source: string }): string {
    return apiHost("*", domains.source);
}

/** `host:port`, the form Kong targets take (the port always explicit). */
export function hostPort(host: string, port: number): string {
    return `${host}:${port}`;
}

/** Whether `host` lies inside `zone` (a strict sub-name). */
export function inZone(host: string, zone: string): boolean {
    return host.endsWith(`.${zone}`);
}

/** A host relative to its zone, as Alidns and PrivateZone want it (`api01.source-team1.dev`). */
export function relativeName(host: string, zone: string): string {
    return host.slice(0, host.length - zone.length - 1);
}

/** Names an ingress-nginx controller claims, all derived from its name. */
export const ingressNginxNames = {
    /** The IngressClass `spec.controller` value. */
    controllerValue: (controller: string) => `k8s.io/ingress-nginx-${controller}`,
    /** The leader-election lock; distinct per controller so two never share one. */
    electionId: (controller: string) => `ingress-nginx-${controller}-leader`,
    /** The Helm release, which also names the pods' `instance` label. */
    release: (controller: string) => `ingress-nginx-${controller}`,
};

/** The AlbConfig (and its ALB instance's name) of an ALB Ingress controller: `alb-<controller>`. */
export function albConfigName(controller: string): string {
    return `alb-${controller}`;
}

/** A controller's own namespace when config names none. */
export function controllerNamespace(controller: string): string {
    return `ingress-${controller}`;
}

/** A controller's IngressClass when config names none: `alb-<name>` or `nginx-<name>`. */
export function controllerClassName(controller: string, implementation: "alb" | "ingress-nginx" = "ingress-nginx"): string {
    return `${implementation === "alb" ? "alb" : "nginx"}-${controller}`;
}

/** A controller's namespace and IngressClass: config's where set, else the defaults above. */
export function controllerNames(c: { name: string; implementation: "alb" | "ingress-nginx"; namespace?: string; className?: string }): {
    namespace: string;
    className: string;
} {
    return {
        namespace: c.namespace ?? controllerNamespace(c.name),
        className: c.className ?? controllerClassName(c.name, c.implementation),
    };
}

/** The controller's own `type: LoadBalancer` Service. */
export function loadBalancerServiceName(release: string): string {
    return `${release}-lb`;
}

/** The Ingress a component makes for one API: `<api>-<component>`. */
export function ingressName(api: string, component: string): string {
    return `${api}-${component}`;
}

/** The TLS Secret a component's Ingresses reference: `<component>-tls`. */
export function tlsSecretName(component: string): string {
    return `${component}-tls`;
}

/**
 * The tag on every Kong entity a team's cutover stack manages, and decK's `select_tags`:
 * `migration-<upstreamPrefix>`, so one team's `deck gateway sync` never touches another's.
 */
export function kongTag(upstreamPrefix: string): string {
    return `migration-${upstreamPrefix}`;
}

/** A Kong upstream for one API: `<upstreamPrefix>-<api>`. */
export function upstreamName(prefix: string, api: string): string {
    return `${prefix}-${api}`;
}

/**
 * Names of the cutover's components, from the API they move: one ApiCutover per API (`api-<api>`),
 * and under it the API's gate, DNS and Kong children, whose names predate that parent and stay.
 */
export const cutoverChildren = {
    api: (api: string) => `api-${api}`,
    dns: (api: string) => `dns-${api}`,
    kong: (api: string) => `kong-${api}`,
    gate: (api: string) => `gate-${api}`,
};

/** The workloads stack's component: A's namespaces moved into B. */
export const TRANSPLANT_COMPONENT = "workloads";

/**
 * The child that registers one transplanted object: `<component>-<kind>-<namespace>/<name>`
 * (`-<kind>-<name>` when cluster-scoped). `/` cannot occur in a Kubernetes name or namespace,
 * so two objects never share a child name.
 */
export function transplantChild(component: string, kind: string, namespace: string | undefined, name: string): string {
    return `${component}-${kind.toLowerCase()}-${namespace ? `${namespace}/` : ""}${name}`;
}

/**
 * The Kong data plane in B of the team's ingress `<ingress>`: its namespace (`kong-dp-<ingress>`
 * unless set), the name the control plane lists it by (the namespace unless set), its Helm release,
 * the TLS Secret with the cluster certificate, and the chart's proxy Service (`<release>-kong-proxy`:
 * the kong chart's fullname is `<release>-kong`, templates/service-kong-proxy.yaml adds `-proxy`).
 */
export function dataPlaneNames(ingress: string, dp: { namespace?: string; hostname?: string }) {
    const namespace = dp.namespace ?? `kong-dp-${ingress}`;
    const release = `kong-dp-${ingress}`;
    return {
        namespace,
        hostname: dp.hostname ?? namespace,
        release,
        clusterSecret: `${release}-cluster-cert`,
        proxyService: `${release}-kong-proxy`,
    };
}
