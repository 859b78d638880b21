/**
 * `npm run bench`: plans generated configs with 1, 20 and 200 APIs (the platform stack and
 * the cutover stack with its DNS and Kong layers) and prints resources registered, the
 * plan's median wall time over 5 runs, and the time per API. Targets: 200 APIs within 3 s,
 * and the time per API at 200 no more than 1.5× that at 20. Then it counts the Alidns and Kong
 * Admin API calls of phase edits at 1 and 200 APIs, run as `pulumi up` runs them (the real
 * program, the real dynamic-provider host, loopback doubles — test/engine/): a one-weight edit
 * must cost exactly the changed records and targets in writes and no read. Exits 1 when a
 * target is missed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run as program } from "../program";
import { runOffline } from "./harness";
import { renderText } from "./render";

const ROOT = path.resolve(__dirname, "..");
const SIZES = [1, 20, 200];
const RUNS = 5;
const DOMAINS = {
    source: "source-team1.dev.aliyun.cloud.cn.aibang",
    target: "target-team2.dev.aliyun.cloud.cn.aibang",
    short: "dev-01.aliyun.cloud.cn.aibang",
};

function apis(n: number) {
    // Ten APIs per namespace, as a team's namespaces usually hold several services.
    return Array.from({ length: n }, (_, i) => {
        const name = `api${String(i + 1).padStart(3, "0")}`;
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
        ingress: { name: "team1", className: "team1-nginx", loadBalancer: { spec: "slb.s1.small" } },
        shortDomain: { mode: "dedicated", controller: { name: "short", className: "short-nginx" } },
        tls: { certificate: fs.readFileSync(path.join(ROOT, "examples/tls/dev-example.crt"), "utf8") },
        tlsKey: "[secret: not decrypted offline]",
    });
}

function cutover(n: number) {
    const list = apis(n);
    return encode({
        role: "cutover",
        domains: DOMAINS,
        apis: list,
        cutover: {
            phase: "shift",
            weights: Object.fromEntries(list.map((a) => [a.name, 20])),
            sourceAddress: "10.72.10.88",
            targetAddress: "10.72.11.99",
        },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
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
    const economical = one.dnsReads === 0 && one.kongReads === 0 && one.dnsWrites === 2 && one.kongWrites === 2;
    const idle = calls
        .filter((r) => r.edit === "unchanged re-run")
        .every((r) => r.dnsReads + r.dnsWrites + r.kongReads + r.kongWrites === 0);
    ok &&= economical && idle;
    console.log("");
    console.log(
        `one-weight edit at 200 APIs: ${one.dnsWrites} DNS + ${one.kongWrites} Kong writes, ${one.dnsReads + one.kongReads} reads (target: 2 + 2 writes, 0 reads): ${economical ? "met" : "MISSED"}`,
    );
    console.log(`unchanged re-run: no call (target): ${idle ? "met" : "MISSED"}`);
    return ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(err instanceof Error ? err.stack : err);
        process.exit(1);
    },
);
