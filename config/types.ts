import * as pulumi from "@pulumi/pulumi";

/** What a stack composes. */
export type Role = "platform" | "cutover" | "source";
export const ROLES: readonly Role[] = ["platform", "cutover", "source"];

/** The three DNS suffixes/hosts of the migration (`migration:domains`). */
export interface Domains {
    /** A's legacy suffix: `<api>.<source>` are the legacy hosts. */
    source: string;
    /** B's long-domain suffix: `<api>.<target>`. */
    target: string;
    /** The short host that routes `/<api>/...` by path. */
    short: string;
}

/** One migrated HTTP API (`migration:apis[i]`). */
export interface Api {
    /** A DNS label: hosts `<name>.<suffix>`, short path `/<name>`. */
    name: string;
    /** The API's namespace in cluster B (its Service lives there, so its Ingresses do too). */
    namespace: string;
    /** The API's Service name in that namespace. */
    service: string;
    /** The Service port, 1..65535. */
    port: number;
    /** Health check path, starting with `/`. */
    healthPath: string;
}

/** Controller implementations the IsolatedIngress seam knows: ACK ALB Ingress (maintained), ingress-nginx (retired). */
export type IngressImplementationName = "alb" | "ingress-nginx";
export const INGRESS_IMPLEMENTATION_NAMES: readonly IngressImplementationName[] = ["alb", "ingress-nginx"];

/** How a CLB is billed: pay-by-LCU (what is sold), or pay-by-specification (existing instances only). */
export type ClbChargeType = "PayByCLCU" | "PayBySpec";

/** How an ingress-nginx controller's Service gets its Alibaba Cloud load balancer (a CLB, through the CCM). */
export type ClbConfig =
    | {
          kind: "new";
          addressType: "intranet" | "internet";
          /** @default "PayByCLCU" (pay-by-specification CLBs are no longer sold) */
          chargeType: "PayByCLCU";
          /** With `intranet` only. */
          vswitchId?: string;
      }
    | {
          kind: "existing";
          addressType: "intranet" | "internet";
          /** Existing CLB id; listeners are overridden (force-override-listeners). */
          id: string;
          chargeType: ClbChargeType;
          /** CLB spec, e.g. `slb.s1.small`: only with `chargeType: PayBySpec` on an existing instance. */
          spec?: string;
          vswitchId?: string;
      };

/** An ALB instance of ACK ALB Ingress, as its AlbConfig describes it. */
export interface AlbConfigSettings {
    kind: "alb";
    addressType: "intranet" | "internet";
    /** At least two vSwitches in different zones (fixed at creation). */
    zoneMappings: { vSwitchId: string; zoneId: string }[];
    /** @default "Standard" */
    edition: "Basic" | "Standard" | "StandardWithWaf";
    /** Reuse an existing ALB (its listeners are overridden). */
    id?: string;
    /** HTTPS listener certificates from Alibaba Certificate Service; absent: the Ingress TLS Secret, uploaded by the controller. */
    certificateIds?: string[];
}

/** The load balancer in front of a controller: a CLB for ingress-nginx, an ALB for ALB Ingress. */
export type LoadBalancerConfig = ClbConfig | AlbConfigSettings;

/** One dedicated ingress controller, as configured (the plan derives what is left out). */
export interface ControllerConfig {
    name: string;
    implementation: IngressImplementationName;
    /** The controller's own namespace. @default "ingress-<name>" (derived in vocabulary/naming.ts) */
    namespace?: string;
    /** Its IngressClass. @default "nginx-<name>" (derived in vocabulary/naming.ts) */
    className?: string;
    replicas: number;
    loadBalancer: LoadBalancerConfig;
}

/** TLS material for every served host. */
export type TlsConfig =
    | {
          kind: "certificate";
          /** PEM of the certificate (chain allowed; the first is the leaf). */
          certificatePem: string;
          /** The private key, a secret config value; opaque to validation. */
          key: pulumi.Output<string>;
      }
    | {
          kind: "existingSecret";
          /** A `kubernetes.io/tls` Secret that must exist in every namespace that serves a host. */
          secretName: string;
      };

/** `migration:shortDomain`: which controller serves the short host. */
export type ShortDomainConfig = { mode: "shared" } | { mode: "dedicated"; controller: ControllerConfig };

/** Everything a `platform` stack needs. */
export interface PlatformConfig {
    role: "platform";
    domains: Domains;
    apis: Api[];
    ingress: ControllerConfig & { acceptLegacyHosts: boolean };
    shortDomain: ShortDomainConfig;
    tls: TlsConfig;
}

/** Cutover phases, in order. */
export type Phase = "prepare" | "shift" | "complete";
export const PHASES: readonly Phase[] = ["prepare", "shift", "complete"];

