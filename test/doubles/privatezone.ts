/**
 * A loopback stand-in for the PrivateZone API (pvtz 2018-01-01) that Alibaba's
 * `@alicloud/openapi-core` generic RPC call can be pointed at. It refuses what the service
 * documents as refused, and answers names as the documentation says they answer. Each rule
 * names its source (shared/notes/alibaba-cloud.md, "PrivateZone weights, as documented": the
 * SDK's request models in aliyun/alibabacloud-typescript-sdk pvtz-20180101/src/models, and
 * alibabacloud.com/help/en/dns/pvtz-intelligent-analysis-of-sub-weight "Weighted DNS
 * resolution"):
 * - zones are `FAST_ZONE` (acceleration) or `NORMAL_ZONE` (regular); `DescribeZoneInfo` reports
 *   `DnsGroup` and `DnsGroupChanging` ("AddZone.DnsGroup", "DescribeZoneInfo");
 * - weights exist only in acceleration zones ("Weight configuration is supported only for
 *   domains in the acceleration zone"): `SetZoneLbaStatus` and `UpdateZoneRecordWeight` are
 *   refused in a regular zone, whose names answer every enabled record unweighted;
 * - `SetZoneLbaStatus(ZoneId, Rr, Type, Line, Open)`: every parameter required, `Type` A or
 *   AAAA only ("only A and AAAA record types support the weight toggle");
 * - a CNAME cannot coexist with any other record type on the name; several CNAMEs on one name
 *   (and line) only in an acceleration zone, where they are always weighted ("the weight switch
 *   cannot be turned off"); a regular zone holds one CNAME per name and line;
 * - `AddZoneRecord.Weight` and `UpdateZoneRecord.Weight`: 1..100, default 1 — so an update that
 *   leaves `Weight` out sets it to 1; `UpdateZoneRecordWeight.Weight`: 0..100;
 * - weight 0: that record is not answered; every enabled record of a weighted name at 0: all are
 *   answered, unweighted;
 * - TTL one of 5, 30, 60, 3600, 43200, 86400 (default 60);
 * - `SetZoneRecordStatus(RecordId, Status ENABLE|DISABLE)`; a paused record is not answered;
 *   `DescribeZoneRecords(ZoneId, Keyword, SearchMode EXACT, PageSize)` returns `Records.Record[]`
 *   with Weight, Status, Line;
 * - throttling as every Alibaba Cloud API (`Throttling.User`, HTTP 400; the SDK reads
 *   `x-acs-retry-after`).
 * The documentation gives no error codes for a duplicate, a conflict, an unknown record or a
 * weight call in a regular zone: those answer `InvalidParameter`/`Zone.Invalid…` here, and no
 * test asserts those codes.
 *
 * After every call it records what each watched name answers (`moments`): its own enabled
 * records (a name with none answers as the wildcard above it) — by weight where the name is
 * weighted (A/AAAA with the switch on, CNAMEs of an acceleration zone), else every one
 * unweighted. Names watched with `follow` are resolved through CNAMEs inside the zone, so a
 * CNAME to a name that does not exist (and no wildcard covers) answers nothing.
 */
import { AlibabaRpcDouble, ApiError } from "./alibaba-rpc";
import { answeringRecords, Moment, sharesOf } from "./answers";

export interface PvtzRecord {
    RecordId: string;
    ZoneId: string;
    Rr: string;
    Type: string;
    Value: string;
    Ttl: number;
    Weight: number;
    Status: "ENABLE" | "DISABLE";
    Line: string;
}

/** TTLs PrivateZone takes, in seconds (AddZoneRecord.Ttl). */
const TTLS = [5, 30, 60, 3600, 43200, 86400];

export class PrivateZoneDouble extends AlibabaRpcDouble {
    readonly records = new Map<string, PvtzRecord>();
    /** Weighting switched on, by `zoneId/rr/type/line`. */
    readonly lba = new Map<string, boolean>();
    /** Each zone's DNS group; a zone not listed is an acceleration zone (the default for accounts since 2025-04-30). */
    readonly zones = new Map<string, { name: string; dnsGroup: "FAST_ZONE" | "NORMAL_ZONE"; changing?: boolean; vpcIds?: string[] }>();
    /** Names resolved through in-zone CNAMEs when watched (`zoneId/rr` keys). */
    private readonly followed = new Set<string>();
    private nextId = 5000;

    constructor(accessKeyId = "test-access-key") {
        super("2018-01-01", "PVTZ", accessKeyId);
    }

    /** A record as AddZoneRecord leaves it (answered from the moment it exists; weight 1 by default), seeded by a test. */
    addRecord(r: {
        zoneId: string;
        rr: string;
        value: string;
        type?: string;
        ttl?: number;
        weight?: number;
        status?: "ENABLE" | "DISABLE";
    }): string {
        const id = this.insert(r);
        this.observe(`add ${id}`);
        return id;
    }

