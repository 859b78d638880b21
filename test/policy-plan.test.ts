/**
 * The offline plan runs the policy pack (offline/policies.ts): on the committed stacks and every
 * step of the cutover runbook nothing is violated; program variants that break an invariant (the
 * gate dependency dropped, a loss written before a gain, protect dropped on A's footprint) make
 * the policy that guards it fire through the same planning path the command takes; a config
 * that breaks one makes `npm run plan` exit 1 with the violation in its own section.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { OfflineRunArgs } from "../offline/harness";
import { planStackOffline } from "../offline/plan-stack";
import { evaluatePolicies, PolicyViolation } from "../offline/policies";
import { edited, STEPS } from "../offline/runbook-table";
import { run } from "../program";
import { HealthGate } from "../providers/health-gate";
import { ledgerAgrees } from "../policy/ledger-agrees";
import { KONG_UPSTREAM_ENTITY_TYPE, NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
import { plan } from "./cli-run";
import { cutoverOfMany, editedStackFile, planConfig, platformConfig, ROOT } from "./helpers";

const NOW = new Date("2026-11-26T00:00:00Z");
const HOST = "api01.source-team1.dev.aliyun.cloud.cn.aibang";

/** Plans a committed stack as the command does (wire values kept), with a program variant, and evaluates the pack. */
async function violationsOf(stack: string, transformation?: OfflineRunArgs["transformation"]): Promise<PolicyViolation[]> {
    const { run: planned } = await planStackOffline({
        projectDir: ROOT,
        stack,
        program: () => run({ now: NOW }),
        keepWire: "values",
        ...(transformation ? { transformation } : {}),
    });
    return evaluatePolicies(planned);
}

/** `policy name: message` for each violation, the URN's last part in front. */
const lines = (vs: PolicyViolation[]) => vs.map((v) => `${v.level} ${v.policy} ${v.urn.split("::").pop()}: ${v.message}`);

describe("the offline plan runs the policy pack", () => {
    for (const stack of ["dev", "cutover", "source", "workloads"])
        it(`the committed ${stack} stack violates no policy`, async () => {
            const { code, stdout, stderr } = await plan(["--stack", stack, "--json", "--now", NOW.toISOString()]);
            assert.deepEqual([code, stderr], [0, ""]);
            assert.deepEqual(JSON.parse(stdout).policy, { violations: [] });
        });

    it("every step of the cutover runbook violates no policy (planned alone, and as the edit from the step before)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-runbook-"));
        try {
            const base = parse(fs.readFileSync(path.join(ROOT, "Pulumi.cutover.yaml"), "utf8")) as Record<string, unknown>;
            let previous: string | undefined;
            for (const [i, step] of STEPS.entries()) {
                const file = path.join(dir, `step-${i + 1}.yaml`);
                edited(base, step.set, file);
                const alone = await plan(["--stack", "cutover", "--config", file, "--json", "--now", NOW.toISOString()]);
                assert.deepEqual(
                    [step.step, alone.code, alone.stderr, JSON.parse(alone.stdout).policy],
                    [step.step, 0, "", { violations: [] }],
                );
                if (previous) {
                    const edit = await plan(["--stack", "cutover", "--config", previous, "--against", file, "--json"]);
                    assert.deepEqual([step.step, edit.code, JSON.parse(edit.stdout).policy], [step.step, 0, { violations: [] }]);
                }
                previous = file;
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a platform stack on ingress-nginx: its isolated ingress's LoadBalancer Service sits in the controller's namespace, no violation", async () => {
        const planned = await planConfig(platformConfig(), { keepWire: "values" });
        const lb = planned.resources.filter(
            (r) => r.type === "kubernetes:core/v1:Service" && (r.inputs.spec as { type?: string }).type === "LoadBalancer",
        );
        assert.equal(lb.length, 1, "the isolated ingress buys one load balancer");
        assert.deepEqual(await evaluatePolicies(planned), []);
    });

    it("public Alidns with B pinned by address, 12 APIs at 0/5/20/50/100 %, in every phase: no violation", async () => {
        for (const phase of ["prepare", "shift", "complete"]) {
            const planned = await planConfig(
                cutoverOfMany(12, phase, (i) => (phase === "complete" ? 100 : phase === "prepare" ? 0 : [0, 5, 20, 50, 100][i % 5])),
                { secrets: { kongAdminToken: "example-token" }, keepWire: "values" },
            );
            assert.deepEqual(await evaluatePolicies(planned), [], phase);
        }
    });

    it("the committed cutover stack in stable-hostname mode, and with the gate off (explicit): no violation", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-modes-"));
        try {
            const stable = editedStackFile(
                "cutover",
                dir,
                // Stable-hostname mode moves a whole API at once: api01 all on B, api02 all on A.
                (c) => {
                    Object.assign(c["migration:kong"], { mode: "stable-hostname" });
                    Object.assign(c["migration:cutover"], { weights: { api01: 100, api02: 0 } });
                },
                "stable.yaml",
            );
            const gateOff = editedStackFile(
                "cutover",
                dir,
                (c) => Object.assign(c["migration:cutover"], { gate: { enabled: false } }),
                "gate-off.yaml",
            );
            for (const file of [stable, gateOff]) {
                const { code, stdout, stderr } = await plan(["--stack", "cutover", "--config", file, "--json"]);
                assert.deepEqual([path.basename(file), code, stderr], [path.basename(file), 0, ""]);
                assert.deepEqual(JSON.parse(stdout).policy, { violations: [] }, path.basename(file));
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the text plan ends with the Policies section", async () => {
        const { code, stdout } = await plan(["--stack", "cutover", "--now", NOW.toISOString()]);
        assert.equal(code, 0);
        assert.equal(
            stdout.trimEnd().split("\n").pop(),
            "Policies (pack migration-invariants, 11 policies, as `pulumi preview --policy-pack policy` runs them): no violation",
        );
    });
});

