/**
 * `npm run verify -- --stack dev --kong-admin URL [--kong-dp-status URL] [--ca F]` on a platform
 * stack with `migration:kongDataPlane`: is B's data plane connected to the control plane and
 * serving its current configuration? One table row per check; `--json` adds `kongDataPlane`.
 */
import { Agent } from "undici";
import { PlatformConfig } from "../config/types";
import { checkDataPlane, DataPlaneVerdict, DP_CERT_MIN_DAYS, DP_STALE_SECONDS } from "../providers/data-plane-check";
import { dataPlaneNames } from "../vocabulary/naming";

export interface DataPlaneReport extends DataPlaneVerdict {
    hostname: string;
}

/** Reads the control plane (token from KONG_ADMIN_TOKEN, never printed) and B's status listener, and judges B's data plane. */
export async function verifyDataPlane(
    config: PlatformConfig,
    o: { adminUrl: string; statusUrl?: string; ca?: string; timeoutMs: number },
): Promise<DataPlaneReport> {
    const dp = config.kongDataPlane!;
    const hostname = dataPlaneNames(config.ingress.name, dp).hostname;
    const token = process.env.KONG_ADMIN_TOKEN;
    const agent = o.ca ? new Agent({ connect: { ca: o.ca } }) : undefined;
    const trusted: typeof fetch | undefined = agent ? (url, init) => fetch(url, { ...init, dispatcher: agent } as RequestInit) : undefined;
    try {
        const verdict = await checkDataPlane({
            adminUrl: o.adminUrl,
            ...(token ? { headers: { "kong-admin-token": token } } : {}),
            hostname,
            controlPlaneVersion: dp.controlPlaneVersion,
            ...(o.statusUrl ? { statusUrl: o.statusUrl } : {}),
            timeoutMs: o.timeoutMs,
            ...(trusted ? { fetch: trusted } : {}),
        });
        return { hostname, ...verdict };
    } finally {
        await agent?.close();
    }
}

/** The table's rows for the data plane: one per check, `[probe, request, verdict, reason]`. */
export function dataPlaneRows(r: DataPlaneReport): { probe: string; request: string; verdict: "PASS" | "FAIL" | "-"; reason: string }[] {
    const failed = (prefix: string) => r.reasons.find((x) => x.startsWith(prefix));
    const row = (probe: string, prefix: string, pass: string) => {
        const reason = failed(prefix);
        return {
            probe,
            request: `data plane ${r.hostname}`,
            verdict: reason ? ("FAIL" as const) : ("PASS" as const),
            reason: reason ?? pass,
        };
    };
    if (!r.listed) return [row("dp-listed", "not listed", "")];
    return [
        row("dp-listed", "not listed", `listed by the control plane`),
        row("dp-sync", "sync_status", "sync_status normal"),
        row("dp-version", "version", `version ${r.version}, accepted by the control plane`),
        row("dp-seen", "last seen", `last seen ${r.lastSeenSeconds} s ago (under ${DP_STALE_SECONDS} s)`),
        row(
            "dp-config",
            r.reasons.some((x) => x.startsWith("config_hash")) ? "config_hash" : "no data plane of A",
            `config_hash ${r.configHash}, as A's data planes`,
        ),
        row(
            "dp-cert",
            "cluster certificate",
            r.certDaysLeft === null
                ? "no certificate expiry reported"
                : `cluster certificate: ${r.certDaysLeft} days left (${DP_CERT_MIN_DAYS} or more)`,
        ),
        r.ready
            ? row("dp-ready", "/status/ready", `/status/ready answered 200: ${r.ready.message}`)
            : {
                  probe: "dp-ready",
                  request: `data plane ${r.hostname}`,
                  verdict: "-" as const,
                  reason: "not read: give --kong-dp-status URL (the data plane's status listener)",
              },
    ];
}

/** The report as `--json` carries it: `ready` a boolean (null when the status listener was not read), the answer beside it. */
export function dataPlaneJson(r: DataPlaneReport): Record<string, unknown> {
    const { ready, ...rest } = r;
    return { ...rest, ready: ready ? ready.status === 200 : null, readyAnswer: ready };
}
