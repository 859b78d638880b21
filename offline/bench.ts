/**
 * `npm run bench`: plans generated configs with 1, 20 and 200 APIs (the platform stack and
 * the cutover stack with its DNS and Kong layers) and prints resources registered, the
 * plan's median wall time over 5 runs, and the time per API. Targets: 200 APIs within 3 s,
 * and the time per API at 200 no more than 1.5× that at 20. Exits 1 when a target is missed.
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
const DOMAINS = { source: "source-team1.dev.aliyun.cloud.cn.aibang", target: "target-team2.dev.aliyun.cloud.cn.aibang", short: "dev-01.aliyun.cloud.cn.aibang" };

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
        cutover: { phase: "shift", weights: Object.fromEntries(list.map((a) => [a.name, 20])), sourceAddress: "10.72.10.88", targetAddress: "10.72.11.99" },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
        kong: { adminUrl: "https://kong-admin.bench.internal:8444", upstreamPrefix: "team1", apis: Object.fromEntries(list.map((a) => [a.name, { service: a.name }])) },
    });
}

async function planOnce(stack: string, config: Record<string, string>): Promise<{ ms: number; resources: number }> {
    const start = process.hrtime.bigint();
    const run = await runOffline({ project: "migration", stack, config, secretKeys: ["migration:tlsKey"], program: () => program() });
    renderText(run, run.stack);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, resources: run.resources.length - 1 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<number> {
    const rows: { stack: string; apis: number; resources: number; medianMs: number; perApiMs: number }[] = [];
    for (const [stack, make] of [["platform", platform], ["cutover", cutover]] as const) {
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
    console.log(`Plan benchmark — Node ${process.version}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; median of ${RUNS} runs after a warm-up`);
    console.log("");
    console.log(["stack".padEnd(9), "APIs".padStart(5), "resources".padStart(10), "median ms".padStart(10), "ms / API".padStart(9)].join("  "));
    for (const r of rows) console.log([r.stack.padEnd(9), String(r.apis).padStart(5), String(r.resources).padStart(10), r.medianMs.toFixed(0).padStart(10), r.perApiMs.toFixed(2).padStart(9)].join("  "));
    console.log("");
    let ok = true;
    for (const stack of ["platform", "cutover"]) {
        const at = (n: number) => rows.find((r) => r.stack === stack && r.apis === n)!;
        const within = at(200).medianMs <= 3000;
        const ratio = at(200).perApiMs / at(20).perApiMs;
        const linear = ratio <= 1.5;
        ok &&= within && linear;
        console.log(`${stack}: 200 APIs in ${at(200).medianMs.toFixed(0)} ms (target ≤ 3000): ${within ? "met" : "MISSED"}; per API at 200 is ${ratio.toFixed(2)}× that at 20 (target ≤ 1.5): ${linear ? "met" : "MISSED"}`);
    }
    return ok ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(err instanceof Error ? err.stack : err);
        process.exit(1);
    },
);