    /** Stores a record; the API's AddZoneRecord and a test's seeding both come here. */
    private insert(r: Parameters<PrivateZoneDouble["addRecord"]>[0]): string {
        const id = String(this.nextId++);
        this.records.set(id, {
            RecordId: id,
            ZoneId: r.zoneId,
            Rr: r.rr,
            Type: r.type ?? "A",
            Value: r.value,
            Ttl: r.ttl ?? 60,
            Weight: r.weight ?? 1,
            Status: r.status ?? "ENABLE",
            Line: "default",
        });
        return id;
    }

    /**
     * Watch a name: record what it answers after every call from now on; with `follow`, what it
     * resolves to through CNAMEs inside the zone (`zone` is the zone's name, to tell in-zone targets).
     */
    watch(zoneId: string, rr: string, follow?: { zone: string }): void {
        if (follow) {
            this.followed.add(`${zoneId}/${rr}`);
            if (!this.zones.has(zoneId)) this.zones.set(zoneId, { name: follow.zone, dnsGroup: "FAST_ZONE" });
        }
        this.startWatching(`${zoneId}/${rr}`);
        this.observe("watch");
    }

    private fast(zoneId: string): boolean {
        return (this.zones.get(zoneId)?.dnsGroup ?? "FAST_ZONE") === "FAST_ZONE";
    }

    /** What `zoneId/rr` answers now (one step, no CNAME followed), by the rules in this file's header. */
    answer(zoneId: string, rr: string): Omit<Moment, "after"> {
        const inZone = [...this.records.values()].filter((r) => r.ZoneId === zoneId);
        const { own, named } = answeringRecords(inZone, rr, (r) => r.Rr);
        const enabled = named.filter((r) => r.Status === "ENABLE");
        const type = own[0]?.Type;
        const switched = own.length > 0 && [...this.lba.entries()].some(([k, v]) => v && k.startsWith(`${zoneId}/${rr}/${type}/`));
        const always = own.length > 0 && type === "CNAME";
        const on = this.fast(zoneId) && (switched || always);
        const positive = enabled.filter((r) => r.Weight > 0);
        const weighted = on && positive.length > 0;
        // Undocumented: a weighted name of one record, switched on (a CNAME of an acceleration zone is weighted by nature and answers).
        if (switched && !always && own.length === 1 && this.oneRecordWeighting === "nothing") return { weighted: true, shares: {} };
        // Every enabled record at 0 (or a regular zone, or the switch off): all answered, unweighted.
        return { weighted, shares: sharesOf(weighted ? positive : enabled, weighted) };
    }

    /**
     * What `zoneId/rr` resolves to: CNAMEs to names inside the zone followed (their shares
     * multiplied through), any other value final; a CNAME to an in-zone name that has no record
     * of its own counts as `dangling <name>`. `weighted` is true when every step with
     * several answers was weighted.
     */
    resolve(zoneId: string, rr: string, depth = 0): Omit<Moment, "after"> {
        const zone = this.zones.get(zoneId)?.name;
        const first = this.answer(zoneId, rr);
        if (!zone || depth > 8) return first;
        const shares: Record<string, number> = {};
        let weighted = first.weighted || Object.keys(first.shares).length <= 1;
        for (const [value, share] of Object.entries(first.shares)) {
            // An address, or a name outside the zone (a load balancer's), is final.
            if (!value.endsWith(`.${zone}`)) {
                shares[value] = (shares[value] ?? 0) + share;
                continue;
            }
            const target = value.slice(0, value.length - zone.length - 1);
            // A CNAME to a name with no record of its own: a wildcard may still answer it, but the
            // record it was meant to reach is missing (created too late, or deleted too early).
            if (![...this.records.values()].some((r) => r.ZoneId === zoneId && r.Rr === target)) {
                shares[`dangling ${value}`] = (shares[`dangling ${value}`] ?? 0) + share;
                continue;
            }
            const next = this.resolve(zoneId, target, depth + 1);
            weighted &&= next.weighted || Object.keys(next.shares).length <= 1;
            for (const [v, n] of Object.entries(next.shares)) shares[v] = (shares[v] ?? 0) + share * n;
        }
        return { weighted, shares };
    }

    protected answerFor(key: string): Omit<Moment, "after"> {
        const [zoneId, rr] = key.split("/");
        return this.followed.has(key) ? this.resolve(zoneId, rr) : this.answer(zoneId, rr);
    }

    private record(id: string): PvtzRecord {
        const r = this.records.get(id);
        if (!r) throw new ApiError(400, "InvalidParameter", `The record ${id} does not exist.`);
        return r;
    }

