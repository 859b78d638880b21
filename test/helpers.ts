import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/parse";
import { RawConfig } from "../config/types";
import { API_CUTOVER_TYPE } from "../components/api-cutover";
import { DNS_CUTOVER_TYPE } from "../components/dns-cutover";
import { ISOLATED_INGRESS_TYPE } from "../components/isolated-ingress";
import { KONG_UPSTREAM_TYPE } from "../components/kong-upstream";
import { SHORT_DOMAIN_GATEWAY_TYPE } from "../components/short-domain-gateway";
import { HEALTH_GATE_TYPE } from "../providers/health-gate";
import { NAME_RECORDS_TYPE } from "../providers/name-records";
import { OfflineRun, RecordedOptions, RecordedResource, runOffline } from "../offline/harness";
import { planStackOffline } from "../offline/plan-stack";
import { loadStackConfig } from "../offline/stack-files";
import { run } from "../program";

export const ROOT = path.resolve(__dirname, "..");
export const EXAMPLE_CERT = fs.readFileSync(path.join(ROOT, "examples/tls/dev-example.crt"), "utf8");
export const EXAMPLE_NOT_AFTER = new Date("2036-11-18T16:15:42.000Z");
export const STACK = "urn:pulumi:test::migration::pulumi:pulumi:Stack::migration-test";

export const DOMAINS = {
    source: "source-team1.dev.aliyun.cloud.cn.aibang",
    target: "target-team2.dev.aliyun.cloud.cn.aibang",
    short: "dev-01.aliyun.cloud.cn.aibang",
};

export function api(name: string, namespace = "team1-ns") {
    return { name, namespace, service: `${name}-service`, port: 80, healthPath: "/health" };
}

/**
 * A valid platform config on ingress-nginx (the implementation most platform tests look inside:
 * its chart values and Service); tests override parts of it. ALB: `ALB_INGRESS`, and the committed dev stack.
 */
export function platformConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        role: "platform",
        domains: DOMAINS,
        apis: [api("api01")],
        ingress: { name: "team1", implementation: "ingress-nginx", className: "team1-nginx", loadBalancer: {} },
        tls: { certificate: EXAMPLE_CERT },
        ...overrides,
    };
}

/**
 * A cutover config of `n` APIs (api0001…), each with a Kong layer, B pinned by address on public
 * Alidns (TTLs 60/600), API i at weight `weights(i)`.
 */
export function cutoverOfMany(n: number, phase: string, weights: (i: number) => number, completeWith = "address") {
    const apis = Array.from({ length: n }, (_, i) => api(`api${String(i + 1).padStart(4, "0")}`));
    return {
        role: "cutover",
        domains: DOMAINS,
        apis,
        cutover: {
            phase,
            completeWith,
            weights: Object.fromEntries(apis.map((a, i) => [a.name, weights(i)])),
            sourceAddress: "10.72.10.88",
            targetAddress: "10.72.11.99",
        },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
        kong: {
            adminUrl: "https://kong-admin.example.internal:8444",
            upstreamPrefix: "team1",
            apis: Object.fromEntries(apis.map((a) => [a.name, { service: a.name }])),
        },
    };
}

/** The team controller on ACK ALB Ingress, as the committed dev stack has it. */
export const ALB_INGRESS = {
    name: "team1",
    implementation: "alb",
    className: "team1-alb",
    loadBalancer: {
        addressType: "intranet",
        zoneMappings: [
            { vSwitchId: "vsw-b1zonek", zoneId: "cn-hangzhou-k" },
            { vSwitchId: "vsw-b1zonej", zoneId: "cn-hangzhou-j" },
        ],
    },
};

