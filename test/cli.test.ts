import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { plan, planProcess } from "./cli-run";
import { deckSchemaErrors } from "./contracts/deck-contract";
import { editedStackFile, ROOT } from "./helpers";

describe("npm run plan", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("--stack dev prints the readable plan and exits 0", async () => {
        const { code, stdout, stderr } = await plan(["--stack", "dev"]);
        assert.equal(stderr, "");
        assert.equal(code, 0);
        const lines = stdout.split("\n");
        assert.deepEqual(lines.slice(0, 4), [
            "Plan for stack dev (project migration, role platform)",
            "Offline: the real program under Pulumi's mocks. Nothing was sent to any cluster or cloud API.",
            "",
            "Summary: 25 resources",
        ]);
        assert.ok(lines.includes("Resources (25):"));
        for (const expected of [
            "  + migration:index:IsolatedIngress  team1  (component)",
            "    + kubernetes:alibabacloud.com/v1:AlbConfig  team1-albconfig",
            "        spec.config.addressType: Intranet",
            "        spec.controller: ingress.k8s.alibabacloud/alb",
            '        metadata.annotations["alb.ingress.kubernetes.io/listen-ports"]: [{"HTTP": 80},{"HTTPS": 443}]',
            "        spec.rules[1].host: api01.source-team1.dev.aliyun.cloud.cn.aibang",
            // api01's Ingress lives beside B's Kong data plane and waits for it; api02's too (the wait covers every Ingress).
            "        options: dependsOn=[team1-albconfig, team1-class, kong-dp, team1-tls-kong-dp-team1]",
            "        options: dependsOn=[team1-albconfig, team1-class, kong-dp, team1-tls-team1-ns]",
            '        stringData["tls.key"]: [secret]',
            "        spec.rules[0].http.paths[0].path: /api02/(.*)",
            "    ingress.loadBalancerAddress: [known after apply]",
        ]) {
            assert.ok(lines.includes(expected), `missing line: ${expected}`);
        }
    });

    it("--json prints the documented structure, secrets hidden and __provider stripped", async () => {
        const { code, stdout } = await plan(["--stack", "dev", "--json"]);
        assert.equal(code, 0);
        const doc = JSON.parse(stdout);
        assert.deepEqual(Object.keys(doc), [
            "project",
            "stack",
            "role",
            "resources",
            "outputs",
            "traffic",
            "convergence",
            "warnings",
            "policy",
        ]);
        assert.deepEqual(doc.traffic, [], "the platform stack moves no traffic");
        assert.deepEqual(doc.policy, { violations: [] }, "the policy pack's verdict: nothing violated");
        assert.deepEqual([doc.project, doc.stack, doc.role], ["migration", "dev", "platform"]);
        // 15 resources and the stack; B's three names and their component; the Kong data plane (component, namespace, Secret, chart) and the TLS Secret beside it.
        assert.equal(doc.resources.length, 26);
        for (const r of doc.resources) {
            assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "inputs", "options"]);
            assert.deepEqual(Object.keys(r.options), [
                "protect",
                "dependsOn",
                "deleteBeforeReplace",
                "ignoreChanges",
                "import",
                "replaceOnChanges",
                "retainOnDelete",
                "deletedWith",
            ]);
        }
        const secret = doc.resources.find((r: { name: string }) => r.name === "team1-tls-team1-ns");
        assert.deepEqual(secret.inputs.stringData, { "tls.crt": "[secret]", "tls.key": "[secret]" });
        assert.equal(stdout.includes("__provider"), false);
        assert.equal(stdout.includes("not decrypted offline"), false);
        assert.equal(doc.outputs.ingress.className, "team1-alb");
    });

    it("--config FILE plans that file over Pulumi.yaml's defaults", async () => {
        const file = editedStackFile("dev", dir, (c) => {
            c["migration:shortDomain"] = { mode: "shared" };
        });
        const { code, stdout } = await plan(["--stack", "dev", "--config", file, "--json"]);
        assert.equal(code, 0);
        const doc = JSON.parse(stdout);
        assert.equal(doc.outputs.shortDomain.mode, "shared");
        assert.equal(doc.outputs.shortDomain.className, "team1-alb");
        assert.deepEqual(Object.keys(doc.outputs.ingress.hosts), ["api01", "api02"], "APIs still come from Pulumi.yaml");
    });

    it("bad config exits 2 with the validation message on stderr and no stack trace", async () => {
        const file = editedStackFile("dev", dir, (c) => {
            (c as Record<string, unknown>)["migration:apis"] = [
                { name: "api01", namespace: "team1-ns", service: "api01-service", port: 70000, healthPath: "/health" },
            ];
            c["migration:ingress"].className = "nginx";
        });
        const { code, stdout, stderr } = planProcess(["--stack", "dev", "--config", file]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
            stderr,
            "plan: stack dev: invalid stack configuration (2 problems):\n" +
                "  migration:apis[0].port: 70000 is not accepted; expected an integer from 1 to 65535\n" +
                '  migration:ingress.className: "nginx" is not accepted; expected a class other than nginx (cluster B\'s existing controller owns it)\n',
        );
    });

    it("usage errors and missing stack files exit 2 with a message", async () => {
        const noStack = await plan(["--json"]);
        assert.equal(noStack.code, 2);
        assert.match(noStack.stderr, /^plan: --stack is required\nusage: npm run -s plan -- --stack <dev\|cutover\|source\|workloads>/);
        const missing = await plan(["--stack", "prod"]);
        assert.equal(missing.code, 2);
        assert.equal(missing.stderr, `plan: ${path.join(ROOT, "Pulumi.prod.yaml")}: cannot be read\n`);
    });

    it("--stack cutover prints the traffic section, B resolved through the dev stack's plan (an ALB: by name)", async () => {
        const text = await plan(["--stack", "cutover"]);
        assert.equal(text.code, 0);
        const lines = text.stdout.split("\n");
        const at = lines.indexOf("Traffic:");
        assert.deepEqual(lines.slice(at, at + 6), [
            "Traffic:",
            "  HOST                                           LAYER  PHASE  TTL  TARGETS (side address weight%)                                                                                       ON B (direct | via Kong)",
            "  api01.source-team1.dev.aliyun.cloud.cn.aibang  dns    shift  60s  A api01-a.source-team1.dev.aliyun.cloud.cn.aibang 80  |  B api01-b.source-team1.dev.aliyun.cloud.cn.aibang 20        20% | 20%",
            "  api01.source-team1.dev.aliyun.cloud.cn.aibang  kong   shift  -    A api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443 80  |  B api01.target-team2.dev.aliyun.cloud.cn.aibang:443 20  20% | 20%",
            "  api02.source-team1.dev.aliyun.cloud.cn.aibang  dns    shift  60s  A api02-a.source-team1.dev.aliyun.cloud.cn.aibang 100                                                                0% | 0%",
            "  api02.source-team1.dev.aliyun.cloud.cn.aibang  kong   shift  -    A api02-a.source-team1.dev.aliyun.cloud.cn.aibang:443 100  |  B api02.target-team2.dev.aliyun.cloud.cn.aibang:443 0  0% | 0%",
        ]);
        const json = JSON.parse((await plan(["--stack", "cutover", "--json"])).stdout);
        assert.deepEqual(json.traffic[0], {
            api: "api01",
            host: "api01.source-team1.dev.aliyun.cloud.cn.aibang",
            layer: "dns",
            phase: "shift",
            ttl: 60,
            // The committed platform is an ALB (a DNS name): on PrivateZone the legacy name holds weighted CNAMEs.
            targets: [
                { side: "A", address: "api01-a.source-team1.dev.aliyun.cloud.cn.aibang", weight: 80 },
                { side: "B", address: "api01-b.source-team1.dev.aliyun.cloud.cn.aibang", weight: 20 },
            ],
            effective: { direct: 20, viaKong: 20 },
        });
    });

    it("--ref plans the referenced stack with another file, and its bad config stops the plan with its message", async () => {
        const file = editedStackFile("dev", dir, (c) => {
            c["migration:ingress"].replicas = 0;
        });
        const { code, stdout, stderr } = await plan(["--stack", "cutover", "--ref", `dev=${file}`]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.equal(
            stderr,
            `plan: stack cutover: StackReference organization/migration/dev: planning stack dev with ${file} failed:\n` +
                "stack dev: invalid stack configuration (1 problem):\n" +
                "  migration:ingress.replicas: 0 is not accepted; expected no replicas with implementation alb: an ALB is a load balancer Alibaba runs, with no controller pods of this stack to count (replicas sizes ingress-nginx's controller)\n",
        );
    });

    it("--kong-deck prints the managed Kong entities as a decK file: valid for decK's schema, scoped by select_tags, every entity tagged", async () => {
        const { code, stdout } = await plan(["--stack", "cutover", "--kong-deck"]);
        assert.equal(code, 0);
        const lines = stdout.split("\n");
        assert.deepEqual(lines.slice(0, 5), [
            "# Kong entities managed by stack cutover (offline plan). decK touches only entities tagged migration-team1:",
            "# review with deck gateway diff; services are patched by the stack, not listed here.",
            "# Services are patched, not replaced:",
            "#  service api01: host=team1-api01, connect_timeout=10000, read_timeout=120000, retries=10",
            "#  service api02: host=team1-api02, connect_timeout=10000, read_timeout=120000, retries=10",
        ]);
        const deck = parseYaml(stdout) as {
            _format_version: string;
            _info: { select_tags: string[] };
            upstreams: { name: string; tags: string[]; targets: { target: string; weight: number; tags: string[] }[] }[];
        };
        assert.deepEqual(deckSchemaErrors(deck), []);
        assert.deepEqual([deck._format_version, deck._info], ["3.0", { select_tags: ["migration-team1"] }]);
        assert.deepEqual(
            deck.upstreams.map((u) => [u.name, u.tags, u.targets]),
            [
                [
                    "team1-api01",
                    ["migration-team1", "api:api01"],
                    [
                        {
                            target: "api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443",
                            weight: 80,
                            tags: ["migration-team1", "api:api01"],
                        },
                        { target: "api01.target-team2.dev.aliyun.cloud.cn.aibang:443", weight: 20, tags: ["migration-team1", "api:api01"] },
                    ],
                ],
                [
                    "team1-api02",
                    ["migration-team1", "api:api02"],
                    [
                        {
                            target: "api02-a.source-team1.dev.aliyun.cloud.cn.aibang:443",
                            weight: 100,
                            tags: ["migration-team1", "api:api02"],
                        },
                        { target: "api02.target-team2.dev.aliyun.cloud.cn.aibang:443", weight: 0, tags: ["migration-team1", "api:api02"] },
                    ],
                ],
            ],
        );
        // Every entity carries every select tag (decK would otherwise neither read nor manage it).
        const entities = deck.upstreams.flatMap((u) => [u, ...u.targets]);
        assert.ok(entities.every((e) => deck._info.select_tags.every((t) => e.tags.includes(t))));
        // And the check has teeth: an entity without the tag, or a field decK does not know, fails.
        assert.match(deckSchemaErrors({ ...deck, upstreams: [{ ...deck.upstreams[0], weight: 5 }] }).join(), /additional/);
    });

    it("--stack source prints each adopted piece with its import id and the decommission verdict; --ref asks what-if", async () => {
        const { code, stdout } = await plan(["--stack", "source"]);
        assert.equal(code, 0);
        const lines = stdout.split("\n");
        assert.ok(lines.includes("        options: protect import=team1-ns ignoreChanges=[*]"));
        assert.ok(lines.includes("        options: protect import=lb-2ze0example0a0slb ignoreChanges=[*]"));
        const verdict = lines.find((l) => l.startsWith("decommission: "));
        assert.equal(
            verdict,
            'decommission: blocked (cutover phase is "shift"; decommissioning needs "complete"; ' +
                "api01: DNS answer api01-a.source-team1.dev.aliyun.cloud.cn.aibang (side A) for api01.source-team1.dev.aliyun.cloud.cn.aibang still has weight 80; " +
                "api01: Kong target api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443 of upstream team1-api01 still has weight 80; " +
                // The ledger: Kong's targets are names only A or B answer, so via Kong exactly its 80 % still reach A.
                "api01: 80% of its requests still reach A resolving the legacy name, 80% through Kong; " +
                "api02: DNS answer api02-a.source-team1.dev.aliyun.cloud.cn.aibang (side A) for api02.source-team1.dev.aliyun.cloud.cn.aibang still has weight 100; " +
                "api02: Kong target api02-a.source-team1.dev.aliyun.cloud.cn.aibang:443 of upstream team1-api02 still has weight 100; " +
                "api02: 100% of its requests still reach A resolving the legacy name, 100% through Kong; " +
                "decommission.confirm is []; it must list exactly the APIs being retired: [api01, api02])",
        );

        const completeFile = editedStackFile(
            "cutover",
            dir,
            (c) => (c["migration:cutover"] = { ...c["migration:cutover"], phase: "complete", weights: { api01: 100, api02: 100 } }),
            "cutover-complete.yaml",
        );
        const whatIf = await plan(["--stack", "source", "--ref", `cutover=${completeFile}`]);
        assert.equal(whatIf.code, 0);
        assert.equal(
            whatIf.stdout.split("\n").find((l) => l.startsWith("decommission: ")),
            "decommission: blocked (the time complete was applied is unknown (taken as now); the observation window is 24 h; decommission.confirm is []; it must list exactly the APIs being retired: [api01, api02])",
        );
    });

    it("--against FILE prints what the edit would do, as text and as JSON", async () => {
        const file = editedStackFile(
            "cutover",
            dir,
            (c) => (c["migration:cutover"] = { ...c["migration:cutover"], weights: { api01: 50, api02: 0 } }),
            "cutover-50.yaml",
        );
        const text = await plan(["--stack", "cutover", "--against", file]);
        assert.equal(text.code, 0);
        assert.deepEqual(text.stdout.split("\n").slice(2), [
            "created (0):",
            "deleted (0):",
            "replaced (0):",
            "updated (3):",
            "  ~ pulumi-nodejs:dynamic/migration:NameRecords  dns-api01-records",
            "      records[side=A].weight: 80 → 50",
            "      records[side=B].weight: 20 → 50",
            "  ~ pulumi-nodejs:dynamic/migration:KongUpstreamEntity  kong-api01-upstream",
            "      targets[side=A].weight: 80 → 50",
            "      targets[side=B].weight: 20 → 50",
            "  ~ pulumi-nodejs:dynamic/migration:HealthGate  gate-api01",
            "      shares.dns: 20 → 50",
            "      shares.kong: 20 → 50",
            "unchanged: 16",
            "",
            "Wait after this edit (counted from the config before it; unchanged legacy hosts, which wait for nothing: 1):",
            "  - api01.source-team1.dev.aliyun.cloud.cn.aibang: wait 61 s, then observe at least 60 s (clients may hold the previous answer for 60 s; Kong re-resolves 0.5 s after that)",
            "      DNS A 80 · B 20 (TTL 60 s) | Kong A 80 · B 20",
            "    → DNS A 50 · B 50 (TTL 60 s) | Kong A 50 · B 50",
            "",
            // The policy pack's verdict on the stack the edit leads to.
            "Policies (pack migration-invariants, 11 policies, as `pulumi preview --policy-pack policy` runs them): no violation",
            "",
        ]);
        const json = JSON.parse((await plan(["--stack", "cutover", "--against", file, "--json"])).stdout);
        assert.deepEqual(Object.keys(json), ["diff", "policy"]);
        assert.deepEqual(json.policy, { violations: [] });
        assert.deepEqual(Object.keys(json.diff), [
            "created",
            "deleted",
            "replaced",
            "updated",
            "unchanged",
            "protection",
            "refused",
            "convergence",
        ]);
        assert.deepEqual(json.diff.convergence.unchanged, 1);
        assert.deepEqual(json.diff.refused, []);
        assert.deepEqual(json.diff.protection, { lifted: [], added: [] });
        assert.deepEqual(json.diff.updated[0].changes, [
            { path: "records[side=A].weight", old: 80, new: 50 },
            { path: "records[side=B].weight", old: 20, new: 50 },
        ]);
        assert.equal(json.diff.unchanged, 16);
    });
});
