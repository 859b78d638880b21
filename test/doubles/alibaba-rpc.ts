/**
 * What every loopback double of an Alibaba Cloud RPC API shares (Alidns 2015-01-09,
 * PrivateZone 2018-01-01): a server on 127.0.0.1 the official SDK can be pointed at; requests
 * must carry an ACS3 signature for the expected access key (the signature's value is not
 * checked) and the API's `x-acs-version`; parameters come from the query and the form body;
 * errors answer `{RequestId, Code, Message, …}` with the HTTP status; request ids are
 * deterministic (`<prefix>-N`), so a test can assert the whole message an operator reads.
 * Throttling answers as Alibaba Cloud does under its per-API quotas (`Throttling.User`, HTTP 400;
 * `ServiceUnavailable`, 503), with `x-acs-retry-after` when asked — the header the official SDK
 * reads into `retryAfter` (@alicloud/openapi-core dist/utils.js `getThrottlingTimeLeft`).
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { alibabaCallProblems } from "../contracts/alibaba-contract";
import { Moment } from "./answers";

/** Every double started in this process, for the root hook that fails a test whose doubles saw a contract violation. */
export const liveDoubles = new Set<AlibabaRpcDouble>();

/** A vendor error a double answers with. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** One call the double received: the action and its parameters (signature-free). */
export interface RpcCall {
    action: string;
    params: Record<string, string>;
}

export abstract class AlibabaRpcDouble {
    readonly calls: RpcCall[] = [];
    /** Calls that broke the vendor's request model (test/contracts/alibaba-contract.ts), each naming the call; refused as the service refuses them. */
    readonly violations: string[] = [];
    /** What each watched name answered after every successful call, in order, by the double's name key. */
    readonly moments = new Map<string, Moment[]>();
    /**
     * What a weighted name holding a single record answers: undocumented on both services
     * (Alidns documents weighting among several records). "that record" is the likely reading;
     * "nothing" the pessimistic one — the property test runs under both, so the provider's
     * order must be safe either way.
     */
    oneRecordWeighting: "that record" | "nothing" = "that record";
    /** `127.0.0.1:<port>`, the SDK endpoint. */
    endpoint = "";
    private server?: http.Server;
    private nextRequest = 1;
    /** Answers still to be throttled, and how: one in every `every` calls. */
    private throttled?: { left: number; code: string; retryAfterMs?: number; every: number; seen: number };
    /** Accepted calls per action in the last second, when a rate limit is set (`rateLimit`). */
    private rate?: { perSecond: number; recent: Map<string, number[]> };
    /** Calls answered `Throttling.User` by the rate limit. */
    throttledAnswers = 0;
    /** A fault planned for one call (and, throttled, its retries): see `failCall`. */
    private planned?: { at: number; kind: "throttled" | "5xx" | "lost"; left: number };

    protected constructor(
        private readonly version: string,
        private readonly requestPrefix: string,
        readonly accessKeyId: string,
    ) {}