/** Engine-encoded config (what `pulumi config` hands the program) from plain values. */
export function engineConfig(
    values: Record<string, unknown>,
    secrets: Record<string, string> = values.role === "platform"
        ? { tlsKey: "-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----\n" }
        : {},
) {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(values))
        if (v !== undefined) config[`migration:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    for (const [k, v] of Object.entries(secrets)) config[`migration:${k}`] = v;
    return { config, secretKeys: Object.keys(secrets).map((k) => `migration:${k}`) };
}

/** Runs the real program over config built in the test. */
/** Outputs other stacks publish, by StackReference name, for runs that reference them. */
export type Refs = Record<string, Record<string, unknown>>;

function resolver(refs: Refs | undefined) {
    return refs
        ? async (name: string) => {
              if (!(name in refs)) throw new Error(`test gave no outputs for stack ${name}`);
              return refs[name];
          }
        : undefined;
}

export function planConfig(
    values: Record<string, unknown>,
    opts: { now?: Date; secrets?: Record<string, string>; plainKeys?: string[]; refs?: Refs; keepWire?: "values" } = {},
): Promise<OfflineRun> {
    const { config, secretKeys } = engineConfig(values, opts.secrets);
    const stackReference = resolver(opts.refs);
    return runOffline({
        project: "migration",
        stack: "test",
        config,
        secretKeys: secretKeys.filter((k) => !(opts.plainKeys ?? []).includes(k)),
        program: () => run(opts.now ? { now: opts.now } : {}),
        ...(stackReference ? { stackReference } : {}),
        ...(opts.keepWire ? { keepWire: opts.keepWire } : {}),
    });
}

/** Runs the real program over a committed stack file (or a file in its place). */
/**
 * Runs the real program over a committed stack file (or a file in its place). References
 * resolve as the plan command resolves them (the referenced stacks' planned outputs), unless
 * the test gives their outputs in `refs`.
 */
export async function planStack(stack: string, opts: { configFile?: string; refs?: Refs; now?: Date } = {}): Promise<OfflineRun> {
    const program = () => run(opts.now ? { now: opts.now } : {});
    if (!opts.refs)
        return (await planStackOffline({ projectDir: ROOT, stack, ...(opts.configFile ? { configFile: opts.configFile } : {}), program }))
            .run;
    const config = loadStackConfig(ROOT, stack, opts.configFile);
    return runOffline({
        project: config.project,
        stack,
        config: config.values,
        secretKeys: config.secretKeys,
        program,
        stackReference: resolver(opts.refs)!,
    });
}

export function byName(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; have: ${run.resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    return found;
}

/** `type name` of every resource but the stack, in registration order. */
export function inventory(run: OfflineRun): string[] {
    return run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type} ${r.name}`);
}

export function urnOf(run: OfflineRun, type: string, name: string): string {
    return byName(run, type, name).urn;
}

/** Resource options a resource has when the program sets none. */
export const NO_OPTIONS: RecordedOptions = {
    protect: false,
    dependsOn: [],
    deleteBeforeReplace: false,
    ignoreChanges: [],
    import: null,
    replaceOnChanges: [],
    retainOnDelete: false,
    deletedWith: null,
};

/** The zone of the legacy names, and A's and B's load-balancer addresses, as the committed stacks have them. */
export const ZONE = "aliyun.cloud.cn.aibang";
export const A_ADDRESS = "10.72.10.88";
export const B_ADDRESS = "10.72.11.99";

/** The upstream's active health check the Kong layer plans for an API on /health behind port 443. */
export const HEALTH = {
    active: {
        type: "https",
        http_path: "/health",
        timeout: 2,
        concurrency: 2,
        https_verify_certificate: true,
        healthy: { interval: 5, successes: 2 },
        unhealthy: { interval: 5, http_failures: 3, tcp_failures: 3, timeouts: 3 },
    },
};

/** Type tokens: the components' own constants, and the providers' resource types. */
export const T = {
    isolated: ISOLATED_INGRESS_TYPE,
    gateway: SHORT_DOMAIN_GATEWAY_TYPE,
    namespace: "kubernetes:core/v1:Namespace",
    chart: "kubernetes:helm.sh/v4:Chart",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    ingressClass: "kubernetes:networking.k8s.io/v1:IngressClass",
    albConfig: "kubernetes:alibabacloud.com/v1:AlbConfig",
    api: API_CUTOVER_TYPE,
    cutover: DNS_CUTOVER_TYPE,
    kongUpstream: KONG_UPSTREAM_TYPE,
    record: "alicloud:dns/alidnsRecord:AlidnsRecord",
    names: NAME_RECORDS_TYPE,
    gate: HEALTH_GATE_TYPE,
    stackRef: "pulumi:pulumi:StackReference",
};

/** Writes a copy of a committed `Pulumi.<stack>.yaml` with its config edited, as a runbook step would, and returns its path. */
export function editedStackFile(
    stack: string,
    dir: string,
    edit: (config: Record<string, Record<string, unknown>>) => void,
    name = `${stack}-edited.yaml`,
): string {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, Record<string, unknown>>;
    };
    edit(doc.config);
    const file = path.join(dir, name);
    fs.writeFileSync(file, stringify(doc));
    return file;
}

/** The problems parseConfig reports for `raw`, as `path: message` lines; [] when it parses. */
export function configProblems(raw: RawConfig): string[] {
    try {
        parseConfig(raw);
        return [];
    } catch (err) {
        assert.ok(ConfigError.isConfigError(err), `expected a ConfigError, got ${err}`);
        return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
}

/**
 * Registers before/after hooks that set the credentials the providers read from the standard
 * Alibaba Cloud chain (the doubles expect this access key) and restore what was there.
 */
export function withAlibabaCredentials(): void {
    const keys = ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"] as const;
    const saved = keys.map((k) => process.env[k]);
    before(() => {
        process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = "test-access-key";
        process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "test-secret";
    });
    after(() =>
        keys.forEach((k, i) => {
            if (saved[i] === undefined) delete process.env[k];
            else process.env[k] = saved[i];
        }),
    );
}
