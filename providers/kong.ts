/**
 * Kong Gateway entities through the Admin API, as Pulumi dynamic providers (`@pulumi/kong`
 * is not available, and its Target is replace-on-change, which hits 409 on Kong >= 3).
 *
 * - KongUpstreamEntity: the upstream, upserted by name (PUT), and its targets, read by
 *   `host:port` then PATCHed when present or POSTed when absent, port always explicit.
 *   Weight changes are in place; the gaining target is raised before the losing one is
 *   lowered, so the upstream never has every target at weight 0 (Kong would answer 503).
 * - KongServiceBinding: points an existing service's `host` at the upstream (created after
 *   the upstream's targets exist, by dependency), relaxes retries/timeouts while migrating,
 *   and restores the recorded originals on delete.
 *
 * The provider objects are serialised into the state: they capture nothing, HTTP goes
 * through global `fetch` created per call, and the Admin token arrives as a secret input.
 */
import * as pulumi from "@pulumi/pulumi";
import { KONG_UPSTREAM_ENTITY_TYPE, KONG_SERVICE_BINDING_TYPE } from "../vocabulary/resource-types";
export { KONG_UPSTREAM_ENTITY_TYPE, KONG_SERVICE_BINDING_TYPE };

/** Bump when the providers' behaviour changes: the engine does not see code changes otherwise. */
export const KONG_PROVIDER_VERSION = "1";

export interface KongConnection {
    adminUrl: string;
    workspace?: string;
    /** Verify the Admin API's certificate. */
    tlsVerify: boolean;
    auth: "kong-admin-token" | "bearer";
    /** Per-request timeout, ms. @default 10000 */
    timeoutMs?: number;
    /** Extra attempts on 5xx and timeouts. @default 3 */
    retries?: number;
    /** First backoff, ms; doubles per attempt (with jitter), capped at 5 s. @default 500 */
    backoffMs?: number;
}

/** Whole-jitter exponential backoff: a random wait up to base·2^(n−1), capped; a server's Retry-After wins. */
function backoff(baseMs: number, retry: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, 30_000);
    const ceiling = Math.min(baseMs * 2 ** (retry - 1), 5_000);
    return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** A Kong Admin API failure, named after the entity and, for schema violations, the fields. */
export interface KongError extends Error {
    name: "KongError";
    status?: number;
    fields?: Record<string, unknown>;
}

/**
 * Builds a KongError. A plain `Error` with fields attached, not a subclass: the engine runs
 * this provider from its serialised source, where a class extending Error loses its message
 * (the rebuilt constructor never binds `this` to the Error), and the operator would read
 * `undefined`.
 */
export function kongError(message: string, status?: number, fields?: Record<string, unknown>): KongError {
    const err = new Error(message) as KongError;
    err.name = "KongError";
    if (status !== undefined) err.status = status;
    if (fields !== undefined) err.fields = fields;
    return err;
}

export function isKongError(err: unknown): err is KongError {
    return err instanceof Error && err.name === "KongError";
}

interface KongResponse {
    status: number;
    body: Record<string, unknown> | undefined;
}

function describeFields(fields: unknown, prefix = ""): string[] {
    if (typeof fields !== "object" || fields === null) return [];
    return Object.entries(fields as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === "object" && v !== null && !Array.isArray(v)
            ? describeFields(v, `${prefix}${k}.`)
            : [`${prefix}${k}: ${Array.isArray(v) ? v.join("; ") : String(v)}`],
    );
}

function failure(entity: string, res: KongResponse, attempts: number): KongError {
    const message = String(res.body?.message ?? "");
    const fields = res.body?.fields as Record<string, unknown> | undefined;
    switch (true) {
        case res.status === 400:
            return kongError(`Kong rejected ${entity}: ${describeFields(fields).join(", ") || message}`, 400, fields);
        case res.status === 401 || res.status === 403:
            return kongError(`Kong refused the Admin credentials for ${entity} (HTTP ${res.status}): ${message}`, res.status);
        case res.status === 404:
            return kongError(`${entity} does not exist in Kong (HTTP 404)`, 404);
        case res.status === 409:
            return kongError(`Kong refused ${entity}: it already exists (${message})`, 409, fields);
        default:
            return kongError(
                `Kong Admin API answered HTTP ${res.status} for ${entity} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${message}`,
                res.status,
            );
    }
}

