import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { DnsWeights } from "../providers/alidns-weights";
import { DnsService } from "../plan/cutover";
import { DEFAULT_RETRY } from "../providers/alibaba-calls";
import { PvtzWeights } from "../providers/privatezone-weights";

/** One record a DnsCutover needs, whichever service holds it. */
export interface RecordSpec {
    zone: string;
    rr: string;
    type: string;
    value: pulumi.Input<string>;
    ttl: number;
    /** Born paused (a weights resource enables it once weighted). */
    paused?: boolean;
    remark: string;
}

/** The weights of one name's records. */
export interface WeightsSpec {
    zone: string;
    rr: string;
    /** The weighted records' type (A, or CNAME when B is addressed by a host name). */
    type: "A" | "CNAME";
    subDomain: string;
    records: { side: "A" | "B"; recordId: pulumi.Input<string>; weight: number }[];
}

/**
 * A DNS service as data (in the spirit of SST's `Dns` adapters): how to make a record and how
 * to weight a name's records. The DnsCutover component is the same for both services.
 */
export interface DnsAdapter {
    record(name: string, spec: RecordSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
    weights(name: string, spec: WeightsSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

/** The record fields both services' record resources take alike. */
function recordFields(r: RecordSpec) {
    return {
        rr: r.rr,
        type: r.type,
        value: r.value,
        ttl: r.ttl,
        ...(r.paused !== undefined ? { status: r.paused ? "DISABLE" : "ENABLE" } : {}),
        remark: r.remark,
    };
}

/** The inputs both weights resources take alike. */
function weightsFields(w: WeightsSpec, s: DnsService) {
    return { subDomain: w.subDomain, records: w.records, ...(s.endpoint ? { endpoint: s.endpoint } : {}), retry: s.retry ?? DEFAULT_RETRY };
}

/** Public Alidns: `alicloud.dns.AlidnsRecord` and the DnsWeights provider. */
export function alidnsAdapter(s: Extract<DnsService, { kind: "alidns" }>): DnsAdapter {
    return {
        record: (name, r, opts) => new alicloud.dns.AlidnsRecord(name, { domainName: r.zone, ...recordFields(r) }, opts),
        weights: (name, w, opts) => new DnsWeights(name, { zone: w.zone, ...weightsFields(w, s) }, opts),
    };
}

/** PrivateZone: `alicloud.pvtz.ZoneRecord` and the PvtzWeights provider. */
export function privateZoneAdapter(s: Extract<DnsService, { kind: "privatezone" }>): DnsAdapter {
    return {
        record: (name, r, opts) => new alicloud.pvtz.ZoneRecord(name, { zoneId: s.zoneId, ...recordFields(r) }, opts),
        weights: (name, w, opts) => new PvtzWeights(name, { zoneId: s.zoneId, rr: w.rr, type: w.type, ...weightsFields(w, s) }, opts),
    };
}

export function dnsAdapter(s: DnsService): DnsAdapter {
    return s.kind === "privatezone" ? privateZoneAdapter(s) : alidnsAdapter(s);
}