/** Alibaba Cloud DNS editions. */
export type DnsEdition = "free" | "basic" | "standard" | "ultimate" | "exclusive";
export const DNS_EDITIONS: readonly DnsEdition[] = ["free", "basic", "standard", "ultimate", "exclusive"];

/** Where B's address comes from: given, or the `platform` stack's `ingress.loadBalancerAddress` output. */
export type TargetAddress =
    | { kind: "address"; address: string }
    | { kind: "stack"; stack: string }
    /** B's load balancer addressed by a DNS name (ALB, NLB): weighted CNAMEs through intermediate names (PrivateZone only). */
    | { kind: "host"; host: string };

/** `migration:cutover.gate`: B proves itself before any share toward it rises (providers/health-gate.ts). */
export interface GateSettings {
    /** @default true; off is explicit and the plan warns */
    enabled: boolean;
    /** Which probes must pass: the legacy Host through B's team load balancer, and the short path. @default ["legacy"] */
    probes: ("legacy" | "short")[];
    /** Consecutive passes of every probe. @default 3 */
    successes: number;
    /** Between two rounds, ms. @default 2000 */
    intervalMs: number;
    /** Give up after this long, ms: the apply fails before anything moves. @default 120000 */
    deadlineMs: number;
    /** Per request, ms. @default 5000 */
    timeoutMs: number;
    /** PEM CA bundle B's certificate must verify against. @default the system roots where `pulumi up` runs */
    caBundle?: string;
    /** B's short-domain load balancer (`ADDRESS[:PORT]`), for the short probe. @default the platform stack's `shortDomain.loadBalancerAddress` */
    shortAddress?: string;
}

/** `migration:cutover`: the traffic switch. */
export interface CutoverSettings {
    phase: Phase;
    /** Percent of each API's traffic on B, 0..100, for every API in `apis` (left out means 0). */
    weights: Record<string, number>;
    /** A's SLB address (IPv4). */
    sourceAddress: string;
    target: TargetAddress;
    /** What `complete` leaves on the legacy name: an A record to B's address, or a CNAME to `<api>.<target>`. */
    completeWith: "address" | "cname";
    /** The explicit override that lets prepare go straight to complete (0 → 100 % in one apply). @default false */
    allowSkippingShift?: boolean;
    gate: GateSettings;
}

/** What both DNS services share in `migration:dns`. */
interface DnsCommon {
    /** The zone (domain) that holds the legacy names. */
    zone: string;
    ttl: { cutover: number; steady: number };
    /**
     * The DNS resolution line the records are written on (the `Line` of Alibaba's record calls).
     * @default "default"
     */
    line: string;
    /** The service's API endpoint. @default "alidns.aliyuncs.com" / "pvtz.aliyuncs.com" */
    endpoint: string;
    /** Retries of a throttled or unavailable call, and the first backoff (ms, doubling, jittered). @default {retries: 5, backoffMs: 250} */
    retry: { retries: number; backoffMs: number };
    /**
     * Requests per second to the API from the whole provider process (every name together),
     * kept under the service's per-API quota so a large phase edit is never throttled.
     * @default 20
     */
    requestsPerSecond: number;
}

/**
 * `migration:dns`: the service that answers the legacy names. Public Alidns (`alidns`, the
 * default) or PrivateZone (`privatezone`: internal zones bound to VPCs, where names like
 * `*.aibang` that resolve to 10.x addresses usually live).
 */
export type DnsSettings =
    | (DnsCommon & { service: "alidns"; edition: DnsEdition })
    | (DnsCommon & {
          service: "privatezone";
          /** The PrivateZone zone id. */
          zoneId: string;
          /** The VPCs whose clients resolve the names: the zone must be bound to each (printed for review). */
          vpcIds: string[];
      });

/** Kong settings of one API (`migration:kong.apis.<api>`). */
export interface KongApiSettings {
    /** The existing Kong service that routes this API. */
    service: string;
    /** A's runtime as `host:port`. @default "<api>.<source>:443" (derived in plan/kong.ts) */
    sourceTarget?: string;
    /** B's runtime as `host:port`. @default "<api>.<target>:443" (derived in plan/kong.ts) */
    targetTarget?: string;
    /** Host header Kong sends upstream. @default each target's own hostname (weighted mode); the legacy host (stable-hostname mode) */
    hostHeader?: string;
    /** Percent to B on this layer; absent: `cutover.weights.<api>`. */
    weight?: number;
    /** Stable-hostname mode: the one target's host name, a CNAME DnsCutover points at A's or B's long name. @default "origin-<api>.<source>" */
    originHost?: string;
}

/** Service settings relaxed while the migration runs, restored at `complete`. */
export interface RelaxedServiceSettings {
    retries?: number;
    connectTimeout?: number;
    readTimeout?: number;
    writeTimeout?: number;
}