/**
 * One Admin API call: JSON in and out, auth header, workspace prefix, bounded retries with
 * jittered exponential backoff on 429, 5xx and timeouts. Statuses in `tolerate` (e.g. 404,
 * 409) are returned instead of thrown, for the caller to handle.
 */
export async function kongRequest(
    conn: KongConnection,
    token: string | undefined,
    method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE",
    path: string,
    entity: string,
    body?: Record<string, unknown>,
    tolerate: number[] = [],
): Promise<KongResponse> {
    const base = conn.adminUrl.replace(/\/+$/, "") + (conn.workspace ? `/${encodeURIComponent(conn.workspace)}` : "");
    const headers: Record<string, string> = { accept: "application/json" };
    if (body) headers["content-type"] = "application/json";
    if (token) {
        if (conn.auth === "bearer") headers.authorization = `Bearer ${token}`;
        else headers["kong-admin-token"] = token;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dispatcher = conn.tlsVerify ? undefined : new (require("undici").Agent)({ connect: { rejectUnauthorized: false } });
    const attempts = 1 + (conn.retries ?? 3);
    const timeoutMs = conn.timeoutMs ?? 10_000;
    let last: KongResponse | undefined;
    let timedOut = false;
    let retryAfterMs: number | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await new Promise((r) => setTimeout(r, backoff(conn.backoffMs ?? 500, attempt - 1, retryAfterMs)));
        let response: Response;
        try {
            response = await fetch(base + path, {
                method,
                headers,
                ...(body ? { body: JSON.stringify(body) } : {}),
                signal: AbortSignal.timeout(timeoutMs),
                ...(dispatcher ? { dispatcher } : {}),
            } as RequestInit);
        } catch (err) {
            const e = err as Error & { cause?: { code?: string; message?: string } };
            if (e.name === "TimeoutError" || e.name === "AbortError") {
                timedOut = true;
                continue;
            }
            const code = e.cause?.code ?? e.cause?.message ?? e.message;
            throw kongError(`cannot reach the Kong Admin API at ${conn.adminUrl} for ${entity}: ${code}`);
        }
        const text = await response.text();
        let parsed: Record<string, unknown> | undefined;
        try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        } catch {
            parsed = { message: text.slice(0, 200) };
        }
        last = { status: response.status, body: parsed };
        timedOut = false;
        // 429 (rate limiting) and 5xx are transient: wait (as told, when told) and try again.
        const after = Number(response.headers.get("retry-after"));
        retryAfterMs = Number.isFinite(after) && response.headers.get("retry-after") !== null ? after * 1000 : undefined;
        if (response.status >= 500 || response.status === 429) continue;
        if (response.status < 300 || tolerate.includes(response.status)) return last;
        throw failure(entity, last, attempt);
    }
    if (timedOut || !last)
        throw kongError(
            `the Kong Admin API at ${conn.adminUrl} did not answer within ${timeoutMs} ms for ${entity} after ${attempts} attempts`,
        );
    throw failure(entity, last, attempts);
}

export interface TargetSpec {
    side: "A" | "B";
    target: string;
    weight: number;
}

export interface UpstreamState {
    connection: KongConnection;
    adminToken?: string;
    upstream: { name: string; host_header: string | null; healthchecks: Record<string, unknown>; tags: string[] };
    targets: TargetSpec[];
    version: string;
    /** Output: Kong's id of the upstream. */
    upstreamId?: string;
}

const enc = encodeURIComponent;

/** Gaining targets first, losing last: the upstream never reaches a total weight of 0. */
export function targetOrder(targets: TargetSpec[], before: Map<string, number>): TargetSpec[] {
    const delta = (t: TargetSpec) => t.weight - (before.get(t.target) ?? 0);
    return [...targets].sort((x, y) => delta(y) - delta(x));
}

async function upsertUpstream(s: UpstreamState): Promise<string> {
    // PUT replaces the whole upstream: an omitted host_header is unset (the contract types it as a string, not null).
    const res = await kongRequest(s.connection, s.adminToken, "PUT", `/upstreams/${enc(s.upstream.name)}`, `upstream ${s.upstream.name}`, {
        name: s.upstream.name,
        ...(s.upstream.host_header !== null ? { host_header: s.upstream.host_header } : {}),
        healthchecks: s.upstream.healthchecks,
        tags: s.upstream.tags,
    });
    return String(res.body?.id ?? "");
}

