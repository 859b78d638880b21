/**
 * `npm run -s verify -- --stack <dev|cutover> [--connect ADDRESS[:PORT]] …`: the acceptance
 * table, run against B (and optionally Kong and A) like `curl --resolve`. Reads the stack's
 * config (no program run, no cloud API); sends the probes of plan/probes.ts with
 * providers/probe-client.ts. Exit 0 when every probe passes, 1 when any fails, 2 bad usage.
 */
import * as fs from "node:fs";
import { isIPv4 } from "node:net";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/parse";
import { readRawConfig } from "../config/read";
import { pemCertificates } from "../config/tls";
import { Api, Domains, StackConfig } from "../config/types";
import { planProbes, ProbeTargets } from "../plan/probes";
import { Endpoint, endpointText, parseEndpoint, PROBE_KINDS, ProbeKind } from "../vocabulary/probes";
import { checkNames, NameExpectation, NameVerdict } from "../providers/name-check";
import { ProbeResult, runProbes } from "../providers/probe-client";
import { resolveKongApi } from "../plan/kong";
import { legacyHost, longHost } from "../vocabulary/naming";
import { Io, PROCESS_IO, runAsProcess } from "./process";
import { checkDns } from "./check-dns";
import { dataPlaneJson, DataPlaneReport, dataPlaneRows, verifyDataPlane } from "./verify-data-plane";
import { loadStackConfig, StackFileError } from "./stack-files";

export const VERIFY_USAGE = `usage: npm run -s verify -- --stack <dev|cutover> [--config FILE] [--connect ADDRESS[:PORT]]
                          [--connect-short ADDRESS[:PORT]] [--source ADDRESS[:PORT]|stack] [--kong-proxy URL]
                          [--ca FILE] [--api NAME]... [--probe KIND]... [--skip KIND]... [--dns-server A[:P]]
                          [--timeout-ms N] [--json] [--help]
       npm run -s verify -- --stack cutover --check-dns [--json]

  --stack NAME             the stack whose APIs and hosts to check (config: Pulumi.NAME.yaml)
  --config FILE            read FILE (stack-file format) in place of Pulumi.NAME.yaml
  --connect A[:P]          B's team load balancer (long and legacy hosts); default: the cutover
                           stack's pinned B address. A platform stack's address is known only
                           after apply, so on dev it is required
  --connect-short A[:P]    B's short-domain load balancer; default: --connect (shared mode)
  --source A[:P]|stack     A's load balancer, for the parity probe; \`stack\` takes the cutover
                           stack's cutover.sourceAddress. No default: parity sends requests to
                           A (production), so it runs only when asked; without it, not run
  --kong-proxy URL         a Kong proxy (https://host[:port]) to send the legacy Host through
  --ca FILE                PEM CA bundle the certificates must verify against (default: system roots)
  --api NAME               only this API (repeatable)
  --probe KIND             only this probe: long, legacy, short, kong, parity (repeatable)
  --skip KIND              do not run this probe kind, on purpose (repeatable). A kind the stack
                           could run but has no endpoint for is listed as skipped and fails the
                           run (exit 1) unless --skip names it
  --dns-server A[:P]       also check that B's names resolve to the load balancers given (each
                           <api>.<target> to --connect, the short host to --connect-short): A
                           record for an address, CNAME for a DNS name; asked of this DNS
                           server (port 53 when left out) with Node's dns.Resolver
  --kong-admin URL         cutover stack with a Kong layer: also read each API's Kong routes
                           (GET /services/{service}/routes; token from KONG_ADMIN_TOKEN, never
                           printed) and check what Host Kong sends B: a route with preserve_host
                           forwards the client's Host instead of the upstream's host_header.
                           Platform stack with migration:kongDataPlane: the control plane's Admin
                           API; B's data plane must be listed, sync_status normal, a version the
                           control plane accepts, seen under 45 s ago, A's config_hash, its
                           cluster certificate 30 days or more from expiry
  --kong-dp-status URL     B's data plane status listener (http://host:8100): /status/ready must be 200
  --timeout-ms N           per request (default 5000); one retry when no answer comes
  --json                   print the rows as JSON
  --check-dns              cutover stack only, instead of the probes: read the DNS zone as the
                           provider will before a name's first record (PrivateZone: DescribeZoneInfo —
                           an acceleration zone?, the VPCs bound against dns.vpcIds), with the
                           standard Alibaba Cloud credentials; without credentials nothing is read

Ports default to 443 (53 for --dns-server). Each option once, except --api, --probe and --skip.
Exit: 0 every probe and name (or the zone check) passed, 1 one failed or a probe the stack could
run was skipped without --skip, 2 bad usage or config.`;

