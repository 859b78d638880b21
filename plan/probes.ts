/**
 * The acceptance checks of the migration as data (the seeds' table, built once): for each API,
 * which request proves that B serves it, sent like `curl --resolve` — connect to an address,
 * send the real Host and SNI. Used by `npm run verify` and by the health gate in `pulumi up`.
 * Pure: no request is made here (providers/probe-client.ts sends them).
 */
import { Api, Domains } from "../config/types";
import { legacyHost, longHost } from "../vocabulary/naming";
import { Endpoint, Probe, PROBE_KINDS, ProbeKind, shortPath } from "../vocabulary/probes";

/**
 * Where the probes connect to. A probe whose endpoint is absent is not planned. `E` is what an
 * endpoint is: resolved (verify), or planned with an address still to be read (the health gate).
 */
export interface ProbeTargets<E = Endpoint> {
    /** B's team load balancer (long and legacy hosts). */
    team?: E;
    /** B's short-domain load balancer (the team's in shared mode: the caller says so). */
    short?: E;
    /** A's load balancer, for the parity probe. */
    source?: E;
    /** A Kong proxy (the legacy Host is routed by Kong). */
    kong?: E;
}

/** The probes for `apis`, in table order (by API, then long, legacy, short, kong, parity). Pure. */
export function planProbes<E = Endpoint>(
    domains: Domains,
    apis: Api[],
    targets: ProbeTargets<E>,
    kinds: readonly ProbeKind[] = PROBE_KINDS,
): (Omit<Probe, "connect"> & { connect: E })[] {
    const out: (Omit<Probe, "connect"> & { connect: E })[] = [];
    for (const api of apis) {
        const legacy = legacyHost(api.name, domains);
        const candidates: [ProbeKind, E | undefined, string, string, string][] = [
            ["long", targets.team, longHost(api.name, domains), api.healthPath, "B's ingress does not serve the long host"],
            ["legacy", targets.team, legacy, api.healthPath, "B's ingress does not serve this Host"],
            [
                "short",
                targets.short,
                domains.short,
                shortPath(api.name, api.healthPath),
                `the short path is not routed, or not rewritten to ${api.healthPath}`,
            ],
            ["kong", targets.kong, legacy, api.healthPath, "Kong does not route the legacy Host to a healthy target"],
            ["parity", targets.source, legacy, api.healthPath, "A does not serve this Host"],
        ];
        for (const [probe, connect, host, path, meaning] of candidates) {
            if (connect && kinds.includes(probe)) out.push({ api: api.name, probe, host, path, connect, meaning });
        }
    }
    return out;
}