/**
 * Brings every target to its weight with one write per changed target and no read: `known`
 * is what the previous apply left (the resource's old outputs), or empty on create. A target
 * known to exist is PATCHed (POSTed if it was removed behind our back: Kong answers 404); an
 * unknown one is POSTed (PATCHed if it already exists: Kong answers 409). Unchanged targets
 * cost no call. Refresh (`read`) is where drift is looked for.
 */
async function applyTargets(s: UpstreamState, known: Map<string, number>, retag = false): Promise<void> {
    const u = s.upstream.name;
    const path = `/upstreams/${enc(u)}/targets`;
    for (const t of targetOrder(s.targets, known)) {
        const entity = `target ${t.target} of upstream ${u}`;
        const was = known.get(t.target);
        // New tags (the team's scope) reach every target, weight changed or not: a target left with the old tag is outside decK's select_tags.
        if (was === t.weight && !retag) continue;
        const post = () =>
            kongRequest(
                s.connection,
                s.adminToken,
                "POST",
                path,
                entity,
                { target: t.target, weight: t.weight, tags: s.upstream.tags },
                [409],
            );
        const patch = () =>
            kongRequest(
                s.connection,
                s.adminToken,
                "PATCH",
                `${path}/${enc(t.target)}`,
                entity,
                retag ? { weight: t.weight, tags: s.upstream.tags } : { weight: t.weight },
                [404],
            );
        // PATCH answers 404 for a missing target, POST 409 for an existing one: switch on each.
        let write = was !== undefined ? patch : post;
        for (let tries = 0; ; tries++) {
            const res = await write();
            if (res.status < 300) break;
            if (tries === 2)
                throw kongError(
                    `${entity} kept appearing and disappearing while it was written (HTTP ${res.status}); re-run the apply`,
                    res.status,
                );
            write = write === patch ? post : patch;
        }
    }
}

function sameUpstream(a: UpstreamState["upstream"], b: UpstreamState["upstream"]): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

function weightsOf(targets: TargetSpec[] | undefined): Map<string, number> {
    return new Map((targets ?? []).map((t) => [t.target, t.weight]));
}