export interface VerifyArgs {
    stack: string;
    configFile?: string;
    connect?: Endpoint;
    connectShort?: Endpoint;
    /** A's load balancer, or "stack": the cutover stack's own cutover.sourceAddress. */
    source?: Endpoint | "stack";
    kongProxy?: Endpoint;
    ca?: string;
    apis: string[];
    probes: ProbeKind[];
    /** Kinds not run on purpose (an acknowledged skip). */
    skip: ProbeKind[];
    /** The DNS server B's names are asked of. */
    dnsServer?: Endpoint;
    /** The Kong Admin API whose routes are read. */
    kongAdmin?: string;
    /** B's Kong data plane status listener, for /status/ready. */
    kongDpStatus?: string;
    timeoutMs: number;
    json: boolean;
    help: boolean;
    /** Read the DNS zone instead of sending probes. */
    checkDns: boolean;
}

class UsageError extends Error {}

const FLAGS = new Set(["--json", "--help", "-h", "--check-dns"]);
const VALUED = new Set([
    "--stack",
    "--config",
    "--connect",
    "--connect-short",
    "--source",
    "--kong-proxy",
    "--ca",
    "--api",
    "--probe",
    "--skip",
    "--dns-server",
    "--kong-admin",
    "--kong-dp-status",
    "--timeout-ms",
]);

function endpoint(flag: string, v: string): Endpoint {
    const e = parseEndpoint(v);
    if (!e) throw new UsageError(`${flag} ${JSON.stringify(v)} is not ADDRESS[:PORT] (an IPv4 or a DNS name, port 1..65535)`);
    return e;
}

function caBundle(file: string): string {
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch {
        throw new UsageError(`--ca ${file}: cannot read it`);
    }
    if (!pemCertificates(pem)) throw new UsageError(`--ca ${file}: not a PEM bundle of certificates`);
    return pem;
}

