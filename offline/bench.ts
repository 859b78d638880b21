/**
 * `npm run bench`: plans generated configs with 1, 20 and 200 APIs (the platform stack and
 * the cutover stack with its DNS and Kong layers) and prints resources registered, the
 * plan's median wall time over 5 runs, and the time per API. Targets: 200 APIs within 3 s,
 * and the time per API at 200 no more than 1.5× that at 20. Then it counts the Alidns and Kong
 * Admin API calls of phase edits at 1 and 200 APIs, run as `pulumi up` runs them (the real
 * program, the real dynamic-provider host, loopback doubles — test/engine/): a one-weight edit
 * must cost exactly the changed records and targets in writes and no read. Then `npm run plan`
 * itself, as a process (referenced dev stack included), at 200 and 1,000 APIs with Kong on every
 * API and mixed weights, and a one-edit `--against` diff at 1,000: targets 1,000 APIs ≤ 6 s, per
 * API at 1,000 ≤ 1.2× that at 200, the diff ≤ 2× the plan and ≤ 1 GB peak. Exits 1 when a
 * target is missed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run as program } from "../program";
import { DEFAULT_REQUESTS_PER_SECOND } from "../providers/alibaba-calls";
import { runOffline } from "./harness";
import { renderText } from "./render";
import { spawnSync } from "node:child_process";
import { stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const SIZES = [1, 20, 200];
const RUNS = 5;
const DOMAINS = {
    source: "source-team1.dev.aliyun.cloud.cn.aibang",
    target: "target-team2.dev.aliyun.cloud.cn.aibang",
    short: "dev-01.aliyun.cloud.cn.aibang",
};

/** The ALB of the committed dev stack. */
const ALB = {
    addressType: "intranet",
    zoneMappings: [
        { vSwitchId: "vsw-b1zonek", zoneId: "cn-hangzhou-k" },
        { vSwitchId: "vsw-b1zonej", zoneId: "cn-hangzhou-j" },
    ],
};

function apis(n: number) {
    // Ten APIs per namespace, as a team's namespaces usually hold several services.
    return Array.from({ length: n }, (_, i) => {
        const name = `api${String(i + 1).padStart(4, "0")}`;
        return { name, namespace: `team1-ns${Math.floor(i / 10)}`, service: `${name}-service`, port: 80, healthPath: "/health" };
    });
}