export const kongUpstreamProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: UpstreamState, news: UpstreamState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        news.targets.forEach((t, i) => {
            if (!/^[^:\s]+:\d{1,5}$/.test(t.target))
                failures.push({
                    property: `targets[${i}].target`,
                    reason: `${JSON.stringify(t.target)} needs an explicit port (Kong stores 8000 otherwise)`,
                });
            if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 65535)
                failures.push({ property: `targets[${i}].weight`, reason: `${JSON.stringify(t.weight)} is not a Kong weight (0..65535)` });
        });
        if (news.targets.length > 0 && news.targets.every((t) => t.weight === 0))
            failures.push({ property: "targets", reason: "every target at weight 0: Kong would answer 503" });
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: UpstreamState, news: UpstreamState): Promise<pulumi.dynamic.DiffResult> {
        const replaces: string[] = [];
        if (olds.upstream?.name !== news.upstream.name) replaces.push("upstream.name");
        if (olds.connection?.adminUrl !== news.connection.adminUrl || olds.connection?.workspace !== news.connection.workspace)
            replaces.push("connection");
        const changes =
            replaces.length > 0 ||
            !sameUpstream(olds.upstream, news.upstream) ||
            JSON.stringify(olds.targets) !== JSON.stringify(news.targets) ||
            JSON.stringify(olds.connection) !== JSON.stringify(news.connection) ||
            olds.version !== news.version;
        // A weight change is an update in place, never a replacement.
        return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: UpstreamState): Promise<pulumi.dynamic.CreateResult> {
        // PUT by name adopts an upstream that already exists (dynamic resources cannot be imported).
        const upstreamId = await upsertUpstream(inputs);
        await applyTargets(inputs, new Map());
        return { id: inputs.upstream.name, outs: { ...inputs, upstreamId } };
    },

    async update(_id: string, olds: UpstreamState, news: UpstreamState): Promise<pulumi.dynamic.UpdateResult> {
        const upstreamId = sameUpstream(olds.upstream, news.upstream) && olds.upstreamId ? olds.upstreamId : await upsertUpstream(news);
        await applyTargets(news, weightsOf(olds.targets), JSON.stringify(olds.upstream?.tags) !== JSON.stringify(news.upstream.tags));
        const kept = new Set(news.targets.map((t) => t.target));
        for (const t of olds.targets.filter((x) => !kept.has(x.target))) {
            // Already gone (removed by hand, or by an interrupted run): Kong answers 404, which is the goal.
            await kongRequest(
                news.connection,
                news.adminToken,
                "DELETE",
                `/upstreams/${enc(news.upstream.name)}/targets/${enc(t.target)}`,
                `target ${t.target} of upstream ${news.upstream.name}`,
                undefined,
                [404],
            );
        }
        return { outs: { ...news, upstreamId } };
    },

    async read(id: string, props: UpstreamState): Promise<pulumi.dynamic.ReadResult> {
        const u = props.upstream.name;
        const up = await kongRequest(props.connection, props.adminToken, "GET", `/upstreams/${enc(u)}`, `upstream ${u}`, undefined, [404]);
        if (up.status === 404) return { id: "", props: {} };
        const targets: TargetSpec[] = [];
        for (const t of props.targets) {
            const found = await kongRequest(
                props.connection,
                props.adminToken,
                "GET",
                `/upstreams/${enc(u)}/targets/${enc(t.target)}`,
                `target ${t.target} of upstream ${u}`,
                undefined,
                [404],
            );
            if (found.status !== 404) targets.push({ ...t, weight: Number(found.body?.weight) });
        }
        const b = up.body ?? {};
        return {
            id,
            props: {
                ...props,
                upstreamId: String(b.id ?? ""),
                upstream: {
                    name: u,
                    host_header: (b.host_header as string | null) ?? null,
                    healthchecks: props.upstream.healthchecks,
                    tags: (b.tags as string[]) ?? [],
                },
                targets,
            },
        };
    },

    async delete(_id: string, props: UpstreamState): Promise<void> {
        // Kong deletes the upstream's targets with it; the service binding was restored first (it depends on this).
        await kongRequest(
            props.connection,
            props.adminToken,
            "DELETE",
            `/upstreams/${enc(props.upstream.name)}`,
            `upstream ${props.upstream.name}`,
            undefined,
            [404],
        );
    },
};

const SERVICE_FIELDS = ["host", "port", "protocol", "path", "retries", "connect_timeout", "read_timeout", "write_timeout"] as const;
type ServiceFields = Partial<Record<(typeof SERVICE_FIELDS)[number], string | number>>;

export interface ServiceBindingState {
    connection: KongConnection;
    adminToken?: string;
    service: string;
    /** The upstream the service's host points at. */
    host: string;
    /** Settings while migrating, or null for the service's own. */
    relaxed: Record<string, number> | null;
    /**
     * What the service must speak to the targets while bound: its protocol (an http service sent
     * to :443 targets gets 400) and path; the service's own come back when the binding is deleted.
     * Absent on a binding made before this field: the service is left as it is.
     */
    expect?: { protocol: "http" | "https"; path?: string };
    /** Recorded as the original when the service already points at the upstream. */
    fallbackOriginal: { host: string; port: number };
    version: string;
    /** Output: the service's settings before the binding, restored on delete. */
    original?: ServiceFields;
}

/** The fields a binding wants on the service: the upstream as host, relaxed or original settings. */
function wanted(s: ServiceBindingState, original: ServiceFields): ServiceFields {
    const own = Object.fromEntries(
        SERVICE_FIELDS.filter((f) => f !== "host" && f !== "port" && original[f] !== undefined).map((f) => [f, original[f]!]),
    );
    return { ...own, ...(s.relaxed ?? {}), ...(s.expect ?? {}), host: s.host };
}

async function patchService(s: ServiceBindingState, fields: ServiceFields, tolerate: number[] = []): Promise<void> {
    if (Object.keys(fields).length === 0) return;
    await kongRequest(s.connection, s.adminToken, "PATCH", `/services/${enc(s.service)}`, `service ${s.service}`, fields, tolerate);
}

function changed(from: ServiceFields, to: ServiceFields): ServiceFields {
    return Object.fromEntries(Object.entries(to).filter(([k, v]) => from[k as keyof ServiceFields] !== v));
}