export function parseVerifyArgs(argv: string[], cwd: string): VerifyArgs {
    const a: Omit<VerifyArgs, "stack"> & { stack?: string } = {
        apis: [],
        probes: [],
        skip: [],
        timeoutMs: 5000,
        json: false,
        help: false,
        checkDns: false,
    };
    const seen = new Map<string, string>();
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const arg = eq > 0 ? argv[i].slice(0, eq) : argv[i];
        if (FLAGS.has(arg)) {
            if (arg === "--json") a.json = true;
            else if (arg === "--check-dns") a.checkDns = true;
            else a.help = true;
            continue;
        }
        if (!VALUED.has(arg)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        const v = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
        if (v === undefined || v === "" || (eq < 0 && v.startsWith("--"))) throw new UsageError(`${arg} needs a value`);
        // A second value would silently win over the first: verify which stack, through which address?
        if (arg !== "--api" && arg !== "--probe" && arg !== "--skip" && seen.has(arg))
            throw new UsageError(`${arg} given twice (${seen.get(arg)}, then ${v}): give it once`);
        seen.set(arg, v);
        if (arg === "--stack") a.stack = v;
        else if (arg === "--config") a.configFile = path.resolve(cwd, v);
        else if (arg === "--connect") a.connect = endpoint(arg, v);
        else if (arg === "--connect-short") a.connectShort = endpoint(arg, v);
        else if (arg === "--source") a.source = v === "stack" ? "stack" : endpoint(arg, v);
        else if (arg === "--ca") a.ca = caBundle(path.resolve(cwd, v));
        else if (arg === "--api") a.apis.push(v);
        else if (arg === "--probe") {
            if (!PROBE_KINDS.includes(v as ProbeKind))
                throw new UsageError(`--probe ${JSON.stringify(v)}: one of ${PROBE_KINDS.join(", ")}`);
            a.probes.push(v as ProbeKind);
        } else if (arg === "--skip") {
            if (!PROBE_KINDS.includes(v as ProbeKind))
                throw new UsageError(`--skip ${JSON.stringify(v)}: one of ${PROBE_KINDS.join(", ")}`);
            a.skip.push(v as ProbeKind);
        } else if (arg === "--dns-server") {
            const e = parseEndpoint(v);
            if (!e || !isIPv4(e.address))
                throw new UsageError(`--dns-server ${JSON.stringify(v)} is not ADDRESS[:PORT] (an IPv4, port 1..65535)`);
            a.dnsServer = { address: e.address, port: /:\d+$/.test(v) ? e.port : 53 };
        } else if (arg === "--kong-admin" || arg === "--kong-dp-status") {
            let url: URL;
            try {
                url = new URL(v);
            } catch {
                throw new UsageError(`${arg} ${JSON.stringify(v)} is not a URL`);
            }
            if (url.protocol !== "https:" && url.protocol !== "http:")
                throw new UsageError(`${arg} ${JSON.stringify(v)}: an http(s):// URL`);
            if (arg === "--kong-admin") a.kongAdmin = v.replace(/\/+$/, "");
            else a.kongDpStatus = v.replace(/\/+$/, "");
        } else if (arg === "--timeout-ms") {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 100 || n > 60_000)
                throw new UsageError(`--timeout-ms ${JSON.stringify(v)}: whole milliseconds 100..60000`);
            a.timeoutMs = n;
        } else {
            let url: URL;
            try {
                url = new URL(v);
            } catch {
                throw new UsageError(`--kong-proxy ${JSON.stringify(v)} is not a URL`);
            }
            if (url.protocol !== "https:")
                throw new UsageError(`--kong-proxy ${JSON.stringify(v)}: https:// (the probe checks the certificate)`);
            a.kongProxy = { address: url.hostname, port: Number(url.port || 443) };
        }
    }
    if (a.help) return { ...a, stack: a.stack ?? "" };
    if (!a.stack) throw new UsageError("--stack is required");
    return a as VerifyArgs;
}

/** The stack's domains and APIs, and the endpoints its config knows. */
/** A probe kind the stack could run but was not given an endpoint for, and why. */
interface Skipped {
    kind: ProbeKind;
    why: string;
}

