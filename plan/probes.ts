/**
 * The acceptance checks of the migration as data (the seeds' table, built once): for each API,
 * which request proves that B serves it, sent like `curl --resolve` — connect to an address,
 * send the real Host and SNI. Used by `npm run verify` and by the health gate in `pulumi up`.
 * Pure: no request is made here (providers/probe-client.ts sends them).
 */
import { Api, Domains } from "../config/types";
import { legacyHost, longHost } from "./naming";

/** Which path to B a probe proves. */
export type ProbeKind = "long" | "legacy" | "short" | "kong" | "parity";
export const PROBE_KINDS: readonly ProbeKind[] = ["long", "legacy", "short", "kong", "parity"];

/** An address to connect to (an IPv4 or a DNS name) and its port. */
export interface Endpoint {
    address: string;
    port: number;
}

/** One request: connect to `connect`, send `GET path` with Host (and SNI) `host`. */
export interface Probe {
    api: string;
    probe: ProbeKind;
    host: string;
    path: string;
    connect: Endpoint;
    /** What a failure most likely means, for the verdict's reason. */
    meaning: string;
}

/** Where the probes connect to. A probe whose endpoint is absent is not planned. */
export interface ProbeTargets {
    /** B's team load balancer (long and legacy hosts). */
    team?: Endpoint;
    /** B's short-domain load balancer (the team's in shared mode: the caller says so). */
    short?: Endpoint;
    /** A's load balancer, for the parity probe. */
    source?: Endpoint;
    /** A Kong proxy (the legacy Host is routed by Kong). */
    kong?: Endpoint;
}

/** The probes for `apis`, in table order (by API, then long, legacy, short, kong, parity). Pure. */
export function planProbes(domains: Domains, apis: Api[], targets: ProbeTargets, kinds: readonly ProbeKind[] = PROBE_KINDS): Probe[] {
    const out: Probe[] = [];
    for (const api of apis) {
        const legacy = legacyHost(api.name, domains);
        const candidates: [ProbeKind, Endpoint | undefined, string, string, string][] = [
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

/** `/<api><healthPath>`: what the short host's path routing receives for an API's health path. */
export function shortPath(api: string, healthPath: string): string {
    return `/${api}${healthPath}`;
}

/** `ADDRESS[:PORT]` (an IPv4 or a DNS name; port 443 when left out), or undefined when it is neither. */
export function parseEndpoint(text: string): Endpoint | undefined {
    const m = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text.trim());
    if (!m) return undefined;
    const port = m[2] === undefined ? 443 : Number(m[2]);
    if (port < 1 || port > 65535) return undefined;
    return { address: m[1], port };
}

/** `address:port`, as verdicts name an endpoint. */
export function endpointText(e: Endpoint): string {
    return `${e.address}:${e.port}`;
}
