/**
 * A loopback stand-in for the Alidns API (2015-01-09) that the official SDK can be pointed
 * at. It keeps records and per-name weighting state and answers as Alidns documents:
 * JSON bodies with PascalCase fields, errors as HTTP 400/404 with
 * `{RequestId, HostId, Code, Message, Recommend}` and the documented codes
 * (DomainRecordNotBelongToUser, DomainRecordDisable, DisableDNSSLB, InvalidWeigth — sic,
 * DomainRecordDuplicate, DomainRecordConflict). `AddDomainRecord` takes no status: a record
 * answers from the moment it exists (api-alidns-2015-01-09-adddomainrecord); a name holds
 * either A records or one CNAME; the same RR, type and value twice is a duplicate.
 * It checks that requests carry an ACS3 signature for the expected access key, not the
 * signature's value.
 *
 * Under load Alidns answers `Throttling.User` / `Throttling.Api` (per-API quotas, see
 * help.aliyun.com/en/openapi/throttling-and-quota-management) and `ServiceUnavailable`; the
 * official SDK turns any code containing "Throttling" into a ThrottlingError whose
 * `retryAfter` is read from the `x-acs-retry-after` header (@alicloud/openapi-core,
 * dist/client.js and utils.js `getThrottlingTimeLeft`). `throttle()` answers that way.
 */
import { AlibabaRpcDouble, ApiError, RpcCall } from "./alibaba-rpc";
import { answeringRecords, Moment, sharesOf } from "./answers";

export interface AlidnsRecord {
    RecordId: string;
    DomainName: string;
    RR: string;
    Type: string;
    Value: string;
    TTL: number;
    Weight: number;
    Status: "ENABLE" | "DISABLE";
    Line: string;
}

export type AlidnsCall = RpcCall;

interface Fault {
    status: number;
    code: string;
    message: string;
}

const NOT_BELONG = () => new ApiError(400, "DomainRecordNotBelongToUser", "The domain record does not belong to this user.");

export class AlidnsDouble extends AlibabaRpcDouble {
    readonly records = new Map<string, AlidnsRecord>();
    /** Weighting switched on, by full sub-domain. */
    readonly weighting = new Map<string, boolean>();
    private readonly faults = new Map<string, Fault[]>();
    private nextId = 1000;

    constructor(accessKeyId = "test-access-key") {
        super("2015-01-09", "REQ", accessKeyId);
    }

    addRecord(r: {
        zone: string;
        rr: string;
        type?: string;
        value: string;
        ttl?: number;
        weight?: number;
        status?: "ENABLE" | "DISABLE";
    }): string {
        const id = String(this.nextId++);
        this.records.set(id, {
            RecordId: id,
            DomainName: r.zone,
            RR: r.rr,
            Type: r.type ?? "A",
            Value: r.value,
            TTL: r.ttl ?? 600,
            Weight: r.weight ?? 1,
            Status: r.status ?? "ENABLE",
            Line: "default",
        });
        return id;
    }

    /** The next call of `action` answers with this error instead. */
    failNext(action: string, fault: Fault): void {
        this.faults.set(action, [...(this.faults.get(action) ?? []), fault]);
    }

    /** Watch a name: record what it answers after every call from now on. */
    watch(subDomain: string): void {
        this.startWatching(subDomain);
    }

    /**
     * What a name answers now: with weighting on, its enabled records by weight (Alidns
     * weights are 1..100); with weighting off, every enabled record, unweighted; a name with no
     * record of its own answers as the wildcard above it.
     */
    answer(subDomain: string): Omit<Moment, "after"> {
        const { own, named } = answeringRecords(this.records.values(), subDomain, (r) => this.subDomainOf(r));
        const enabled = named.filter((r) => r.Status === "ENABLE");
        const weighted = own.length > 0 && this.weighting.get(subDomain) === true;
        if (weighted && own.length === 1 && this.oneRecordWeighting === "nothing") return { weighted, shares: {} };
        return { weighted, shares: sharesOf(enabled, weighted) };
    }

    protected answerFor(subDomain: string): Omit<Moment, "after"> {
        return this.answer(subDomain);
    }

    private subDomainOf(r: AlidnsRecord): string {
        return r.RR === "@" ? r.DomainName : `${r.RR}.${r.DomainName}`;
    }

    protected faultFor(action: string): ApiError | undefined {
        const fault = this.faults.get(action)?.shift();
        return fault ? new ApiError(fault.status, fault.code, fault.message) : undefined;
    }

    /** Alidns's rules for a record's name, type and value against the other records of the name. */
    private admissible(r: { DomainName: string; RR: string; Type: string; Value: string }, self?: string): void {
        const others = [...this.records.values()].filter((x) => x.RecordId !== self && x.DomainName === r.DomainName && x.RR === r.RR);
        if (others.some((x) => x.Type === r.Type && x.Value === r.Value))
            throw new ApiError(400, "DomainRecordDuplicate", "The DNS record already exists.");
        if (
            others.some((x) => (x.Type === "CNAME") !== (r.Type === "CNAME")) ||
            (r.Type === "CNAME" && others.some((x) => x.Type === "CNAME"))
        )
            throw new ApiError(400, "DomainRecordConflict", "The DNS record conflicts with other records.");
    }

