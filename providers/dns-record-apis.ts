/**
 * The record calls of one name on each DNS service, through Alibaba's official SDKs: public
 * Alidns (`@alicloud/alidns20150109`) and PrivateZone (pvtz 2018-01-01 through
 * `@alicloud/openapi-core`'s generic, SDK-signed RPC call — there is no PrivateZone SDK package
 * in the registry we reach). The NameRecords provider speaks only this interface, so one
 * order of calls serves both services (shared/notes/alibaba-cloud.md has the facts).
 *
 * Everything here is created inside provider methods and captures nothing: the provider is
 * serialised into the state. Credentials come from the standard Alibaba Cloud chain
 * (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, the credentials file, a RAM role), never from inputs.
 */
import { callError, pace, RetrySettings, withRetries } from "./alibaba-calls";

/** A record as the service holds it. */
export interface LiveRecord {
    id: string;
    rr: string;
    type: string;
    value: string;
    ttl: number;
    /** The weight the service holds (kept while the record is paused). */
    weight: number;
    status: "ENABLE" | "DISABLE";
}

/** What a record is: the fields `add` and `update` write. */
export interface RecordBody {
    type: string;
    value: string;
    ttl: number;
}

/** A PrivateZone zone as `DescribeZoneInfo` reports it. */
export interface ZoneInfo {
    /** `FAST_ZONE` (acceleration zone: weights) or `NORMAL_ZONE` (regular zone: no weights). */
    dnsGroup: string;
    /** True while a `ChangeZoneDnsGroup` is under way. */
    changing: boolean;
    /** The VPCs bound to the zone (their clients resolve its names). */
    vpcIds: string[];
}

/** The calls on one zone's records, on one resolution line; `target` names what a call is for in its error. */
export interface RecordsApi {
    /** The service's name in messages. */
    service: string;
    /**
     * Whether the service has a weighting switch for a name's records of this type. Both services
     * document the switch for A and AAAA only (`SetDNSSLBStatus.Type`, `SetZoneLbaStatus.Type`:
     * "Valid values: A and AAAA"). PrivateZone CNAMEs in an acceleration zone are weighted with no
     * switch ("the weight switch cannot be turned off"); Alidns holds one CNAME per name.
     */
    hasSwitch(type: string): boolean;
    /** Whether several records of this type on one name are always weighted (no switch, no round robin). */
    alwaysWeighted(type: string): boolean;
    /** The records of one name (relative to the zone) on this line. */
    list(rr: string, target: string): Promise<LiveRecord[]>;
    /**
     * Adds a record with `weight` where the service takes one (PrivateZone's `Weight`, 1..100;
     * Alidns takes none and holds 1). It answers from the moment it exists: neither service
     * takes a status. Returns its id and the weight the service holds for it.
     */
    add(rr: string, body: RecordBody, weight: number, target: string): Promise<{ id: string; weight: number }>;
    /**
     * Rewrites a record in place, its name too (a paused record can move). `weight` is the
     * record's current weight, sent again: PrivateZone's `UpdateZoneRecord.Weight` defaults to 1
     * when left out.
     */
    update(id: string, rr: string, body: RecordBody, weight: number, target: string): Promise<void>;
    setStatus(id: string, enabled: boolean, target: string): Promise<void>;
    setWeight(id: string, weight: number, target: string): Promise<void>;
    /** The weighting switch of one name and record type (only where `hasSwitch`). */
    setWeighting(rr: string, type: string, open: boolean, target: string): Promise<void>;
    remove(id: string, target: string): Promise<void>;
    /** The zone's DNS group and VPCs (PrivateZone); undefined on Alidns, which has no zone groups. */
    zoneInfo(target: string): Promise<ZoneInfo | undefined>;
}

/** Both services document the weighting switch for A and AAAA records only (`SetDNSSLBStatus.Type`, `SetZoneLbaStatus.Type`). */
function switchable(type: string): boolean {
    return type === "A" || type === "AAAA";
}

/** Where a service is, how to retry it, how fast to call it, and which line the records are on. */
export interface ServiceEndpoint {
    /** `alidns.aliyuncs.com`, `pvtz.aliyuncs.com`, or the test seam `127.0.0.1:<port>` (plain HTTP). */
    endpoint: string;
    retry: RetrySettings;
    /** Requests per second to this endpoint from the whole provider process. */
    perSecond: number;
    /** The resolution line (`default` unless the zone splits answers by line). */
    line: string;
}

