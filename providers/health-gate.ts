/**
 * The health gate, as a Pulumi dynamic provider: before B's share of an API rises on any layer,
 * B must answer the gate's probes (the legacy Host through B's load balancer, optionally the
 * short path) `successes` rounds in a row within the deadline; otherwise the step fails with the
 * probe's reason, and the weight resources that depend on the gate never run — nothing moves.
 * A share that falls (a rollback) or stays is never probed.
 *
 * Why a dynamic resource and not a resource hook: a `beforeUpdate` hook would run for the weight
 * resources themselves but knows nothing of the other layer's resource, runs again for every
 * resource it is attached to, and is invisible in a preview; a resource that both layers depend
 * on runs once per API and rise, shows in the preview (its shares change) and is tested through
 * the real provider host. It runs where `pulumi up` runs: that machine must reach B's intranet
 * address; an unreachable B fails the gate ("connection refused", "timed out", "no route").
 */
import * as pulumi from "@pulumi/pulumi";
import type { Probe } from "../vocabulary/probes";
import { checkDataPlane } from "./data-plane-check";
import { checkNames, NameExpectation, NameVerdict } from "./name-check";
import { ProbeResult, runProbes } from "./probe-client";
import { HEALTH_GATE_TYPE } from "../vocabulary/resource-types";
export { HEALTH_GATE_TYPE };

/** Bump when the provider's behaviour changes. */
export const HEALTH_GATE_PROVIDER_VERSION = "1";

export interface HealthGateState {
    api: string;
    /** B's share per layer this apply brings (`{dns: 20, kong: 20}`). */
    shares: Record<string, number>;
    probes: Probe[];
    successes: number;
    intervalMs: number;
    deadlineMs: number;
    timeoutMs: number;
    /** PEM CA bundle; the system roots when absent. */
    ca?: string;
    /** Names that must resolve to B's load balancer (Kong's B target), checked every round with the probes. */
    names?: NameExpectation[];
    /** The DNS server to ask (`HOST:PORT`); the system's resolvers, like Kong's, when absent. */
    dnsServer?: { address: string; port: number };
    /** B's Kong data plane, for an API routed through it: listed, in sync and ready each round (providers/data-plane-check.ts). */
    dataPlane?: { adminUrl: string; hostname: string; controlPlaneVersion: string };
    /** The control plane's Admin token (a secret). */
    kongAdminToken?: string;
    /** How the token travels, as the Kong layer sends it. @default "kong-admin-token" */
    kongAdminAuth?: "kong-admin-token" | "bearer";
    version: string;
    /** Output: when B last passed the gate, and the passing round. */
    passedAt?: string;
    evidence?: string[];
    /**
     * Output: when these shares were first applied (any change, a fall included): how long the
     * stack has stood as it is (the policy pack's layers-reach-100-together reads it). A gate last
     * changed before this output existed has none until its shares next change.
     */
    sharesSince?: string;
}

/** The layers whose share toward B rises from `olds` to `news`, as `dns 0 → 20 %`. */
export function rises(olds: Record<string, number>, news: Record<string, number>): string[] {
    return Object.entries(news)
        .filter(([layer, w]) => w > (olds[layer] ?? 0))
        .map(([layer, w]) => `${layer} ${olds[layer] ?? 0} → ${w} %`);
}

/** One check of a round, as the gate's evidence and error name it. */
interface Check {
    pass: boolean;
    text: string;
}

function probeCheck(r: ProbeResult): Check {
    return { pass: r.verdict === "pass", text: `${r.probe} ${r.host}${r.path} via ${r.address}: ${r.reason}` };
}

/** A name check passes or fails with the probes of its round. */
function nameCheck(v: NameVerdict): Check {
    return {
        pass: v.ok,
        text: v.ok
            ? `name ${v.host}: resolves to B (${v.answered})`
            : `name ${v.host}: answers ${v.answered}, not B's load balancer ${v.expected}`,
    };
}

/** One round: every probe, then every name. */
async function round(s: HealthGateState): Promise<Check[]> {
    const probes = await runProbes(s.probes, { timeoutMs: s.timeoutMs, retries: 0, ...(s.ca ? { ca: s.ca } : {}) });
    const names = s.names?.length
        ? await checkNames(s.names, { timeoutMs: s.timeoutMs, ...(s.dnsServer ? { server: s.dnsServer } : {}) })
        : [];
    const dp = s.dataPlane ? [await dataPlaneCheck(s)] : [];
    return [...probes.map(probeCheck), ...names.map(nameCheck), ...dp];
}

/** B's Kong data plane as one check of the round: in sync, or every reason it is not. */
async function dataPlaneCheck(s: HealthGateState): Promise<Check> {
    const dp = s.dataPlane!;
    try {
        const v = await checkDataPlane({
            adminUrl: dp.adminUrl,
            ...(s.kongAdminToken
                ? {
                      headers:
                          s.kongAdminAuth === "bearer"
                              ? { authorization: `Bearer ${s.kongAdminToken}` }
                              : { "kong-admin-token": s.kongAdminToken },
                  }
                : {}),
            hostname: dp.hostname,
            controlPlaneVersion: dp.controlPlaneVersion,
            timeoutMs: s.timeoutMs,
        });
        return {
            pass: v.ok,
            text: v.ok
                ? `Kong data plane ${dp.hostname}: in sync (config_hash ${v.configHash})`
                : `Kong data plane ${dp.hostname}: ${v.reasons.join("; ")}`,
        };
    } catch (err) {
        return { pass: false, text: `Kong data plane ${dp.hostname}: the control plane could not be read (${(err as Error).message})` };
    }
}

