import * as pulumi from "@pulumi/pulumi";
import { DnsCutover } from "./components/dns-cutover";
import { IsolatedIngress } from "./components/isolated-ingress";
import { KongUpstream } from "./components/kong-upstream";
import { ShortDomainGateway } from "./components/short-domain-gateway";
import { ConfigError } from "./config/errors";
import { NAMESPACE, parseConfig } from "./config/parse";
import { CutoverConfig, PlatformConfig, RawConfig, StackConfig } from "./config/types";
import { planCutover } from "./plan/cutover";
import { planKong } from "./plan/kong";
import { planPlatform, SHORT_DOMAIN_COMPONENT } from "./plan/platform";

export interface RunOptions {
    /** The clock for certificate checks. @default new Date() */
    now?: Date;
}

/**
 * The Pulumi program: read config once, validate it, plan, then compose the role's
 * components. Everything below this function receives typed values, never config.
 */
export async function run(options: RunOptions = {}): Promise<Record<string, unknown>> {
    const config: StackConfig = parseConfig(readRawConfig());
    switch (config.role) {
        case "platform":
            return composePlatform(config, options.now ?? new Date());
        case "cutover":
            return composeCutover(config);
        default:
            throw new ConfigError([
                { path: `${NAMESPACE}:role`, message: `${JSON.stringify(config.role)} is not implemented yet; accepted today: platform, cutover` },
            ]);
    }
}

/** Reads every `migration:*` key this program knows, once, without interpreting it. */
function readRawConfig(): RawConfig {
    const cfg = new pulumi.Config(NAMESPACE);
    const structured = (key: string): unknown => {
        const text = cfg.get(key);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            // A plain string where an object is expected: let validation name the key.
            return text;
        }
    };
    const tlsKey = cfg.get("tlsKey");
    const kongAdminToken = cfg.get("kongAdminToken");
    return {
        role: cfg.get("role"),
        domains: structured("domains"),
        apis: structured("apis"),
        ingress: structured("ingress"),
        shortDomain: structured("shortDomain"),
        tls: structured("tls"),
        cutover: structured("cutover"),
        dns: structured("dns"),
        kong: structured("kong"),
        ...(kongAdminToken === undefined ? {} : { kongAdminToken: pulumi.secret(kongAdminToken), kongAdminTokenIsSecret: isConfigSecret(`${NAMESPACE}:kongAdminToken`) }),
        ...(tlsKey === undefined ? {} : { tlsKey: pulumi.secret(tlsKey), tlsKeyIsSecret: isConfigSecret(`${NAMESPACE}:tlsKey`) }),
    };
}

/** Whether the engine passed a key as secret. The SDK keeps this helper internal, so use it defensively. */
function isConfigSecret(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
    return typeof runtimeConfig.isConfigSecret === "function" ? runtimeConfig.isConfigSecret(key) : true;
}

function composePlatform(config: PlatformConfig, now: Date): Record<string, unknown> {
    const plan = planPlatform(config, now);
    for (const warning of plan.warnings) void pulumi.log.warn(warning);

    const team = new IsolatedIngress(config.ingress.name, {
        controller: plan.team.controller,
        ingresses: plan.team.ingresses,
        tls: plan.team.tls,
        hostsByApi: plan.team.hostsByApi,
    });
    const short = new ShortDomainGateway(SHORT_DOMAIN_COMPONENT, { plan: plan.shortDomain, sharedController: team });

    return {
        role: config.role,
        ingress: {
            className: team.className,
            controllerValue: team.controllerValue,
            loadBalancerAddress: team.loadBalancerAddress,
            hosts: team.hosts,
        },
        shortDomain: {
            host: short.host,
            mode: plan.shortDomain.mode,
            className: short.className,
            loadBalancerAddress: short.loadBalancerAddress,
            urls: short.urls,
        },
        tls: plan.certificate
            ? { managed: true, dnsNames: plan.certificate.dnsNames, notAfter: plan.certificate.notAfter }
            : { managed: false, secretName: plan.team.tls.secretName },
    };
}

function composeCutover(config: CutoverConfig): Record<string, unknown> {
    const plan = planCutover(config);
    const { target } = config.cutover;
    // B's address is the platform stack's published SLB address unless config pins it.
    const targetAddress =
        target.kind === "address"
            ? pulumi.output(target.address)
            : new pulumi.StackReference("platform", { name: target.stack }).requireOutput("ingress").apply((i) => (i as { loadBalancerAddress: string }).loadBalancerAddress);

    const kongPlans = planKong(config);
    const origins = new Map(kongPlans.filter((k) => k.origin).map((k) => [k.api, k.origin!]));
    const cutovers = plan.hosts.map(
        (host) => new DnsCutover(`dns-${host.api}`, { plan: host, targetAddress, endpoint: config.dns.endpoint, ...(origins.has(host.api) ? { origin: origins.get(host.api)! } : {}) }),
    );
    const kong = config.kong;
    const upstreams = kong
        ? kongPlans.map(
              (k) =>
                  new KongUpstream(`kong-${k.api}`, {
                      plan: k,
                      connection: { adminUrl: kong.adminUrl, ...(kong.workspace ? { workspace: kong.workspace } : {}), tlsVerify: kong.tlsVerify, auth: kong.auth },
                      ...(kong.token ? { adminToken: kong.token } : {}),
                      ...(k.origin ? { ttl: plan.hosts.find((h) => h.api === k.api)!.ttl } : {}),
                  }),
          )
        : [];
    return {
        role: config.role,
        phase: config.cutover.phase,
        traffic: [...cutovers.map((c) => c.traffic), ...upstreams.map((u) => u.traffic)].sort((x, y) => (x.host === y.host ? x.layer.localeCompare(y.layer) : x.host.localeCompare(y.host))),
        notes: plan.hosts.map((h) => `${h.host}: wait ${h.wait.seconds} s after this apply: ${h.wait.reason}`),
    };
}
