import * as pulumi from "@pulumi/pulumi";
import { DnsCutover } from "./components/dns-cutover";
import { IsolatedIngress } from "./components/isolated-ingress";
import { KongUpstream } from "./components/kong-upstream";
import { SourceFootprint } from "./components/source-footprint";
import { ShortDomainGateway } from "./components/short-domain-gateway";
import { ConfigError } from "./config/errors";
import { NAMESPACE, parseConfig } from "./config/parse";
import { CutoverConfig, PlatformConfig, RawConfig, SourceConfig, StackConfig } from "./config/types";
import { planConvergence, planCutover, relativeName } from "./plan/cutover";
import { CutoverState, decommissionVerdict, planFootprint } from "./plan/decommission";
import { planKong } from "./plan/kong";
import { PhaseMarker } from "./providers/phase-marker";
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
            return await composeCutover(config);
        case "source":
            return composeSource(config, options.now ?? new Date());
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
    const prefix = `${NAMESPACE}:`;
    const present = Object.entries(pulumi.runtime.allConfig())
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, value]) => ({ key: k.slice(prefix.length), value, secret: isConfigSecret(k) }));
    const tlsKey = cfg.get("tlsKey");
    const kongAdminToken = cfg.get("kongAdminToken");
    return {
        present,
        self: { project: pulumi.getProject(), stack: pulumi.getStack() },
        role: cfg.get("role"),
        domains: structured("domains"),
        apis: structured("apis"),
        ingress: structured("ingress"),
        shortDomain: structured("shortDomain"),
        tls: structured("tls"),
        cutover: structured("cutover"),
        dns: structured("dns"),
        kong: structured("kong"),
        source: structured("source"),
        decommission: structured("decommission"),
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

async function composeCutover(config: CutoverConfig): Promise<Record<string, unknown>> {
    const plan = planCutover(config);
    const { target } = config.cutover;
    // B's address is the platform stack's published SLB address unless config pins it.
    const platform = target.kind === "stack" ? new pulumi.StackReference("platform", { name: target.stack }) : undefined;
    // Checked before anything registers: a reference to a stack of another role is bad config.
    const platformOutputs = platform ? await knownOutputs(platform) : undefined;
    if (platformOutputs) requireRole(platformOutputs, "platform", "cutover.platformStack", target.kind === "stack" ? target.stack : "");
    const ingress = platform?.requireOutput("ingress") as pulumi.Output<{ loadBalancerAddress: string }> | undefined;
    const targetAddress = ingress ? ingress.apply((i) => i.loadBalancerAddress) : pulumi.output((target as { address: string }).address);

    const kongPlans = planKong(config);
    const origins = new Map(kongPlans.filter((k) => k.origin).map((k) => [k.api, k.origin!]));
    const cutovers = plan.hosts.map(
        (host) => new DnsCutover(`dns-${host.api}`, { plan: host, targetAddress, endpoint: config.dns.endpoint, retry: config.dns.retry, ...(origins.has(host.api) ? { origin: origins.get(host.api)! } : {}) }),
    );
    const kong = config.kong;
    if (kong && !kong.token) void pulumi.log.warn(`Kong layer without migration:kongAdminToken: the Admin API at ${kong.adminUrl} must accept unauthenticated requests (Kong OSS without RBAC); set the token if it has RBAC`);
    const upstreams = kong
        ? kongPlans.map(
              (k) =>
                  new KongUpstream(`kong-${k.api}`, {
                      plan: k,
                      connection: {
                          adminUrl: kong.adminUrl,
                          ...(kong.workspace ? { workspace: kong.workspace } : {}),
                          tlsVerify: kong.tlsVerify,
                          auth: kong.auth,
                          timeoutMs: kong.requestTimeoutMs,
                          retries: kong.retries,
                          backoffMs: kong.retryBackoffMs,
                      },
                      ...(kong.token ? { adminToken: kong.token } : {}),
                      ...(k.origin ? { ttl: plan.hosts.find((h) => h.api === k.api)!.ttl } : {}),
                  }),
          )
        : [];
    const marker = new PhaseMarker("phase", { phase: config.cutover.phase });
    return {
        role: config.role,
        phase: config.cutover.phase,
        // Read by the source stack's decommission guard (observation window).
        phaseAppliedAt: marker.appliedAt,
        traffic: [...cutovers.map((c) => c.traffic), ...upstreams.map((u) => u.traffic)].sort((x, y) => (x.host === y.host ? x.layer.localeCompare(y.layer) : x.host.localeCompare(y.host))),
        notes: plan.hosts.map((h) => `${h.host}: wait ${h.wait.seconds} s after this apply: ${h.wait.reason}`),
        convergence: planConvergence(config, plan, new Set(kongPlans.map((k) => k.api))),
        // What the phase diagram (--mermaid) draws beside the traffic rows.
        topology: {
            sourceAddress: config.cutover.sourceAddress,
            short: config.domains.short,
            apis: config.apis.map((a) => ({ name: a.name, namespace: a.namespace, service: a.service, long: `${a.name}.${config.domains.target}` })),
            ...(platformOutputs ? platformClasses(platformOutputs) : {}),
        },
    };
}

/**
 * Another stack's outputs as plain values, with what is not known yet (offline: values only
 * an apply would produce) as undefined. Against a real backend every referenced output is known.
 */
async function knownOutputs(ref: pulumi.StackReference): Promise<Record<string, unknown>> {
    const withUnknowns = await (ref.outputs as unknown as { promise(withUnknowns: boolean): Promise<Record<string, unknown>> }).promise(true);
    const strip = (v: unknown): unknown => {
        if (pulumi.isUnknown(v)) return undefined;
        if (Array.isArray(v)) return v.map(strip);
        if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
        return v;
    };
    return (strip(withUnknowns) as Record<string, unknown>) ?? {};
}

/** The platform's IngressClasses, for the phase diagram (known even while its SLB address is not). */
function platformClasses(outputs: Record<string, unknown>): { teamClass?: string; shortClass?: string; shortMode?: string } {
    const ingress = outputs.ingress as { className?: string } | undefined;
    const short = outputs.shortDomain as { className?: string; mode?: string } | undefined;
    return { ...(ingress?.className ? { teamClass: ingress.className } : {}), ...(short?.className ? { shortClass: short.className } : {}), ...(short?.mode ? { shortMode: short.mode } : {}) };
}

/**
 * A referenced stack must be of the role the key expects: a guard reading a platform stack's
 * outputs would find no traffic rows and judge on nothing.
 */
function requireRole(outputs: Record<string, unknown>, expected: "platform" | "cutover", key: string, stack: string): void {
    if (outputs.role === expected) return;
    const seen = typeof outputs.role === "string" ? `its outputs say role ${JSON.stringify(outputs.role)}` : "its outputs carry no role";
    throw new ConfigError([{ path: `${NAMESPACE}:${key}`, message: `${JSON.stringify(stack)} is not accepted; expected a stack of role ${expected} (${seen})` }]);
}

async function composeSource(config: SourceConfig, now: Date): Promise<Record<string, unknown>> {
    // `protect` is a plain option, so the guard needs the cutover stack's values before anything registers.
    const outputs = await knownOutputs(new pulumi.StackReference("cutover", { name: config.source.cutoverStack }));
    requireRole(outputs, "cutover", "source.cutoverStack", config.source.cutoverStack);
    const cutover = outputs as Partial<CutoverState>;
    const verdict = decommissionVerdict(config, { phase: cutover.phase, phaseAppliedAt: cutover.phaseAppliedAt, traffic: cutover.traffic ?? [] }, now);
    if (!verdict.allowed) void pulumi.log.warn(`decommission blocked, A stays protected:\n  - ${verdict.reasons.join("\n  - ")}`);

    const adopted = planFootprint(config);
    const { source, domains } = config;
    new SourceFootprint("source-a", {
        adopted,
        kubeContext: source.kubeContext,
        ...(source.ingress.kind === "helm-release" ? { releaseChart: source.ingress.chart } : {}),
        ...(source.wildcardRecord ? { wildcard: { zone: source.wildcardRecord.zone, rr: relativeName(`*.${domains.source}`, source.wildcardRecord.zone), address: source.address } } : {}),
        protect: !verdict.allowed,
    });
    return {
        role: config.role,
        decommission: verdict,
        adopted: adopted.map((a) => ({ kind: a.kind, import: a.importId, protect: !verdict.allowed })),
    };
}
