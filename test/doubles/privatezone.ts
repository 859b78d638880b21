/**
 * A loopback stand-in for the PrivateZone API (pvtz 2018-01-01) that Alibaba's
 * `@alicloud/openapi-core` generic RPC call can be pointed at. It keeps records (with weight
 * and status) and the per-name weighting switch, and answers as the documentation and the
 * team's checked notes (shared/notes/alibaba-cloud.md) say:
 * - `UpdateZoneRecordWeight(RecordId, Weight)` (help.aliyun.com, api-pvtz-2018-01-01-
 *   updatezonerecordweight: RecordId and Weight required) takes 0..100;
 * - `SetZoneRecordStatus(RecordId, Status ENABLE|DISABLE)` (document 66251);
 * - `AddZoneRecord(ZoneId, Rr, Type, Value, Ttl, Weight 1..100 default 1)` answers at once (no
 *   status); `UpdateZoneRecord(RecordId, Rr, Type, Value, Ttl)`, `DeleteZoneRecord(RecordId)`;
 *   a name holds A records or CNAMEs, not both (several CNAMEs only weighted — not modelled);
 * - `SetZoneLbaStatus(ZoneId, Rr, Type, Open)`, `DescribeZoneRecords(ZoneId, Keyword,
 *   SearchMode EXACT, PageSize)` returning `Records.Record[]` with Weight and Status (notes);
 * - throttling as every Alibaba Cloud API (`Throttling.User`, HTTP 400; the SDK reads
 *   `x-acs-retry-after`).
 * Error codes for an unknown record, a duplicate or a conflict are not in the documentation we
 * have: they answer `InvalidParameter` here, and no test asserts those codes.
 *
 * After every call it records what the name answers (`moments`): with weighting on, the
 * enabled records above 0 by weight — or, when every enabled record is at 0, all of them
 * unweighted (PrivateZone's rule); with weighting off, every enabled record, unweighted; a
 * name with no record of its own answers as the wildcard above it.
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

export class PrivateZoneDouble extends AlibabaRpcDouble {
    readonly records = new Map<string, PvtzRecord>();
    /** Weighting switched on, by `zoneId/rr/type`. */
    readonly lba = new Map<string, boolean>();
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

    /** Watch a name: record what it answers after every call from now on. */
    watch(zoneId: string, rr: string): void {
        this.startWatching(`${zoneId}/${rr}`);
        this.observe("watch");
    }

    /** What `zoneId/rr` answers now, by the rules in this file's header. */
    answer(zoneId: string, rr: string): Omit<Moment, "after"> {
        const inZone = [...this.records.values()].filter((r) => r.ZoneId === zoneId);
        const { own, named } = answeringRecords(inZone, rr, (r) => r.Rr);
        const enabled = named.filter((r) => r.Status === "ENABLE");
        const on = own.length > 0 && [...this.lba.entries()].some(([k, v]) => v && k.startsWith(`${zoneId}/${rr}/`));
        const positive = enabled.filter((r) => r.Weight > 0);
        const weighted = on && positive.length > 0;
        if (on && own.length === 1 && this.oneRecordWeighting === "nothing") return { weighted: true, shares: {} };
        return { weighted, shares: sharesOf(weighted ? positive : enabled, weighted) };
    }

    protected answerFor(key: string): Omit<Moment, "after"> {
        const [zoneId, rr] = key.split("/");
        return this.answer(zoneId, rr);
    }

    private record(id: string): PvtzRecord {
        const r = this.records.get(id);
        if (!r) throw new ApiError(400, "InvalidParameter", `The record ${id} does not exist.`);
        return r;
    }

    /** A record's name, type and value against the other records of the name. */
    private admissible(r: { ZoneId: string; Rr: string; Type: string; Value: string }, self?: string): void {
        const others = [...this.records.values()].filter((x) => x.RecordId !== self && x.ZoneId === r.ZoneId && x.Rr === r.Rr);
        if (others.some((x) => x.Type === r.Type && x.Value === r.Value))
            throw new ApiError(400, "InvalidParameter", "The record already exists.");
        if (others.some((x) => (x.Type === "CNAME") !== (r.Type === "CNAME")))
            throw new ApiError(400, "InvalidParameter", "The record conflicts with other records of the name.");
    }

    protected dispatch(action: string, p: Record<string, string>): Record<string, unknown> {
        switch (action) {
            case "AddZoneRecord": {
                this.admissible({ ZoneId: p.ZoneId, Rr: p.Rr, Type: p.Type, Value: p.Value });
                const weight = Number(p.Weight ?? 1);
                if (!Number.isInteger(weight) || weight < 1 || weight > 100)
                    throw new ApiError(400, "InvalidParameter", "The weight is invalid.");
                // The call's own moment is recorded after it (AlibabaRpcDouble): none for the insert itself.
                const id = this.insert({ zoneId: p.ZoneId, rr: p.Rr, type: p.Type, value: p.Value, ttl: Number(p.Ttl ?? 60), weight });
                return { RecordId: Number(id) };
            }
            case "UpdateZoneRecord": {
                const r = this.record(p.RecordId);
                this.admissible({ ZoneId: r.ZoneId, Rr: p.Rr, Type: p.Type, Value: p.Value }, r.RecordId);
                Object.assign(r, { Rr: p.Rr, Type: p.Type, Value: p.Value, Ttl: Number(p.Ttl ?? r.Ttl) });
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
            case "UpdateZoneRecordWeight": {
                const r = this.record(p.RecordId);
                const weight = Number(p.Weight);
                if (!Number.isInteger(weight) || weight < 0 || weight > 100)
                    throw new ApiError(400, "InvalidParameter", "The weight is invalid.");
                r.Weight = weight;
                return { RecordId: Number(r.RecordId) };
            }
            case "SetZoneRecordStatus": {
                const r = this.record(p.RecordId);
                if (p.Status !== "ENABLE" && p.Status !== "DISABLE") throw new ApiError(400, "InvalidParameter", "The status is invalid.");
                r.Status = p.Status;
                return { RecordId: Number(r.RecordId), Status: r.Status };
            }
            case "SetZoneLbaStatus": {
                this.lba.set(`${p.ZoneId}/${p.Rr}/${p.Type ?? "A"}`, p.Open === "true");
                return {};
            }
            default:
                throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
    }
}
