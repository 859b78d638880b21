/**
 * How the DNS providers call Alibaba Cloud APIs through the official SDK (Alidns's generated
 * client, or `@alicloud/openapi-core`'s generic RPC call for PrivateZone): which failures are
 * transient, how long to wait, and the error an operator reads. Shared by both providers and
 * serialised into each (plain functions, plain Errors: a class would lose its message in the
 * engine's provider host).
 */

/** Retries of a throttled or unavailable call, and the first backoff in ms. */
export interface RetrySettings {
    retries: number;
    backoffMs: number;
}

/**
 * Requests per second this provider process sends to one API endpoint, all resources together
 * (`migration:dns.requestsPerSecond`). Alibaba Cloud's quotas are per API and account, so one
 * process-wide pace under the smallest quota leaves every call within its own.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 20;

/** The resolution line records are written on when config names none (`migration:dns.line`). */
export const DEFAULT_LINE = "default";

/** The retry settings when config gives none (`migration:dns.retries`, `dns.retryBackoffMs`). */
export const DEFAULT_RETRY: RetrySettings = { retries: 5, backoffMs: 250 };

/**
 * What the engine sends for a value not known yet (a preview before a record exists): the same
 * string for every unknown, so two unknown record ids are equal and are never duplicates.
 */
export const ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A failed Alibaba Cloud call, named after the service, the call and what it was for, with the vendor's code. */
export interface AlibabaCallError extends Error {
    action: string;
    target: string;
    /** The vendor's error code, e.g. DomainRecordNotBelongToUser, Throttling.User. */
    code?: string;
}

/** Codes Alibaba Cloud APIs answer under load (per-API quotas) or while briefly unavailable: worth another try. */
export function isTransient(err: unknown): boolean {
    const e = err as { code?: string; statusCode?: number };
    return /^Throttling/.test(String(e?.code ?? "")) || e?.code === "ServiceUnavailable" || e?.statusCode === 503;
}

/**
 * The error the engine shows: `<Service> <Action> failed for <target>[ after N attempts]: <Code>: <Message> (request <id>)`.
 * `name` is the error class name readers test for (AlidnsError, PvtzError).
 */
export function callError(name: string, service: string, action: string, target: string, cause: unknown, attempts = 1): AlibabaCallError {
    const e = cause as { code?: string; message?: string; requestId?: string };
    // A network failure (ECONNREFUSED, ETIMEDOUT, …): the SDK's message glues the address and the request URL together.
    const network = /^E[A-Z]+$/.test(String(e?.code ?? ""));
    const detail = network
        ? `cannot reach the API (${e.code})`
        : e?.code
          ? `${e.code}: ${String(e.message ?? "")
                .replace(/^[\w.]+: code: \d+, /, "")
                .replace(/ request id: \S+$/, "")}`
          : String(e?.message ?? cause);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const err = new Error(
        `${service} ${action} failed for ${target}${tries}: ${detail}${e?.requestId ? ` (request ${e.requestId})` : ""}`,
    ) as AlibabaCallError;
    err.name = name;
    err.action = action;
    err.target = target;
    if (e?.code) err.code = e.code;
    return err;
}

/**
 * What the provider process shares across every resource it serves: one pace per API endpoint.
 * The engine runs every dynamic resource of a
 * run in one host process, but each resource's provider is rebuilt from its own serialised
 * text, so module state is not shared between them: the process's global object is.
 */
interface ProcessShared {
    paces: Map<string, { next: number }>;
}

function shared(): ProcessShared {
    const key = Symbol.for("migration.alibaba-calls.shared");
    const g = globalThis as unknown as Record<symbol, ProcessShared | undefined>;
    return (g[key] ??= { paces: new Map() });
}

/**
 * Waits for this call's turn at `endpoint`: calls leave at most `perSecond` a second, evenly
 * spaced, across every resource of the process (a parallel engine runs up to 16 resources at
 * once; each would otherwise pace itself alone and together exceed the quota).
 */
export async function pace(endpoint: string, perSecond: number): Promise<void> {
    if (!(perSecond > 0)) return;
    const paces = shared().paces;
    const slot = paces.get(endpoint) ?? { next: 0 };
    paces.set(endpoint, slot);
    const now = Date.now();
    const at = Math.max(now, slot.next);
    slot.next = at + 1000 / perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
}

/**
 * Runs `fn`, retrying while the API answers throttled or unavailable: jittered exponential
 * backoff from `retry.backoffMs`, or the wait the server gives (`x-acs-retry-after`, which the
 * SDK reports as `retryAfter`, ms); at most `retry.retries` more attempts. Anything else
 * fails at once through `fail(cause, attempts)`.
 */
export async function withRetries<T>(
    fn: () => Promise<T>,
    retry: RetrySettings,
    fail: (cause: unknown, attempts: number) => Error,
): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (err) {
            if (!isTransient(err) || attempt > retry.retries) throw fail(err, attempt);
            const after = (err as { retryAfter?: number }).retryAfter;
            const ceiling = Math.min(retry.backoffMs * 2 ** (attempt - 1), 8_000);
            const wait = typeof after === "number" && after >= 0 ? Math.min(after, 30_000) : ceiling / 2 + Math.random() * (ceiling / 2);
            await new Promise((r) => setTimeout(r, wait));
        }
    }
}