export const kongServiceBindingProvider: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: ServiceBindingState, news: ServiceBindingState): Promise<pulumi.dynamic.DiffResult> {
        const replaces =
            olds.service !== news.service ||
            olds.connection?.adminUrl !== news.connection.adminUrl ||
            olds.connection?.workspace !== news.connection.workspace
                ? ["service"]
                : [];
        const changes =
            replaces.length > 0 ||
            olds.host !== news.host ||
            JSON.stringify(olds.relaxed) !== JSON.stringify(news.relaxed) ||
            JSON.stringify(olds.expect) !== JSON.stringify(news.expect) ||
            JSON.stringify(olds.connection) !== JSON.stringify(news.connection) ||
            olds.version !== news.version;
        return { changes, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: ServiceBindingState): Promise<pulumi.dynamic.CreateResult> {
        const res = await kongRequest(
            inputs.connection,
            inputs.adminToken,
            "GET",
            `/services/${enc(inputs.service)}`,
            `service ${inputs.service}`,
        );
        const current = Object.fromEntries(
            SERVICE_FIELDS.map((f) => [f, res.body?.[f]]).filter(([, v]) => v !== undefined && v !== null),
        ) as ServiceFields;
        // Adopted after an interrupted run, the service already points here: its original is A's runtime.
        const original: ServiceFields = current.host === inputs.host ? { ...current, ...inputs.fallbackOriginal } : current;
        await patchService(inputs, changed(current, wanted(inputs, original)));
        return { id: inputs.service, outs: { ...inputs, original } };
    },

    async update(_id: string, olds: ServiceBindingState, news: ServiceBindingState): Promise<pulumi.dynamic.UpdateResult> {
        const original = olds.original ?? {};
        await patchService(news, changed(wanted(olds, original), wanted(news, original)));
        return { outs: { ...news, original } };
    },

    async read(id: string, props: ServiceBindingState): Promise<pulumi.dynamic.ReadResult> {
        const res = await kongRequest(
            props.connection,
            props.adminToken,
            "GET",
            `/services/${enc(props.service)}`,
            `service ${props.service}`,
            undefined,
            [404],
        );
        if (res.status === 404) return { id: "", props: {} };
        const relaxed = props.relaxed ? Object.fromEntries(Object.keys(props.relaxed).map((k) => [k, Number(res.body?.[k])])) : null;
        return { id, props: { ...props, host: String(res.body?.host ?? ""), relaxed } };
    },

    async delete(_id: string, props: ServiceBindingState): Promise<void> {
        // Restore what the service had before the migration took it over; a service deleted since has nothing to restore.
        await patchService(props, props.original ?? {}, [404]);
    },
};

interface ConnectionArgs {
    connection: KongConnection;
    /** The Admin token; stored as a secret. @default undefined (no auth) */
    adminToken?: pulumi.Input<string>;
}

export interface KongUpstreamEntityArgs extends ConnectionArgs {
    upstream: UpstreamState["upstream"];
    targets: TargetSpec[];
}

/** A Kong upstream and its weighted targets. */
export class KongUpstreamEntity extends pulumi.dynamic.Resource {
    declare readonly upstreamId: pulumi.Output<string>;
    constructor(name: string, args: KongUpstreamEntityArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            kongUpstreamProvider,
            name,
            { ...args, version: KONG_PROVIDER_VERSION, upstreamId: undefined },
            { ...opts, additionalSecretOutputs: ["adminToken"] },
            "migration",
            "KongUpstreamEntity",
        );
    }
}

export interface KongServiceBindingArgs extends ConnectionArgs {
    service: string;
    host: string;
    relaxed: Record<string, number> | null;
    /** The service's protocol (and path) while bound. @default undefined (left as it is) */
    expect?: { protocol: "http" | "https"; path?: string };
    fallbackOriginal: { host: string; port: number };
}

/** An existing Kong service pointed at an upstream, its originals recorded for restore. */
export class KongServiceBinding extends pulumi.dynamic.Resource {
    declare readonly original: pulumi.Output<ServiceFields>;
    constructor(name: string, args: KongServiceBindingArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            kongServiceBindingProvider,
            name,
            { ...args, version: KONG_PROVIDER_VERSION, original: undefined },
            { ...opts, additionalSecretOutputs: ["adminToken"] },
            "migration",
            "KongServiceBinding",
        );
    }
}
