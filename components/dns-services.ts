import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { DnsService } from "../plan/cutover";
import { DEFAULT_RETRY } from "../providers/alibaba-calls";
import { NameRecords, Side } from "../providers/name-records";

/** A plain record on a name nothing else writes (the intermediate names, Kong's stable host name). */
export interface RecordSpec {
    zone: string;
    rr: string;
    type: string;
    value: pulumi.Input<string>;
    ttl: number;
    remark: string;
}

/** The records of one legacy name and their weights (providers/name-records.ts owns them). */
export interface NameSpec {
    zone: string;
    rr: string;
    stagingRr: string;
    records: { side: Side; type: "A" | "CNAME"; value: pulumi.Input<string>; ttl: number; weight: number }[];
}

/**
 * A DNS service as data (in the spirit of SST's `Dns` adapters): how to make a plain record,
 * and how to hold a legacy name's records. The DnsCutover component is the same for both.
 */
export interface DnsAdapter {
    record(name: string, spec: RecordSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
    name(name: string, spec: NameSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

/** The record fields both services' record resources take alike. */
function recordFields(r: RecordSpec) {
    return { rr: r.rr, type: r.type, value: r.value, ttl: r.ttl, remark: r.remark };
}

/** The NameRecords inputs both services take alike. */
function nameFields(n: NameSpec, s: DnsService) {
    return {
        ...n,
        ...(s.endpoint ? { endpoint: s.endpoint } : {}),
        retry: s.retry ?? DEFAULT_RETRY,
        ...(s.line ? { line: s.line } : {}),
        ...(s.perSecond !== undefined ? { perSecond: s.perSecond } : {}),
    };
}

/** Public Alidns: `alicloud.dns.AlidnsRecord`, and NameRecords over the Alidns API. */
export function alidnsAdapter(s: Extract<DnsService, { kind: "alidns" }>): DnsAdapter {
    return {
        record: (name, r, opts) => new alicloud.dns.AlidnsRecord(name, { domainName: r.zone, ...recordFields(r) }, opts),
        name: (name, n, opts) => new NameRecords(name, { service: "alidns", ...nameFields(n, s) }, opts),
    };
}

/** PrivateZone: `alicloud.pvtz.ZoneRecord`, and NameRecords over the pvtz API. */
export function privateZoneAdapter(s: Extract<DnsService, { kind: "privatezone" }>): DnsAdapter {
    return {
        record: (name, r, opts) => new alicloud.pvtz.ZoneRecord(name, { zoneId: s.zoneId, ...recordFields(r) }, opts),
        name: (name, n, opts) => new NameRecords(name, { service: "privatezone", zoneId: s.zoneId, ...nameFields(n, s) }, opts),
    };
}

export function dnsAdapter(s: DnsService): DnsAdapter {
    return s.kind === "privatezone" ? privateZoneAdapter(s) : alidnsAdapter(s);
}
