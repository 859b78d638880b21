import * as pulumi from "@pulumi/pulumi";
import { ApiCutover } from "./components/api-cutover";
import { IsolatedIngress } from "./components/isolated-ingress";
import { KongDataPlane } from "./components/kong-data-plane";
import { SourceFootprint } from "./components/source-footprint";
import { TargetNames } from "./components/target-names";
import { ShortDomainGateway } from "./components/short-domain-gateway";
import { ConfigError } from "./config/errors";
import { COMPLETE_WITH_B_BY_NAME, parseConfig, wrongRoleProblem } from "./config/parse";
import { NAMESPACE, readRawConfig } from "./config/read";
import { CutoverConfig, PlatformConfig, SourceConfig, StackConfig, WorkloadsConfig } from "./config/types";
import { readExports } from "./config/exports";
import { planTransplant, reportOf, TransplantRefused } from "./plan/transplant/plan";
import { WorkloadTransplant } from "./components/workload-transplant";
import { ApiCutoverPlan, planApiCutovers, PlatformTarget } from "./plan/cutover";
import { PlatformAddressSlot, PublishedDataPlane } from "./plan/gate";
import { decommissionVerdict, guardInput, planFootprint } from "./plan/decommission";
import { dnsService } from "./plan/cutover";
import { cutoverWarnings, kongConnection } from "./plan/kong";
import { cutoverChildren, legacyWildcard, relativeName, TRANSPLANT_COMPONENT } from "./vocabulary/naming";
import { KONG_DATA_PLANE_COMPONENT, planPlatform, SHORT_DOMAIN_COMPONENT, TARGET_NAMES_COMPONENT } from "./plan/platform";
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
        case "workloads":
            return composeWorkloads(config);
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

    const dataPlane =
        plan.kongDataPlane && config.kongDataPlane
            ? new KongDataPlane(KONG_DATA_PLANE_COMPONENT, { plan: plan.kongDataPlane, clusterKey: config.kongDataPlane.clusterKey })
            : undefined;
    // The Ingress of an API routed through the data plane lives in its namespace: it waits for it.
    const team = new IsolatedIngress(config.ingress.name, { ...plan.team, ...(dataPlane ? { after: [dataPlane] } : {}) });
    const { dedicated, ...short } = plan.shortDomain;
    const gateway = new ShortDomainGateway(SHORT_DOMAIN_COMPONENT, {
        ...short,
        controller: dedicated ? { dedicated } : { shared: team },
        ...(dataPlane ? { after: [dataPlane] } : {}),
    });
    const names = plan.targetNames
        ? new TargetNames(TARGET_NAMES_COMPONENT, {
              plan: plan.targetNames,
              teamAddress: team.loadBalancerAddress,
              ...(dedicated ? { shortAddress: gateway.loadBalancerAddress } : {}),
          })
        : undefined;

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
        // B's own names and what each answers: `npm run verify --dns-server` checks them.
        names: names ? names.names : [],
        ...(dataPlane && plan.kongDataPlane
            ? {
                  kongDataPlane: {
                      namespace: plan.kongDataPlane.namespace,
                      hostname: plan.kongDataPlane.hostname,
                      proxy: dataPlane.proxy,
                      apis: plan.kongDataPlane.apis,
                      controlPlane: config.kongDataPlane!.controlPlane,
                      controlPlaneVersion: config.kongDataPlane!.controlPlaneVersion,
                      certificateNotAfter: plan.kongDataPlane.certificateNotAfter,
                  },
              }
            : {}),
    };
}

