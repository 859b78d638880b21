/**
 * The holes an operator falls into (issue: "The plan never lies, leaks or fails open"):
 * each case is a realistic mistake in a stack file or on the command line, asserted as the
 * operator receives it — exit code, the exact message, and that no plan was printed.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { ProgramError } from "../offline/harness";
import { plan, planProcess } from "./cli-run";
import { verifyMain } from "../offline/verify";
import { editedStackFile, planStack, ROOT } from "./helpers";

const NOW = new Date("2026-11-21T12:00:00Z");
const HOURS_AGO = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const HOST = (api: string) => `${api}.source-team1.dev.aliyun.cloud.cn.aibang`;
const CUTOVER = "organization/migration/cutover";

/** Cutover outputs with the given rows: per API, A's DNS weight and (optionally) A's Kong weight. */
function cutoverOutputs(rows: Record<string, { dnsA: number; kongA?: number }>, extra: Record<string, unknown> = {}) {
    const traffic = Object.entries(rows).flatMap(([api, { dnsA, kongA }]) => [
        {
            api,
            host: HOST(api),
            layer: "dns",
            phase: "complete",
            ttl: 600,
            targets:
                dnsA === 0
                    ? [{ side: "B", address: "10.72.11.99", weight: 100 }]
                    : [
                          { side: "A", address: "10.72.10.88", weight: dnsA },
                          { side: "B", address: "10.72.11.99", weight: 100 - dnsA },
                      ],
        },
        ...(kongA === undefined
            ? []
            : [
                  {
                      api,
                      host: HOST(api),
                      layer: "kong",
                      phase: "complete",
                      ttl: 0,
                      upstream: `team1-${api}`,
                      targets: [
                          { side: "A", address: `${HOST(api)}:443`, weight: kongA },
                          { side: "B", address: `${api}.target-team2.dev.aliyun.cloud.cn.aibang:443`, weight: 100 - kongA },
                      ],
                  },
              ]),
    ]);
    return { role: "cutover", phase: "complete", phaseAppliedAt: HOURS_AGO(30), dnsService: "privatezone", traffic, ...extra };
}

