import * as pulumi from "@pulumi/pulumi";
import { DnsCutover } from "./components/dns-cutover";
import { IsolatedIngress } from "./components/isolated-ingress";
import { KongUpstream } from "./components/kong-upstream";
import { SourceFootprint } from "./components/source-footprint";
import { ShortDomainGateway } from "./components/short-domain-gateway";
import { ConfigError } from "./config/errors";
import { COMPLETE_WITH_B_BY_NAME, parseConfig, wrongRoleProblem } from "./config/parse";
import { NAMESPACE, readRawConfig } from "./config/read";
import { CutoverConfig, PlatformConfig, SourceConfig, StackConfig } from "./config/types";
import { effectiveShare, planApiCutovers, PlatformTarget } from "./plan/cutover";
import { planGate } from "./plan/gate";
import { parseEndpoint } from "./vocabulary/probes";
import { HealthGate } from "./providers/health-gate";
import { decommissionVerdict, guardInput, planFootprint } from "./plan/decommission";
import { dnsService } from "./plan/cutover";
import { cutoverWarnings, kongConnection } from "./plan/kong";
import { cutoverChildren, legacyWildcard, relativeName } from "./vocabulary/naming";
import { planPlatform, SHORT_DOMAIN_COMPONENT } from "./plan/platform";
import { TrafficRow } from "./plan/traffic";
import { PhaseMarker } from "./providers/phase-marker";

export interface RunOptions {
    /** The clock for certificate checks and the decommission guard. @default new Date() */
    now?: Date;
}

/**
 * The Pulumi program: read config once, validate it, plan, then compose the role's
 * components. Everything below this function receives typed values, never config.
 */
export async function run(options: RunOptions = {}): Promise<Record<string, unknown>> {
    const config: StackConfig = parseConfig(
        readRawConfig(pulumi.runtime.allConfig(), isConfigSecret, { project: pulumi.getProject(), stack: pulumi.getStack() }),
    );
    switch (config.role) {
        case "platform":
            return composePlatform(config, options.now ?? new Date());
        case "cutover":
            return await composeCutover(config);
        case "source":
            return composeSource(config, options.now ?? new Date());
    }
}

/** Whether the engine passed a key as secret. The SDK keeps this helper internal, so use it defensively. */
function isConfigSecret(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
    return typeof runtimeConfig.isConfigSecret === "function" ? runtimeConfig.isConfigSecret(key) : true;
}

function composePlatform(config: PlatformConfig, now: Date): Record<string, unknown> {
    const plan = planPlatform(config, now);
    for (const warning of plan.warnings) void pulumi.log.warn(warning);

    const team = new IsolatedIngress(config.ingress.name, plan.team);
    const { dedicated, ...short } = plan.shortDomain;
    const gateway = new ShortDomainGateway(SHORT_DOMAIN_COMPONENT, { ...short, controller: dedicated ? { dedicated } : { shared: team } });

    return {
        role: config.role,
        ingress: {
            className: team.className,
            controllerValue: team.controllerValue,
            loadBalancerAddress: team.loadBalancerAddress,
            // The cutover stack reads this before planning B's records (address or DNS name).
            addressKind: team.plan.controller.addressKind,
            hosts: team.hostsByApi,
        },
        shortDomain: {
            host: gateway.host,
            mode: gateway.plan.mode,
            className: gateway.className,
            loadBalancerAddress: gateway.loadBalancerAddress,
            urls: gateway.urls,
        },
        tls: plan.certificate
            ? { managed: true, dnsNames: plan.certificate.dnsNames, notAfter: plan.certificate.notAfter }
            : { managed: false, secretName: team.plan.tls.secretName },
    };
}

