/**
 * Is B's Kong data plane connected to the control plane and serving its current configuration?
 * Read from the control plane's Admin API (`GET /clustering/data-planes`, Kong/kong @ 22246ef
 * kong/api/routes/clustering.lua; row fields kong/db/schema/entities/clustering_data_planes.lua;
 * `sync_status` values kong/constants.lua CLUSTERING_SYNC_STATUS) and, when given, the data plane's
 * status listener (`GET /status/ready`, kong/status/ready.lua: 200 `{"message":"ready"}` once
 * routers are built and a non-empty configuration is loaded, else 503 with the reason). Used by
 * `npm run verify` and by the cutover's health gate before B's share of an API routed through it rises.
 */
import { versionAccepted } from "../vocabulary/kong-version";

/** The control plane drops a data plane not seen for 1.5 × its 30 s ping (kong/constants.lua CLUSTERING_PING_INTERVAL). */
export const DP_STALE_SECONDS = 45;
/** A cluster certificate closer to expiry than this fails the check: an expired one cuts the data plane off. */
export const DP_CERT_MIN_DAYS = 30;
/** The hash of no configuration (kong/constants.lua DECLARATIVE_EMPTY_CONFIG_HASH: 32 zeros). */
export const EMPTY_CONFIG_HASH = "0".repeat(32);

/** One row of `/clustering/data-planes` (the fields Kong's schema defines). */
export interface DataPlaneRow {
    id: string;
    hostname: string;
    ip: string;
    last_seen?: number;
    updated_at?: number;
    config_hash?: string;
    version?: string;
    sync_status: string;
    labels?: Record<string, string>;
    cert_details?: { expiry_timestamp?: number };
    rpc_capabilities?: string[];
}

export interface DataPlaneVerdict {
    listed: boolean;
    syncStatus: string | null;
    version: string | null;
    lastSeenSeconds: number | null;
    configHash: string | null;
    /** What A's data planes hold: the control plane's current configuration. */
    expectedConfigHash: string | null;
    certDaysLeft: number | null;
    /** `/status/ready` of B's data plane; null when not asked (no status URL). */
    ready: { status: number; message: string } | null;
    ok: boolean;
    /** One line per failed check, empty when ok. */
    reasons: string[];
}

/** What each `sync_status` other than `normal` means for traffic. */
const SYNC_MEANING: Record<string, string> = {
    unknown: "the control plane has not judged it yet (just connected, or an older data plane)",
    kong_version_incompatible: "its Kong version is one the control plane refuses; it is pushed no configuration",
    plugin_set_incompatible: "it lacks a plugin the configuration uses; it is pushed no configuration",
    plugin_version_incompatible: "a plugin's version differs from the control plane's; it is pushed no configuration",
    filter_set_incompatible: "it lacks a filter the configuration uses; it is pushed no configuration",
};