/** Probes until `successes` passing rounds in a row, or fails at the deadline with the last round's reasons. */
async function gate(s: HealthGateState, rising: string[]): Promise<{ passedAt: string; evidence: string[] }> {
    const started = Date.now();
    let streak = 0;
    let last: Check[] = [];
    for (;;) {
        last = await round(s);
        streak = last.every((c) => c.pass) ? streak + 1 : 0;
        if (streak >= s.successes) return { passedAt: new Date().toISOString(), evidence: last.map((c) => c.text) };
        if (Date.now() - started + s.intervalMs > s.deadlineMs) break;
        await new Promise((r) => setTimeout(r, s.intervalMs));
    }
    const failing = last.filter((c) => !c.pass);
    const err = new Error(
        `health gate for ${s.api} (B's share rising: ${rising.join(", ")}): B did not pass ${s.successes} consecutive round${s.successes > 1 ? "s" : ""} within ${s.deadlineMs / 1000} s; nothing moved. ` +
            `Last round: ${(failing.length ? failing : last).map((c) => c.text).join("; ")}`,
    );
    err.name = "HealthGateError";
    throw err;
}

export const healthGateProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: HealthGateState, news: HealthGateState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        for (const [layer, w] of Object.entries(news.shares ?? {}))
            if (!Number.isInteger(w) || w < 0 || w > 100)
                failures.push({ property: `shares.${layer}`, reason: `${JSON.stringify(w)} is not a share 0..100` });
        if (!Array.isArray(news.probes) || news.probes.length === 0)
            failures.push({ property: "probes", reason: "at least the legacy probe" });
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: HealthGateState, news: HealthGateState): Promise<pulumi.dynamic.DiffResult> {
        const keys = [
            "shares",
            "probes",
            "successes",
            "intervalMs",
            "deadlineMs",
            "timeoutMs",
            "ca",
            "names",
            "dnsServer",
            "dataPlane",
            "version",
        ] as const;
        const changes = keys.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return { changes, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: HealthGateState): Promise<pulumi.dynamic.CreateResult> {
        const rising = rises({}, inputs.shares);
        const passed = rising.length ? await gate(inputs, rising) : {};
        return { id: inputs.api, outs: { ...inputs, ...passed, sharesSince: new Date().toISOString() } };
    },

    async update(_id: string, olds: HealthGateState, news: HealthGateState): Promise<pulumi.dynamic.UpdateResult> {
        const rising = rises(olds.shares ?? {}, news.shares);
        // A share that falls or stays is never probed: a rollback must not wait for a sick B.
        // (Fields left undefined would not cross the host's protobuf Struct: only those with values.)
        const kept = olds.passedAt ? { passedAt: olds.passedAt, evidence: olds.evidence ?? [] } : {};
        const passed = rising.length ? await gate(news, rising) : kept;
        const changed = JSON.stringify(olds.shares ?? {}) !== JSON.stringify(news.shares);
        const since = changed ? { sharesSince: new Date().toISOString() } : olds.sharesSince ? { sharesSince: olds.sharesSince } : {};
        return { outs: { ...news, ...passed, ...since } };
    },
};

export interface HealthGateArgs {
    api: string;
    shares: Record<string, number>;
    probes: pulumi.Input<(Omit<Probe, "connect"> & { connect: pulumi.Input<{ address: pulumi.Input<string>; port: number }> })[]>;
    successes: number;
    intervalMs: number;
    deadlineMs: number;
    timeoutMs: number;
    /** @default the system roots */
    ca?: string;
    /**
     * Names that must resolve to B's load balancer each round (Kong's B target).
     * @default [] (none)
     */
    names?: pulumi.Input<{ host: string; expected: pulumi.Input<string> }[]>;
    /**
     * The DNS server the names are asked of.
     * @default the system's resolvers
     */
    dnsServer?: { address: string; port: number };
    /**
     * B's Kong data plane, checked each round for an API routed through it.
     * @default undefined (the API goes straight to its Service)
     */
    dataPlane?: { adminUrl: string; hostname: string; controlPlaneVersion: string };
    /**
     * The control plane's Admin token, a secret.
     * @default undefined (an Admin API without auth)
     */
    kongAdminToken?: pulumi.Input<string>;
    /**
     * How the token travels.
     * @default "kong-admin-token"
     */
    kongAdminAuth?: "kong-admin-token" | "bearer";
}

/** B proves itself for one API before any share toward it rises (see the file header). */
export class HealthGate extends pulumi.dynamic.Resource {
    declare readonly passedAt: pulumi.Output<string | undefined>;
    declare readonly sharesSince: pulumi.Output<string | undefined>;

    constructor(name: string, args: HealthGateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            healthGateProvider,
            name,
            { ...args, version: HEALTH_GATE_PROVIDER_VERSION, passedAt: undefined, evidence: undefined, sharesSince: undefined },
            // The Admin token (an input sent as a secret) stays one in the outputs, and the policy pack sees it declared secret.
            { ...opts, additionalSecretOutputs: ["kongAdminToken"] },
            "migration",
            "HealthGate",
        );
    }
}
