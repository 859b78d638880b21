import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RawConfig } from "../config/types";
import { OfflineRun } from "../offline/harness";
import {
    api,
    byName,
    configProblems,
    cutoverOfMany,
    DOMAINS,
    editedStackFile,
    HEALTH,
    inventory,
    planConfig,
    planStack,
    T,
} from "./helpers";

const ZONE = "aliyun.cloud.cn.aibang";
const UPSTREAM = "pulumi-nodejs:dynamic/migration:KongUpstreamEntity";
const SERVICE = "pulumi-nodejs:dynamic/migration:KongServiceBinding";
const COMPONENT = "migration:index:KongUpstream";
const RECORD = "alicloud:dns/alidnsRecord:AlidnsRecord";
/** Kong's A target: `<api>-a`, a name only A answers (not the legacy name, which DNS moves). */
const A1 = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443";
const B1 = "api01.target-team2.dev.aliyun.cloud.cn.aibang:443";
const CONNECTION = {
    adminUrl: "https://kong-admin.example.internal:8444",
    tlsVerify: true,
    auth: "kong-admin-token",
    timeoutMs: 10000,
    retries: 3,
    backoffMs: 500,
};

function config(cutover: Record<string, unknown>, kong: Record<string, unknown> = {}, apis = [api("api01")]) {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis,
        cutover: { sourceAddress: "10.72.10.88", targetAddress: "10.72.11.99", ...cutover },
        dns: { zone: ZONE, edition: "standard", ttl: { cutover: 60, steady: 600 } },
        kong: {
            adminUrl: "https://kong-admin.example.internal:8444",
            upstreamPrefix: "team1",
            apis: { api01: { service: "api01" } },
            ...kong,
        },
    };
}

/** The upstream's inputs; its Host header the API's legacy host unless given (both ingresses serve it). */
function upstream(name: string, targets: [string, string, number][], hostHeader = `${name.split("-")[1]}.source-team1.dev.${ZONE}`) {
    return {
        connection: CONNECTION,
        upstream: {
            name,
            host_header: hostHeader,
            healthchecks: HEALTH,
            // The team's tag (migration-<upstreamPrefix>): decK's select_tags of this team alone.
            tags: ["migration-team1", `api:${name.split("-")[1]}`],
        },
        targets: targets.map(([side, target, weight]) => ({ side, target, weight })),
        version: "1",
    };
}

function weightsOf(run: OfflineRun, name: string): number[] {
    return (byName(run, UPSTREAM, name).inputs.targets as { weight: number }[]).map((t) => t.weight);
}

