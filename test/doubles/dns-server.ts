/**
 * A loopback DNS server (UDP, 127.0.0.1) that answers from a table of A and CNAME records, as an
 * authoritative server answers (RFC 1034 §4.3.2): a CNAME query gets the CNAME; an A query of a
 * name that is a CNAME gets the CNAME and then the A records of its target when the table has
 * them; a name the table lacks is NXDOMAIN (rcode 3); a name with no record of the asked type is
 * NOERROR with no answer. Packets are read and written with dns-packet (the maintained DNS wire
 * codec also behind multicast-dns), so Node's `dns.Resolver` talks to it as to a real server.
 */
import * as dgram from "node:dgram";
import * as dnsPacket from "dns-packet";

export type DnsTable = Record<string, { A?: string[]; CNAME?: string }>;

/** DNS header rcode NXDOMAIN (RFC 1035 §4.1.1), in the low four bits of the flags; AA is 0x0400. */
const NXDOMAIN = 3;
const AUTHORITATIVE = 0x0400;

export interface DnsDouble {
    port: number;
    /** Every question asked, as `TYPE name`. */
    asked: string[];
    /** Replaces a name's records (as a record change in the zone would), or removes the name. */
    set(name: string, entry: DnsTable[string] | undefined): void;
    close(): Promise<void>;
}

export async function startDnsServer(table: DnsTable): Promise<DnsDouble> {
    const socket = dgram.createSocket("udp4");
    const asked: string[] = [];
    let closed = false;
    const lower: DnsTable = Object.fromEntries(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
    socket.on("message", (msg, rinfo) => {
        const query = dnsPacket.decode(msg);
        const q = query.questions?.[0];
        if (!q) return;
        asked.push(`${q.type} ${q.name}`);
        const answers: dnsPacket.Answer[] = [];
        let name = q.name.toLowerCase();
        let entry = lower[name];
        // Follow CNAMEs the table holds, as an authoritative server does for names in its zone (at most 8 hops).
        for (let hops = 0; entry?.CNAME && q.type !== "CNAME" && hops < 8; hops++) {
            answers.push({ type: "CNAME", name, ttl: 60, class: "IN", data: entry.CNAME });
            name = entry.CNAME.toLowerCase();
            entry = lower[name];
        }
        if (q.type === "CNAME" && entry?.CNAME) answers.push({ type: "CNAME", name, ttl: 60, class: "IN", data: entry.CNAME });
        if (q.type === "A") for (const a of entry?.A ?? []) answers.push({ type: "A", name, ttl: 60, class: "IN", data: a });
        const missing = lower[q.name.toLowerCase()] === undefined;
        const reply = dnsPacket.encode({
            id: query.id,
            type: "response",
            flags: AUTHORITATIVE | dnsPacket.RECURSION_DESIRED | (missing ? NXDOMAIN : 0),
            questions: [q],
            answers,
        });
        socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return {
        port: socket.address().port,
        asked,
        set: (name, entry) => {
            if (entry) lower[name.toLowerCase()] = entry;
            else delete lower[name.toLowerCase()];
        },
        // Idempotent, as the other doubles' stop is: a suite may stop a world twice.
        close: () => (closed ? Promise.resolve() : new Promise<void>((resolve) => ((closed = true), socket.close(() => resolve())))),
    };
}
