/**
 * A loopback stand-in for the Alidns API (2015-01-09) that the official SDK can be pointed
 * at. It keeps records and per-name weighting state and answers as Alidns documents:
 * JSON bodies with PascalCase fields, errors as HTTP 400/404 with
 * `{RequestId, HostId, Code, Message, Recommend}` and the documented codes
 * (DomainRecordNotBelongToUser, DomainRecordDisable, DisableDNSSLB, InvalidWeigth — sic).
 * It checks that requests carry an ACS3 signature for the expected access key, not the
 * signature's value.
 *
 * Under load Alidns answers `Throttling.User` / `Throttling.Api` (per-API quotas, see
 * help.aliyun.com/en/openapi/throttling-and-quota-management) and `ServiceUnavailable`; the
 * official SDK turns any code containing "Throttling" into a ThrottlingError whose
 * `retryAfter` is read from the `x-acs-retry-after` header (@alicloud/openapi-core,
 * dist/client.js and utils.js `getThrottlingTimeLeft`). `throttle()` answers that way.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";

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

export interface AlidnsCall {
    action: string;
    params: Record<string, string>;
}

interface Fault {
    status: number;
    code: string;
    message: string;
}

class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

const NOT_BELONG = () => new ApiError(400, "DomainRecordNotBelongToUser", "The domain record does not belong to this user.");

export class AlidnsDouble {
    readonly records = new Map<string, AlidnsRecord>();
    /** Weighting switched on, by full sub-domain. */
    readonly weighting = new Map<string, boolean>();
    readonly calls: AlidnsCall[] = [];
    /** What each watched name answered after every successful call, in order. */
    readonly moments = new Map<string, { after: string; weighted: boolean; shares: Record<string, number> }[]>();
    private readonly faults = new Map<string, Fault[]>();
    private server?: http.Server;
    private nextId = 1000;
    private nextRequest = 1;
    /** Answers still to be throttled, and how: one in every `every` calls. */
    private throttled?: { left: number; code: string; retryAfterMs?: number; every: number; seen: number };

    constructor(readonly accessKeyId = "test-access-key") {}

    /** `127.0.0.1:<port>`, the SDK endpoint. */
    endpoint = "";

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => this.handle(req, res));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.endpoint = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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

    /**
     * `answers` of the coming calls (any action; one in every `every`, from the next one on)
     * answer throttled with `code` (Throttling.User: HTTP 400; ServiceUnavailable: 503), with
     * `x-acs-retry-after` when `retryAfterMs` is given.
     */
    throttle(answers: number, code = "Throttling.User", retryAfterMs?: number, every = 1): void {
        this.throttled = { left: answers, code, every, seen: 0, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }

    /** Watch a name: record what it answers after every call from now on. */
    watch(subDomain: string): void {
        this.moments.set(subDomain, []);
    }

    /**
     * What a name answers now: with weighting on, its enabled A records by weight (Alidns
     * weights are 1..100); with weighting off, every enabled A record, unweighted.
     */
    answer(subDomain: string): { weighted: boolean; shares: Record<string, number> } {
        const enabled = [...this.records.values()].filter(
            (r) => this.subDomainOf(r) === subDomain && r.Type === "A" && r.Status === "ENABLE",
        );
        const weighted = this.weighting.get(subDomain) === true;
        const total = weighted ? enabled.reduce((n, r) => n + r.Weight, 0) : enabled.length;
        const shares: Record<string, number> = {};
        for (const r of enabled) shares[r.Value] = (shares[r.Value] ?? 0) + (weighted ? r.Weight : 1) / total;
        return { weighted, shares };
    }

    /** Calls as `Action key=value ...`, the signature-free part, in order. */
    log(): string[] {
        return this.calls.map((c) => [c.action, ...Object.entries(c.params).map(([k, v]) => `${k}=${v}`)].join(" "));
    }

    private subDomainOf(r: AlidnsRecord): string {
        return r.RR === "@" ? r.DomainName : `${r.RR}.${r.DomainName}`;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
            // Deterministic request ids, so a test can assert the whole message an operator reads.
            const requestId = `REQ-${this.nextRequest++}`;
            let headers: Record<string, string> = {};
            const reply = (status: number, payload: Record<string, unknown>) => {
                res.writeHead(status, { ...headers, "content-type": "application/json;charset=utf-8" });
                res.end(JSON.stringify({ RequestId: requestId, ...payload }));
            };
            try {
                const url = new URL(req.url ?? "/", "http://alidns.local");
                const params: Record<string, string> = Object.fromEntries(url.searchParams);
                if (body) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
                const action = String(req.headers["x-acs-action"] ?? params.Action ?? "");
                const auth = String(req.headers.authorization ?? "");
                if (!auth.startsWith(`ACS3-HMAC-SHA256 Credential=${this.accessKeyId},`)) {
                    throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
                }
                if (req.headers["x-acs-version"] !== "2015-01-09")
                    throw new ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.");
                this.calls.push({ action, params });
                if (this.throttled && this.throttled.left > 0 && this.throttled.seen++ % this.throttled.every === 0) {
                    this.throttled.left--;
                    const t = this.throttled;
                    if (t.retryAfterMs !== undefined) headers = { "x-acs-retry-after": String(t.retryAfterMs) };
                    throw t.code === "ServiceUnavailable"
                        ? new ApiError(503, t.code, "The request has failed due to a temporary failure of the server.")
                        : new ApiError(400, t.code, "Request was denied due to user flow control.");
                }
                const fault = this.faults.get(action)?.shift();
                if (fault) throw new ApiError(fault.status, fault.code, fault.message);
                const payload = this.dispatch(action, params);
                for (const [sub, list] of this.moments) list.push({ after: `${action} ${JSON.stringify(params)}`, ...this.answer(sub) });
                reply(200, payload);
            } catch (err) {
                if (err instanceof ApiError)
                    reply(err.status, {
                        HostId: "alidns.aliyuncs.com",
                        Code: err.code,
                        Message: err.message,
                        Recommend: `https://api.aliyun.com/troubleshoot?q=${err.code}`,
                    });
                else reply(500, { HostId: "alidns.aliyuncs.com", Code: "InternalError", Message: String(err) });
            }
        });
    }

    private dispatch(action: string, p: Record<string, string>): Record<string, unknown> {
        switch (action) {
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
                if (p.Status !== "ENABLE" && p.Status !== "DISABLE")
                    throw new ApiError(400, "InvalidStatus", "The specified status is invalid.");
                r.Status = p.Status;
                return { RecordId: r.RecordId, Status: r.Status };
            }
            default:
                throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
    }
}