describe("KongUpstream", () => {
    describe("the committed cutover stack", () => {
        let run: OfflineRun;
        before(async () => {
            const dev = await planStack("dev");
            run = await planStack("cutover", { refs: { "organization/migration/dev": dev.outputs } });
        });

        it("gives each API an upstream with A's and B's targets at 80/20 and 100/0, the token kept secret", () => {
            assert.deepEqual(byName(run, UPSTREAM, "kong-api01-upstream").inputs, {
                ...upstream("team1-api01", [
                    ["A", A1, 80],
                    ["B", B1, 20],
                ]),
                connection: { ...CONNECTION, adminUrl: "https://kong-admin.team1.internal:8444" },
                adminToken: "[secret]",
            });
            assert.deepEqual(weightsOf(run, "kong-api02-upstream"), [100, 0]);
            assert.equal(byName(run, UPSTREAM, "kong-api01-upstream").parent, byName(run, COMPONENT, "kong-api01").urn);
        });

        it("points each service at its upstream only after the upstream exists, with relaxed retries and timeouts", () => {
            const service = byName(run, SERVICE, "kong-api01-service");
            assert.deepEqual(service.inputs, {
                connection: { ...CONNECTION, adminUrl: "https://kong-admin.team1.internal:8444" },
                adminToken: "[secret]",
                service: "api01",
                host: "team1-api01",
                relaxed: { retries: 10, connect_timeout: 10000, read_timeout: 120000 },
                // The targets are on 443: the service speaks https to them (kong.apis.<api>.protocol's default).
                expect: { protocol: "https" },
                fallbackOriginal: { host: "api01.source-team1.dev.aliyun.cloud.cn.aibang", port: 443 },
                version: "1",
            });
            assert.deepEqual(service.options.dependsOn, [byName(run, UPSTREAM, "kong-api01-upstream").urn]);
        });

        it("adds a kong row per legacy host to the traffic section", () => {
            const rows = (run.outputs.traffic as { layer: string }[]).filter((r) => r.layer === "kong");
            assert.deepEqual(rows, [
                {
                    api: "api01",
                    host: "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    layer: "kong",
                    phase: "shift",
                    ttl: 0,
                    upstream: "team1-api01",
                    targets: [
                        { side: "A", address: A1, weight: 80 },
                        { side: "B", address: B1, weight: 20 },
                    ],
                    effective: { direct: 20, viaKong: 20 },
                },
                {
                    api: "api02",
                    host: "api02.source-team1.dev.aliyun.cloud.cn.aibang",
                    layer: "kong",
                    phase: "shift",
                    ttl: 0,
                    upstream: "team1-api02",
                    targets: [
                        { side: "A", address: "api02-a.source-team1.dev.aliyun.cloud.cn.aibang:443", weight: 100 },
                        { side: "B", address: "api02.target-team2.dev.aliyun.cloud.cn.aibang:443", weight: 0 },
                    ],
                    effective: { direct: 0, viaKong: 0 },
                },
            ]);
        });
    });

    describe("the committed cutover stack, edited per phase as the runbook does", () => {
        let dir: string;
        let dev: OfflineRun;
        before(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "cutover-phase-"));
            dev = await planStack("dev");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        async function atPhase(phase: string, weights: Record<string, number>): Promise<OfflineRun> {
            const file = editedStackFile(
                "cutover",
                dir,
                (c) => (c["migration:cutover"] = { ...c["migration:cutover"], phase, weights }),
                `${phase}.yaml`,
            );
            return planStack("cutover", { configFile: file, refs: { "organization/migration/dev": dev.outputs } });
        }

        it("prepare: Kong 100/0 for both APIs, relaxed settings on; DNS has A's record only", async () => {
            const run = await atPhase("prepare", {});
            assert.deepEqual(
                [weightsOf(run, "kong-api01-upstream"), weightsOf(run, "kong-api02-upstream")],
                [
                    [100, 0],
                    [100, 0],
                ],
            );
            assert.deepEqual(byName(run, SERVICE, "kong-api02-service").inputs.relaxed, {
                retries: 10,
                connect_timeout: 10000,
                read_timeout: 120000,
            });
            assert.deepEqual(
                ["api01", "api02"].map((a) =>
                    (byName(run, T.names, `dns-${a}-records`).inputs.records as { side: string }[]).map((r) => r.side),
                ),
                [["A"], ["A"]],
            );
        });

        it("complete: Kong 0/100 for both APIs, services' own settings back; DNS has B's record only", async () => {
            const run = await atPhase("complete", { api01: 100, api02: 100 });
            assert.deepEqual(
                [weightsOf(run, "kong-api01-upstream"), weightsOf(run, "kong-api02-upstream")],
                [
                    [0, 100],
                    [0, 100],
                ],
            );
            assert.equal(byName(run, SERVICE, "kong-api01-service").inputs.relaxed, null);
            assert.deepEqual(
                ["api01", "api02"].map((a) =>
                    (byName(run, T.names, `dns-${a}-records`).inputs.records as { side: string }[]).map((r) => r.side),
                ),
                [["B"], ["B"]],
            );
        });
    });

    describe("per phase (weighted mode)", () => {
        const relaxed = { migrationSettings: { retries: 8, writeTimeout: 90000 } };

        it("prepare: A at 100, B present at 0, service already relaxed", async () => {
            const run = await planConfig(config({ phase: "prepare", weights: { api01: 40 } }, relaxed));
            assert.deepEqual(weightsOf(run, "kong-api01-upstream"), [100, 0]);
            assert.deepEqual(byName(run, SERVICE, "kong-api01-service").inputs.relaxed, { retries: 8, write_timeout: 90000 });
        });

        for (const w of [0, 5, 20, 100]) {
            it(`shift at ${w} %: targets ${100 - w}/${w}`, async () => {
                const run = await planConfig(config({ phase: "shift", weights: { api01: w } }));
                assert.deepEqual(
                    byName(run, UPSTREAM, "kong-api01-upstream").inputs,
                    upstream("team1-api01", [
                        ["A", A1, 100 - w],
                        ["B", B1, w],
                    ]),
                );
            });
        }

        it("complete: B at 100, A kept at 0, the service's own retries and timeouts restored", async () => {
            const run = await planConfig(config({ phase: "complete", weights: { api01: 100 } }, relaxed));
            assert.deepEqual(weightsOf(run, "kong-api01-upstream"), [0, 100]);
            assert.equal(byName(run, SERVICE, "kong-api01-service").inputs.relaxed, null);
        });

        it("a per-layer override moves Kong independently of DNS", async () => {
            const run = await planConfig(
                config(
                    { phase: "shift", weights: { api01: 20 } },
                    { apis: { api01: { service: "api01", weight: 50, hostHeader: "api01.source-team1.dev.aliyun.cloud.cn.aibang" } } },
                ),
            );
            assert.deepEqual(weightsOf(run, "kong-api01-upstream"), [50, 50]);
            assert.deepEqual(
                (byName(run, UPSTREAM, "kong-api01-upstream").inputs.upstream as { host_header: string }).host_header,
                "api01.source-team1.dev.aliyun.cloud.cn.aibang",
            );
            assert.deepEqual(
                (byName(run, T.names, "dns-api01-records").inputs.records as { weight: number }[]).map((r) => r.weight),
                [80, 20],
            );
        });

        it("only APIs with Kong settings get an upstream", async () => {
            const run = await planConfig(
                config(
                    { phase: "shift", weights: { api01: 20 } },
                    {
                        apis: {
                            api01: { service: "api01" },
                            api03: { service: "api03-svc", targetTarget: "api03.target-team2.dev.aliyun.cloud.cn.aibang:8443" },
                        },
                    },
                    [api("api01"), api("api02"), api("api03")],
                ),
            );
            assert.deepEqual(
                inventory(run).filter((r) => r.startsWith(COMPONENT)),
                [`${COMPONENT} kong-api01`, `${COMPONENT} kong-api03`],
            );
            const api03 = byName(run, UPSTREAM, "kong-api03-upstream").inputs as {
                targets: { target: string }[];
                upstream: { healthchecks: { active: { type: string } } };
            };
            assert.deepEqual(
                api03.targets.map((t) => t.target),
                ["api03-a.source-team1.dev.aliyun.cloud.cn.aibang:443", "api03.target-team2.dev.aliyun.cloud.cn.aibang:8443"],
            );
            assert.equal(api03.upstream.healthchecks.active.type, "http", "a non-443 target port is checked over http");
        });
    });

    describe("weighted mode: targets only A or only B answers, the legacy host as Host", () => {
        it("by default: A's target <api>-a, B's <api>.<target>, host_header the legacy host; the upstream waits for <api>-a's record", async () => {
            const run = await planConfig(config({ phase: "shift", weights: { api01: 20 } }));
            const entity = byName(run, UPSTREAM, "kong-api01-upstream");
            assert.deepEqual(
                [entity.inputs.targets, (entity.inputs.upstream as { host_header: string }).host_header],
                [
                    [
                        { side: "A", target: A1, weight: 80 },
                        { side: "B", target: B1, weight: 20 },
                    ],
                    "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                ],
            );
            assert.deepEqual(entity.options.dependsOn, [byName(run, T.gate, "gate-api01").urn, byName(run, RECORD, "dns-api01-to-a").urn]);
        });

        it("kong.apis.<api>.hostHeader wins over the legacy host", async () => {
            const run = await planConfig(
                config(
                    { phase: "shift", weights: { api01: 20 } },
                    { apis: { api01: { service: "api01", hostHeader: "api01.example.cn" } } },
                ),
            );
            assert.equal(
                (byName(run, UPSTREAM, "kong-api01-upstream").inputs.upstream as { host_header: string }).host_header,
                "api01.example.cn",
            );
        });

        it("kong.apis.<api>.sourceTarget wins: no <api>-a record, no dependency on one, and the service's original stays that target", async () => {
            const run = await planConfig(
                config(
                    { phase: "shift", weights: { api01: 20 } },
                    { apis: { api01: { service: "api01", sourceTarget: "api01.a-runtime.internal:8443" } } },
                ),
            );
            const entity = byName(run, UPSTREAM, "kong-api01-upstream");
            assert.deepEqual(
                (entity.inputs.targets as { target: string }[]).map((t) => t.target),
                ["api01.a-runtime.internal:8443", B1],
            );
            assert.deepEqual(entity.options.dependsOn, [byName(run, T.gate, "gate-api01").urn]);
            assert.deepEqual(
                inventory(run).filter((r) => r.startsWith(RECORD)),
                [],
            );
            assert.deepEqual(byName(run, SERVICE, "kong-api01-service").inputs.fallbackOriginal, {
                host: "api01.a-runtime.internal",
                port: 8443,
            });
        });
    });

    describe("stable-hostname mode", () => {
        for (const [w, phase, side, cname, ttl] of [
            [0, "shift", "A", "api01.source-team1.dev.aliyun.cloud.cn.aibang", 60],
            [100, "shift", "B", "api01.target-team2.dev.aliyun.cloud.cn.aibang", 60],
            [100, "complete", "B", "api01.target-team2.dev.aliyun.cloud.cn.aibang", 600],
        ] as const) {
            it(`${phase} at ${w} %: one target, the stable name, whose CNAME points at ${side}'s long name`, async () => {
                const run = await planConfig(config({ phase, weights: { api01: w } }, { mode: "stable-hostname" }));
                assert.deepEqual(
                    byName(run, UPSTREAM, "kong-api01-upstream").inputs,
                    upstream(
                        "team1-api01",
                        [[side, "origin-api01.source-team1.dev.aliyun.cloud.cn.aibang:443", 100]],
                        "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    ),
                );
                assert.deepEqual(byName(run, RECORD, "dns-api01-origin").inputs, {
                    domainName: ZONE,
                    rr: "origin-api01.source-team1.dev",
                    type: "CNAME",
                    value: cname,
                    ttl,
                    remark: "migration: api01 Kong stable host name",
                });
            });
        }
    });

    describe("refuses bad Kong config before anything registers", () => {
        function problems(
            kong: Record<string, unknown>,
            cutover: Record<string, unknown> = { phase: "shift", weights: { api01: 20 } },
            extra: Partial<RawConfig> = {},
        ): string[] {
            return configProblems({ ...config(cutover, kong), ...extra } as RawConfig);
        }
        const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string][] = [
            [
                "a target without a port",
                { apis: { api01: { service: "api01", targetTarget: "api01.target-team2.dev.aliyun.cloud.cn.aibang" } } },
                undefined,
                'migration:kong.apis.api01.targetTarget: "api01.target-team2.dev.aliyun.cloud.cn.aibang" is not accepted; expected host:port with an explicit port (Kong stores port 8000 when it is omitted)',
            ],
            [
                "settings for an API not in the shared config",
                { apis: { api01: { service: "api01" }, api07: { service: "x" } } },
                undefined,
                'migration:kong.apis.api07: {"service":"x"} is not accepted; expected Kong settings only for APIs defined in migration:apis (api01)',
            ],
            [
                "a split weight in stable-hostname mode",
                { mode: "stable-hostname" },
                undefined,
                "migration:cutover.weights.api01: 20 is not accepted; expected 0 or 100 in kong.mode stable-hostname (one CNAME points at A or at B; it cannot split traffic)",
            ],
            [
                "an override below 100 at complete",
                { apis: { api01: { service: "api01", weight: 90 } } },
                { phase: "complete", weights: { api01: 100 } },
                "migration:kong.apis.api01.weight: 90 is not accepted; expected 100 in phase complete (or no override)",
            ],
            [
                "an Admin URL that is not http(s)",
                { adminUrl: "kong-admin:8001" },
                undefined,
                'migration:kong.adminUrl: "kong-admin:8001" is not accepted; expected the Kong Admin API base URL, http(s)://host[:port][/path]',
            ],
            [
                "relaxed retries out of Kong's range",
                { migrationSettings: { retries: 40000 } },
                undefined,
                "migration:kong.migrationSettings.retries: 40000 is not accepted; expected an integer from 0 to 32767",
            ],
        ];
        for (const [what, kong, cutover, expected] of cases) it(what, () => assert.deepEqual(problems(kong, cutover), [expected]));

        it("an Admin token stored in plain text", () => {
            assert.deepEqual(problems({}, undefined, { kongAdminToken: pulumi.output("t"), kongAdminTokenIsSecret: false }), [
                'migration:kongAdminToken: "[plain text token]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:kongAdminToken',
            ]);
        });
    });
});

