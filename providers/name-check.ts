/**
 * Whether a name resolves to the load balancer it should: B's long names and short host to the
 * load balancers the platform published (`npm run verify --dns-server`), Kong's B target to B's
 * (the health gate). Asked with Node's own `dns.Resolver` of a given server, or of the system's
 * resolvers, like a client in the VPC would ask; an address is expected as an A record, a DNS
 * name (an ALB's) as a CNAME to it.
 */
import { Resolver } from "node:dns/promises";
import { isIPv4 } from "node:net";

/** One name and what it must answer. */
export interface NameExpectation {
    host: string;
    /** B's load balancer: an IPv4 (expected as the name's only A record) or a DNS name (expected as its CNAME). */
    expected: string;
}

export interface NameVerdict extends NameExpectation {
    ok: boolean;
    /** What the name answered, as `A 10.0.0.1`, `CNAME x.example`, or why there was no answer. */
    answered: string;
}

/** A DNS server as `HOST:PORT` (port 53 when left out), or undefined for the system's resolvers. */
export interface ResolverOptions {
    server?: { address: string; port: number };
    /** Per query, ms. @default 3000 */
    timeoutMs?: number;
}

const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** Resolves each name once and says whether it answers what it should. Never throws for a DNS error: it is the verdict. */
export async function checkNames(names: NameExpectation[], options: ResolverOptions = {}): Promise<NameVerdict[]> {
    const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 1 });
    if (options.server) resolver.setServers([`${options.server.address}:${options.server.port}`]);
    const out: NameVerdict[] = [];
    for (const n of names) out.push(await checkName(resolver, n));
    return out;
}

async function checkName(resolver: Resolver, n: NameExpectation): Promise<NameVerdict> {
    try {
        if (isIPv4(n.expected)) {
            const answers = await resolver.resolve4(n.host);
            return { ...n, ok: answers.length === 1 && answers[0] === n.expected, answered: `A ${answers.join(", ")}` };
        }
        const answers = await resolver.resolveCname(n.host);
        return { ...n, ok: answers.length === 1 && bare(answers[0]) === bare(n.expected), answered: `CNAME ${answers.join(", ")}` };
    } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        // ENODATA: the name exists but has no record of the asked type (an A record where a CNAME was expected, or the reverse).
        if (code === "ENODATA" && !isIPv4(n.expected)) {
            const a = await resolver.resolve4(n.host).catch(() => []);
            return { ...n, ok: false, answered: a.length ? `A ${a.join(", ")} (no CNAME)` : "no CNAME" };
        }
        const why: Record<string, string> = {
            ENOTFOUND: "no such name (NXDOMAIN)",
            ENODATA: "no A record",
            ETIMEOUT: "no answer from the DNS server",
            ECONNREFUSED: "the DNS server refused the connection",
            ESERVFAIL: "the DNS server failed (SERVFAIL)",
        };
        return { ...n, ok: false, answered: why[code] ?? `no answer (${code || String(err)})` };
    }
}