/** The verdict on B's data plane `hostname` from the control plane's rows (and the status listener's answer). Pure. */
export function judgeDataPlane(
    rows: DataPlaneRow[],
    opts: { hostname: string; controlPlaneVersion: string; now: Date; ready?: { status: number; message: string } },
): DataPlaneVerdict {
    const mine = rows.filter((r) => r.hostname === opts.hostname).sort((a, b) => (b.last_seen ?? 0) - (a.last_seen ?? 0))[0];
    const others = rows.filter((r) => r.hostname !== opts.hostname && r.config_hash && r.config_hash !== EMPTY_CONFIG_HASH);
    const expected = mostCommon(others.map((r) => r.config_hash!));
    const reasons: string[] = [];
    if (!mine) {
        reasons.push(
            `not listed: the control plane lists ${rows.length} data plane${rows.length === 1 ? "" : "s"}, none named ${opts.hostname} (it never connected: check cluster_control_plane and the cluster certificate)`,
        );
        if (opts.ready && opts.ready.status !== 200) reasons.push(`/status/ready answered ${opts.ready.status}: ${opts.ready.message}`);
        return {
            listed: false,
            syncStatus: null,
            version: null,
            lastSeenSeconds: null,
            configHash: null,
            expectedConfigHash: expected ?? null,
            certDaysLeft: null,
            ready: opts.ready ?? null,
            ok: false,
            reasons,
        };
    }
    // Kong's timestamps are whole seconds (typedefs.auto_timestamp_s).
    const nowS = Math.floor(opts.now.getTime() / 1000);
    const lastSeen = mine.last_seen === undefined ? null : Math.max(0, nowS - mine.last_seen);
    const expiry = mine.cert_details?.expiry_timestamp;
    const certDays = expiry === undefined ? null : Math.floor((expiry - nowS) / 86_400);
    if (mine.sync_status !== "normal")
        reasons.push(`sync_status ${mine.sync_status}: ${SYNC_MEANING[mine.sync_status] ?? "not a status Kong defines"}`);
    if (!mine.version || !versionAccepted(mine.version, opts.controlPlaneVersion))
        reasons.push(
            `version ${mine.version ?? "(none)"}: the control plane ${opts.controlPlaneVersion} accepts the same major and no newer minor`,
        );
    if (lastSeen === null || lastSeen >= DP_STALE_SECONDS)
        reasons.push(
            `last seen ${lastSeen === null ? "never" : `${lastSeen} s ago`}: over ${DP_STALE_SECONDS} s the control plane counts it gone (1.5 × its 30 s ping)`,
        );
    if (!mine.config_hash || mine.config_hash === EMPTY_CONFIG_HASH) reasons.push("config_hash is all zeros: it holds no configuration");
    else if (!expected) reasons.push("no data plane of A is listed with a configuration to compare config_hash with");
    else if (mine.config_hash !== expected)
        reasons.push(
            `config_hash ${mine.config_hash} differs from A's data planes' ${expected}: not the control plane's current configuration yet`,
        );
    if (certDays !== null && certDays < DP_CERT_MIN_DAYS)
        reasons.push(`cluster certificate expires in ${certDays} days (under ${DP_CERT_MIN_DAYS})`);
    if (opts.ready && opts.ready.status !== 200) reasons.push(`/status/ready answered ${opts.ready.status}: ${opts.ready.message}`);
    return {
        listed: true,
        syncStatus: mine.sync_status,
        version: mine.version ?? null,
        lastSeenSeconds: lastSeen,
        configHash: mine.config_hash ?? null,
        expectedConfigHash: expected ?? null,
        certDaysLeft: certDays,
        ready: opts.ready ?? null,
        ok: reasons.length === 0,
        reasons,
    };
}

function mostCommon(values: string[]): string | undefined {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export interface DataPlaneCheckOptions {
    /** The control plane's Admin API, e.g. https://kong-cp-admin.team1.internal:8444 (workspace path included if any). */
    adminUrl: string;
    /** Admin API auth headers (the token never appears in a message). */
    headers?: Record<string, string>;
    hostname: string;
    controlPlaneVersion: string;
    /** B's data plane status listener, e.g. http://kong-dp-team1-kong-status.kong-dp-team1:8100; absent: /status/ready is not read. */
    statusUrl?: string;
    timeoutMs: number;
    now?: () => Date;
    /** A fetch with the caller's TLS trust (a custom CA); default the global fetch. */
    fetch?: typeof fetch;
}

/** Reads the control plane's data planes (every page) and B's readiness, then judges. */
export async function checkDataPlane(o: DataPlaneCheckOptions): Promise<DataPlaneVerdict> {
    const get = o.fetch ?? fetch;
    const rows: DataPlaneRow[] = [];
    let next: string | null = "/clustering/data-planes";
    while (next) {
        // Kong pages with `next`, a path from the Admin API's root (kong/api/endpoints.lua).
        const res = await get(/^https?:/.test(next) ? next : `${o.adminUrl}${next}`, {
            headers: o.headers ?? {},
            signal: AbortSignal.timeout(o.timeoutMs),
        });
        const body = (await res.json().catch(() => ({}))) as { data?: DataPlaneRow[]; next?: string | null; message?: string };
        if (!res.ok) throw new Error(`GET /clustering/data-planes answered HTTP ${res.status}${body.message ? `: ${body.message}` : ""}`);
        rows.push(...(body.data ?? []));
        next = body.next ?? null;
    }
    let ready: { status: number; message: string } | undefined;
    if (o.statusUrl) {
        const res = await get(`${o.statusUrl.replace(/\/+$/, "")}/status/ready`, { signal: AbortSignal.timeout(o.timeoutMs) });
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        ready = { status: res.status, message: body.message ?? "" };
    }
    return judgeDataPlane(rows, {
        hostname: o.hostname,
        controlPlaneVersion: o.controlPlaneVersion,
        now: (o.now ?? (() => new Date()))(),
        ...(ready ? { ready } : {}),
    });
}