describe("the Kong service's protocol follows its targets", () => {
    const kongConfig = (apis: Record<string, unknown>) => {
        const c = cutoverOfMany(1, "shift", () => 20) as Record<string, unknown> & { kong: Record<string, unknown> };
        return { ...c, kong: { ...c.kong, apis } };
    };
    const expectOf = async (apis: Record<string, unknown>) =>
        byName(await planConfig(kongConfig(apis)), "pulumi-nodejs:dynamic/migration:KongServiceBinding", "kong-api0001-service").inputs
            .expect;

    it("https for targets on 443 (the default), http for others, and what config says, with its path", async () => {
        assert.deepEqual(await expectOf({ api0001: { service: "api0001" } }), { protocol: "https" });
        assert.deepEqual(
            await expectOf({ api0001: { service: "api0001", sourceTarget: "a.example.cn:8080", targetTarget: "b.example.cn:8080" } }),
            { protocol: "http" },
        );
        assert.deepEqual(await expectOf({ api0001: { service: "api0001", protocol: "http", path: "/v1" } }), {
            protocol: "http",
            path: "/v1",
        });
    });

    it("a protocol Kong services do not take here, or a path without its slash, is refused with the key path", () => {
        assert.deepEqual(configProblems({ ...kongConfig({ api0001: { service: "api0001", protocol: "grpc", path: "v1" } }) } as never), [
            'migration:kong.apis.api0001.protocol: "grpc" is not accepted; expected one of http | https',
            "migration:kong.apis.api0001.path: \"v1\" is not accepted; expected an HTTP path starting with '/'",
        ]);
    });
});
