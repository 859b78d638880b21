/** Which cluster an answer or a target sends clients to. */
export type Side = "A" | "B";

/**
 * One row of the traffic ledger: where one layer (DNS or Kong) sends one API's legacy host in
 * this phase. The components publish it (with B's address as an Input until it is known), the
 * offline plan prints it, and the decommission guard reads it from the cutover stack's outputs.
 */
export interface TrafficRow<Address = string> {
    /** The API the row routes: readers key on it, never on the host. */
    api: string;
    host: string;
    layer: "dns" | "kong";
    phase: string;
    ttl: number;
    /** Kong rows: the upstream. */
    upstream?: string;
    targets: { side: Side; address: Address; weight: number }[];
    /** The share of this host's requests that reach B, per path clients take (the same on every row of the host). */
    effective?: EffectiveShare;
}

/**
 * Percent of a legacy host's requests that reach B, per client path: `direct` (resolving the
 * legacy name: DNS's share), and `viaKong` (through Kong's upstream). In weighted mode Kong's
 * targets are names only A or only B answers (`<api>-a.<source>`, `<api>.<target>`), so Kong
 * sends exactly its own B weight `k` to B, on every data plane at every moment. Only when config
 * makes A's target the legacy name itself, which DNS is moving at the same time, is it
 * `k + (1 − k)·d` (DNS's share `d`) — and then only as an average over data planes and time:
 * each data plane caches one answer for the TTL and sends all of A's weight there. In
 * stable-hostname mode the one target follows the origin CNAME (all A or all B).
 */
export interface EffectiveShare {
    direct: number;
    viaKong?: number;
}

/** `k + (1 − k)·d` in percent, rounded to 0.01 (`k` when A's target does not follow DNS). Pure. */
export function viaKongShare(kongB: number, dnsB: number, aTargetFollowsDns: boolean): number {
    const k = kongB / 100;
    const d = aTargetFollowsDns ? dnsB / 100 : 0;
    return Math.round((k + (1 - k) * d) * 10000) / 100;
}

/** A row's weights as people read them: `A 80 · B 20`. */
export function weightsText(row: Pick<TrafficRow<unknown>, "targets">): string {
    return row.targets.map((t) => `${t.side} ${t.weight}`).join(" · ");
}

/** Rows grouped by legacy host, in the order hosts first appear. */
export function rowsByHost<R extends Pick<TrafficRow<unknown>, "host">>(rows: R[]): Map<string, R[]> {
    const byHost = new Map<string, R[]>();
    for (const r of rows) {
        const list = byHost.get(r.host);
        if (list) list.push(r);
        else byHost.set(r.host, [r]);
    }
    return byHost;
}