function encode(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`migration:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

function platform(n: number) {
    return encode({
        role: "platform",
        domains: DOMAINS,
        apis: apis(n),
        ingress: { name: "team1", implementation: "alb", className: "team1-alb", loadBalancer: ALB },
        shortDomain: { mode: "dedicated", controller: { name: "short", implementation: "alb", className: "short-alb", loadBalancer: ALB } },
        tls: { certificate: fs.readFileSync(path.join(ROOT, "examples/tls/dev-example.crt"), "utf8") },
        tlsKey: "[secret: not decrypted offline]",
    });
}

/** The in-process benchmark's cutover stack: every API at 20 %, B pinned, public Alidns. */
function cutover(n: number) {
    return cutoverConfig(
        n,
        () => 20,
        { targetAddress: "10.72.11.99" },
        { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
    );
}

/** A cutover stack of `n` APIs with Kong on every API, at the weights given, B and DNS as given. */
function cutoverConfig(
    n: number,
    weight: (name: string, i: number) => number,
    target: Record<string, string>,
    dns: Record<string, unknown>,
) {
    const list = apis(n);
    return encode({
        role: "cutover",
        domains: DOMAINS,
        apis: list,
        cutover: {
            phase: "shift",
            weights: Object.fromEntries(list.map((a, i) => [a.name, weight(a.name, i)])),
            sourceAddress: "10.72.10.88",
            ...target,
        },
        dns,
        kong: {
            adminUrl: "https://kong-admin.bench.internal:8444",
            upstreamPrefix: "team1",
            apis: Object.fromEntries(list.map((a) => [a.name, { service: a.name }])),
        },
    });
}

async function planOnce(stack: string, config: Record<string, string>): Promise<{ ms: number; resources: number }> {
    const start = process.hrtime.bigint();
    const run = await runOffline({ project: "migration", stack, config, secretKeys: ["migration:tlsKey"], program: () => program() });
    renderText(run, run.stack);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, resources: run.resources.length - 1 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface CallRow {
    apis: number;
    edit: string;
    dnsReads: number;
    dnsWrites: number;
    kongReads: number;
    kongWrites: number;
}

/** Admin/DNS API calls per phase edit, through the real provider host, at `n` APIs. */
async function countCalls(n: number): Promise<CallRow[]> {
    // Loaded here: the plan benchmark above must not pay for the test engine's modules.
    const { World, HOST_ENV } = await import("../test/engine/fixture");
    const { ProviderHost } = await import("../test/engine/host");
    const host = new ProviderHost(HOST_ENV);
    await host.start();
    const names = apis(n).map((a) => a.name);
    const world = await new World(host, names).start();
    const all = (w: number) => Object.fromEntries(names.map((a) => [a, w]));
    const rows: CallRow[] = [];
    try {
        await world.engine.up(world.stackFile({ phase: "shift", weights: all(10) }));
        const edits: [string, Record<string, unknown>][] = [
            ["one API's weight 10 → 25", { phase: "shift", weights: { ...all(10), [names[0]]: 25 } }],
            ["every weight → 50", { phase: "shift", weights: all(50) }],
            ["every weight → 100", { phase: "shift", weights: all(100) }],
            ["shift → complete", { phase: "complete", weights: all(100) }],
            ["unchanged re-run", { phase: "complete", weights: all(100) }],
        ];
        for (const [edit, cutover] of edits) {
            world.dns.calls.length = 0;
            world.kong.exchanges.length = 0;
            await world.engine.up(world.stackFile(cutover));
            const dnsReads = world.dns.calls.filter((c) => c.action.startsWith("Describe")).length;
            const kongReads = world.kong.exchanges.filter((x) => x.method === "GET").length;
            rows.push({
                apis: n,
                edit,
                dnsReads,
                dnsWrites: world.dns.calls.length - dnsReads,
                kongReads,
                kongWrites: world.kong.exchanges.length - kongReads,
            });
        }
    } finally {
        await host.stop();
        await world.stop();
    }
    return rows;
}

/** A phase edit of `n` names through the real host at parallelism 16, paced at `rate`, against a double enforcing a quota. */
export async function pacedEdit(
    n: number,
    rate: number,
): Promise<{ calls: number; seconds: number; throttled: number; rate: number; quota: number }> {
    const { World, HOST_ENV } = await import("../test/engine/fixture");
    const { ProviderHost } = await import("../test/engine/host");
    const host = new ProviderHost(HOST_ENV);
    await host.start();
    await host.configure();
    const names = apis(n).map((a) => a.name);
    const world = await new World(host, names).start();
    const all = (w: number) => Object.fromEntries(names.map((a) => [a, w]));
    const dnsOnly = (r: number) => (c: Record<string, Record<string, unknown>>) => {
        delete c["migration:kong"];
        delete c["migration:kongAdminToken"];
        c["migration:dns"].requestsPerSecond = r;
    };
    const quota = Math.ceil(rate * 1.1);
    try {
        await world.engine.up(world.stackFile({ phase: "shift", weights: all(10) }, dnsOnly(1000)), { parallelism: 16 });
        const planned = await world.engine.plan(world.stackFile({ phase: "shift", weights: all(20) }, dnsOnly(rate)));
        world.dns.calls.length = 0;
        world.dns.rateLimit(quota);
        const t0 = Date.now();
        await world.engine.up(planned, { parallelism: 16 });
        return { calls: world.dns.calls.length, seconds: (Date.now() - t0) / 1000, throttled: world.dns.throttledAnswers, rate, quota };
    } finally {
        await host.stop();
        await world.stop();
    }
}

/** A stack file (`config:` with `migration:*` keys) for generated values. */
function stackFile(dir: string, name: string, values: Record<string, string>): string {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
        // The TLS key is a secret: offline it is never decrypted.
        config[k] = k === "migration:tlsKey" ? { secure: "v1:bench" } : v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
    }
    const file = path.join(dir, name);
    fs.writeFileSync(file, stringify({ config }));
    return file;
}

/** The cutover stack as operators keep it at scale: B from the platform stack (an ALB, so PrivateZone), mixed weights. */
function cutoverAtScale(n: number, edit?: string): Record<string, string> {
    return cutoverConfig(
        n,
        (name, i) => (name === edit ? 35 : [0, 5, 20, 50, 100][i % 5]),
        { platformStack: "organization/migration/dev" },
        {
            service: "privatezone",
            zone: "aliyun.cloud.cn.aibang",
            zoneId: "2c5f0e1d9a7b4f6e",
            vpcIds: ["vpc-a1clustera"],
            ttl: { cutover: 60, steady: 3600 },
        },
    );
}

/** `npm run plan` itself, start to exit (npm's own start included): wall seconds and peak memory of its largest process (GNU time). */
function planProcess(args: string[]): { seconds: number; peakMb: number; code: number } {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", npm, "run", "-s", "plan", "--", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 30,
    });
    const [seconds, kb] = (r.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
    return { seconds, peakMb: Math.round(kb / 1024), code: r.status ?? 1 };
}

interface E2eRow {
    apis: number;
    what: string;
    seconds: number;
    peakMb: number;
}

/** The plan and a one-edit diff at 200 and 1,000 APIs, run as operators run them (referenced dev stack included). */
function endToEnd(): E2eRow[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-e2e-"));
    const rows: E2eRow[] = [];
    try {
        for (const n of [200, 1000]) {
            const dev = stackFile(dir, `dev-${n}.yaml`, platform(n));
            const cut = stackFile(dir, `cutover-${n}.yaml`, cutoverAtScale(n));
            const base = ["--stack", "cutover", "--config", cut, "--ref", `dev=${dev}`, "--out", path.join(dir, "out.txt")];
            const p = planProcess(base);
            if (p.code !== 0) throw new Error(`npm run plan at ${n} APIs exited ${p.code}`);
            rows.push({ apis: n, what: "plan", seconds: p.seconds, peakMb: p.peakMb });
            if (n === 1000) {
                const edited = stackFile(dir, `cutover-${n}-edit.yaml`, cutoverAtScale(n, apis(n)[1].name));
                const d = planProcess([...base, "--against", edited]);
                if (d.code !== 0) throw new Error(`npm run plan --against at ${n} APIs exited ${d.code}`);
                rows.push({ apis: n, what: "one-edit --against diff", seconds: d.seconds, peakMb: d.peakMb });
            }
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return rows;
}

async function main(): Promise<number> {
    const rows: { stack: string; apis: number; resources: number; medianMs: number; perApiMs: number }[] = [];
    for (const [stack, make] of [
        ["platform", platform],
        ["cutover", cutover],
    ] as const) {
        await planOnce(stack, make(1)); // warm-up: module loading and JIT are not the plan's cost
        for (const n of SIZES) {
            const times: number[] = [];
            let resources = 0;
            for (let i = 0; i < RUNS; i++) {
                const r = await planOnce(stack, make(n));
                times.push(r.ms);
                resources = r.resources;
            }
            const m = median(times);
            rows.push({ stack, apis: n, resources, medianMs: m, perApiMs: m / n });
        }
    }
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(
        `Plan benchmark — Node ${process.version}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; median of ${RUNS} runs after a warm-up`,
    );
    console.log("");
    console.log(
        ["stack".padEnd(9), "APIs".padStart(5), "resources".padStart(10), "median ms".padStart(10), "ms / API".padStart(9)].join("  "),
    );
    for (const r of rows)
        console.log(
            [
                r.stack.padEnd(9),
                String(r.apis).padStart(5),
                String(r.resources).padStart(10),
                r.medianMs.toFixed(0).padStart(10),
                r.perApiMs.toFixed(2).padStart(9),
            ].join("  "),
        );
    console.log("");
    let ok = true;
    for (const stack of ["platform", "cutover"]) {
        const at = (n: number) => rows.find((r) => r.stack === stack && r.apis === n)!;
        const within = at(200).medianMs <= 3000;
        const ratio = at(200).perApiMs / at(20).perApiMs;
        const linear = ratio <= 1.5;
        ok &&= within && linear;
        console.log(
            `${stack}: 200 APIs in ${at(200).medianMs.toFixed(0)} ms (target ≤ 3000): ${within ? "met" : "MISSED"}; per API at 200 is ${ratio.toFixed(2)}× that at 20 (target ≤ 1.5): ${linear ? "met" : "MISSED"}`,
        );
    }
    console.log("");
    console.log("API calls per phase edit, through the real dynamic-provider host (Alidns and Kong Admin API doubles):");
    console.log(
        [
            "APIs".padStart(5),
            "edit".padEnd(26),
            "DNS reads".padStart(9),
            "DNS writes".padStart(10),
            "Kong reads".padStart(10),
            "Kong writes".padStart(11),
        ].join("  "),
    );
    const calls = [...(await countCalls(1)), ...(await countCalls(200))];
    for (const r of calls)
        console.log(
            [
                String(r.apis).padStart(5),
                r.edit.padEnd(26),
                String(r.dnsReads).padStart(9),
                String(r.dnsWrites).padStart(10),
                String(r.kongReads).padStart(10),
                String(r.kongWrites).padStart(11),
            ].join("  "),
        );
    const one = calls.find((r) => r.apis === 200 && r.edit.startsWith("one API"))!;
    // One DNS read: the name is read before it is written, so a half-done earlier apply is resumed.
    const economical = one.dnsReads === 1 && one.kongReads === 0 && one.dnsWrites === 2 && one.kongWrites === 2;
    const idle = calls
        .filter((r) => r.edit === "unchanged re-run")
        .every((r) => r.dnsReads + r.dnsWrites + r.kongReads + r.kongWrites === 0);
    ok &&= economical && idle;
    console.log("");
    console.log(
        `one-weight edit at 200 APIs: ${one.dnsWrites} DNS + ${one.kongWrites} Kong writes, ${one.dnsReads + one.kongReads} reads (target: 2 + 2 writes, 1 read): ${economical ? "met" : "MISSED"}`,
    );
    console.log(`unchanged re-run: no call (target): ${idle ? "met" : "MISSED"}`);

    // At the default pace (dns.requestsPerSecond): the host's own work overlaps the waits, as in production.
    const paced = await pacedEdit(1000, DEFAULT_REQUESTS_PER_SECOND);
    const withinRate = paced.throttled === 0 && paced.seconds <= (paced.calls / paced.rate) * 1.2;
    ok &&= withinRate;
    console.log("");
    console.log(
        `1,000-API phase edit (every weight 10 → 20) through the real host, 16 steps at once, pace ${paced.rate}/s, quota ${paced.quota}/s per action: ` +
            `${paced.calls} calls (${(paced.calls / 1000).toFixed(1)} per changed name) in ${paced.seconds.toFixed(1)} s, ${paced.throttled} throttled; ` +
            `calls ÷ rate = ${(paced.calls / paced.rate).toFixed(1)} s (target: 0 throttled, ≤ 1.2× that): ${withinRate ? "met" : "MISSED"}`,
    );

    console.log("");
    console.log("`npm run plan` as operators run it (a process, start to exit; the referenced dev stack planned too; GNU time):");
    const e2e = endToEnd();
    for (const r of e2e)
        console.log(
            `${String(r.apis).padStart(5)} APIs  ${r.what.padEnd(26)}  ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.peakMb).padStart(5)} MB peak`,
        );
    const plan = (n: number) => e2e.find((r) => r.apis === n && r.what === "plan")!;
    const diff = e2e.find((r) => r.what !== "plan")!;
    const checks: [string, boolean][] = [
        [`cutover plan at 1,000 APIs ${plan(1000).seconds.toFixed(1)} s (target ≤ 6 s)`, plan(1000).seconds <= 6],
        [
            `time per API at 1,000 is ${(plan(1000).seconds / 1000 / (plan(200).seconds / 200)).toFixed(2)}× that at 200 (target ≤ 1.2)`,
            plan(1000).seconds / 1000 <= 1.2 * (plan(200).seconds / 200),
        ],
        [
            `one-edit diff at 1,000 APIs ${diff.seconds.toFixed(1)} s, ${(diff.seconds / plan(1000).seconds).toFixed(2)}× the plan (target ≤ 2×)`,
            diff.seconds <= 2 * plan(1000).seconds,
        ],
        [`one-edit diff peak memory ${diff.peakMb} MB (target ≤ 1024 MB)`, diff.peakMb <= 1024],
    ];
    for (const [text, met] of checks) {
        console.log(`${text}: ${met ? "met" : "MISSED"}`);
        ok &&= met;
    }
    return ok ? 0 : 1;
}

// Run as `npm run bench`; imported (a one-off measurement of pacedEdit), it does nothing by itself.
if (require.main === module)
    main().then(
        (code) => process.exit(code),
        (err) => {
            console.error(err instanceof Error ? err.stack : err);
            process.exit(1);
        },
    );