/**
 * A record as a service's API returns it, under that service's field names (Alidns's SDK:
 * recordId, RR, type, value, TTL, weight, status; PrivateZone's JSON: RecordId, Rr, Type, …).
 */
function liveRecord(r: Record<string, unknown>, keys: [string, string, string, string, string, string, string]): LiveRecord {
    const [id, rr, type, value, ttl, weight, status] = keys;
    return {
        id: String(r[id]),
        rr: String(r[rr]),
        type: String(r[type]),
        value: String(r[value]),
        ttl: Number(r[ttl]),
        weight: Number(r[weight] ?? 1),
        status: r[status] === "DISABLE" ? "DISABLE" : "ENABLE",
    };
}

/* eslint-disable @typescript-eslint/no-require-imports */
function sdkConfig(endpoint: string): unknown {
    const { $OpenApiUtil } = require("@alicloud/openapi-core");
    const Credential = require("@alicloud/credentials").default;
    return new $OpenApiUtil.Config({
        credential: new Credential(),
        endpoint,
        protocol: endpoint.startsWith("127.0.0.1:") ? "http" : "https",
        readTimeout: 10_000,
        connectTimeout: 5_000,
    });
}

type Sdk = Record<string, (req: unknown) => Promise<{ body?: Record<string, unknown> }>>;

/** Public Alidns records of `zone` (a domain), through the generated Alidns SDK. */
export function alidnsRecords(zone: string, at: ServiceEndpoint): RecordsApi {
    const alidns = require("@alicloud/alidns20150109");
    const client = new alidns.default(sdkConfig(at.endpoint)) as Sdk;
    const call = async (action: string, target: string, request: string, fields: Record<string, unknown>) => {
        const method = action[0].toLowerCase() + action.slice(1);
        const res = await withRetries(
            async () => {
                await pace(at.endpoint, at.perSecond);
                return client[method](new alidns[request](fields));
            },
            at.retry,
            (cause, attempts) => callError("AlidnsError", "Alidns", action, target, cause, attempts),
        );
        return res.body ?? {};
    };
    const sub = (rr: string) => (rr === "@" ? zone : `${rr}.${zone}`);
    return {
        service: "Alidns",
        hasSwitch: switchable,
        alwaysWeighted: () => false,
        async list(rr, target) {
            const body = await call("DescribeSubDomainRecords", target, "DescribeSubDomainRecordsRequest", {
                domainName: zone,
                subDomain: sub(rr),
                line: at.line,
                pageSize: 100,
            });
            const list = ((body.domainRecords as { record?: Record<string, unknown>[] } | undefined)?.record ?? []).filter(
                (r) => r.RR === rr && (r.line ?? at.line) === at.line,
            );
            return list.map((r) => liveRecord(r, ["recordId", "RR", "type", "value", "TTL", "weight", "status"]));
        },
        async add(rr, b, _weight, target) {
            const body = await call("AddDomainRecord", target, "AddDomainRecordRequest", {
                domainName: zone,
                RR: rr,
                type: b.type,
                value: b.value,
                TTL: b.ttl,
                line: at.line,
            });
            return { id: String(body.recordId), weight: 1 };
        },
        async update(id, rr, b, _weight, target) {
            await call("UpdateDomainRecord", target, "UpdateDomainRecordRequest", {
                recordId: id,
                RR: rr,
                type: b.type,
                value: b.value,
                TTL: b.ttl,
                line: at.line,
            });
        },
        async setStatus(id, enabled, target) {
            // "Valid values: Enable, Disable" (SetDomainRecordStatusRequest); records report ENABLE/DISABLE.
            await call("SetDomainRecordStatus", target, "SetDomainRecordStatusRequest", {
                recordId: id,
                status: enabled ? "Enable" : "Disable",
            });
        },
        async setWeight(id, weight, target) {
            await call("UpdateDNSSLBWeight", target, "UpdateDNSSLBWeightRequest", { recordId: id, weight });
        },
        async setWeighting(rr, type, open, target) {
            await call("SetDNSSLBStatus", target, "SetDNSSLBStatusRequest", {
                domainName: zone,
                subDomain: sub(rr),
                type,
                line: at.line,
                open,
            });
        },
        async remove(id, target) {
            await call("DeleteDomainRecord", target, "DeleteDomainRecordRequest", { recordId: id });
        },
        zoneInfo: async () => undefined,
    };
}