/** `migration:kong`: the Kong Gateway layer, driven through its Admin API. */
export interface KongSettings {
    adminUrl: string;
    /** Enterprise workspace, a path prefix. */
    workspace?: string;
    /** Verify the Admin API's TLS certificate. @default true */
    tlsVerify: boolean;
    /** How the secret `migration:kongAdminToken` is sent. */
    auth: "kong-admin-token" | "bearer";
    /** The Admin token (secret), or undefined for an Admin API without auth. */
    token?: pulumi.Output<string>;
    /** Upstream names are `<upstreamPrefix>-<api>`. */
    upstreamPrefix: string;
    mode: "weighted" | "stable-hostname";
    /** Per-request timeout of the Admin API, ms. @default 10000 */
    requestTimeoutMs: number;
    /** Retries of a call answered 429/5xx or timed out. @default 3 */
    retries: number;
    /** First backoff between retries, ms (doubling, jittered, capped at 5 s; a Retry-After wins). @default 500 */
    retryBackoffMs: number;
    relaxed?: RelaxedServiceSettings;
    apis: Record<string, KongApiSettings>;
}

export interface CutoverConfig {
    role: "cutover";
    domains: Domains;
    apis: Api[];
    cutover: CutoverSettings;
    dns: DnsSettings;
    /** Absent: no Kong layer. */
    kong?: KongSettings;
}

/** A's ingress for the legacy hosts: a Helm release, or IngressClass and Ingress objects. */
export type SourceIngress =
    | { kind: "helm-release"; namespace: string; name: string; chart: string }
    | { kind: "objects"; ingresses: { namespace: string; name: string }[]; ingressClass?: string };

/**
 * A's legacy wildcard `*.<source>`: a public Alidns record (its record id, in the zone named
 * `zone`), or a record of a PrivateZone zone (its record id in zone `zoneId`, named `zone`).
 */
export type WildcardRecord =
    { service: "alidns"; id: string; zone: string } | { service: "privatezone"; id: string; zoneId: string; zone: string };

/** `migration:source`: A's footprint, adopted by id. */
export interface SourceSettings {
    /** kubeconfig context of cluster A. */
    kubeContext: string;
    /** The cutover stack whose outputs the guard reads. */
    cutoverStack: string;
    /** A's SLB address (IPv4). */
    address: string;
    /** The migrated namespaces in cluster A. */
    namespaces: string[];
    ingress: SourceIngress;
    /** A's CLB, when it was not created by a Service (else it goes with the Service). */
    loadBalancerId?: string;
    /** The legacy wildcard record `*.<source>`, on the DNS service the legacy names live on. */
    wildcardRecord?: WildcardRecord;
}

/** `migration:decommission`: when A may go. */
export interface DecommissionSettings {
    /** Hours `complete` must have been applied before A may be deleted. @default 24 */
    observationHours: number;
    /** Must list exactly the APIs being retired. */
    confirm: string[];
}

export interface SourceConfig {
    role: "source";
    domains: Domains;
    apis: Api[];
    source: SourceSettings;
    decommission: DecommissionSettings;
}

export type StackConfig = PlatformConfig | CutoverConfig | SourceConfig;

/**
 * Config values as read from the stack, before any check. Structured keys arrive as
 * parsed JSON (unknown shape); the TLS key arrives as an opaque secret Output.
 */
export interface RawConfig {
    /**
     * Every `migration:*` key the stack sets, as the engine passes it (values are strings;
     * secret values are decrypted). Used only to find keys the program would not read and
     * private keys outside the secret setting; never printed.
     */
    present?: PresentKey[];
    /** This stack (`pulumi.getProject()`/`getStack()`), so a stack cannot reference itself. */
    self?: { project: string; stack: string };
    role?: unknown;
    domains?: unknown;
    apis?: unknown;
    ingress?: unknown;
    shortDomain?: unknown;
    tls?: unknown;
    cutover?: unknown;
    dns?: unknown;
    kong?: unknown;
    source?: unknown;
    decommission?: unknown;
    kongAdminToken?: pulumi.Output<string>;
    kongAdminTokenIsSecret?: boolean;
    /** `migration:tlsKey` as a secret Output, or undefined when not set. */
    tlsKey?: pulumi.Output<string>;
    /** Whether `migration:tlsKey` is stored as a secret (a plain private key is refused). */
    tlsKeyIsSecret?: boolean;
}

/** One `migration:*` key as set on the stack. */
export interface PresentKey {
    /** The key without the namespace: `kong`, `cutover.weights.api01` (a flat key with dots). */
    key: string;
    /** The engine's string value (objects JSON-encoded). Never printed. */
    value: string;
    /** Whether the key is stored as a secret. */
    secret: boolean;
}