    protected dispatch(action: string, p: Record<string, string>): Record<string, unknown> {
        switch (action) {
            case "AddDomainRecord": {
                const fields = { DomainName: p.DomainName, RR: p.RR, Type: p.Type, Value: p.Value };
                this.admissible(fields);
                return {
                    RecordId: this.addRecord({ zone: p.DomainName, rr: p.RR, type: p.Type, value: p.Value, ttl: Number(p.TTL ?? 600) }),
                };
            }
            case "UpdateDomainRecord": {
                const r = this.records.get(p.RecordId);
                if (!r) throw NOT_BELONG();
                const fields = { DomainName: r.DomainName, RR: p.RR, Type: p.Type, Value: p.Value };
                // Alidns answers an update that changes nothing as a duplicate of the record itself.
                if (r.RR === p.RR && r.Type === p.Type && r.Value === p.Value && r.TTL === Number(p.TTL ?? r.TTL))
                    throw new ApiError(400, "DomainRecordDuplicate", "The DNS record already exists.");
                this.admissible(fields, r.RecordId);
                Object.assign(r, { RR: p.RR, Type: p.Type, Value: p.Value, TTL: Number(p.TTL ?? r.TTL) });
                return { RecordId: r.RecordId };
            }
            case "DeleteDomainRecord": {
                if (!this.records.delete(p.RecordId)) throw NOT_BELONG();
                return { RecordId: p.RecordId };
            }
            case "DescribeDNSSLBSubDomains": {
                const names = new Set(
                    [...this.records.values()]
                        .filter((r) => r.DomainName === p.DomainName && (!p.Rr || r.RR === p.Rr) && r.Type === "A")
                        .map((r) => this.subDomainOf(r)),
                );
                const list = [...names].sort().map((sub) => ({
                    SubDomain: sub,
                    Open: this.weighting.get(sub) ?? false,
                    RecordCount: [...this.records.values()].filter((r) => this.subDomainOf(r) === sub).length,
                    Type: "A",
                }));
                return {
                    TotalCount: list.length,
                    PageNumber: 1,
                    PageSize: Number(p.PageSize ?? 20),
                    SlbSubDomains: { SlbSubDomain: list },
                };
            }
            case "SetDNSSLBStatus": {
                // "The type of the DNS record. Valid values: A and AAAA. Default value: A." (SetDNSSLBStatusRequest, @alicloud/alidns20150109 4.6.1)
                if (p.Type !== undefined && p.Type !== "A" && p.Type !== "AAAA")
                    throw new ApiError(400, "InvalidParameter", `The specified parameter Type ${p.Type} is not valid.`);
                const count = [...this.records.values()].filter(
                    (r) => this.subDomainOf(r) === p.SubDomain && r.Type === (p.Type ?? "A"),
                ).length;
                if (count === 0) throw NOT_BELONG();
                const open = p.Open === undefined ? true : p.Open === "true";
                this.weighting.set(p.SubDomain, open);
                return { RecordCount: count, Open: open };
            }
            case "DescribeSubDomainRecords": {
                const list = [...this.records.values()].filter(
                    (r) => this.subDomainOf(r) === p.SubDomain && (!p.DomainName || r.DomainName === p.DomainName),
                );
                return { TotalCount: list.length, PageNumber: 1, PageSize: Number(p.PageSize ?? 20), DomainRecords: { Record: list } };
            }
            case "UpdateDNSSLBWeight": {
                const r = this.records.get(p.RecordId);
                if (!r) throw NOT_BELONG();
                const weight = Number(p.Weight);
                if (!Number.isInteger(weight) || weight < 1 || weight > 100)
                    throw new ApiError(400, "InvalidWeigth", "The weigth value is invalid.");
                if (r.Status === "DISABLE") throw new ApiError(400, "DomainRecordDisable", "The domain record is disable.");
                if (!this.weighting.get(this.subDomainOf(r)))
                    throw new ApiError(400, "DisableDNSSLB", "The subdomain's DNS SLB status is closed.");
                r.Weight = weight;
                return { RecordId: r.RecordId, Weight: weight };
            }
            case "SetDomainRecordStatus": {
                const r = this.records.get(p.RecordId);
                if (!r) throw NOT_BELONG();
                // The request takes Enable / Disable (the request model); a record reports ENABLE / DISABLE.
                if (p.Status !== "Enable" && p.Status !== "Disable")
                    throw new ApiError(400, "InvalidStatus", "The specified status is invalid.");
                r.Status = p.Status === "Enable" ? "ENABLE" : "DISABLE";
                return { RecordId: r.RecordId, Status: r.Status };
            }
            default:
                throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
    }
}