/** PrivateZone records of zone `zoneId`, through openapi-core's signed generic RPC call. */
export function privateZoneRecords(zoneId: string, at: ServiceEndpoint): RecordsApi {
    const core = require("@alicloud/openapi-core");
    const { RuntimeOptions } = require("@darabonba/typescript");
    const client = new core.default(sdkConfig(at.endpoint));
    const loopback = at.endpoint.startsWith("127.0.0.1:");
    const call = (action: string, target: string, query: Record<string, string | number | boolean>) => {
        const params = new core.$OpenApiUtil.Params({
            action,
            version: "2018-01-01",
            protocol: loopback ? "HTTP" : "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        const request = new core.$OpenApiUtil.OpenApiRequest({ query: core.OpenApiUtil.query(query) });
        return withRetries(
            async () => {
                await pace(at.endpoint, at.perSecond);
                return ((await client.callApi(params, request, new RuntimeOptions({}))) as { body?: Record<string, unknown> }).body ?? {};
            },
            at.retry,
            (cause, attempts) => callError("PvtzError", "PrivateZone", action, target, cause, attempts),
        );
    };
    // What AddZoneRecord and UpdateZoneRecord both take; Weight always (it defaults to 1 when left out).
    const fields = (rr: string, b: RecordBody, weight: number) => ({
        Rr: rr,
        Type: b.type,
        Value: b.value,
        Ttl: b.ttl,
        Line: at.line,
        Weight: weight,
    });
    return {
        service: "PrivateZone",
        hasSwitch: switchable,
        // "In an acceleration zone a name may hold several CNAMEs … the weight switch cannot be turned off" (shared/notes/alibaba-cloud.md).
        alwaysWeighted: (type) => type === "CNAME",
        async list(rr, target) {
            const body = await call("DescribeZoneRecords", target, { ZoneId: zoneId, Keyword: rr, SearchMode: "EXACT", PageSize: 100 });
            const list = ((body.Records as { Record?: Record<string, unknown>[] } | undefined)?.Record ?? []).filter(
                (r) => r.Rr === rr && (r.Line ?? at.line) === at.line,
            );
            return list.map((r) => liveRecord(r, ["RecordId", "Rr", "Type", "Value", "Ttl", "Weight", "Status"]));
        },
        async add(rr, b, weight, target) {
            const body = await call("AddZoneRecord", target, { ZoneId: zoneId, ...fields(rr, b, weight) });
            return { id: String(body.RecordId), weight };
        },
        async update(id, rr, b, weight, target) {
            await call("UpdateZoneRecord", target, { RecordId: id, ...fields(rr, b, weight) });
        },
        async setStatus(id, enabled, target) {
            await call("SetZoneRecordStatus", target, { RecordId: id, Status: enabled ? "ENABLE" : "DISABLE" });
        },
        async setWeight(id, weight, target) {
            await call("UpdateZoneRecordWeight", target, { RecordId: id, Weight: weight });
        },
        async setWeighting(rr, type, open, target) {
            await call("SetZoneLbaStatus", target, { ZoneId: zoneId, Rr: rr, Type: type, Line: at.line, Open: open });
        },
        async remove(id, target) {
            await call("DeleteZoneRecord", target, { RecordId: id });
        },
        async zoneInfo(target) {
            const body = await call("DescribeZoneInfo", target, { ZoneId: zoneId });
            const vpcs = (body.BindVpcs as { Vpc?: { VpcId?: string }[] } | undefined)?.Vpc ?? [];
            return {
                dnsGroup: String(body.DnsGroup ?? ""),
                changing: body.DnsGroupChanging === true || body.DnsGroupChanging === "true",
                vpcIds: vpcs.map((v) => String(v.VpcId)),
            };
        },
    };
}
/* eslint-enable @typescript-eslint/no-require-imports */