/** Runs `npm run verify -- ARGS` in this process, its output captured. */
async function verify(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await verifyMain(argv, ROOT, ROOT, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
}

function configError(err: unknown): string {
    assert.ok(err instanceof ProgramError && ConfigError.isConfigError(err.cause), `expected a config error, got ${String(err)}`);
    return err.cause.message;
}

describe("operator mistakes", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "mistakes-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The committed cutover stack edited to complete, and the committed source stack confirming both APIs. */
    function completeAndConfirmed(suffix: string) {
        const complete = editedStackFile(
            "cutover",
            dir,
            (c) => (c["migration:cutover"] = { ...c["migration:cutover"], phase: "complete", weights: { api01: 100, api02: 100 } }),
            `complete-${suffix}.yaml`,
        );
        const confirmed = editedStackFile(
            "source",
            dir,
            (c) => (c["migration:decommission"].confirm = ["api01", "api02"]),
            `confirmed-${suffix}.yaml`,
        );
        return { complete, confirmed };
    }

    /** The committed source stack, confirming both APIs with no observation window (explicitly accepted). */
    function eagerSource(name = "eager.yaml") {
        return editedStackFile(
            "source",
            dir,
            (c) => (c["migration:decommission"] = { observationHours: 0, acceptNoObservationWindow: true, confirm: ["api01", "api02"] }),
            name,
        );
    }

    describe("the decommission guard fails closed (the real Pulumi.source.yaml)", () => {
        async function guard(outputs: Record<string, unknown>) {
            const run = await planStack("source", { configFile: eagerSource(), refs: { [CUTOVER]: outputs }, now: NOW });
            const adopted = run.resources.filter((r) => r.options.import !== null);
            return {
                decommission: run.outputs.decommission as { allowed: boolean; reasons: string[] },
                protect: [...new Set(adopted.map((r) => r.options.protect))],
                warnings: run.warnings,
            };
        }

        it("a cutover stack that does not route api02 keeps everything protected, naming api02", async () => {
            const { decommission, protect } = await guard(cutoverOutputs({ api01: { dnsA: 0, kongA: 0 } }));
            assert.deepEqual(decommission.reasons, [
                "api02: the cutover stack does not route it (no DNS or Kong row): it may still run on A",
            ]);
            assert.equal(decommission.allowed, false);
            assert.deepEqual(protect, [true]);
        });

        it("an API at B 99 / A 1 blocks", async () => {
            const { decommission, protect } = await guard(cutoverOutputs({ api01: { dnsA: 0, kongA: 0 }, api02: { dnsA: 1, kongA: 0 } }));
            assert.deepEqual(decommission.reasons, [`api02: DNS answer 10.72.10.88 (side A) for ${HOST("api02")} still has weight 1`]);
            assert.deepEqual(protect, [true]);
        });

        it("a Kong layer still at A 5 blocks", async () => {
            const { decommission, protect } = await guard(cutoverOutputs({ api01: { dnsA: 0, kongA: 0 }, api02: { dnsA: 0, kongA: 5 } }));
            assert.deepEqual(decommission.reasons, [`api02: Kong target ${HOST("api02")}:443 of upstream team1-api02 still has weight 5`]);
            assert.deepEqual(protect, [true]);
        });

        it("a Kong row without a DNS row is not evidence for the legacy name", async () => {
            const outputs = cutoverOutputs({ api01: { dnsA: 0, kongA: 0 }, api02: { dnsA: 0, kongA: 0 } });
            outputs.traffic = outputs.traffic.filter((r) => !(r.api === "api02" && r.layer === "dns"));
            const { decommission } = await guard(outputs);
            assert.deepEqual(decommission.reasons, [
                "api02: the cutover stack has no DNS row for it: where its legacy name answers is not shown",
            ]);
        });

        it("B short of 100 with no A answer at all (an unweighted remainder) blocks", async () => {
            const outputs = cutoverOutputs({ api01: { dnsA: 0 }, api02: { dnsA: 0 } });
            outputs.traffic[1].targets = [{ side: "B", address: "10.72.11.99", weight: 60 }];
            const { decommission } = await guard(outputs);
            assert.deepEqual(decommission.reasons, [`api02: DNS answers for ${HOST("api02")} give B weight 60, not 100`]);
        });

        it("an adopted namespace no listed API lives in blocks", async () => {
            const file = editedStackFile(
                "source",
                dir,
                (c) => {
                    c["migration:source"].namespaces = ["team1-ns", "team9-ns"];
                    c["migration:decommission"] = { observationHours: 0, acceptNoObservationWindow: true, confirm: ["api01", "api02"] };
                },
                "extra-ns.yaml",
            );
            const run = await planStack("source", {
                configFile: file,
                refs: { [CUTOVER]: cutoverOutputs({ api01: { dnsA: 0 }, api02: { dnsA: 0 } }) },
                now: NOW,
            });
            assert.deepEqual((run.outputs.decommission as { reasons: string[] }).reasons, [
                "namespace team9-ns: adopted for deletion, but no API in migration:apis lives in it: nothing shows that what runs there has moved",
            ]);
        });

        it("with every API shown on B (and the window explicitly waived) it allows, and lifts protect", async () => {
            const { decommission, protect, warnings } = await guard(cutoverOutputs({ api01: { dnsA: 0, kongA: 0 }, api02: { dnsA: 0 } }));
            assert.deepEqual([decommission.allowed, decommission.reasons, protect, warnings], [true, [], [false], []]);
        });

        it("A's wildcard adopted on another DNS service than the cutover stack's blocks, naming both; a cutover stack that does not say its service blocks too", async () => {
            const onB = { api01: { dnsA: 0, kongA: 0 }, api02: { dnsA: 0 } };
            const other = await guard(cutoverOutputs(onB, { dnsService: "alidns" }));
            assert.deepEqual(
                [other.decommission.reasons, other.protect],
                [
                    [
                        "wildcard record: source.wildcardRecord is a PrivateZone record, but the cutover stack moves the legacy names in public Alidns (dns.service alidns): adopt A's wildcard on the service the names live on",
                    ],
                    [true],
                ],
            );
            const unsaid = await guard(cutoverOutputs(onB, { dnsService: undefined }));
            assert.deepEqual(
                [unsaid.decommission.reasons, unsaid.protect],
                [
                    [
                        "wildcard record: the cutover stack does not publish its DNS service (output dnsService; pulumi up -s cutover publishes it), so whether A's PrivateZone wildcard is the one the legacy names fall back to is not shown",
                    ],
                    [true],
                ],
            );
        });

        it("the source stack adopts A's PrivateZone wildcard by <record id>:<zone id>, the committed cutover stack's zone; an Alidns one by its record id", async () => {
            const onB = { api01: { dnsA: 0 }, api02: { dnsA: 0 } };
            const wildcard = (run: Awaited<ReturnType<typeof planStack>>) => {
                const r = run.resources.find((x) => x.name === "source-a-wildcard-record")!;
                return [r.type, r.inputs, r.options.import, r.options.ignoreChanges];
            };
            const pvtz = await planStack("source", { configFile: eagerSource(), refs: { [CUTOVER]: cutoverOutputs(onB) }, now: NOW });
            assert.deepEqual(wildcard(pvtz), [
                "alicloud:pvtz/zoneRecord:ZoneRecord",
                { zoneId: "2c5f0e1d9a7b4f6e", rr: "*.source-team1.dev", type: "A", value: "10.72.10.88" },
                "870000000000001:2c5f0e1d9a7b4f6e",
                ["*"],
            ]);
            assert.equal((pvtz.outputs.decommission as { allowed: boolean }).allowed, true);
            // The committed cutover stack says where the names live, and it is where the committed source stack adopts the wildcard.
            const cutover = await planStack("cutover");
            assert.equal(cutover.outputs.dnsService, "privatezone");

            const alidnsFile = editedStackFile(
                "source",
                dir,
                (c) => {
                    c["migration:source"].wildcardRecord = { id: "870000000000001", zone: "aliyun.cloud.cn.aibang" };
                    c["migration:decommission"] = { observationHours: 0, acceptNoObservationWindow: true, confirm: ["api01", "api02"] };
                },
                "alidns-wildcard.yaml",
            );
            const alidns = await planStack("source", {
                configFile: alidnsFile,
                refs: { [CUTOVER]: cutoverOutputs(onB, { dnsService: "alidns" }) },
                now: NOW,
            });
            assert.deepEqual(wildcard(alidns), [
                "alicloud:dns/alidnsRecord:AlidnsRecord",
                { domainName: "aliyun.cloud.cn.aibang", rr: "*.source-team1.dev", type: "A", value: "10.72.10.88" },
                "870000000000001",
                ["*"],
            ]);
            assert.equal((alidns.outputs.decommission as { allowed: boolean }).allowed, true);
        });

        it("a referenced stack that is not a cutover stack is an error, not a verdict", async () => {
            await assert.rejects(planStack("source", { refs: { [CUTOVER]: { role: "platform", ingress: {} } }, now: NOW }), (err) => {
                assert.equal(
                    configError(err),
                    "invalid stack configuration (1 problem):\n" +
                        '  migration:source.cutoverStack: "organization/migration/cutover" is not accepted; expected a stack of role cutover (its outputs say role "platform")',
                );
                assert.deepEqual(
                    (err as ProgramError).run.resources.filter((r) => !r.read && r.type !== "pulumi:pulumi:Stack"),
                    [],
                    "nothing registered",
                );
                return true;
            });
        });

        it("a cutover reference to itself is refused", async () => {
            const file = editedStackFile(
                "source",
                dir,
                (c) => (c["migration:source"].cutoverStack = "organization/migration/source"),
                "self.yaml",
            );
            await assert.rejects(planStack("source", { configFile: file, refs: {}, now: NOW }), (err) => {
                assert.equal(
                    configError(err),
                    "invalid stack configuration (1 problem):\n" +
                        '  migration:source.cutoverStack: "organization/migration/source" is not accepted; expected the cutover stack (role cutover) whose outputs show where traffic goes, not this stack itself (a stack referencing itself is a reference cycle)',
                );
                return true;
            });
        });
    });

    describe("config the program would never read is refused (through npm run plan)", () => {
        const cases: [string, string, (c: Record<string, Record<string, unknown>>) => void, string][] = [
            [
                "a misspelt top-level key on the platform stack",
                "dev",
                (c) => {
                    c["migration:shortDomian"] = c["migration:shortDomain"];
                    delete c["migration:shortDomain"];
                },
                "  migration:shortDomian: not a key this program reads (its value is not shown); did you mean migration:shortDomain?; keys of a platform stack: role, domains, apis, ingress, shortDomain, tls, dns, kongDataPlane, tlsKey, kongClusterKey",
            ],
            [
                "a misspelt kong on the cutover stack",
                "cutover",
                (c) => {
                    c["migration:knog"] = c["migration:kong"];
                    delete c["migration:kong"];
                },
                "  migration:knog: not a key this program reads (its value is not shown); did you mean migration:kong?; keys of a cutover stack: role, domains, apis, cutover, dns, kong, kongAdminToken",
            ],
            [
                "a misspelt decommission on the source stack",
                "source",
                (c) => {
                    c["migration:decomission"] = c["migration:decommission"];
                    delete c["migration:decommission"];
                },
                "  migration:decomission: not a key this program reads (its value is not shown); did you mean migration:decommission?; keys of a source stack: role, domains, apis, source, decommission",
            ],
            [
                "a key of another role",
                "dev",
                (c) => (c["migration:kong"] = { adminUrl: "https://kong:8444" }),
                "  migration:kong: a cutover key; this stack's role is platform: remove it (pulumi config rm migration:kong) or set it on the cutover stack",
            ],
            [
                "a flat dotted key (config set without --path)",
                "cutover",
                (c) => ((c as Record<string, unknown>)["migration:cutover.weights.api01"] = 50),
                "  migration:cutover.weights.api01: a flat key with dots in its name, which the program never reads (pulumi config set without --path writes it); use: pulumi config rm 'migration:cutover.weights.api01' && pulumi config set --path 'migration:cutover.weights.api01' 50",
            ],
            [
                "a duplicate API in decommission.confirm",
                "source",
                (c) => (c["migration:decommission"].confirm = ["api01", "api02", "api01"]),
                '  migration:decommission.confirm: "api01" is not accepted; expected each API listed once',
            ],
            [
                "no observation window without the explicit override",
                "source",
                (c) => (c["migration:decommission"].observationHours = 0),
                "  migration:decommission.observationHours: 0 is not accepted; expected at least 1 hour of observation after complete, or 0 together with decommission.acceptNoObservationWindow: true (A may then go as soon as complete is applied)",
            ],
            [
                "the cutover stack naming itself as the platform stack",
                "cutover",
                (c) => (c["migration:cutover"].platformStack = "organization/migration/cutover"),
                '  migration:cutover.platformStack: "organization/migration/cutover" is not accepted; expected the platform stack (role platform) that publishes B\'s address, not this stack itself (a stack referencing itself is a reference cycle)',
            ],
            [
                "credentials in the Kong Admin URL",
                "cutover",
                (c) => (c["migration:kong"].adminUrl = "https://admin:s3cr3t-pw@kong-admin.team1.internal:8444"),
                '  migration:kong.adminUrl: "https://admin:[redacted]@kong-admin.team1.internal:8444" is not accepted; expected a URL without user:password@ (credentials in a plain config value are stored unencrypted); put the token in the secret migration:kongAdminToken',
            ],
            [
                "a Kong Admin token over plain http",
                "cutover",
                (c) => (c["migration:kong"].adminUrl = "http://kong-admin.team1.internal:8001"),
                '  migration:kong.adminUrl: "http://kong-admin.team1.internal:8001" is not accepted; expected an https:// Admin API URL while migration:kongAdminToken is set (over http:// the token travels in clear text); http:// only on a loopback address, or with kong.allowPlainHttpWithToken: true',
            ],
        ];
        for (const [title, stack, edit, problem] of cases) {
            it(`${title}: exit 2, the message, no plan`, async () => {
                const file = editedStackFile(stack, dir, edit, `${title.replace(/\W+/g, "-")}.yaml`);
                const { code, stdout, stderr } = await plan(["--stack", stack, "--config", file]);
                assert.deepEqual(
                    { code, stdout, stderr },
                    { code: 2, stdout: "", stderr: `plan: stack ${stack}: invalid stack configuration (1 problem):\n${problem}\n` },
                );
            });
        }

        it("a cutover stack whose platformStack is a source stack: an error naming the role, nothing registered", async () => {
            await assert.rejects(
                planStack("cutover", { refs: { "organization/migration/dev": { role: "source", decommission: {} } } }),
                (err) => {
                    assert.equal(
                        configError(err),
                        "invalid stack configuration (1 problem):\n" +
                            '  migration:cutover.platformStack: "organization/migration/dev" is not accepted; expected a stack of role platform (its outputs say role "source")',
                    );
                    assert.deepEqual(
                        (err as ProgramError).run.resources.filter((r) => !r.read && r.type !== "pulumi:pulumi:Stack"),
                        [],
                    );
                    return true;
                },
            );
            // Planned for real, a source stack there would read the cutover stack back (a cycle): its
            // role, known from its file, is refused first, with the program's own message.
            const file = editedStackFile(
                "cutover",
                dir,
                (c) => (c["migration:cutover"].platformStack = "organization/migration/source"),
                "platform-is-source.yaml",
            );
            const { code, stdout, stderr } = await plan(["--stack", "cutover", "--config", file]);
            assert.deepEqual(
                { code, stdout, stderr },
                {
                    code: 2,
                    stdout: "",
                    stderr:
                        "plan: stack cutover: invalid stack configuration (1 problem):\n" +
                        '  migration:cutover.platformStack: "organization/migration/source" is not accepted; expected a stack of role platform (its outputs say role "source")\n',
                },
            );
        });

        it("http:// is accepted for a loopback Admin API or with the explicit opt-in; a Kong layer without a token says so", async () => {
            for (const [url, optIn] of [
                ["http://127.0.0.1:8001", false],
                ["http://kong-admin.team1.internal:8001", true],
            ] as const) {
                const file = editedStackFile(
                    "cutover",
                    dir,
                    (c) =>
                        (c["migration:kong"] = {
                            ...c["migration:kong"],
                            adminUrl: url,
                            ...(optIn ? { allowPlainHttpWithToken: true } : {}),
                        }),
                    `kong-http-${optIn}.yaml`,
                );
                const run = await planStack("cutover", { configFile: file });
                assert.equal(run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/migration:KongUpstreamEntity").length, 2);
            }
            const noToken = editedStackFile("cutover", dir, (c) => delete c["migration:kongAdminToken"], "kong-no-token.yaml");
            const run = await planStack("cutover", { configFile: noToken });
            assert.deepEqual(
                run.warnings.filter((w) => w.startsWith("Kong")),
                [
                    "Kong layer without migration:kongAdminToken: the Admin API at https://kong-admin.team1.internal:8444 must accept unauthenticated requests (Kong OSS without RBAC); set the token if it has RBAC",
                ],
            );
        });

        it("a private key pasted into tls.certificate is refused without showing it", async () => {
            const keyPem =
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPcE7aQ0example0not0a0real0key0but0shaped0like0oneAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";
            const file = editedStackFile(
                "dev",
                dir,
                (c) => (c["migration:tls"].certificate = `${c["migration:tls"].certificate as string}${keyPem}`),
                "key-in-cert.yaml",
            );
            const { code, stdout, stderr } = await plan(["--stack", "dev", "--config", file]);
            assert.deepEqual(
                { code, stdout, stderr },
                {
                    code: 2,
                    stdout: "",
                    stderr:
                        "plan: stack dev: invalid stack configuration (1 problem):\n" +
                        '  migration:tls.certificate: [redacted] is not accepted: it holds a PEM private key, which belongs only in the secret migration:tlsKey (pulumi config set --secret migration:tlsKey -- "$(cat key.pem)"); remove it from here\n',
                },
            );
        });
    });

    describe("config that would plan something wrong, or print a secret, is refused (through npm run plan)", () => {
        const TOKEN = "kong-tok-SUPERSECRET-123";
        const RANDOM = "Zx8Q2mP4kL9vB7nR3tY6wE1u";
        const CREDENTIAL =
            "[redacted] is not accepted: it looks like a credential (a token or key), which a plain config value stores unencrypted and the plan prints; the Kong Admin token belongs only in the secret migration:kongAdminToken, a private key only in the secret migration:tlsKey (pulumi config set --secret …)";
        const NO_ALB_REPLICAS =
            "is not accepted; expected no replicas with implementation alb: an ALB is a load balancer Alibaba runs, with no controller pods of this stack to count (replicas sizes ingress-nginx's controller)";
        const CNAME =
            'expected "address" while B is a DNS name: complete then leaves each legacy name a CNAME to <api>-b, which points at B\'s load balancer (completeWith: cname replaces an A record, which B by name never has)';
        /** The committed cutover stack with B pinned as a DNS name instead of read from the platform stack. */
        const byName =
            (host: string, more: Record<string, unknown> = {}) =>
            (c: Record<string, Record<string, unknown>>) => {
                const { platformStack: _, ...rest } = c["migration:cutover"];
                c["migration:cutover"] = { ...rest, targetHost: host, ...more };
            };
        const cases: [string, string, (c: Record<string, Record<string, unknown>>) => void, string][] = [
            [
                "a Kong token pasted into dns.zoneId (it passed the old letters-and-digits pattern)",
                "cutover",
                (c) => (c["migration:dns"].zoneId = TOKEN),
                "  migration:dns.zoneId: [redacted] is not accepted; expected the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e",
            ],
            [
                "a random token in dns.zoneId",
                "cutover",
                (c) => (c["migration:dns"].zoneId = RANDOM),
                "  migration:dns.zoneId: [redacted] is not accepted; expected the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e",
            ],
            [
                "a token in a setting its own pattern lets through (a Kong service name)",
                "cutover",
                (c) => ((c["migration:kong"].apis as Record<string, Record<string, unknown>>).api01.service = TOKEN),
                `  migration:kong.apis.api01.service: ${CREDENTIAL}`,
            ],
            [
                "a token as the platform stack's name",
                "cutover",
                (c) => (c["migration:cutover"].platformStack = RANDOM),
                `  migration:cutover.platformStack: ${CREDENTIAL}`,
            ],
            [
                "a token as the kubeconfig context of cluster A",
                "source",
                (c) => (c["migration:source"].kubeContext = RANDOM),
                `  migration:source.kubeContext: ${CREDENTIAL}`,
            ],
            [
                "ingress.replicas with ALB Ingress",
                "dev",
                (c) => (c["migration:ingress"].replicas = 3),
                `  migration:ingress.replicas: 3 ${NO_ALB_REPLICAS}`,
            ],
            [
                "the short-domain controller's replicas with ALB Ingress",
                "dev",
                (c) => ((c["migration:shortDomain"].controller as Record<string, unknown>).replicas = 2),
                `  migration:shortDomain.controller.replicas: 2 ${NO_ALB_REPLICAS}`,
            ],
            [
                "ALB zone mappings in two regions",
                "dev",
                (c) =>
                    ((c["migration:ingress"].loadBalancer as Record<string, unknown>).zoneMappings = [
                        { vSwitchId: "vsw-b1zonek", zoneId: "cn-hangzhou-k" },
                        { vSwitchId: "vsw-s1zonea", zoneId: "cn-shanghai-a" },
                    ]),
                '  migration:ingress.loadBalancer.zoneMappings: [{"vSwitchId":"vsw-b1zonek","zoneId":"cn-hangzhou-k"},{"vSwitchId":"vsw-s1zon... is not accepted; expected zones of one region (an ALB lives in one region; these are in cn-hangzhou and cn-shanghai), e.g. cn-hangzhou-k and cn-hangzhou-j',
            ],
            [
                "a gate request timeout longer than the gate's deadline",
                "cutover",
                (c) => (c["migration:cutover"].gate = { timeoutMs: 30000, deadlineMs: 20000 }),
                "  migration:cutover.gate.timeoutMs: 30000 is not accepted; expected at most cutover.gate.deadlineMs (20000 ms): a single request cannot be allowed longer than the whole gate",
            ],
            [
                "cutover.targetHost an IPv4 address (a CNAME to an address)",
                "cutover",
                byName("10.72.11.99"),
                '  migration:cutover.targetHost: "10.72.11.99" is not accepted; expected B\'s load balancer as a DNS name, not an IP address: the legacy names become CNAMEs to it, and a CNAME points at a name; B by IPv4 goes in cutover.targetAddress',
            ],
            [
                "cutover.targetHost an IPv6 address",
                "cutover",
                byName("fd00:72:11::99"),
                '  migration:cutover.targetHost: "fd00:72:11::99" is not accepted; expected B\'s load balancer as a DNS name, not an IP address: the legacy names become CNAMEs to it, and a CNAME points at a name; B by IPv4 goes in cutover.targetAddress',
            ],
            [
                "cutover.targetHost one of the legacy names (a CNAME loop)",
                "cutover",
                byName(HOST("api02")),
                `  migration:cutover.targetHost: "${HOST("api02")}" is not accepted; expected B's own load balancer name, not a name this stack writes: ${HOST("api02")} would become a CNAME chain back to itself (a loop that answers nothing)`,
            ],
            [
                "completeWith: cname in shift with B pinned as a DNS name",
                "cutover",
                byName("alb-b1.cn-hangzhou.alb.aliyuncs.com", { completeWith: "cname" }),
                `  migration:cutover.completeWith: "cname" is not accepted; ${CNAME}`,
            ],
            [
                "completeWith: cname in shift with the platform stack publishing B as a DNS name (the program's check)",
                "cutover",
                (c) => (c["migration:cutover"].completeWith = "cname"),
                `  migration:cutover.completeWith: "cname" is not accepted here; ${CNAME}`,
            ],
            [
                "PrivateZone's zoneId and vpcIds without dns.service",
                "cutover",
                (c) => delete c["migration:dns"].service,
                "  migration:dns.service: (missing) is not accepted; expected privatezone, since dns.zoneId and dns.vpcIds are set (PrivateZone settings; without dns.service the names are taken to be public Alidns records), or no dns.zoneId and dns.vpcIds for Alidns",
            ],
            [
                "dns.service misspelt as a key",
                "cutover",
                (c) => {
                    c["migration:dns"].servcie = c["migration:dns"].service;
                    delete c["migration:dns"].service;
                },
                "  migration:dns.servcie: not a key this program reads (its value is not shown); did you mean service? (without dns.service the names are taken to be public Alidns records)",
            ],
            [
                "dns.service misspelt as a value",
                "cutover",
                (c) => (c["migration:dns"].service = "private-zone"),
                '  migration:dns.service: "private-zone" is not accepted; expected one of alidns | privatezone',
            ],
            [
                "a resolution line that is not a line identifier",
                "cutover",
                (c) => (c["migration:dns"].line = "China Telecom"),
                '  migration:dns.line: "China Telecom" is not accepted; expected the resolution line of the records: "default", or a line identifier of a-z, 0-9 and _, at most 32 characters (e.g. telecom)',
            ],
        ];
        for (const [title, stack, edit, problem] of cases) {
            it(`${title}: exit 2, the message, no plan`, async () => {
                const file = editedStackFile(stack, dir, edit, `hole-${title.replace(/\W+/g, "-")}.yaml`);
                const { code, stdout, stderr } = await plan(["--stack", stack, "--config", file]);
                assert.deepEqual(
                    { code, stdout, stderr },
                    { code: 2, stdout: "", stderr: `plan: stack ${stack}: invalid stack configuration (1 problem):\n${problem}\n` },
                );
                assert.ok(!/SUPERSECRET|Zx8Q2mP4/.test(stderr), "no token in the message");
            });
        }

        it("a real zone id of 32 lower-case characters is accepted (the committed one has 16)", async () => {
            const file = editedStackFile(
                "cutover",
                dir,
                (c) => (c["migration:dns"].zoneId = "df5f1d3b6c1d4a2e9c8e7b1a0f3d2c4b"),
                "zone-32.yaml",
            );
            const { code, stderr } = await plan(["--stack", "cutover", "--config", file]);
            assert.deepEqual([code, stderr], [0, ""]);
        });

        it("kong.tlsVerify: false is said on every run, like the other switched-off safeguards", async () => {
            const file = editedStackFile("cutover", dir, (c) => (c["migration:kong"].tlsVerify = false), "tls-verify-off.yaml");
            const run = await planStack("cutover", { configFile: file });
            assert.deepEqual(
                run.warnings.filter((w) => w.startsWith("Kong")),
                [
                    "Kong Admin API certificate not verified (migration:kong.tlsVerify: false): the stack talks to whoever answers at https://kong-admin.team1.internal:8444 and sends it the Admin token; set tlsVerify: true (the default) once the machine running pulumi up trusts the Admin API's certificate",
                ],
            );
        });

        it("weights and Kong weight overrides in prepare (they move nothing yet) are warned, not refused: a rollback to prepare is one edit", async () => {
            const file = editedStackFile(
                "cutover",
                dir,
                (c) => {
                    c["migration:cutover"].phase = "prepare";
                    (c["migration:kong"].apis as Record<string, Record<string, unknown>>).api02.weight = 5;
                },
                "prepare-with-weights.yaml",
            );
            const run = await planStack("cutover", { configFile: file });
            assert.deepEqual(
                run.warnings.filter((w) => w.startsWith("phase prepare")),
                [
                    "phase prepare moves nothing to B: migration:cutover.weights.api01 (20), migration:kong.apis.api02.weight (5) will move traffic the moment phase shift is applied",
                ],
            );
            const committed = await planStack("cutover");
            assert.deepEqual(
                committed.warnings.filter((w) => w.startsWith("phase prepare")),
                [],
                "not in shift",
            );
        });
    });

    describe("the command line", () => {
        it("--help and -h print the usage with every flag and exit 0", async () => {
            for (const flag of ["--help", "-h"]) {
                const { code, stdout, stderr } = await plan([flag]);
                assert.equal(code, 0);
                assert.equal(stderr, "");
                for (const f of [
                    "--stack",
                    "--config",
                    "--ref",
                    "--against",
                    "--json",
                    "--kong-deck",
                    "--mermaid",
                    "--out",
                    "--now",
                    "--applied-at",
                    "--help",
                ])
                    assert.ok(stdout.includes(f), `usage lists ${f}`);
            }
        });

        it("--stack=dev works like --stack dev; --out writes the plan to a file, path taken from where the command was typed", async () => {
            const { code, stdout } = await plan(["--stack=dev", "--json", "--out", "plan.json"], dir);
            assert.equal(code, 0);
            assert.equal(stdout, "", "nothing but the file");
            const doc = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));
            assert.deepEqual([doc.stack, doc.role], ["dev", "platform"]);
        });

        it("relative --config and --against paths resolve from where the command was typed; an --against error names that file", async () => {
            editedStackFile("cutover", dir, (c) => (c["migration:cutover"].weights = { api01: 101 }), "bad-next.yaml");
            const { code, stdout, stderr } = await plan(["--stack", "cutover", "--against", "bad-next.yaml"], dir);
            assert.equal(code, 2);
            assert.equal(stdout, "");
            assert.equal(
                stderr,
                "plan: stack cutover (bad-next.yaml): invalid stack configuration (1 problem):\n" +
                    "  migration:cutover.weights.api01: 101 is not accepted; expected a whole percentage from 0 to 100 (the share of traffic on B)\n",
            );
        });

        it("--ref NAME that the stack never references is refused, listing what it does reference", async () => {
            const { code, stdout, stderr } = await plan(["--stack", "source", "--ref", "cutvoer=Pulumi.cutover.yaml"]);
            assert.deepEqual(
                { code, stdout, stderr },
                {
                    code: 2,
                    stdout: "",
                    stderr: "plan: --ref cutvoer: stack source never references a stack of that name; it references cutover, dev\n",
                },
            );
        });

        it("a reference that would loop exits 2 at once (within 2.5 s of a process that only prints its help), naming the stack of the wrong role", async () => {
            // The bound is relative: starting Node, ts-node and the SDK is most of either run, and
            // it varies with the machine's load (the suites run in two workers).
            const baseline = planProcess(["--help"]).ms;
            const loop = editedStackFile(
                "cutover",
                dir,
                (c) => (c["migration:cutover"].platformStack = "organization/migration/cutover"),
                "loop-back.yaml",
            );
            const viaDev = planProcess(["--stack", "cutover", "--ref", `dev=${loop}`]);
            assert.deepEqual({ code: viaDev.code, stdout: viaDev.stdout }, { code: 2, stdout: "" });
            // Only a stack of the wrong role can close a loop (platform stacks reference nothing, a cutover
            // stack only a platform stack): that is what the operator is told.
            assert.equal(
                viaDev.stderr,
                "plan: stack cutover: invalid stack configuration (1 problem):\n" +
                    '  migration:cutover.platformStack: "organization/migration/dev" is not accepted; expected a stack of role platform (its outputs say role "cutover")\n',
            );
            assert.ok(viaDev.ms < baseline + 2500, `took ${viaDev.ms} ms (--help: ${baseline} ms)`);

            const self = planProcess(["--stack", "cutover", "--ref", "dev=Pulumi.cutover.yaml"]);
            assert.equal(self.code, 2);
            assert.ok(self.ms < baseline + 2500, `took ${self.ms} ms (--help: ${baseline} ms)`);
            assert.equal(self.stderr, viaDev.stderr);
        });

        it("--out into a folder that does not exist: a usage error in one line, before anything is planned", async () => {
            const { code, stdout, stderr } = await plan(["--stack", "dev", "--out", "no-such-folder/plan.json"], dir);
            assert.deepEqual(
                { code, stdout, stderr },
                {
                    code: 2,
                    stdout: "",
                    stderr: `plan: --out no-such-folder/plan.json: the folder ${path.join(dir, "no-such-folder")} does not exist\n`,
                },
            );
        });

        it("--stack given twice (plan and verify): exit 2, naming both values", async () => {
            const twice = await plan(["--stack", "dev", "--stack", "cutover"]);
            assert.deepEqual(
                [twice.code, twice.stdout, twice.stderr.split("\n")[0]],
                [2, "", "plan: --stack given twice (dev, then cutover): give it once"],
            );
            const v = await verify(["--stack=cutover", "--stack", "dev", "--connect", "127.0.0.1:1"]);
            assert.deepEqual(
                [v.code, v.out, v.err.split("\n")[0]],
                [2, "", "verify: --stack given twice (cutover, then dev): give it once"],
            );
        });

        it("a stack file whose config: block is misspelt says so, suggesting config:, instead of listing the keys it lacks", async () => {
            const file = path.join(dir, "confg.yaml");
            fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.cutover.yaml"), "utf8").replace(/^config:/m, "confg:"));
            const { code, stdout, stderr } = await plan(["--stack", "cutover", "--config", file]);
            assert.deepEqual(
                { code, stdout, stderr },
                {
                    code: 2,
                    stdout: "",
                    stderr: `plan: ${file}: no config: block, so none of its settings would be read; it has confg: at the top: did you mean config:?\n`,
                },
            );
        });

        it("verify: --probe parity with no A address exits 2 saying what is missing; A's address is never taken by default, and --help says so", async () => {
            const dev = await verify(["--stack", "dev", "--connect", "127.0.0.1:1", "--probe", "parity"]);
            assert.deepEqual(
                [dev.code, dev.out, dev.err.split("\n")[0]],
                [2, "", "verify: --probe parity needs A's address: give --source ADDRESS[:PORT]"],
            );
            const cutover = await verify(["--stack", "cutover", "--connect", "127.0.0.1:1", "--probe", "parity"]);
            assert.deepEqual(
                [cutover.code, cutover.err.split("\n")[0]],
                [
                    2,
                    "verify: --probe parity needs A's address: give --source ADDRESS[:PORT], or --source stack for cutover.sourceAddress (10.72.10.88)",
                ],
            );
            const noSource = await verify(["--stack", "dev", "--connect", "127.0.0.1:1", "--source", "stack"]);
            assert.equal(
                noSource.err.split("\n")[0],
                "verify: --source stack: stack dev has no A address (cutover.sourceAddress is a cutover stack's key): give --source ADDRESS[:PORT]",
            );
            // The cutover stack's default run no longer sends anything to A, and says so (B's port 1 refuses: exit 1).
            const run = await verify(["--stack", "cutover", "--connect", "127.0.0.1:1", "--api", "api01", "--json"]);
            const { rows, notes } = JSON.parse(run.out) as { rows: { probe: string }[]; notes: string[] };
            assert.deepEqual(
                [run.code, rows.map((r) => r.probe), notes],
                [
                    1,
                    ["long", "legacy"],
                    [
                        "short probes not run: the cutover stack does not know the short host's load balancer; give --connect-short ADDRESS[:PORT]",
                        "parity probes not run: they send requests to A; give --source ADDRESS[:PORT], or --source stack for cutover.sourceAddress",
                        "kong probes not run: the stack routes the legacy Host through Kong; give --kong-proxy URL",
                    ],
                ],
            );
            const help = await verify(["--help"]);
            assert.match(
                help.out,
                /--source A\[:P\]\|stack +A's load balancer, for the parity probe; `stack` takes the cutover\n +stack's cutover\.sourceAddress\. No default: parity sends requests to\n +A \(production\), so it runs only when asked; without it, not run\n/,
            );
        });

        it("--kong-deck without a Kong layer and --mermaid on a stack that is not a cutover stack are usage errors", async () => {
            const deck = await plan(["--stack", "dev", "--kong-deck"]);
            assert.deepEqual(
                [deck.code, deck.stdout, deck.stderr],
                [2, "", "plan: --kong-deck: stack dev has no Kong layer (migration:kong is not set), so there is nothing to export\n"],
            );
            const mermaid = await plan(["--stack", "source", "--mermaid"]);
            assert.deepEqual(
                [mermaid.code, mermaid.stdout, mermaid.stderr],
                [2, "", "plan: --mermaid draws a cutover stack's phase; stack source has role source\n"],
            );
        });

        it("--now and --applied-at: the guard's verdict reachable offline without weakening the window, and printed with its clock", async () => {
            const { complete, confirmed } = completeAndConfirmed("1");
            const args = ["--stack", "source", "--config", confirmed, "--ref", `cutover=${complete}`, "--now", "2026-11-28T12:00:00Z"];
            const early = await plan([...args, "--applied-at", "2026-11-28T00:00:00Z"]);
            assert.equal(early.code, 0);
            const lines = (s: string) => s.split("\n").filter((l) => l.startsWith("decommission: ") || l.startsWith("  guard clock"));
            assert.deepEqual(lines(early.stdout), [
                "decommission: blocked (complete was applied 12.0 h ago (2026-11-28T00:00:00.000Z); the observation window is 24 h)",
                "  guard clock 2026-11-28T12:00:00.000Z; cutover phase applied at 2026-11-28T00:00:00.000Z",
            ]);
            const late = await plan([...args, "--applied-at", "2026-11-27T00:00:00Z"]);
            assert.deepEqual(lines(late.stdout), [
                "decommission: allowed",
                "  guard clock 2026-11-28T12:00:00.000Z; cutover phase applied at 2026-11-27T00:00:00.000Z",
            ]);
        });
    });

    describe("steps the services refuse are refused at plan time (--against)", () => {
        it("prepare → complete skipping shift, and shift → complete with a CNAME: the diff says pulumi preview would fail, and exits 1", async () => {
            // On public Alidns with B by address, where the CNAME step is the service's refusal.
            const at = (cutover: Record<string, unknown>, name: string) =>
                editedStackFile(
                    "cutover",
                    dir,
                    (c) => {
                        const { platformStack: _, ...rest } = c["migration:cutover"];
                        c["migration:cutover"] = { ...rest, targetAddress: "10.72.11.99", ...cutover };
                        c["migration:dns"] = { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } };
                    },
                    name,
                );
            const all100 = { api01: 100, api02: 100 };
            const prepare = at({ phase: "prepare" }, "p.yaml");
            const skip = await plan([
                "--stack",
                "cutover",
                "--config",
                prepare,
                "--against",
                at({ phase: "complete", weights: all100 }, "c.yaml"),
            ]);
            // The diff is printed, and the command fails: pulumi preview would.
            assert.deepEqual([skip.code, skip.stderr], [1, ""]);
            assert.deepEqual(skip.stdout.split("\n").slice(2, 4), [
                "!! refused by phase (phase): prepare → complete skips shift: 0 → 100 % of every API's traffic in one apply; go through shift first, or set migration:cutover.allowSkippingShift: true",
                "   pulumi preview fails here: nothing would move.",
            ]);
            const allowed = await plan([
                "--stack",
                "cutover",
                "--config",
                prepare,
                "--against",
                at({ phase: "complete", weights: all100, allowSkippingShift: true }, "ca.yaml"),
                "--json",
            ]);
            assert.deepEqual([allowed.code, JSON.parse(allowed.stdout).diff.refused], [0, []]);
            const shift = at({ phase: "shift", weights: all100 }, "s.yaml");
            const cname = await plan([
                "--stack",
                "cutover",
                "--config",
                shift,
                "--against",
                at({ phase: "complete", weights: all100, completeWith: "cname" }, "cn.yaml"),
                "--json",
            ]);
            // Refused twice over: by the phase marker (the step), and by each name's records (the service's rule).
            assert.equal(cname.code, 1);
            const retype =
                "the name's records would change type (A → CNAME) while it holds two records: the service refuses a name with both; change the type of the name's single record first (complete), then add or remove records";
            assert.deepEqual(JSON.parse(cname.stdout).diff.refused, [
                { name: "dns-api01-records", property: "records", reason: retype },
                { name: "dns-api02-records", property: "records", reason: retype },
                {
                    name: "phase",
                    property: "completeWith",
                    reason: "shift → complete with completeWith: cname in one step: in shift the legacy names hold A records, and a name cannot hold a CNAME beside them (Alidns and PrivateZone both refuse it); complete with completeWith: address first, then set cname (its own step, its own wait)",
                },
            ]);
        });
    });

    describe("the diff shows the edit that lifts protection", () => {
        it("confirm [] → [api01, api02] with complete observed: every protect change, a summary, and the same in --json", async () => {
            const { complete, confirmed } = completeAndConfirmed("2");
            const args = [
                "--stack",
                "source",
                "--ref",
                `cutover=${complete}`,
                "--applied-at",
                "2026-11-01T00:00:00Z",
                "--against",
                confirmed,
            ];
            const text = await plan(args);
            assert.equal(text.code, 0);
            const lines = text.stdout.split("\n");
            assert.equal(lines[2], "!! protect lifted on 5 resources: after this apply, pulumi destroy may delete them");
            assert.deepEqual(lines.slice(lines.indexOf("updated (5):"), lines.indexOf("updated (5):") + 3), [
                "updated (5):",
                "  ~ alicloud:pvtz/zoneRecord:ZoneRecord  source-a-wildcard-record",
                "      option protect: true → false   <-- PROTECTION LIFTED: pulumi destroy may delete it",
            ]);
            assert.equal(
                lines.find((l) => l.startsWith("protect lifted on")),
                "protect lifted on 5 resources: source-a-wildcard-record, source-a-slb, source-a-namespace-team1-ns, source-a-ingress-team1-ns-api01, source-a-ingress-team1-ns-api02",
            );
            const json = JSON.parse((await plan([...args, "--json"])).stdout);
            assert.deepEqual(json.diff.protection.lifted, [
                "source-a-wildcard-record",
                "source-a-slb",
                "source-a-namespace-team1-ns",
                "source-a-ingress-team1-ns-api01",
                "source-a-ingress-team1-ns-api02",
            ]);
            assert.deepEqual(json.diff.updated[0].optionChanges, [{ path: "protect", old: true, new: false }]);
            assert.equal(json.diff.updated[0].changes, undefined, "no input changed");
        });
    });
});
