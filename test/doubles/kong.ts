/**
 * A loopback stand-in for the Kong Gateway 3.x Admin API, as shared/notes/kong-admin-api.md
 * describes it and Kong's source does it. Each endpoint's behaviour, with where Kong does it
 * (Kong/kong at 22246ef28c, `kong/api/routes/upstreams.lua` and `kong/api/endpoints.lua`):
 * - GET/PATCH/PUT/DELETE `/upstreams/{u}/targets/{t}`: 404 `{"message":"Not found"}` when the
 *   upstream or the target is missing (upstreams.lua `target_endpoint`, lines 87–125); DELETE of
 *   an existing target 204 (`delete_target_cb`, lines 76–84); PATCH/PUT update it, 200
 *   (`update_target_cb`, lines 65–73).
 * - POST `/upstreams/{u}/targets`: 201; a duplicate answers 409 unique constraint violation
 *   (`post_collection_endpoint`; the DAO's unique check); 404 when the upstream is missing.
 * - GET/PUT/PATCH/DELETE `/upstreams/{u}` and `/services/{s}`: PUT upserts by name, replacing
 *   the whole entity; DELETE answers 204 whether or not the entity exists
 *   (endpoints.lua `delete_entity_endpoint`, lines 675–682); GET/PATCH of a missing one 404.
 * - GET `/services/{s}/routes`: the service's routes as a page `{data, next}` (endpoints.lua
 *   `get_collection_endpoint` for a foreign key, the DAO's `page_for_service`); 404 when the
 *   service is missing. A route's `preserve_host` defaults to false (kong/db/schema/entities/routes.lua).
 * - a target without a port is stored with port 8000; schema violations answer 400 with
 *   `fields`.
 * Every exchange is recorded for contract checks, and faults (status, delay, headers such as
 * Retry-After) can be injected. It also records each moment an upstream had every target at
 * weight 0 (Kong would answer 503 then).
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Exchange } from "../contracts/kong-contract";

type Entity = Record<string, unknown> & { id: string };

interface Fault {
    method: string;
    pathIncludes: string;
    status?: number;
    body?: Record<string, unknown>;
    /** Answer only after this long (a client timeout shorter than it sees a timeout). */
    delayMs?: number;
    /** Response headers, e.g. Retry-After for a 429. */
    headers?: Record<string, string>;
    times: number;
}

const NOT_FOUND = { message: "Not found" };
const now = () => Math.floor(Date.now() / 1000);

function schemaViolation(field: string, reason: string) {
    return { code: 2, name: "schema violation", message: `schema violation (${field}: ${reason})`, fields: { [field]: reason } };
}

/** Kong's upstream defaults, which a PUT falls back to for every omitted field. */
function upstreamDefaults(): Record<string, unknown> {
    return {
        algorithm: "round-robin",
        slots: 10000,
        hash_on: "none",
        hash_fallback: "none",
        hash_on_cookie_path: "/",
        use_srv_name: false,
        healthchecks: {
            threshold: 0,
            active: {
                type: "http",
                http_path: "/",
                timeout: 1,
                concurrency: 10,
                https_verify_certificate: true,
                healthy: { interval: 0, successes: 0, http_statuses: [200, 302] },
                unhealthy: {
                    interval: 0,
                    http_failures: 0,
                    tcp_failures: 0,
                    timeouts: 0,
                    http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
                },
            },
            passive: {
                type: "http",
                healthy: {
                    successes: 0,
                    http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
                },
                unhealthy: { http_failures: 0, tcp_failures: 0, timeouts: 0, http_statuses: [429, 500, 503] },
            },
        },
    };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = base[k];
        out[k] =
            typeof v === "object" && v !== null && !Array.isArray(v) && typeof b === "object" && b !== null && !Array.isArray(b)
                ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
                : v;
    }
    return out;
}

export class KongDouble {
    readonly services = new Map<string, Entity>();
    readonly routes = new Map<string, Entity>();
    readonly upstreams = new Map<string, Entity>();
    readonly targets = new Map<string, Entity>();
    readonly exchanges: Exchange[] = [];
    /** Each moment (after a write) an upstream with targets had all of them at weight 0. */
    readonly zeroWeightMoments: string[] = [];
    private faults: Fault[] = [];
    private server?: http.Server;
    url = "";

