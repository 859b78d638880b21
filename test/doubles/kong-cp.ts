/**
 * A loopback stand-in of a Kong control plane's Admin API for the data-plane check, and of a data
 * plane's status listener. `GET /clustering/data-planes` answers as Kong/kong @ 22246ef does
 * (kong/api/routes/clustering.lua through the generic collection endpoint, kong/api/endpoints.lua:
 * `{data, next}`, `next` a path with `offset` or null), rows with exactly the fields of
 * kong/db/schema/entities/clustering_data_planes.lua and `sync_status` one of kong/constants.lua
 * CLUSTERING_SYNC_STATUS; every answer is also checked against Kong's OpenAPI description
 * (test/contracts/kong-contract.ts). `GET /status/ready` answers as kong/status/ready.lua: 200
 * `{"message":"ready"}` or 503 with the reason.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { contractViolations } from "../contracts/kong-contract";
import { DataPlaneRow } from "../../providers/data-plane-check";

/** kong/constants.lua CLUSTERING_SYNC_STATUS. */
export const SYNC_STATUSES = [
    "unknown",
    "normal",
    "kong_version_incompatible",
    "plugin_set_incompatible",
    "plugin_version_incompatible",
    "filter_set_incompatible",
];
/** The row fields kong/db/schema/entities/clustering_data_planes.lua defines. */
const FIELDS = [
    "id",
    "last_seen",
    "updated_at",
    "ip",
    "config_hash",
    "hostname",
    "version",
    "sync_status",
    "labels",
    "cert_details",
    "rpc_capabilities",
];
/** Rows per page (Kong's default page size is 100; small here so the reader must follow `next`). */
const PAGE = 2;

export class KongControlPlaneDouble {
    rows: DataPlaneRow[] = [];
    /** Every way an answer departed from Kong's schema or OpenAPI description. */
    readonly violations: string[] = [];
    /** What `/status/ready` answers. */
    ready: { status: number; message: string } = { status: 200, message: "ready" };
    private server?: http.Server;
    port = 0;

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const send = (status: number, body: unknown) => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(body));
            };
            if (req.method === "GET" && url.pathname === "/clustering/data-planes") {
                for (const r of this.rows) {
                    const extra = Object.keys(r).filter((k) => !FIELDS.includes(k));
                    if (extra.length) this.violations.push(`row ${r.id}: fields Kong does not define: ${extra.join(", ")}`);
                    if (!SYNC_STATUSES.includes(r.sync_status))
                        this.violations.push(`row ${r.id}: sync_status ${r.sync_status} is not Kong's`);
                    if (r.config_hash !== undefined && !/^[0-9a-f]{32}$/.test(r.config_hash))
                        this.violations.push(`row ${r.id}: config_hash is not 32 hex characters`);
                }
                const offset = Number(url.searchParams.get("offset") ?? 0);
                const page = this.rows.slice(offset, offset + PAGE);
                const body = {
                    data: page,
                    next: offset + PAGE < this.rows.length ? `/clustering/data-planes?offset=${offset + PAGE}` : null,
                };
                this.violations.push(
                    ...contractViolations({ method: "GET", path: "/clustering/data-planes", status: 200, responseBody: body }),
                );
                return send(200, body);
            }
            if (req.method === "GET" && url.pathname === "/status/ready") return send(this.ready.status, { message: this.ready.message });
            send(404, { message: "Not found" });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.port = (this.server.address() as AddressInfo).port;
    }

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }
}

/** A row as Kong writes it for a data plane seen `secondsAgo` before `now`. */
export function row(
    hostname: string,
    now: Date,
    over: Partial<DataPlaneRow> & { secondsAgo?: number; certDays?: number } = {},
): DataPlaneRow {
    const { secondsAgo = 5, certDays = 365, ...rest } = over;
    const t = Math.floor(now.getTime() / 1000);
    return {
        id: `${hostname}-0000-4000-8000-000000000001`.slice(0, 36),
        last_seen: t - secondsAgo,
        updated_at: t - secondsAgo,
        ip: "10.72.11.50",
        config_hash: "a".repeat(32),
        hostname,
        version: "3.9.1",
        sync_status: "normal",
        labels: {},
        // A minute over the whole days, so a check made seconds later still counts `certDays`.
        cert_details: { expiry_timestamp: t + certDays * 86_400 + 60 },
        rpc_capabilities: [],
        ...rest,
    };
}