describe("source-protected-until-allowed follows the decommission verdict the plan computes", () => {
    it("once the guard allows (complete applied, observed, confirmed), A's footprint is unprotected and no policy fires", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-source-"));
        try {
            const complete = editedStackFile("cutover", dir, (c) =>
                Object.assign(c["migration:cutover"], { phase: "complete", weights: { api01: 100, api02: 100 } }),
            );
            const source = editedStackFile("source", dir, (c) =>
                Object.assign(c["migration:decommission"], { confirm: ["api01", "api02"] }),
            );
            const args = [
                "--stack",
                "source",
                "--config",
                source,
                "--ref",
                `cutover=${complete}`,
                "--applied-at",
                "2026-11-20T00:00:00Z",
                "--now",
                NOW.toISOString(),
                "--json",
            ];
            const { code, stdout, stderr } = await plan(args);
            assert.deepEqual([code, stderr], [0, ""]);
            const doc = JSON.parse(stdout);
            assert.equal(doc.outputs.decommission.allowed, true);
            assert.deepEqual(
                doc.resources
                    .filter((r: { parent: string | null }) => r.parent?.endsWith("SourceFootprint::source-a"))
                    .map((r: { options: { protect: boolean } }) => r.options.protect),
                [false, false, false, false, false, false],
            );
            assert.deepEqual(doc.policy, { violations: [] });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("mutation checks: a program variant that breaks an invariant makes its policy fire through the offline plan", () => {
    it("without the gate dependency: share-rises-behind-gate names each resource that sends a share to B", async () => {
        const variant: pulumi.ResourceTransformation = (a) => {
            if (a.type !== NAME_RECORDS_TYPE && a.type !== KONG_UPSTREAM_ENTITY_TYPE) return undefined;
            const dependsOn = ([] as unknown[])
                .concat(a.opts.dependsOn ?? [])
                .filter((d) => !(d instanceof HealthGate)) as pulumi.Resource[];
            return { props: a.props, opts: { ...a.opts, dependsOn } };
        };
        assert.deepEqual(lines(await violationsOf("cutover", variant)), [
            `mandatory share-rises-behind-gate dns-api01-records: DNS ${HOST} sends 20 % to B without depending on api-api01's HealthGate: B's share would rise before B proved itself`,
            "mandatory share-rises-behind-gate kong-api01-upstream: Kong upstream team1-api01 sends 20 % to B without depending on api-api01's HealthGate: B's share would rise before B proved itself",
        ]);
    });

    it("B's intermediate name written without the gate: share-rises-behind-gate names it (it re-points B's whole DNS share)", async () => {
        const variant: pulumi.ResourceTransformation = (a) =>
            a.name === "dns-api01-to-b" ? { props: a.props, opts: { ...a.opts, dependsOn: [] } } : undefined;
        assert.deepEqual(lines(await violationsOf("cutover", variant)), [
            `mandatory share-rises-behind-gate dns-api01-to-b: DNS ${HOST}'s B name api01-b.source-team1.dev.aliyun.cloud.cn.aibang sends 20 % to B without depending on api-api01's HealthGate: B's share would rise before B proved itself`,
        ]);
    });

    it("a loss written before a gain (every weight 0): name-records-always-answer and kong-targets-carry-weight fire, and the ledger no longer agrees", async () => {
        const zero = (list: { weight: number }[]) => list.map((x) => ({ ...x, weight: 0 }));
        const variant: pulumi.ResourceTransformation = (a) => {
            if (a.type === NAME_RECORDS_TYPE) return { props: { ...a.props, records: zero(a.props.records) }, opts: a.opts };
            if (a.type === KONG_UPSTREAM_ENTITY_TYPE) return { props: { ...a.props, targets: zero(a.props.targets) }, opts: a.opts };
            return undefined;
        };
        assert.deepEqual(lines(await violationsOf("cutover", variant)), [
            `mandatory name-records-always-answer dns-api01-records: ${HOST}: the weights of its records (A 0, B 0) sum to 0: a loss written before a gain; PrivateZone answers every record unweighted at all 0`,
            "mandatory name-records-always-answer dns-api02-records: api02.source-team1.dev.aliyun.cloud.cn.aibang: the weights of its records (A 0) sum to 0: a loss written before a gain; PrivateZone answers every record unweighted at all 0",
            "mandatory kong-targets-carry-weight kong-api01-upstream: upstream team1-api01: its targets (api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443 0, api01.target-team2.dev.aliyun.cloud.cn.aibang:443 0) total weight 0, so Kong has no peer for any request",
            "mandatory kong-targets-carry-weight kong-api02-upstream: upstream team1-api02: its targets (api02-a.source-team1.dev.aliyun.cloud.cn.aibang:443 0, api02.target-team2.dev.aliyun.cloud.cn.aibang:443 0) total weight 0, so Kong has no peer for any request",
            `mandatory ledger-agrees dns-api01-records: ${HOST}: the ledger says 20 % reaches B directly; its DNS records send 0 %`,
            `mandatory ledger-agrees kong-api01-upstream: ${HOST}: the ledger says 20 % reaches B through Kong; upstream team1-api01's targets send 0 %`,
        ]);
    });

    it("an Ingress serving a host its TLS Secret's certificate does not cover: tls-covers-served-hosts, through the dev stack's plan", async () => {
        const variant: pulumi.ResourceTransformation = (a) => {
            if (a.type !== "kubernetes:networking.k8s.io/v1:Ingress" || a.name !== "team1-api02") return undefined;
            const spec = a.props.spec as { tls: { hosts: string[] }[] };
            return {
                props: {
                    ...a.props,
                    spec: { ...spec, tls: [{ ...spec.tls[0], hosts: [...spec.tls[0].hosts, "api02.other-team.example"] }] },
                },
                opts: a.opts,
            };
        };
        const found = lines(await violationsOf("dev", variant));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /^mandatory tls-covers-served-hosts team1-api02: Ingress team1-ns\/api02-team1: Secret team1-ns\/team1-tls: its certificate \(DNS:.*\) does not cover api02\.other-team\.example$/,
        );
    });

    it("the short host's ALB regex path written with pathType ImplementationSpecific: regex-paths-match-controller, through the dev stack's plan", async () => {
        const variant: pulumi.ResourceTransformation = (a) => {
            if (a.type !== "kubernetes:networking.k8s.io/v1:Ingress" || a.name !== "short-domain-api02") return undefined;
            const spec = a.props.spec as { rules: { http: { paths: Record<string, unknown>[] } }[] };
            const rules = spec.rules.map((r) => ({
                ...r,
                http: { paths: r.http.paths.map((p) => ({ ...p, pathType: "ImplementationSpecific" })) },
            }));
            return { props: { ...a.props, spec: { ...spec, rules } }, opts: a.opts };
        };
        assert.deepEqual(lines(await violationsOf("dev", variant)), [
            'mandatory regex-paths-match-controller short-domain-api02: dev-01.aliyun.cloud.cn.aibang/api02/(.*): alb.ingress.kubernetes.io/use-regex is "true" and pathType is ImplementationSpecific; the ALB Ingress controller applies regexes only to Prefix paths',
        ]);
    });

    it("protect dropped on A's adopted resources: source-protected-until-allowed names each, the verdict being not allowed", async () => {
        const variant: pulumi.ResourceTransformation = (a) =>
            a.opts.protect ? { props: a.props, opts: { ...a.opts, protect: false } } : undefined;
        const found = lines(await violationsOf("source", variant));
        assert.deepEqual(
            found.map((l) => l.split(":")[0]),
            [
                "mandatory source-protected-until-allowed source-a-wildcard-record",
                "mandatory source-protected-until-allowed source-a-slb",
                "mandatory source-protected-until-allowed source-a-namespace-team1-ns",
                "mandatory source-protected-until-allowed source-a-ingress-team1-ns-api01",
                "mandatory source-protected-until-allowed source-a-ingress-team1-ns-api02",
            ],
        );
        assert.equal(
            found[2],
            "mandatory source-protected-until-allowed source-a-namespace-team1-ns: kubernetes:core/v1:Namespace source-a-namespace-team1-ns of cluster A is not protected, and the decommission verdict says not allowed: pulumi destroy could delete it while traffic still reaches A",
        );
    });
});

describe("ledger-agrees: validateStack over a whole cutover plan (cross-resource rules)", () => {
    /** The cutover plan of one runbook step, with a program variant, judged by ledger-agrees alone. */
    async function ledgerOf(set: Record<string, unknown>, transformation?: pulumi.ResourceTransformation): Promise<string[]> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-ledger-"));
        try {
            const file = editedStackFile("cutover", dir, (c) => Object.assign(c["migration:cutover"], set));
            const { run: planned } = await planStackOffline({
                projectDir: ROOT,
                stack: "cutover",
                configFile: file,
                program: () => run({ now: NOW }),
                keepWire: "values",
                ...(transformation ? { transformation } : {}),
            });
            return lines(await evaluatePolicies(planned, [ledgerAgrees]));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it("per legacy host, the DNS and Kong rows agree with the ledger in every phase", async () => {
        for (const set of [
            { phase: "prepare", weights: {} },
            { phase: "shift", weights: { api01: 5, api02: 50 } },
            { phase: "shift", weights: { api01: 100, api02: 100 } },
            { phase: "complete", weights: { api01: 100, api02: 100 } },
        ])
            assert.deepEqual(await ledgerOf(set), [], JSON.stringify(set));
    });

    it("stable-hostname, Kong held on A while DNS is at 100 %: Kong's origin name points at the legacy name, so the ledger says 100 % via Kong too", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-stable-"));
        try {
            const file = editedStackFile("cutover", dir, (c) => {
                Object.assign(c["migration:kong"], { mode: "stable-hostname" });
                (c["migration:kong"] as { apis: Record<string, Record<string, unknown>> }).apis.api01.weight = 0;
                Object.assign(c["migration:cutover"], { weights: { api01: 100, api02: 0 } });
            });
            const { code, stdout } = await plan(["--stack", "cutover", "--config", file, "--json"]);
            assert.equal(code, 0);
            const doc = JSON.parse(stdout);
            assert.deepEqual(
                doc.traffic
                    .filter((t: { api: string }) => t.api === "api01")
                    .map((t: { layer: string; effective: object }) => [t.layer, t.effective]),
                [
                    ["dns", { direct: 100, viaKong: 100 }],
                    ["kong", { direct: 100, viaKong: 100 }],
                ],
            );
            assert.deepEqual(doc.policy, { violations: [] });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses records that send another share than the ledger publishes", async () => {
        const variant: pulumi.ResourceTransformation = (a) =>
            a.type === NAME_RECORDS_TYPE && a.name === "dns-api01-records"
                ? { props: { ...a.props, records: a.props.records.map((r: { side: string }) => ({ ...r, weight: 50 })) }, opts: a.opts }
                : undefined;
        assert.deepEqual(await ledgerOf({ phase: "shift", weights: { api01: 20 } }, variant), [
            `mandatory ledger-agrees dns-api01-records: ${HOST}: the ledger says 20 % reaches B directly; its DNS records send 50 %`,
        ]);
    });

    it("refuses a legacy host written by two DnsCutover components", async () => {
        // api02's records renamed onto api01's legacy name: two owners of one host.
        const variant: pulumi.ResourceTransformation = (a) =>
            a.type === NAME_RECORDS_TYPE && a.name === "dns-api02-records"
                ? { props: { ...a.props, rr: "api01.source-team1.dev" }, opts: a.opts }
                : undefined;
        const found = await ledgerOf({ phase: "shift", weights: { api01: 20 } }, variant);
        assert.equal(
            found[0],
            `mandatory ledger-agrees dns-api02-records: ${HOST} has 2 DnsCutover owners (dns-api01, dns-api02): each would undo the other's weights`,
        );
    });
});

describe("--policy-config FILE: the pack's configuration, as pulumi preview --policy-pack-config takes it", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("a kept LoadBalancer with no-load-balancer-outside-controller disabled (the reviewed exception): exit 0, no violation", async () => {
        const stack = editedStackFile(
            "workloads",
            dir,
            (c) => ((c["migration:transplant"] as Record<string, unknown>).keepLoadBalancers = ["api01-debug"]),
        );
        const config = write(
            "policy-config.json",
            JSON.stringify({ "no-load-balancer-outside-controller": { enforcementLevel: "disabled" } }),
        );
        const { code, stdout, stderr } = await plan(["--stack", "workloads", "--config", stack, "--policy-config", config, "--json"]);
        assert.deepEqual([code, stderr, JSON.parse(stdout).policy], [0, "", { violations: [] }]);
    });

    it("a configuration the pack would refuse exits 2 before planning, saying what is wrong", async () => {
        const cases: [string, string][] = [
            ["{", "not JSON: "],
            [
                '{"no-such-policy": "advisory"}',
                "no-such-policy: no policy of that name in the pack; its policies: name-records-always-answer, ",
            ],
            ['{"all": "warn"}', 'all: "warn" is not an enforcement level; expected one of advisory, mandatory, disabled'],
            ['{"ttl-lowered-before-shift": {"maxShiftTtlSeconds": 0}}', "ttl-lowered-before-shift: /maxShiftTtlSeconds must be >= 1"],
            [
                '{"ttl-lowered-before-shift": {"maxTtl": 60}}',
                "ttl-lowered-before-shift: (properties) must NOT have additional properties (maxTtl)",
            ],
        ];
        for (const [i, [text, message]] of cases.entries()) {
            const file = write(`bad-${i}.json`, text);
            const { code, stdout, stderr } = await plan(["--stack", "cutover", "--policy-config", file]);
            assert.deepEqual([code, stdout], [2, ""], text);
            assert.ok(stderr.startsWith(`plan: --policy-config ${path.relative(ROOT, file)}: ${message}`), `${text}: ${stderr}`);
        }
    });
});

describe("a config that breaks an invariant: npm run plan prints the violation and exits 1", () => {
    it("a transplanted LoadBalancer Service kept (transplant.keepLoadBalancers) buys a load balancer: no-load-balancer-outside-controller", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-lb-"));
        try {
            const file = editedStackFile("workloads", dir, (c) => {
                (c["migration:transplant"] as Record<string, unknown>).keepLoadBalancers = ["api01-debug"];
            });
            const text = await plan(["--stack", "workloads", "--config", file, "--now", NOW.toISOString()]);
            assert.equal(text.code, 1);
            assert.equal(
                text.stderr,
                `plan: stack workloads (${path.relative(ROOT, file)}): 1 mandatory policy violation (see Policies): pulumi preview --policy-pack policy would fail\n`,
            );
            const section = text.stdout.slice(text.stdout.indexOf("Policies ("));
            assert.deepEqual(section.trimEnd().split("\n"), [
                "Policies (pack migration-invariants, 11 policies, as `pulumi preview --policy-pack policy` runs them): 1 mandatory, 0 advisory",
                "  [mandatory] no-load-balancer-outside-controller  kubernetes:core/v1:Service workloads-service-team1-ns/api01-debug",
                "      Service team1-ns/api01-debug is of type LoadBalancer outside any ingress controller namespace of this stack: it would buy a load balancer of its own; traffic enters B through the isolated ingress",
            ]);
            const json = await plan(["--stack", "workloads", "--config", file, "--json", "--now", NOW.toISOString()]);
            assert.equal(json.code, 1);
            assert.deepEqual(JSON.parse(json.stdout).policy.violations, [
                {
                    policy: "no-load-balancer-outside-controller",
                    level: "mandatory",
                    urn: "urn:pulumi:workloads::migration::migration:index:WorkloadTransplant$kubernetes:core/v1:Service::workloads-service-team1-ns/api01-debug",
                    message:
                        "Service team1-ns/api01-debug is of type LoadBalancer outside any ingress controller namespace of this stack: it would buy a load balancer of its own; traffic enters B through the isolated ingress",
                },
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
