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
}
