/**
 * B's own names: the records that make `<api>.<target>` and the short host resolve to the load
 * balancers the platform stack creates. B's existing wildcard `*.<target>` answers B's *existing*
 * load balancer, so without these explicit names the long-domain checks, Kong's B target
 * `<api>.<target>:443` and the phase-0 `curl` would reach an ingress that does not serve the
 * APIs. Pure: the component (components/target-names.ts) makes the records.
 */
import { PlatformConfig } from "../config/types";
import { longHost, relativeName } from "../vocabulary/naming";
import { DnsService, dnsService } from "./cutover";

/** One of B's names and the load balancer it points at. */
export interface TargetNameRecord {
    /** The child's key: `long-<api>`, or `short` (never the same: an API name is a single label). */
    key: string;
    host: string;
    /** Relative to the zone. */
    rr: string;
    /** An ALB is a DNS name (CNAME to it); a CLB an address (A record). */
    type: "A" | "CNAME";
    /** Whose load balancer: the team's isolated ingress, or the short domain's. */
    pointsAt: "team" | "short";
}

export interface TargetNamesPlan {
    zone: string;
    ttl: number;
    service: DnsService;
    records: TargetNameRecord[];
}

const recordType = (implementation: "alb" | "ingress-nginx") => (implementation === "alb" ? "CNAME" : "A");

/** B's names, when the platform stack says where they live (`migration:dns`); else undefined. */
export function planTargetNames(config: PlatformConfig): TargetNamesPlan | undefined {
    const dns = config.dns;
    if (!dns) return undefined;
    const team = recordType(config.ingress.implementation);
    const shortController = config.shortDomain.mode === "dedicated" ? config.shortDomain.controller : config.ingress;
    const records: TargetNameRecord[] = config.apis.map((api) => {
        const host = longHost(api.name, config.domains);
        return { key: `long-${api.name}`, host, rr: relativeName(host, dns.zone), type: team, pointsAt: "team" };
    });
    const short = config.domains.short;
    records.push({
        key: "short",
        host: short,
        rr: relativeName(short, dns.zone),
        type: recordType(shortController.implementation),
        // In shared mode the team's controller serves the short host too.
        pointsAt: config.shortDomain.mode === "dedicated" ? "short" : "team",
    });
    return { zone: dns.zone, ttl: dns.ttl, service: dnsService(dns), records };
}