async function composeCutover(config: CutoverConfig): Promise<Record<string, unknown>> {
    const { target } = config.cutover;
    // B's addresses are the platform stack's published ones unless config pins them.
    const platform = target.kind === "stack" ? new pulumi.StackReference("platform", { name: target.stack }) : undefined;
    // Checked before anything registers: a reference to a stack of another role is bad config.
    if (platform && target.kind === "stack") await requireRole(platform, "platform", "cutover.platformStack", target.stack);
    // Whether B is an address or a DNS name decides the records' shape, so it is read before planning.
    const kind = platform && target.kind === "stack" ? await platformTarget(platform, config, target.stack) : undefined;
    for (const warning of cutoverWarnings(config)) void pulumi.log.warn(warning);
    if (!config.cutover.gate.enabled)
        void pulumi.log.warn(
            "the health gate is off (migration:cutover.gate.enabled: false): weights toward B rise without B proving itself first",
        );

    // Which APIs B's ingress sends through B's Kong data plane: their gates check it too (before anything registers).
    const dataPlane = platform ? await publishedDataPlane(platform) : undefined;
    const plans = planApiCutovers(config, kind, dataPlane);
    // Only the outputs the plan reads: a stack reference's missing output would never resolve.
    const addresses = platform ? platformAddresses(platform, new Set(plans.flatMap(addressSlots))) : {};
    const service = dnsService(config.dns);
    const { kong } = config;
    const kongAccess = kong ? { connection: kongConnection(kong), ...(kong.token ? { adminToken: kong.token } : {}) } : undefined;
    const traffic: TrafficRow<pulumi.Input<string>>[] = [];
    for (const p of plans) {
        const api = new ApiCutover(cutoverChildren.api(p.api), {
            plan: p,
            platform: addresses,
            service,
            ...(kongAccess ? { kong: kongAccess } : {}),
        });
        traffic.push(...api.traffic);
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
        // Read by the policy pack (policy/gate-before-share.ts): a share toward B without a gate is a violation unless this says the gate is off.
        gate: { enabled: config.cutover.gate.enabled },
        traffic,
        notes: plans.flatMap((p) => (p.note ? [p.note] : [])),
        convergence: plans.map((p) => p.convergence),
    };
}

/** The platform stack's `kongDataPlane` output, when it has a data plane (a stack that predates it has none). */
async function publishedDataPlane(ref: pulumi.StackReference): Promise<PublishedDataPlane | undefined> {
    const dp = (await ref.getOutputDetails("kongDataPlane")).value as Partial<PublishedDataPlane> | undefined;
    return dp && Array.isArray(dp.apis) && typeof dp.hostname === "string" && typeof dp.controlPlaneVersion === "string"
        ? { apis: dp.apis, hostname: dp.hostname, controlPlaneVersion: dp.controlPlaneVersion }
        : undefined;
}

/** The platform stack outputs one API's plan reads B's addresses from (plan/gate.ts slots). */
function addressSlots(p: ApiCutoverPlan): PlatformAddressSlot[] {
    const planned = [p.target, ...(p.gate?.probes.map((probe) => probe.connect.address) ?? [])];
    return planned.flatMap((a) => ("slot" in a ? [a.slot] : []));
}

/** Each slot's value: the `loadBalancerAddress` of the platform stack output it names. */
function platformAddresses(
    platform: pulumi.StackReference,
    slots: Set<PlatformAddressSlot>,
): Partial<Record<PlatformAddressSlot, pulumi.Output<string>>> {
    const read = (slot: PlatformAddressSlot) =>
        (platform.requireOutput(slot) as pulumi.Output<{ loadBalancerAddress: string }>).apply((o) => o.loadBalancerAddress);
    return Object.fromEntries([...slots].map((slot) => [slot, read(slot)]));
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

/**
 * A's namespaces into B: the exports are read here, at the entry (paths relative to the project,
 * where Pulumi and the offline plan run the program), planned, and refused as a whole before
 * anything registers when any object cannot move as it is.
 */
function composeWorkloads(config: WorkloadsConfig): Record<string, unknown> {
    const exported = readExports(config.transplant.exports, process.cwd());
    const plan = planTransplant(config, exported.objects);
    for (const warning of [...exported.warnings, ...plan.warnings]) void pulumi.log.warn(warning);
    const report = reportOf(plan);
    if (plan.refused.length > 0) throw new TransplantRefused(report);
    const { kubeContext } = config.transplant;
    new WorkloadTransplant(TRANSPLANT_COMPONENT, { kept: plan.kept, ...(kubeContext ? { kubeContext } : {}) });
    return { role: config.role, transplant: report };
}