function fromStack(
    config: StackConfig,
    args: VerifyArgs,
): { domains: Domains; apis: Api[]; targets: ProbeTargets; skipped: Skipped[]; names: NameExpectation[] } {
    if (config.role === "source")
        throw new UsageError(`stack ${args.stack} is a source stack: verify checks B, from a platform or cutover stack`);
    let team = args.connect;
    // A's address is never taken by default: parity sends requests to A, the production side.
    let source: Endpoint | undefined;
    if (args.source === "stack") {
        if (config.role !== "cutover")
            throw new UsageError(
                `--source stack: stack ${args.stack} has no A address (cutover.sourceAddress is a cutover stack's key): give --source ADDRESS[:PORT]`,
            );
        source = { address: config.cutover.sourceAddress, port: 443 };
    } else source = args.source;
    if (!source && args.probes.includes("parity"))
        throw new UsageError(
            `--probe parity needs A's address: give --source ADDRESS[:PORT]${config.role === "cutover" ? `, or --source stack for cutover.sourceAddress (${config.cutover.sourceAddress})` : ""}`,
        );
    if (config.role === "cutover") {
        const t = config.cutover.target;
        team ??= t.kind === "address" ? { address: t.address, port: 443 } : t.kind === "host" ? { address: t.host, port: 443 } : undefined;
        if (!team)
            throw new UsageError(
                `B's address comes from the platform stack (${t.kind === "stack" ? t.stack : ""}), known only after it applies: give --connect ADDRESS[:PORT]`,
            );
    }
    if (!team) throw new UsageError("B's team load balancer is known only after the platform stack applies: give --connect ADDRESS[:PORT]");
    let short = args.connectShort;
    const dedicated = config.role === "platform" && config.shortDomain.mode === "dedicated";
    if (!short && dedicated && args.probes.includes("short"))
        throw new UsageError("the short host has its own load balancer (shortDomain.mode: dedicated): give --connect-short ADDRESS[:PORT]");
    if (!short && config.role === "platform" && !dedicated) short = team;
    // A probe asked for by name and impossible to send is bad usage: "0 probes, exit 0" would read as a pass.
    if (!short && args.probes.includes("short"))
        throw new UsageError(
            "--probe short needs the short host's load balancer, which the cutover stack does not know: give --connect-short ADDRESS[:PORT]",
        );
    if (!args.kongProxy && args.probes.includes("kong"))
        throw new UsageError("--probe kong needs a Kong proxy to send through: give --kong-proxy URL");
    // A kind the stack could run but has no endpoint for is skipped: a row each, and a failed run
    // unless --skip names the kind ("4 probes, 4 passed" must not read as a pass when short was never tried).
    const skipped: Skipped[] = [];
    const unasked = (k: ProbeKind) => args.probes.length === 0 && !args.skip.includes(k);
    if (!short && unasked("short"))
        skipped.push({
            kind: "short",
            why: dedicated
                ? "short probes not run: the short host has its own load balancer (shortDomain.mode: dedicated); give --connect-short ADDRESS[:PORT]"
                : "short probes not run: the cutover stack does not know the short host's load balancer; give --connect-short ADDRESS[:PORT]",
        });
    // A cutover stack knows A's address, and parity once ran against it by default: say that it no longer does.
    if (!source && config.role === "cutover" && unasked("parity"))
        skipped.push({
            kind: "parity",
            why: "parity probes not run: they send requests to A; give --source ADDRESS[:PORT], or --source stack for cutover.sourceAddress",
        });
    if (!args.kongProxy && config.role === "cutover" && config.kong && unasked("kong"))
        skipped.push({ kind: "kong", why: "kong probes not run: the stack routes the legacy Host through Kong; give --kong-proxy URL" });
    const known = config.apis.map((x) => x.name);
    const unknown = args.apis.filter((n) => !known.includes(n));
    if (unknown.length) throw new UsageError(`--api ${unknown.join(", ")}: not in migration:apis (${known.join(", ")})`);
    const apis = args.apis.length ? config.apis.filter((x) => args.apis.includes(x.name)) : config.apis;
    // B's names and the load balancers they must answer: each long name the team's, the short host the short domain's (when known).
    const names: NameExpectation[] = [
        ...apis.map((x) => ({ host: longHost(x.name, config.domains), expected: team.address })),
        ...(short ? [{ host: config.domains.short, expected: short.address }] : []),
    ];
    return {
        domains: config.domains,
        apis,
        targets: { team, ...(short ? { short } : {}), ...(source ? { source } : {}), ...(args.kongProxy ? { kong: args.kongProxy } : {}) },
        skipped,
        names,
    };
}

function cert(r: ProbeResult): string {
    const c = r.certificate;
    if (!c) return "-";
    const problems = [!c.coversHost && "name", !c.trusted && "untrusted", c.daysToExpiry < 0 && "expired"].filter(Boolean);
    return `${problems.length ? problems.join("+") : "ok"}, ${c.daysToExpiry} d`;
}

/** One line of the acceptance table: a probe, a name check, or a probe not run. */
interface TableRow {
    api: string;
    probe: string;
    request: string;
    via: string;
    status: string;
    certificate: string;
    verdict: "PASS" | "FAIL" | "SKIP";
    reason: string;
}

function probeRow(r: ProbeResult): TableRow {
    return {
        api: r.api,
        probe: r.probe,
        request: `${r.host}${r.path}`,
        via: r.address,
        status: r.status === undefined ? "-" : String(r.status),
        certificate: cert(r),
        verdict: r.verdict === "pass" ? "PASS" : "FAIL",
        reason: r.reason,
    };
}

