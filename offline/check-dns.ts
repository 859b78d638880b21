/**
 * `verify --check-dns`: reads what the cutover's DNS service says about the zone before
 * anything is written — the same read the NameRecords provider makes before a name's first
 * record (`DescribeZoneInfo`): whether a PrivateZone zone is an acceleration zone (weights and
 * several CNAMEs per name exist only there), whether it is changing its group, and which VPCs
 * it is bound to against `dns.vpcIds`. Credentials come from the standard Alibaba Cloud chain;
 * without any, nothing is read and the check says so.
 */
import { DnsSettings } from "../config/types";
import { DEFAULT_LINE, DEFAULT_RETRY } from "../providers/alibaba-calls";
import { privateZoneRecords } from "../providers/dns-record-apis";

export interface DnsCheck {
    /** One line per fact, `✓`/`✗`/`-` first. */
    lines: string[];
    ok: boolean;
    /** False when no credentials were found (nothing was read). */
    read: boolean;
}

/** Whether the standard credential chain finds credentials (environment, credentials file, RAM role). */
async function haveCredentials(): Promise<boolean> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Credential = require("@alicloud/credentials").default;
    try {
        const c = await new Credential().getCredential();
        return Boolean(c?.accessKeyId);
    } catch {
        return false;
    }
}

/** Reads the zone of `dns`; `endpoint` overrides the configured API host (tests: a loopback double). */
export async function checkDns(dns: DnsSettings, endpoint = dns.endpoint): Promise<DnsCheck> {
    if (dns.service !== "privatezone")
        return { lines: ["- dns.service alidns: public Alidns has no zone groups; nothing to read"], ok: true, read: false };
    if (!(await haveCredentials()))
        return {
            lines: [
                `- zone ${dns.zoneId}: not read — no Alibaba Cloud credentials found (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET, the credentials file, or a RAM role)`,
            ],
            // Asked to check and nothing was checked: not a pass.
            ok: false,
            read: false,
        };
    const api = privateZoneRecords(dns.zoneId, { endpoint, retry: dns.retry ?? DEFAULT_RETRY, perSecond: 0, line: DEFAULT_LINE });
    const zone = await api.zoneInfo(`zone ${dns.zoneId}`);
    const lines: string[] = [];
    let ok = true;
    const group = zone?.dnsGroup ?? "";
    if (zone?.changing) {
        ok = false;
        lines.push(`✗ zone ${dns.zoneId}: changing its DNS group (DnsGroupChanging); shift once DescribeZoneInfo reports FAST_ZONE`);
    } else if (group === "FAST_ZONE") {
        lines.push(`✓ zone ${dns.zoneId}: DnsGroup FAST_ZONE (an acceleration zone: weighted records and several CNAMEs per name)`);
    } else {
        ok = false;
        lines.push(
            `✗ zone ${dns.zoneId}: DnsGroup ${group || "not reported"} — weights exist only in acceleration zones (FAST_ZONE) and a regular zone holds one CNAME per name; ChangeZoneDnsGroup switches it (NORMAL_ZONE → FAST_ZONE only; it cannot be undone)`,
        );
    }
    const bound = zone?.vpcIds ?? [];
    const missing = dns.vpcIds.filter((v) => !bound.includes(v));
    const extra = bound.filter((v) => !dns.vpcIds.includes(v));
    if (missing.length > 0) {
        ok = false;
        lines.push(
            `✗ zone ${dns.zoneId}: not bound to ${missing.join(", ")} (dns.vpcIds): clients there do not resolve the names through this zone; bound: ${bound.join(", ") || "none"}`,
        );
    } else lines.push(`✓ zone ${dns.zoneId}: bound to every VPC of dns.vpcIds (${dns.vpcIds.join(", ")})`);
    if (extra.length > 0)
        lines.push(`- zone ${dns.zoneId}: also bound to ${extra.join(", ")} (not in dns.vpcIds; their clients see the cutover too)`);
    return { lines, ok, read: true };
}