async function composeCutover(config: CutoverConfig): Promise<Record<string, unknown>> {
    const { target } = config.cutover;
    // B's address is the platform stack's published SLB address unless config pins it.
    const platform = target.kind === "stack" ? new pulumi.StackReference("platform", { name: target.stack }) : undefined;
    // Checked before anything registers: a reference to a stack of another role is bad config.
    if (platform && target.kind === "stack") await requireRole(platform, "platform", "cutover.platformStack", target.stack);
    // Whether B is an address or a DNS name decides the records' shape, so it is read before planning.
    const kind = platform && target.kind === "stack" ? await platformTarget(platform, config, target.stack) : undefined;
    const targetAddress = platform
        ? (platform.requireOutput("ingress") as pulumi.Output<{ loadBalancerAddress: string }>).apply((i) => i.loadBalancerAddress)
        : pulumi.output(target.kind === "host" ? target.host : (target as { address: string }).address);
    for (const warning of cutoverWarnings(config)) void pulumi.log.warn(warning);

    const kong = config.kong;
    const plans = planApiCutovers(config, kind);
    const traffic: TrafficRow<pulumi.Input<string>>[] = [];
    const { gate: gateSettings } = config.cutover;
    if (!gateSettings.enabled)
        void pulumi.log.warn(
            "the health gate is off (migration:cutover.gate.enabled: false): weights toward B rise without B proving itself first",
        );
    // B's short-domain load balancer, for the gate's short probe: pinned, or the platform stack's.
    const shortAt = gateSettings.shortAddress ? parseEndpoint(gateSettings.shortAddress) : undefined;
    const wantsShort = gateSettings.enabled && gateSettings.probes.includes("short");
    const shortAddress: pulumi.Input<string> | undefined =
        shortAt?.address ??
        (platform && wantsShort
            ? (platform.requireOutput("shortDomain") as pulumi.Output<{ loadBalancerAddress: string }>).apply((s) => s.loadBalancerAddress)
            : undefined);
    for (const p of plans) {
        const origin = p.kong?.origin;
        const g = planGate(
            config,
            config.apis.find((a) => a.name === p.api)!,
            p,
        );
        const gate = g
            ? new HealthGate(cutoverChildren.gate(p.api), {
                  api: g.api,
                  shares: g.shares,
                  probes: g.probes.map(({ via, ...probe }) => ({
                      ...probe,
                      connect:
                          via === "short" ? { address: shortAddress!, port: shortAt?.port ?? 443 } : { address: targetAddress, port: 443 },
                  })),
                  successes: g.settings.successes,
                  intervalMs: g.settings.intervalMs,
                  deadlineMs: g.settings.deadlineMs,
                  timeoutMs: g.settings.timeoutMs,
                  ...(g.settings.caBundle ? { ca: g.settings.caBundle } : {}),
              })
            : undefined;
        const dns = new DnsCutover(cutoverChildren.dns(p.api), {
            ...p.intent,
            targetAddress,
            service: dnsService(config.dns),
            ...(origin ? { origin } : {}),
            ...(gate ? { gate } : {}),
        });
        const effective = effectiveShare(p);
        traffic.push({ ...dns.traffic, effective });
        if (p.kongIntent && kong) {
            const upstream = new KongUpstream(cutoverChildren.kong(p.api), {
                ...p.kongIntent,
                connection: kongConnection(kong),
                ...(kong.token ? { adminToken: kong.token } : {}),
                ...(origin ? { ttl: p.dns.ttl } : {}),
                ...(gate ? { gate } : {}),
            });
            traffic.push({ ...upstream.traffic, effective });
        }
    }
    const { phase, completeWith, allowSkippingShift } = config.cutover;
    const marker = new PhaseMarker("phase", { phase, completeWith, ...(allowSkippingShift ? { allowSkippingShift } : {}) });
    return {
        role: config.role,
        phase: config.cutover.phase,
        // Read by the source stack's decommission guard: A's wildcard must be on this service.
        dnsService: config.dns.service,
        // Read by the source stack's decommission guard (observation window).
        phaseAppliedAt: marker.appliedAt,
        traffic,
        notes: plans.flatMap((p) => (p.note ? [p.note] : [])),
        convergence: plans.map((p) => p.convergence),
    };
}