/** Skipped probes as rows; `acknowledged`: not run because --skip names the kind. */
export interface SkippedProbe {
    api: string;
    probe: ProbeKind;
    host: string;
    path: string;
    acknowledged: boolean;
    reason: string;
}

/** A row with no HTTP answer to show (a probe not run, a name asked of DNS, a route read from Kong). */
function plainRow(api: string, probe: string, request: string, via: string, verdict: TableRow["verdict"], reason: string): TableRow {
    return { api, probe, request, via, status: "-", certificate: "-", verdict, reason };
}

function skippedRow(p: SkippedProbe): TableRow {
    return plainRow(p.api, p.probe, `${p.host}${p.path}`, "-", "SKIP", p.reason);
}

function nameRow(v: NameVerdict, server: Endpoint): TableRow {
    return plainRow(
        "-",
        "name",
        v.host,
        `DNS ${endpointText(server)}`,
        v.ok ? "PASS" : "FAIL",
        v.ok ? v.answered : `${v.answered}, not ${v.expected}`,
    );
}

/** A Kong route of an API's service, and whether the Host it makes Kong send is one B's ingress serves. */
export interface RouteVerdict {
    api: string;
    route: string;
    hosts: string[];
    preserveHost: boolean;
    ok: boolean;
    reason: string;
}

function routeRow(r: RouteVerdict): TableRow {
    const request = `${r.route}${r.hosts.length ? ` (hosts ${r.hosts.join(", ")})` : ""}`;
    return plainRow(r.api, "route", request, "Kong Admin", r.ok ? "PASS" : "FAIL", r.reason);
}

/**
 * Reads each API's Kong routes and judges the Host Kong sends B's targets. With `preserve_host`
 * false Kong sends the upstream's `host_header` (the legacy host by default: both ingresses serve
 * it); with it true Kong forwards the client's Host, which must then be one of the hosts B's
 * ingress serves (the legacy and the long host) — a route without `hosts` forwards any Host.
 */
