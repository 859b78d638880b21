/**
 * The health gate of one API in the cutover stack, as data: B's share on each layer this phase
 * brings (the gate probes before any of them rises), and the probes it must see pass. Pure:
 * the addresses the probes connect to are B's (an Input from the platform stack, or pinned),
 * filled in where the gate is wired.
 */
import { Api, CutoverConfig, GateSettings } from "../config/types";
import { ApiCutoverPlan } from "./cutover";
import { planProbes } from "./probes";
import { Probe } from "../vocabulary/probes";

export interface GatePlan {
    api: string;
    /** B's share per layer in this phase, e.g. `{ dns: 20, kong: 20 }`. */
    shares: Record<string, number>;
    /** The probes, each against `team` (B's team load balancer) or `short` (its short-domain one). */
    probes: (Omit<Probe, "connect"> & { via: "team" | "short" })[];
    settings: Pick<GateSettings, "successes" | "intervalMs" | "deadlineMs" | "timeoutMs" | "caBundle">;
}

/** B's share of one API on each layer in its planned phase. Pure. */
export function sharesToB(p: ApiCutoverPlan): Record<string, number> {
    const dns = p.dns.weights
        ? p.dns.weights.find((w) => w.side === "B")!.weight
        : p.dns.records.some((r) => r.side === "B" && r.rr === undefined)
          ? 100
          : 0;
    const kong = p.kong?.mode === "weighted" ? p.kong.targets.find((t) => t.side === "B")?.weight : undefined;
    return { dns, ...(kong === undefined ? {} : { kong }) };
}

/** The gate of one API, or undefined when the gate is off. Pure. */
export function planGate(config: CutoverConfig, api: Api, p: ApiCutoverPlan): GatePlan | undefined {
    const g = config.cutover.gate;
    if (!g.enabled) return undefined;
    const placeholder = { address: "", port: 443 };
    const probes = planProbes(config.domains, [api], { team: placeholder, short: placeholder }, g.probes).map(
        ({ connect: _connect, ...rest }) => ({
            ...rest,
            via: rest.probe === "short" ? ("short" as const) : ("team" as const),
        }),
    );
    const { successes, intervalMs, deadlineMs, timeoutMs, caBundle } = g;
    return {
        api: api.name,
        shares: sharesToB(p),
        probes,
        settings: { successes, intervalMs, deadlineMs, timeoutMs, ...(caBundle ? { caBundle } : {}) },
    };
}
