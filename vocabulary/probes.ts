/**
 * The probe vocabulary shared by config (which validates endpoints), the plan (which plans
 * probes) and the providers (which send them): what a probe is, and how an endpoint is written.
 * Pure: no request is made here (providers/probe-client.ts sends them).
 */

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
