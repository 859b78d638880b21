/**
 * What the phase diagram (--mermaid) draws beside the traffic rows: taken on the offline side
 * from the cutover stack's own config and the platform stack's planned outputs, so the
 * program holds only what `pulumi up` runs.
 */
import { readRawConfig } from "../config/read";
import { parseConfig } from "../config/parse";
import { CutoverConfig } from "../config/types";
import { longHost } from "../vocabulary/naming";
import { EngineConfig } from "./stack-files";

export interface Topology {
    sourceAddress: string;
    short: string;
    apis: { name: string; namespace: string; service: string; long: string }[];
    teamClass?: string;
    shortClass?: string;
    shortMode?: string;
    /** The DNS TTLs (s): `cutover` while the names move, `steady` before and after (the diagram shows prepare lowering it). */
    dnsTtl?: { cutover: number; steady: number };
    /** B's Kong data plane and the APIs B's ingress sends through it (the platform stack's `kongDataPlane` output). */
    dataPlane?: { namespace: string; apis: string[] };
}

/** The topology of a cutover stack's config; `platform` is the referenced platform stack's planned outputs. */
export function topologyOf(config: CutoverConfig, platform?: Record<string, unknown>): Topology {
    const ingress = platform?.ingress as { className?: string } | undefined;
    const short = platform?.shortDomain as { className?: string; mode?: string } | undefined;
    const dp = platform?.kongDataPlane as { namespace?: string; apis?: string[] } | undefined;
    return {
        sourceAddress: config.cutover.sourceAddress,
        short: config.domains.short,
        apis: config.apis.map((a) => ({
            name: a.name,
            namespace: a.namespace,
            service: a.service,
            long: longHost(a.name, config.domains),
        })),
        ...(ingress?.className ? { teamClass: ingress.className } : {}),
        ...(short?.className ? { shortClass: short.className } : {}),
        ...(short?.mode ? { shortMode: short.mode } : {}),
        dnsTtl: { cutover: config.dns.ttl.cutover, steady: config.dns.ttl.steady },
        ...(dp?.namespace && Array.isArray(dp.apis) && dp.apis.length ? { dataPlane: { namespace: dp.namespace, apis: dp.apis } } : {}),
    };
}

/** The parsed cutover config of a loaded stack file (the plan already validated it). */
export function cutoverConfigOf(engine: EngineConfig): CutoverConfig {
    const config = parseConfig(readRawConfig(engine.values, (k) => engine.secretKeys.includes(k)));
    if (config.role !== "cutover") throw new Error(`stack ${engine.stack} is not a cutover stack`);
    return config;
}
