/**
 * The health gate of one API in the cutover stack, as data: B's share on each layer this phase
 * brings (the gate probes before any of them rises), the probes it must see pass, and where each
 * probe connects. Pure: an address only the platform stack's outputs hold is left as a named
 * slot (`PlannedAddress`), which the wiring fills with that Output.
 */
import { ConfigError } from "../config/errors";
import { NAMESPACE } from "../config/read";
import { Api, CutoverConfig, GateSettings } from "../config/types";
import type { ApiCutoverPlan } from "./cutover";
import { planProbes } from "./probes";
import { isIPv4 } from "node:net";
import { parseEndpoint, Probe } from "../vocabulary/probes";

/** The platform stack outputs that publish B's load balancers (`<slot>.loadBalancerAddress`): the team's, and the short domain's. */
export type PlatformAddressSlot = "ingress" | "shortDomain";

/**
 * An address of B: pinned in config, or published by the platform stack, which only a run
 * against the backend can read; the slot names the output, the wiring gives its value.
 */
export type PlannedAddress = { pinned: string } | { slot: PlatformAddressSlot };

/** Where a probe connects: B's address (pinned, or a slot) and the port. */
export interface PlannedEndpoint {
    address: PlannedAddress;
    port: number;
}

export interface GatePlan {
    api: string;
    /** B's share per layer in this phase, e.g. `{ dns: 20, kong: 20 }`. */
    shares: Record<string, number>;
    /** The probes, each connecting to B's team load balancer (long, legacy) or its short-domain one (short). */
    probes: (Omit<Probe, "connect"> & { connect: PlannedEndpoint })[];
    settings: Pick<GateSettings, "successes" | "intervalMs" | "deadlineMs" | "timeoutMs" | "caBundle">;
    /**
     * Names that must resolve to B's team load balancer before B's share rises: the host of
     * Kong's B target. The probes connect to B's address directly and would pass while Kong's B
     * target still answers B's old load balancer (B's wildcard), which does not serve the API.
     */
    names: { host: string; expected: PlannedAddress }[];
    /**
     * For an API B's ingress sends through B's Kong data plane (the platform stack's
     * `kongDataPlane.apis`): the data plane must be listed by the control plane, in sync and ready
     * (providers/data-plane-check.ts) before B's share rises — a data plane that never synced
     * answers 404 for every route.
     */
    dataPlane?: GateDataPlane;
}

/** What the gate checks of B's Kong data plane, and where. */
export interface GateDataPlane {
    /** The control plane's Admin API: cutover.gate.kongControlPlaneAdmin, else kong.adminUrl. */
    adminUrl: string;
    hostname: string;
    controlPlaneVersion: string;
}

/** What the platform stack publishes about B's Kong data plane (its `kongDataPlane` output). */
export interface PublishedDataPlane {
    apis: string[];
    hostname: string;
    controlPlaneVersion: string;
}

/** B's team load balancer: the address config pins (or B's host name), else the platform stack's `ingress` output. Pure. */
export function targetAddress(config: CutoverConfig): PlannedAddress {
    const { target } = config.cutover;
    switch (target.kind) {
        case "stack":
            return { slot: "ingress" };
        case "host":
            return { pinned: target.host };
        case "address":
            return { pinned: target.address };
    }
}

/**
 * Where the gate's probes connect: B's team load balancer on 443, and for the short probe B's
 * short-domain load balancer — `gate.shortAddress` when config pins it (its port, 443 when left
 * out), else the platform stack's `shortDomain` output on 443. Without either there is no short
 * endpoint (config refuses the short probe then). Pure.
 */
export function gateEndpoints(config: CutoverConfig): { team: PlannedEndpoint; short?: PlannedEndpoint } {
    const { gate, target } = config.cutover;
    const pinned = gate.shortAddress ? parseEndpoint(gate.shortAddress) : undefined;
    const short: PlannedEndpoint | undefined = pinned
        ? { address: { pinned: pinned.address }, port: pinned.port }
        : target.kind === "stack"
          ? { address: { slot: "shortDomain" }, port: 443 }
          : undefined;
    return { team: { address: targetAddress(config), port: 443 }, ...(short ? { short } : {}) };
}

/** B's share of one API on each layer in its planned phase. Pure. */
export function sharesToB(p: Pick<ApiCutoverPlan, "dns" | "kong">): Record<string, number> {
    const dns = p.dns.weights
        ? p.dns.weights.find((w) => w.side === "B")!.weight
        : p.dns.records.some((r) => r.side === "B" && r.rr === undefined)
          ? 100
          : 0;
    // Stable-hostname mode: Kong's one target is the origin name, all on the side its CNAME names.
    const kong =
        p.kong?.mode === "weighted"
            ? p.kong.targets.find((t) => t.side === "B")?.weight
            : p.kong
              ? p.kong.targets[0]?.side === "B"
                  ? 100
                  : 0
              : undefined;
    return { dns, ...(kong === undefined ? {} : { kong }) };
}

/** The gate of one API, or undefined when the gate is off. Pure. */
export function planGate(
    config: CutoverConfig,
    api: Api,
    p: Pick<ApiCutoverPlan, "dns" | "kong">,
    dataPlane?: PublishedDataPlane,
): GatePlan | undefined {
    const g = config.cutover.gate;
    if (!g.enabled) return undefined;
    const probes = planProbes(config.domains, [api], gateEndpoints(config), g.probes);
    const { successes, intervalMs, deadlineMs, timeoutMs, caBundle } = g;
    return {
        api: api.name,
        shares: sharesToB(p),
        probes,
        settings: { successes, intervalMs, deadlineMs, timeoutMs, ...(caBundle ? { caBundle } : {}) },
        names: kongTargetOfB(p).map((host) => ({ host, expected: targetAddress(config) })),
        ...(dataPlane?.apis.includes(api.name) ? { dataPlane: gateDataPlane(config, dataPlane) } : {}),
    };
}

/** The gate's data-plane check: the control plane's Admin API is the gate's setting, else the Kong layer's; one of them must say it. */
function gateDataPlane(config: CutoverConfig, dp: PublishedDataPlane): GateDataPlane {
    const adminUrl = config.cutover.gate.kongControlPlaneAdmin ?? config.kong?.adminUrl;
    if (!adminUrl)
        throw new ConfigError([
            {
                path: `${NAMESPACE}:cutover.gate.kongControlPlaneAdmin`,
                message: `(missing) is not accepted; expected the Kong control plane's Admin API URL: the platform stack sends ${dp.apis.join(", ")} through B's Kong data plane ${dp.hostname}, which the gate must find in sync before B's share rises (or set migration:kong.adminUrl when that is the control plane's)`,
            },
        ]);
    return { adminUrl: adminUrl.replace(/\/+$/, ""), hostname: dp.hostname, controlPlaneVersion: dp.controlPlaneVersion };
}

/** The host of Kong's B target in weighted mode (`host:port` → host), when it is a name; else none. */
function kongTargetOfB(p: Pick<ApiCutoverPlan, "kong">): string[] {
    const target = p.kong?.mode === "weighted" ? p.kong.targets.find((t) => t.side === "B")?.target : undefined;
    const host = target?.replace(/:\d+$/, "");
    return host && !isIPv4(host) ? [host] : [];
}
