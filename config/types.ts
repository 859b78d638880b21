/**
 * The parsed config's types. Each block's type is inferred from its schema (config/schema/), so
 * the shape is written once; what is hand-written here is only what no stack file holds: the
 * secrets (Outputs), the raw values as read, and the derived unions the role schemas produce.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { apiSchema, domainsSchema } from "./schema/common";
import type { cutoverSchema, DnsSettings, GateSettings, Phase } from "./schema/cutover";
import type { PlatformDnsSettings } from "./schema/dns";
import type { kongSchema } from "./schema/kong";
import type { albSchema, clbSchema, ControllerConfig, ingressSchema, shortDomainSchema } from "./schema/platform";
import type { DecommissionSettings, sourceSchema } from "./schema/source";
import type { TransplantSettings } from "./schema/transplant";
import type { KongDataPlaneSettings } from "./schema/kong-data-plane";

export type { DnsEdition, DnsSettings, GateSettings, Phase } from "./schema/cutover";
export type { PlatformDnsSettings } from "./schema/dns";
export { DNS_EDITIONS, PHASES } from "./schema/cutover";
export type { KongApiSettings, RelaxedServiceSettings } from "./schema/kong";
export type { ControllerConfig } from "./schema/platform";
export type { DecommissionSettings, SourceIngress, WildcardRecord } from "./schema/source";
export type { TransplantSettings } from "./schema/transplant";
export type { KongDataPlaneSettings } from "./schema/kong-data-plane";

/** What a stack composes. */
export type Role = "platform" | "cutover" | "source" | "workloads";
export const ROLES = ["platform", "cutover", "source", "workloads"] as const satisfies readonly Role[];

export type Domains = z.output<typeof domainsSchema>;
export type Api = z.output<typeof apiSchema>;

/** Controller implementations the IsolatedIngress seam knows: ACK ALB Ingress (maintained), ingress-nginx (retired). */
export type IngressImplementationName = ControllerConfig["implementation"];
export const INGRESS_IMPLEMENTATION_NAMES: readonly IngressImplementationName[] = ["alb", "ingress-nginx"];

/** How an ingress-nginx controller's Service gets its Alibaba Cloud load balancer (a CLB, through the CCM). */
export type ClbConfig = z.output<typeof clbSchema>;
/** How a CLB is billed. */
export type ClbChargeType = ClbConfig["chargeType"];
/** An ALB instance of ACK ALB Ingress, as its AlbConfig describes it. */
export type AlbConfigSettings = z.output<typeof albSchema>;
/** The load balancer in front of a controller: a CLB for ingress-nginx, an ALB for ALB Ingress. */
export type LoadBalancerConfig = ClbConfig | AlbConfigSettings;

/** TLS material for every served host: a certificate with its secret key, or an existing Secret. */
export type TlsConfig =
    | {
          kind: "certificate";
          /** PEM of the certificate (chain allowed; the first is the leaf). */
          certificatePem: string;
          /** The private key, the secret `migration:tlsKey`; opaque to validation. */
          key: pulumi.Output<string>;
      }
    | { kind: "existingSecret"; secretName: string };

/** `migration:shortDomain`: which controller serves the short host. */
export type ShortDomainConfig = z.output<typeof shortDomainSchema>;

/** Everything a `platform` stack needs. */
export interface PlatformConfig {
    role: "platform";
    domains: Domains;
    apis: Api[];
    ingress: z.output<typeof ingressSchema>;
    shortDomain: ShortDomainConfig;
    tls: TlsConfig;
    /** Where B's own names live; absent: they are managed elsewhere. */
    dns?: PlatformDnsSettings;
    /** A Kong data plane in B with its cluster key (a secret); absent: none. */
    kongDataPlane?: KongDataPlaneSettings & { clusterKey: pulumi.Output<string> };
}

/** Where B's address comes from: given, the `platform` stack's output, or B's load balancer by DNS name. */
export type TargetAddress = { kind: "address"; address: string } | { kind: "stack"; stack: string } | { kind: "host"; host: string };

type CutoverBlock = z.output<typeof cutoverSchema>;

/** `migration:cutover` as the plan reads it: B's place as one TargetAddress, a weight for every API. */
export type CutoverSettings = Omit<CutoverBlock, "targetAddress" | "targetHost" | "platformStack" | "allowSkippingShift"> & {
    target: TargetAddress;
    allowSkippingShift?: boolean;
    gate: GateSettings;
    phase: Phase;
};

/** `migration:kong` with the secret Admin token (absent: an Admin API without auth). */
export type KongSettings = z.output<typeof kongSchema> & { token?: pulumi.Output<string> };

export interface CutoverConfig {
    role: "cutover";
    domains: Domains;
    apis: Api[];
    cutover: CutoverSettings;
    dns: DnsSettings;
    /** Absent: no Kong layer. */
    kong?: KongSettings;
}

/** `migration:source` as the plan reads it: the namespaces always listed. */
export type SourceSettings = Omit<z.output<typeof sourceSchema>, "namespaces"> & { namespaces: string[] };

export interface SourceConfig {
    role: "source";
    domains: Domains;
    apis: Api[];
    source: SourceSettings;
    decommission: DecommissionSettings;
}

export interface WorkloadsConfig {
    role: "workloads";
    domains: Domains;
    apis: Api[];
    transplant: TransplantSettings;
}

export type StackConfig = PlatformConfig | CutoverConfig | SourceConfig | WorkloadsConfig;

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
    transplant?: unknown;
    kongDataPlane?: unknown;
    kongAdminToken?: pulumi.Output<string>;
    kongAdminTokenIsSecret?: boolean;
    /** `migration:tlsKey` as a secret Output, or undefined when not set. */
    tlsKey?: pulumi.Output<string>;
    /** Whether `migration:tlsKey` is stored as a secret (a plain private key is refused). */
    tlsKeyIsSecret?: boolean;
    /** `migration:kongClusterKey` as a secret Output, or undefined when not set. */
    kongClusterKey?: pulumi.Output<string>;
    /** Whether `migration:kongClusterKey` is stored as a secret. */
    kongClusterKeyIsSecret?: boolean;
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