    /** A record's name, type and value against the other records of the name (and line). */
    private admissible(r: { ZoneId: string; Rr: string; Type: string; Value: string; Line: string }, self?: string): void {
        const others = [...this.records.values()].filter(
            (x) => x.RecordId !== self && x.ZoneId === r.ZoneId && x.Rr === r.Rr && x.Line === r.Line,
        );
        if (others.some((x) => x.Type === r.Type && x.Value === r.Value))
            throw new ApiError(400, "InvalidParameter", "The record already exists.");
        // "A CNAME cannot coexist with any other record" (product documentation).
        if (others.some((x) => (x.Type === "CNAME") !== (r.Type === "CNAME")))
            throw new ApiError(400, "InvalidParameter", "The record conflicts with other records of the name.");
        // Several CNAMEs on one name only in an acceleration zone (weighted); a regular zone holds one.
        if (r.Type === "CNAME" && others.some((x) => x.Type === "CNAME") && !this.fast(r.ZoneId))
            throw new ApiError(400, "InvalidParameter", "The record conflicts with other records of the name.");
    }

    /** A TTL of the documented set. */
    private ttl(value: string | undefined, fallback: number): number {
        const ttl = value === undefined ? fallback : Number(value);
        if (!TTLS.includes(ttl)) throw new ApiError(400, "InvalidParameter", `The TTL ${value} is invalid.`);
        return ttl;
    }

    /** A weight in `min`..100, the documented default 1 when absent. */
    private weight(value: string | undefined, min: number): number {
        const weight = value === undefined ? 1 : Number(value);
        if (!Number.isInteger(weight) || weight < min || weight > 100)
            throw new ApiError(400, "InvalidParameter", "The weight is invalid.");
        return weight;
    }

    /** Weights exist only in acceleration zones. */
    private weightsAllowed(zoneId: string): void {
        if (!this.fast(zoneId))
            throw new ApiError(400, "Zone.Invalid.DnsGroup", "Weight configuration is not supported for domains in the standard zone.");
    }

    protected dispatch(action: string, p: Record<string, string>): Record<string, unknown> {
        switch (action) {
            case "AddZoneRecord": {
                const line = p.Line ?? "default";
                this.admissible({ ZoneId: p.ZoneId, Rr: p.Rr, Type: p.Type, Value: p.Value, Line: line });
                const weight = this.weight(p.Weight, 1);
                const ttl = this.ttl(p.Ttl, 60);
                // The call's own moment is recorded after it (AlibabaRpcDouble): none for the insert itself.
                const id = this.insert({ zoneId: p.ZoneId, rr: p.Rr, type: p.Type, value: p.Value, ttl, weight });
                this.records.get(id)!.Line = line;
                return { RecordId: Number(id) };
            }
            case "UpdateZoneRecord": {
                const r = this.record(p.RecordId);
                const line = p.Line ?? r.Line;
                this.admissible({ ZoneId: r.ZoneId, Rr: p.Rr, Type: p.Type, Value: p.Value, Line: line }, r.RecordId);
                const weight = this.weight(p.Weight, 1);
                Object.assign(r, { Rr: p.Rr, Type: p.Type, Value: p.Value, Ttl: this.ttl(p.Ttl, r.Ttl), Line: line, Weight: weight });
                return { RecordId: Number(r.RecordId) };
            }
            case "DeleteZoneRecord": {
                this.record(p.RecordId);
                this.records.delete(p.RecordId);
                return { RecordId: Number(p.RecordId) };
            }
            case "DescribeZoneRecords": {
                const list = [...this.records.values()].filter(
                    (r) =>
                        r.ZoneId === p.ZoneId && (!p.Keyword || (p.SearchMode === "EXACT" ? r.Rr === p.Keyword : r.Rr.includes(p.Keyword))),
                );
                return { TotalItems: list.length, PageNumber: 1, PageSize: Number(p.PageSize ?? 20), Records: { Record: list } };
            }
            case "DescribeZoneInfo": {
                const z = this.zones.get(p.ZoneId);
                return {
                    ZoneId: p.ZoneId,
                    ZoneName: z?.name ?? "",
                    DnsGroup: z?.dnsGroup ?? "FAST_ZONE",
                    DnsGroupChanging: z?.changing ?? false,
                    BindVpcs: { Vpc: (z?.vpcIds ?? []).map((v) => ({ VpcId: v, RegionId: "cn-hangzhou" })) },
                };
            }
            case "UpdateZoneRecordWeight": {
                const r = this.record(p.RecordId);
                this.weightsAllowed(r.ZoneId);
                r.Weight = this.weight(p.Weight, 0);
                return { RecordId: Number(r.RecordId) };
            }
            case "SetZoneRecordStatus": {
                const r = this.record(p.RecordId);
                if (p.Status !== "ENABLE" && p.Status !== "DISABLE") throw new ApiError(400, "InvalidParameter", "The status is invalid.");
                r.Status = p.Status;
                return { RecordId: Number(r.RecordId), Status: r.Status };
            }
            case "SetZoneLbaStatus": {
                // A missing Line and a Type other than A/AAAA never get here: the request model refuses them (alibaba-rpc.ts).
                this.weightsAllowed(p.ZoneId);
                this.lba.set(`${p.ZoneId}/${p.Rr}/${p.Type}/${p.Line}`, p.Open === "true");
                return {};
            }
            default:
                throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
    }
}