    async start(): Promise<void> {
        liveDoubles.add(this);
        this.server = http.createServer((req, res) => this.handle(req, res));
        // Longer than any pause between calls: a keep-alive socket the server closes just as the SDK
        // reuses it answers ECONNRESET, a race of the loopback setup, not of the service.
        this.server.keepAliveTimeout = 60_000;
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.endpoint = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /**
     * `answers` of the coming calls (any action; one in every `every`, from the next one on)
     * answer throttled with `code`, with `x-acs-retry-after` when `retryAfterMs` is given.
     */
    throttle(answers: number, code = "Throttling.User", retryAfterMs?: number, every = 1): void {
        this.throttled = { left: answers, code, every, seen: 0, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }

    /**
     * The `n`-th call from now (1 = the next) fails: `throttled` answers `Throttling.User` to it and
     * to the `retries` attempts that follow (throttling past the caller's retries; nothing applied);
     * `5xx` answers it `InternalError` (HTTP 500; nothing applied); `lost` applies it and then drops
     * the connection before answering (a timeout after the service acted: the caller cannot know).
     */
    failCall(n: number, kind: "throttled" | "5xx" | "lost", retries = 0): void {
        this.planned = { at: this.calls.length + n, kind, left: kind === "throttled" ? retries + 1 : 1 };
    }

    /**
     * Enforces a per-API flow-control quota as Alibaba Cloud does since 2025-01-15: at most
     * `perSecond` accepted calls of each action in any one-second window; beyond it
     * `Throttling.User` (HTTP 400), counted in `throttledAnswers`. Alidns's published quotas are
     * per API and account (Add/Update/DeleteDomainRecord 60/s, DescribeSubDomainRecords 300/s;
     * shared/notes/alibaba-cloud.md); PrivateZone publishes none we could find, so tests choose.
     * `undefined` lifts the limit.
     */
    rateLimit(perSecond: number | undefined): void {
        this.rate = perSecond === undefined ? undefined : { perSecond, recent: new Map() };
        this.throttledAnswers = 0;
    }

    /** Calls as `Action key=value ...`, the signature-free part, in order. */
    log(): string[] {
        return this.calls.map((c) => [c.action, ...Object.entries(c.params).map(([k, v]) => `${k}=${v}`)].join(" "));
    }

    /** What the name under `key` (the double's own key for a name) answers now. */
    protected abstract answerFor(key: string): Omit<Moment, "after">;

    /** Starts recording what the name under `key` answers after every call. */
    protected startWatching(key: string): void {
        this.moments.set(key, []);
    }

    /** Records every watched name's answer now, after `after`. */
    protected observe(after: string): void {
        for (const [key, list] of this.moments) list.push({ after, ...this.answerFor(key) });
    }

    /** The API's answer to one call (throws ApiError for a vendor error). */
    protected abstract dispatch(action: string, params: Record<string, string>): Record<string, unknown>;

    /** A fault to answer this call with instead, if any (tests inject them). */
    protected faultFor(_action: string): ApiError | undefined {
        return undefined;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
            const requestId = `${this.requestPrefix}-${this.nextRequest++}`;
            let headers: Record<string, string> = {};
            const reply = (status: number, payload: Record<string, unknown>) => {
                res.writeHead(status, { ...headers, "content-type": "application/json;charset=utf-8" });
                res.end(JSON.stringify({ RequestId: requestId, ...payload }));
            };
            try {
                const url = new URL(req.url ?? "/", "http://rpc.local");
                const params: Record<string, string> = Object.fromEntries(url.searchParams);
                if (body) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
                const action = String(req.headers["x-acs-action"] ?? params.Action ?? "");
                if (!String(req.headers.authorization ?? "").startsWith(`ACS3-HMAC-SHA256 Credential=${this.accessKeyId},`)) {
                    throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
                }
                if (req.headers["x-acs-version"] !== this.version)
                    throw new ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.");
                this.calls.push({ action, params });
                // The request model first, as the service validates a call before it acts on it.
                const problems = alibabaCallProblems(this.version, action, params);
                if (problems.length > 0) {
                    this.violations.push(...problems);
                    throw problems.some((x) => x.endsWith(" is required"))
                        ? new ApiError(400, "MissingParameter", problems.join("; "))
                        : new ApiError(400, "InvalidParameter", problems.join("; "));
                }
                if (this.rate) {
                    const now = Date.now();
                    const recent = (this.rate.recent.get(action) ?? []).filter((t) => t > now - 1000);
                    if (recent.length >= this.rate.perSecond) {
                        this.throttledAnswers++;
                        throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
                    }
                    recent.push(now);
                    this.rate.recent.set(action, recent);
                }
                const t = this.throttled;
                if (t && t.left > 0 && t.seen++ % t.every === 0) {
                    t.left--;
                    if (t.retryAfterMs !== undefined) headers = { "x-acs-retry-after": String(t.retryAfterMs) };
                    throw t.code === "ServiceUnavailable"
                        ? new ApiError(503, t.code, "The request has failed due to a temporary failure of the server.")
                        : new ApiError(400, t.code, "Request was denied due to user flow control.");
                }
                const fault = this.faultFor(action);
                if (fault) throw fault;
                const plan = this.planned && this.calls.length >= this.planned.at && this.planned.left > 0 ? this.planned : undefined;
                if (plan) plan.left--;
                if (plan?.kind === "throttled") throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
                if (plan?.kind === "5xx")
                    throw new ApiError(500, "InternalError", "The request processing has failed due to some unknown error.");
                const payload = this.dispatch(action, params);
                this.observe([action, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)].join(" "));
                if (plan?.kind === "lost") {
                    req.socket.destroy();
                    return;
                }
                reply(200, payload);
            } catch (err) {
                if (err instanceof ApiError)
                    reply(err.status, {
                        HostId: "localhost",
                        Code: err.code,
                        Message: err.message,
                        Recommend: `https://api.aliyun.com/troubleshoot?q=${err.code}`,
                    });
                else reply(500, { HostId: "localhost", Code: "InternalError", Message: String(err) });
            }
        });
    }
}