async function checkRoutes(config: StackConfig, adminUrl: string, apis: Api[], timeoutMs: number): Promise<RouteVerdict[]> {
    if (config.role !== "cutover" || !config.kong)
        throw new UsageError("--kong-admin reads the Kong routes of a cutover stack with a Kong layer (migration:kong)");
    const kong = config.kong;
    const token = process.env.KONG_ADMIN_TOKEN;
    const headers: Record<string, string> = token
        ? kong.auth === "bearer"
            ? { authorization: `Bearer ${token}` }
            : { "kong-admin-token": token }
        : {};
    const base = kong.workspace ? `${adminUrl}/${encodeURIComponent(kong.workspace)}` : adminUrl;
    const out: RouteVerdict[] = [];
    for (const api of apis.filter((a) => kong.apis[a.name])) {
        const { service, hostHeader } = resolveKongApi(config, kong, api.name);
        const served = [legacyHost(api.name, config.domains), longHost(api.name, config.domains)];
        const res = await fetch(`${base}/services/${encodeURIComponent(service)}/routes`, {
            headers,
            signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) {
            out.push({
                api: api.name,
                route: `service ${service}`,
                hosts: [],
                preserveHost: false,
                ok: false,
                reason: `GET /services/${service}/routes answered HTTP ${res.status}`,
            });
            continue;
        }
        const page = (await res.json()) as {
            data: { id: string; name?: string | null; hosts?: string[] | null; preserve_host?: boolean }[];
        };
        for (const r of page.data) {
            const hosts = r.hosts ?? [];
            const route = r.name ?? r.id;
            const preserveHost = r.preserve_host === true;
            const foreign = hosts.filter((h) => !served.includes(h));
            const ok = !preserveHost || (hosts.length > 0 && foreign.length === 0);
            const reason = !preserveHost
                ? `preserve_host false: Kong sends the upstream's host_header ${hostHeader ?? "(none)"}`
                : ok
                  ? `preserve_host true: the client's Host, one of ${hosts.join(", ")}, which B's ingress serves`
                  : `preserve_host true forwards the client's Host (${hosts.length ? foreign.join(", ") : "any Host: the route names none"}), which B's ingress does not serve; set preserve_host: false (Kong then sends ${hostHeader})`;
            out.push({ api: api.name, route, hosts, preserveHost, ok, reason });
        }
    }
    return out;
}

/** The acceptance table as text: the summary line counts every row, skipped ones too. */
export function renderTable(
    stack: string,
    rows: ProbeResult[],
    notes: string[] = [],
    skipped: SkippedProbe[] = [],
    names: { verdicts: NameVerdict[]; server: Endpoint } | undefined = undefined,
    routes: RouteVerdict[] = [],
    dataPlane: DataPlaneReport | undefined = undefined,
): string {
    const dpRows = dataPlane ? dataPlaneRows(dataPlane) : [];
    const all = [
        ...rows.map(probeRow),
        ...skipped.map(skippedRow),
        ...(names ? names.verdicts.map((v) => nameRow(v, names.server)) : []),
        ...routes.map(routeRow),
        ...dpRows.map((d) => plainRow("kong-dp", d.probe, d.request, "Kong Admin (CP)", d.verdict === "-" ? "SKIP" : d.verdict, d.reason)),
    ];
    const acknowledged = [...new Set(skipped.filter((p) => p.acknowledged).map((p) => `--skip ${p.probe}`))];
    const head = ["api", "probe", "request", "via", "status", "certificate", "verdict", "reason"];
    const body = all.map((r) => [r.api, r.probe, r.request, r.via, r.status, r.certificate, r.verdict, r.reason]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    const summary =
        `Verify stack ${stack}: ${rows.length + skipped.length} probes, ${rows.filter((r) => r.verdict === "pass").length} passed, ` +
        `${rows.filter((r) => r.verdict === "fail").length} failed` +
        (skipped.length ? `, ${skipped.length} skipped${acknowledged.length ? ` (${acknowledged.join(", ")})` : ""}` : "") +
        (names ? `; ${names.verdicts.length} names, ${names.verdicts.filter((v) => v.ok).length} resolve to B` : "") +
        (routes.length ? `; ${routes.length} Kong routes, ${routes.filter((r) => r.ok).length} send a Host B serves` : "") +
        (dataPlane
            ? `; Kong data plane ${dataPlane.hostname}: ${dataPlane.ok ? "in sync" : `NOT READY (${dataPlane.reasons.length} failed)`}`
            : "");
    return [summary, ...notes.map((n) => `note: ${n}`), "", line(head), ...body.map(line), ""].join("\n");
}

/**
 * The probes not run, as rows: each kind the stack could run that had no endpoint (not
 * acknowledged: the run fails), and each kind --skip names (acknowledged).
 */
function skippedProbes(domains: Domains, apis: Api[], missing: Skipped[], skip: ProbeKind[], config: StackConfig): SkippedProbe[] {
    // Placeholder endpoints only shape the rows (host, path); nothing is sent.
    const nowhere = { address: "-", port: 0 };
    const targets: ProbeTargets = { team: nowhere, short: nowhere, source: nowhere, kong: nowhere };
    const couldRun: ProbeKind[] = [
        "long",
        "legacy",
        "short",
        ...(config.role === "cutover" ? (["parity"] as const) : []),
        ...(config.role === "cutover" && config.kong ? (["kong"] as const) : []),
    ];
    const out: SkippedProbe[] = [];
    for (const m of missing)
        for (const p of planProbes(domains, apis, targets, [m.kind]))
            out.push({
                api: p.api,
                probe: m.kind,
                host: p.host,
                path: p.path,
                acknowledged: false,
                reason: `not run: ${m.why.replace(/^[a-z]+ probes not run: /, "")} (or --skip ${m.kind})`,
            });
    for (const kind of skip.filter((k) => couldRun.includes(k)))
        for (const p of planProbes(domains, apis, targets, [kind]))
            out.push({ api: p.api, probe: kind, host: p.host, path: p.path, acknowledged: true, reason: `not run: --skip ${kind}` });
    return out;
}

export async function verifyMain(
    argv: string[],
    projectDir: string,
    cwd = process.env.INIT_CWD ?? process.cwd(),
    io: Io = PROCESS_IO,
): Promise<number> {
    let stack = "";
    try {
        const args = parseVerifyArgs(argv, cwd);
        stack = args.stack;
        if (args.help) {
            io.out(`${VERIFY_USAGE}\n`);
            return 0;
        }
        const file = loadStackConfig(projectDir, args.stack, args.configFile);
        const config = parseConfig(readRawConfig(file.values, (k) => file.secretKeys.includes(k)));
        if (args.checkDns) {
            if (config.role !== "cutover")
                throw new UsageError(`--check-dns reads the cutover stack's DNS zone; stack ${args.stack} is of role ${config.role}`);
            const check = await checkDns(config.dns);
            io.out(
                args.json
                    ? `${JSON.stringify({ dns: check }, null, 2)}\n`
                    : [
                          `Verify stack ${args.stack}: DNS zone ${!check.read && !check.ok ? "NOT READ" : check.ok ? "ok" : "NOT READY"}`,
                          ...check.lines,
                          "",
                      ].join("\n"),
            );
            return check.ok ? 0 : 1;
        }
        const { domains, apis, targets, skipped: missing, names } = fromStack(config, args);
        const kinds = (args.probes.length ? args.probes : PROBE_KINDS).filter((k) => !args.skip.includes(k));
        const probes = planProbes(domains, apis, targets, kinds);
        const rows = await runProbes(probes, { timeoutMs: args.timeoutMs, ...(args.ca ? { ca: args.ca } : {}) });
        const skipped = skippedProbes(domains, apis, missing, args.skip, config);
        const notes = missing.map((m) => m.why);
        const dns = args.dnsServer;
        const verdicts = dns ? await checkNames(names, { server: dns, timeoutMs: args.timeoutMs }) : undefined;
        if (args.kongDpStatus && !(config.role === "platform" && config.kongDataPlane))
            throw new UsageError("--kong-dp-status reads the Kong data plane of a platform stack with migration:kongDataPlane");
        if (args.kongAdmin && config.role === "platform" && !config.kongDataPlane)
            throw new UsageError(
                "--kong-admin on a platform stack checks its Kong data plane (migration:kongDataPlane), which this stack has not",
            );
        const dataPlane =
            args.kongAdmin && config.role === "platform"
                ? await verifyDataPlane(config, {
                      adminUrl: args.kongAdmin,
                      ...(args.kongDpStatus ? { statusUrl: args.kongDpStatus } : {}),
                      ...(args.ca ? { ca: args.ca } : {}),
                      timeoutMs: args.timeoutMs,
                  })
                : undefined;
        const routes = args.kongAdmin && !dataPlane ? await checkRoutes(config, args.kongAdmin, apis, args.timeoutMs) : undefined;
        io.out(
            args.json
                ? `${JSON.stringify({ rows, skipped, ...(verdicts ? { names: verdicts } : {}), ...(routes ? { routes } : {}), ...(dataPlane ? { kongDataPlane: dataPlaneJson(dataPlane) } : {}), notes }, null, 2)}\n`
                : renderTable(args.stack, rows, notes, skipped, verdicts && dns ? { verdicts, server: dns } : undefined, routes, dataPlane),
        );
        const ok =
            rows.every((r) => r.verdict === "pass") &&
            skipped.every((p) => p.acknowledged) &&
            (verdicts ?? []).every((v) => v.ok) &&
            (routes ?? []).every((r) => r.ok) &&
            (dataPlane?.ok ?? true);
        return ok ? 0 : 1;
    } catch (err) {
        if (err instanceof UsageError) {
            io.err(`verify: ${err.message}\n${VERIFY_USAGE}\n`);
            return 2;
        }
        if (ConfigError.isConfigError(err) || err instanceof StackFileError) {
            io.err(`verify: stack ${stack}: ${(err as Error).message}\n`);
            return 2;
        }
        throw err;
    }
}

if (require.main === module) {
    runAsProcess(
        "verify",
        () => verifyMain(process.argv.slice(2), path.resolve(__dirname, "..")),
        (err) => err.message,
    );
}