/**
 * What the platform stack publishes B as (`ingress.addressKind`: "ip" for a CLB, "hostname" for
 * an ALB or NLB; a stack that predates the output publishes an IP). A DNS name on public Alidns
 * cannot be weighted against A's address, and with B a name `completeWith: cname` has nothing to
 * replace: both refused here, before anything registers.
 */
async function platformTarget(ref: pulumi.StackReference, config: CutoverConfig, stack: string): Promise<PlatformTarget> {
    const ingress = (await ref.getOutputDetails("ingress")).value as { addressKind?: string } | undefined;
    const kind: PlatformTarget = ingress?.addressKind === "hostname" ? "hostname" : "ip";
    if (kind === "hostname" && config.dns.service === "alidns") {
        throw new ConfigError([
            {
                path: `${NAMESPACE}:cutover.platformStack`,
                message: `${JSON.stringify(stack)} is not accepted here; its outputs publish B as a DNS name (ingress.addressKind: hostname), and on public Alidns a name cannot hold an A record and a CNAME at once, nor weight CNAMEs: use dns.service: privatezone (weighted CNAMEs through <api>-a/<api>-b intermediate names), or pin an IPv4 of B in cutover.targetAddress`,
            },
        ]);
    }
    if (kind === "hostname" && config.cutover.completeWith === "cname") {
        throw new ConfigError([
            { path: `${NAMESPACE}:cutover.completeWith`, message: `"cname" is not accepted here; expected ${COMPLETE_WITH_B_BY_NAME}` },
        ]);
    }
    return kind;
}

/**
 * A referenced stack must be of the role the key expects: a guard reading a platform stack's
 * outputs would find no traffic rows and judge on nothing. Read with the SDK's public
 * `getOutputDetails`, before anything registers.
 */
async function requireRole(ref: pulumi.StackReference, expected: "platform" | "cutover", key: string, stack: string): Promise<void> {
    const role = (await ref.getOutputDetails("role")).value;
    if (role !== expected) throw new ConfigError([wrongRoleProblem(key, stack, expected, role)]);
}

async function composeSource(config: SourceConfig, now: Date): Promise<Record<string, unknown>> {
    // `protect` is a plain option, so the guard needs the cutover stack's values before anything registers.
    const ref = new pulumi.StackReference("cutover", { name: config.source.cutoverStack });
    await requireRole(ref, "cutover", "source.cutoverStack", config.source.cutoverStack);
    const [phase, phaseAppliedAt, traffic, dnsService] = await Promise.all(
        ["phase", "phaseAppliedAt", "traffic", "dnsService"].map(async (k) => (await ref.getOutputDetails(k)).value),
    );
    const verdict = decommissionVerdict(config, guardInput(phase, phaseAppliedAt, traffic, dnsService), now);
    if (!verdict.allowed) void pulumi.log.warn(`decommission blocked, A stays protected:\n  - ${verdict.reasons.join("\n  - ")}`);

    const adopted = planFootprint(config);
    const { source, domains } = config;
    new SourceFootprint("source-a", {
        adopted,
        kubeContext: source.kubeContext,
        ...(source.ingress.kind === "helm-release" ? { releaseChart: source.ingress.chart } : {}),
        ...(source.wildcardRecord
            ? {
                  wildcard: {
                      zone: source.wildcardRecord.zone,
                      ...(source.wildcardRecord.service === "privatezone" ? { zoneId: source.wildcardRecord.zoneId } : {}),
                      rr: relativeName(legacyWildcard(domains), source.wildcardRecord.zone),
                      address: source.address,
                  },
              }
            : {}),
        protect: !verdict.allowed,
    });
    return {
        role: config.role,
        decommission: verdict,
        adopted: adopted.map((a) => ({ kind: a.kind, import: a.importId, protect: !verdict.allowed })),
    };
}
