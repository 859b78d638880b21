/**
 * `npm run -s verify -- --stack <dev|cutover> [--connect ADDRESS[:PORT]] …`: the acceptance
 * table, run against B (and optionally Kong and A) like `curl --resolve`. Reads the stack's
 * config (no program run, no cloud API); sends the probes of plan/probes.ts with
 * providers/probe-client.ts. Exit 0 when every probe passes, 1 when any fails, 2 bad usage.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/parse";
import { readRawConfig } from "../config/read";
import { pemCertificates } from "../config/tls";
import { Api, Domains, StackConfig } from "../config/types";
import { planProbes, ProbeTargets } from "../plan/probes";
import { Endpoint, parseEndpoint, PROBE_KINDS, ProbeKind } from "../vocabulary/probes";
import { ProbeResult, runProbes } from "../providers/probe-client";
import { Io, PROCESS_IO, runAsProcess } from "./process";
import { checkDns } from "./check-dns";
import { loadStackConfig, StackFileError } from "./stack-files";

export const VERIFY_USAGE = `usage: npm run -s verify -- --stack <dev|cutover> [--config FILE] [--connect ADDRESS[:PORT]]
                          [--connect-short ADDRESS[:PORT]] [--source ADDRESS[:PORT]|stack] [--kong-proxy URL]
                          [--ca FILE] [--api NAME]... [--probe KIND]... [--timeout-ms N] [--json] [--help]
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
  --timeout-ms N           per request (default 5000); one retry when no answer comes
  --json                   print the rows as JSON
  --check-dns              cutover stack only, instead of the probes: read the DNS zone as the
                           provider will before a name's first record (PrivateZone: DescribeZoneInfo —
                           an acceleration zone?, the VPCs bound against dns.vpcIds), with the
                           standard Alibaba Cloud credentials; without credentials nothing is read

Ports default to 443. Each option once, except --api and --probe.
Exit: 0 every probe (or the zone check) passed, 1 one failed, 2 bad usage or config.`;

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
        if (arg !== "--api" && arg !== "--probe" && seen.has(arg))
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
function fromStack(config: StackConfig, args: VerifyArgs): { domains: Domains; apis: Api[]; targets: ProbeTargets; notes: string[] } {
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
    const notes: string[] = [];
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
    // A probe without an endpoint is not planned: said in the table, never passed silently.
    if (!short && args.probes.length === 0)
        notes.push(
            dedicated
                ? "short probes not run: the short host has its own load balancer (shortDomain.mode: dedicated); give --connect-short ADDRESS[:PORT]"
                : "short probes not run: the cutover stack does not know the short host's load balancer; give --connect-short ADDRESS[:PORT]",
        );
    // A cutover stack knows A's address, and parity once ran against it by default: say that it no longer does.
    if (!source && args.probes.length === 0 && config.role === "cutover")
        notes.push(
            "parity probes not run: they send requests to A; give --source ADDRESS[:PORT], or --source stack for cutover.sourceAddress",
        );
    const names = config.apis.map((x) => x.name);
    const unknown = args.apis.filter((n) => !names.includes(n));
    if (unknown.length) throw new UsageError(`--api ${unknown.join(", ")}: not in migration:apis (${names.join(", ")})`);
    const apis = args.apis.length ? config.apis.filter((x) => args.apis.includes(x.name)) : config.apis;
    return {
        domains: config.domains,
        apis,
        targets: { team, ...(short ? { short } : {}), ...(source ? { source } : {}), ...(args.kongProxy ? { kong: args.kongProxy } : {}) },
        notes,
    };
}

function cert(r: ProbeResult): string {
    const c = r.certificate;
    if (!c) return "-";
    const problems = [!c.coversHost && "name", !c.trusted && "untrusted", c.daysToExpiry < 0 && "expired"].filter(Boolean);
    return `${problems.length ? problems.join("+") : "ok"}, ${c.daysToExpiry} d`;
}

/** The acceptance table as text. */
export function renderTable(stack: string, rows: ProbeResult[], notes: string[] = []): string {
    const failed = rows.filter((r) => r.verdict === "fail").length;
    const head = ["api", "probe", "request", "via", "status", "certificate", "verdict", "reason"];
    const body = rows.map((r) => [
        r.api,
        r.probe,
        `${r.host}${r.path}`,
        r.address,
        r.status === undefined ? "-" : String(r.status),
        cert(r),
        r.verdict.toUpperCase(),
        r.reason,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [
        `Verify stack ${stack}: ${rows.length} probes, ${rows.length - failed} passed, ${failed} failed`,
        ...notes.map((n) => `note: ${n}`),
        "",
        line(head),
        ...body.map(line),
        "",
    ].join("\n");
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
        const { domains, apis, targets, notes } = fromStack(config, args);
        const probes = planProbes(domains, apis, targets, args.probes.length ? args.probes : PROBE_KINDS);
        const rows = await runProbes(probes, { timeoutMs: args.timeoutMs, ...(args.ca ? { ca: args.ca } : {}) });
        io.out(args.json ? `${JSON.stringify({ rows, notes }, null, 2)}\n` : renderTable(args.stack, rows, notes));
        return rows.every((r) => r.verdict === "pass") ? 0 : 1;
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