    constructor(readonly options: { token?: string; workspace?: string } = {}) {}

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => this.handle(req, res));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** A route of a service, as Kong stores it (preserve_host false unless given). */
    addRoute(service: string, fields: { name: string; hosts?: string[]; paths?: string[]; preserve_host?: boolean }): Entity {
        const s = this.find(this.services, service);
        if (!s) throw new Error(`no service ${service}`);
        const r: Entity = {
            id: randomUUID(),
            protocols: ["http", "https"],
            preserve_host: false,
            strip_path: true,
            https_redirect_status_code: 426,
            regex_priority: 0,
            request_buffering: true,
            response_buffering: true,
            path_handling: "v0",
            created_at: now(),
            updated_at: now(),
            ...fields,
            service: { id: s.id },
        };
        this.routes.set(r.id, r);
        return r;
    }

    addService(fields: { name: string; host: string; port?: number; protocol?: string; retries?: number }): Entity {
        const s: Entity = {
            id: randomUUID(),
            protocol: "http",
            port: 80,
            path: "/",
            retries: 5,
            connect_timeout: 60000,
            read_timeout: 60000,
            write_timeout: 60000,
            enabled: true,
            created_at: now(),
            updated_at: now(),
            ...fields,
        };
        this.services.set(s.id, s);
        return s;
    }

    /** The next `times` requests matching method and path part answer with this fault. */
    inject(fault: Omit<Fault, "times"> & { times?: number }): void {
        this.faults.push({ times: 1, ...fault });
    }

    /** Target weights of an upstream by `host:port`. */
    weights(upstream: string): Record<string, number> {
        const u = this.find(this.upstreams, upstream);
        if (!u) return {};
        return Object.fromEntries(this.targetsOf(u.id).map((t) => [String(t.target), Number(t.weight)]));
    }

    /** Requests as `METHOD path`, in order. */
    log(): string[] {
        return this.exchanges.map(
            (x) => `${x.method} ${x.path}${x.requestBody !== undefined ? ` ${JSON.stringify(x.requestBody)}` : ""} → ${x.status}`,
        );
    }

    private find(map: Map<string, Entity>, idOrName: string): Entity | undefined {
        return map.get(idOrName) ?? [...map.values()].find((e) => e.name === idOrName);
    }

    private targetsOf(upstreamId: string): Entity[] {
        return [...this.targets.values()].filter((t) => (t.upstream as { id: string }).id === upstreamId);
    }

    private findTarget(upstreamId: string, idOrTarget: string): Entity | undefined {
        const t = this.targets.get(idOrTarget);
        if (t && (t.upstream as { id: string }).id === upstreamId) return t;
        return this.targetsOf(upstreamId).find((x) => x.target === normaliseTarget(idOrTarget));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", async () => {
            const method = req.method ?? "GET";
            let path = decodeURI(new URL(req.url ?? "/", "http://kong.local").pathname).replace(/%3A/gi, ":");
            if (this.options.workspace) {
                const prefix = `/${this.options.workspace}`;
                path = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : `/__outside_workspace__${path}`;
            }
            let body: Record<string, unknown> | undefined;
            try {
                body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
            } catch {
                return this.reply(res, { method, path, status: 400, responseBody: { message: "Cannot parse JSON body" } });
            }
            const fault = this.faults.find((f) => f.times > 0 && f.method === method && path.includes(f.pathIncludes));
            if (fault) {
                fault.times--;
                if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
                if (fault.status)
                    return this.reply(
                        res,
                        {
                            method,
                            path,
                            requestBody: body,
                            status: fault.status,
                            responseBody: fault.body ?? { message: "An unexpected error occurred" },
                        },
                        fault.headers,
                    );
            }
            if (
                this.options.token &&
                req.headers["kong-admin-token"] !== this.options.token &&
                req.headers.authorization !== `Bearer ${this.options.token}`
            ) {
                return this.reply(res, {
                    method,
                    path,
                    requestBody: body,
                    status: 401,
                    responseBody: { message: "Invalid credentials. Token or User credentials required", status: 401 },
                });
            }
            const [status, responseBody] = this.route(method, path, body);
            this.reply(res, {
                method,
                path,
                ...(body !== undefined ? { requestBody: body } : {}),
                status,
                ...(responseBody !== undefined ? { responseBody } : {}),
            });
            if (method !== "GET") this.checkZeroWeights(`${method} ${path}`);
        });
    }

    private reply(res: http.ServerResponse, x: Exchange, headers: Record<string, string> = {}): void {
        this.exchanges.push(x);
        if (res.destroyed) return;
        res.writeHead(x.status, {
            ...headers,
            ...(x.responseBody !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
        });
        res.end(x.responseBody !== undefined ? JSON.stringify(x.responseBody) : undefined);
    }

    private checkZeroWeights(after: string): void {
        for (const u of this.upstreams.values()) {
            const ts = this.targetsOf(u.id);
            if (ts.length > 0 && ts.every((t) => t.weight === 0)) this.zeroWeightMoments.push(`${u.name} after ${after}`);
        }
    }

    private route(method: string, path: string, body?: Record<string, unknown>): [number, Record<string, unknown>?] {
        let m: RegExpExecArray | null;
        if ((m = /^\/services\/([^/]+)$/.exec(path))) return this.service(method, m[1], body);
        if ((m = /^\/services\/([^/]+)\/routes$/.exec(path)) && method === "GET") {
            const s = this.find(this.services, m[1]);
            if (!s) return [404, NOT_FOUND];
            return [200, { data: [...this.routes.values()].filter((r) => (r.service as { id: string }).id === s.id), next: null }];
        }
        if ((m = /^\/upstreams\/([^/]+)$/.exec(path))) return this.upstream(method, m[1], body);
        if ((m = /^\/upstreams\/([^/]+)\/targets$/.exec(path))) return this.targetCollection(method, m[1], body);
        if ((m = /^\/upstreams\/([^/]+)\/targets\/([^/]+)$/.exec(path))) return this.target(method, m[1], m[2], body);
        return [404, NOT_FOUND];
    }

    private service(method: string, idOrName: string, body?: Record<string, unknown>): [number, Record<string, unknown>?] {
        const s = this.find(this.services, idOrName);
        if (method === "GET") return s ? [200, s] : [404, NOT_FOUND];
        if (method === "DELETE") {
            if (s) this.services.delete(s.id);
            return [204];
        }
        if (method === "PATCH") {
            if (!s) return [404, NOT_FOUND];
            const retries = body?.retries;
            if (retries !== undefined && (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > 32767))
                return [400, schemaViolation("retries", "value should be between 0 and 32767")];
            Object.assign(s, body, { updated_at: now() });
            return [200, s];
        }
        return [405, { message: "Method not allowed" }];
    }

    private upstream(method: string, idOrName: string, body?: Record<string, unknown>): [number, Record<string, unknown>?] {
        const u = this.find(this.upstreams, idOrName);
        if (method === "GET") return u ? [200, u] : [404, NOT_FOUND];
        if (method === "DELETE") {
            if (u) {
                for (const t of this.targetsOf(u.id)) this.targets.delete(t.id);
                this.upstreams.delete(u.id);
            }
            return [204];
        }
        if (method === "PUT") {
            const slots = body?.slots;
            if (slots !== undefined && (!Number.isInteger(slots) || (slots as number) < 10 || (slots as number) > 65536))
                return [400, schemaViolation("slots", "value should be between 10 and 65536")];
            const id = u?.id ?? randomUUID();
            // PUT replaces the whole entity: omitted fields fall back to defaults.
            const entity: Entity = {
                ...deepMerge(upstreamDefaults(), body ?? {}),
                id,
                name: body?.name ?? idOrName,
                created_at: (u?.created_at as number) ?? now(),
                updated_at: now(),
            };
            this.upstreams.set(id, entity);
            return [200, entity];
        }
        if (method === "PATCH") {
            if (!u) return [404, NOT_FOUND];
            Object.assign(u, deepMerge(u, body ?? {}), { updated_at: now() });
            return [200, u];
        }
        return [405, { message: "Method not allowed" }];
    }

    private targetCollection(method: string, upstream: string, body?: Record<string, unknown>): [number, Record<string, unknown>?] {
        const u = this.find(this.upstreams, upstream);
        if (!u) return [404, NOT_FOUND];
        if (method === "GET") return [200, { data: this.targetsOf(u.id), next: null }];
        if (method !== "POST") return [405, { message: "Method not allowed" }];
        const target = normaliseTarget(String(body?.target ?? ""));
        const weight = body?.weight ?? 100;
        if (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > 65535)
            return [400, schemaViolation("weight", "value should be between 0 and 65535")];
        if (this.findTarget(u.id, target)) {
            return [
                409,
                {
                    code: 5,
                    name: "unique constraint violation",
                    message: `UNIQUE violation detected on '{target="${target}",upstream={id="${u.id}"}}'`,
                    fields: { target, upstream: { id: u.id } },
                },
            ];
        }
        const t: Entity = {
            id: randomUUID(),
            target,
            weight,
            upstream: { id: u.id },
            tags: body?.tags ?? [],
            created_at: Date.now() / 1000,
            updated_at: Date.now() / 1000,
        };
        this.targets.set(t.id, t);
        return [201, t];
    }

    private target(
        method: string,
        upstream: string,
        idOrTarget: string,
        body?: Record<string, unknown>,
    ): [number, Record<string, unknown>?] {
        const u = this.find(this.upstreams, upstream);
        if (!u) return [404, NOT_FOUND];
        const t = this.findTarget(u.id, idOrTarget);
        // Kong's target_endpoint answers 404 for a missing target on every method, DELETE included.
        if (!t) return [404, NOT_FOUND];
        if (method === "DELETE") {
            this.targets.delete(t.id);
            return [204];
        }
        if (method === "GET") return [200, t];
        if (method === "PATCH" || method === "PUT") {
            const weight = body?.weight;
            if (weight !== undefined && (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > 65535))
                return [400, schemaViolation("weight", "value should be between 0 and 65535")];
            Object.assign(t, body, { target: t.target, updated_at: Date.now() / 1000 });
            return [200, t];
        }
        return [405, { message: "Method not allowed" }];
    }
}

/** Kong stores `host:port`, adding port 8000 when it is omitted. */
export function normaliseTarget(target: string): string {
    return /:\d+$/.test(target) ? target : `${target}:8000`;
}
