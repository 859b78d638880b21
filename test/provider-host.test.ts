/**
 * The project's dynamic providers as `pulumi up` runs them: the real program's resources,
 * serialised by the SDK, sent to the real dynamic-provider host over gRPC (test/engine/),
 * against loopback Kong and Alidns doubles. Assertions are on the doubles' state after every
 * step and on the exact text the engine receives for a failure.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { planStack, ROOT } from "./helpers";
import { engineError, SERIAL } from "./engine/engine";
import { A_TARGET, B_TARGET, HOST, HOST_ENV, World } from "./engine/fixture";
import { ProviderHost } from "./engine/host";

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

const view = (w: World) => ({ dns: w.dnsView(), kong: w.kongView() });
const both = (s: string) => ({ api01: s.replace(/\{api\}/g, "api01"), api02: s.replace(/\{api\}/g, "api02") });
/**
 * The engine's steps for the two APIs, in its order: per API its health gate, then the name's
 * records, the Kong upstream and its service binding (all after the gate); then the phase
 * marker. The gate's step is the records' unless given; a step left out is not taken.
 */
function steps(s: {
    gate?: string;
    dns?: string;
    upstream?: string;
    binding?: string;
    phase?: string;
    after?: string[];
    /** `<api>-a`'s record (Kong's A target, B by address: prepare until complete). @default none (no such record) */
    toA?: string;
}): string[] {
    const out: string[] = [];
    if (s.toA) for (const a of ["api01", "api02"]) out.push(`${s.toA} AlidnsRecord dns-${a}-to-a`);
    const gate = s.gate ?? s.dns;
    for (const a of ["api01", "api02"]) {
        if (gate) out.push(`${gate} HealthGate gate-${a}`);
        if (s.dns) out.push(`${s.dns} NameRecords dns-${a}-records`);
        if (s.upstream) out.push(`${s.upstream} KongUpstreamEntity kong-${a}-upstream`);
        if (s.binding) out.push(`${s.binding} KongServiceBinding kong-${a}-service`);
    }
    if (s.phase) out.push(`${s.phase} PhaseMarker phase`);
    return [...out, ...(s.after ?? [])];
}

describe("providers through the real dynamic-provider host", function () {
    this.timeout(30_000);
    let host: ProviderHost;
    let w: World;

    before(async () => {
        host = new ProviderHost(HOST_ENV);
        await host.start();
    });
    after(() => host.stop());
    afterEach(() => w?.stop());

    it("every module a serialised provider requires is a direct dependency (the host resolves it from the project)", async () => {
        w = await new World(host).start();
        const { run } = await w.engine.program(w.stackFile({ phase: "shift", weights: { api01: 20 } }), false);
        const required = new Set<string>();
        for (const r of run.resources.filter((x) => x.wire?.__provider)) {
            for (const m of String(r.wire!.__provider).matchAll(/require\("([^"./][^"]*)"\)/g))
                required.add(m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0]);
        }
        const builtins = new Set(builtinModules);
        const modules = [...required].filter((m) => !builtins.has(m) && !m.startsWith("node:")).sort();
        const deps = Object.keys(
            (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies,
        );
        assert.deepEqual(modules, [
            "@alicloud/alidns20150109",
            "@alicloud/credentials",
            "@alicloud/openapi-core",
            "@darabonba/typescript",
            "undici",
        ]);
        assert.deepEqual(
            modules.filter((m) => !deps.includes(m)),
            [],
        );
    });

    it("Configure: the host accepts no secrets and no previews, so secrets arrive plain and previews only Check and Diff", async () => {
        assert.deepEqual(await host.configure(), { acceptSecrets: false, supportsPreview: false });
    });

    describe("the committed Pulumi.cutover.yaml in preview", () => {
        let dev: Record<string, unknown>;
        before(async () => {
            dev = (await planStack("dev")).outputs;
        });

        it("a fresh stack previews: B's address unknown until the dev stack applies passes Check", async () => {
            w = await new World(host).start({ refs: { "organization/migration/dev": dev } });
            const taken = await w.engine.preview(path.join(ROOT, "Pulumi.cutover.yaml"));
            assert.deepEqual(taken, steps({ dns: "create", upstream: "create", binding: "create", phase: "create" }));
        });

        it("after an apply of prepare, the committed shift previews: Check and Diff pass for every dynamic resource", async () => {
            // A platform that publishes an address (ingress-nginx's CLB), as these suites speak to the Alidns double.
            const byAddress = { ...dev, ingress: { ...(dev.ingress as object), addressKind: "ip" } };
            w = await new World(host).start({ refs: { "organization/migration/dev": byAddress } });
            await w.engine.up(w.stackFile({ phase: "prepare" }, undefined, true));
            const taken = await w.engine.preview(w.stackFile({}, undefined, true));
            // The preview says api01's gate will run (its shares toward B rise); api02 stays at 0.
            assert.deepEqual(taken, [
                "update HealthGate gate-api01",
                "update NameRecords dns-api01-records",
                "update KongUpstreamEntity kong-api01-upstream",
                "same KongServiceBinding kong-api01-service",
                "same HealthGate gate-api02",
                "same NameRecords dns-api02-records",
                "same KongUpstreamEntity kong-api02-upstream",
                "same KongServiceBinding kong-api02-service",
                "replace PhaseMarker phase",
            ]);
            assert.deepEqual(
                view(w),
                { dns: both("A on 1 ttl 60; weighting off"), kong: both("A 100 B 0; service → team1-{api} retries 10") },
                "a preview writes nothing",
            );
        });

        it("prepare → complete is refused at preview (0 → 100 % in one apply) unless allowSkippingShift; shift → complete with a CNAME too", async () => {
            w = await new World(host).start();
            await w.engine.up(w.stackFile({ phase: "prepare" }));
            const all100 = { api01: 100, api02: 100 };
            await assert.rejects(w.engine.preview(w.stackFile({ phase: "complete", weights: all100 })), (err: Error) => {
                assert.equal(
                    err.message,
                    "check failed:\nphase: phase: prepare → complete skips shift: 0 → 100 % of every API's traffic in one apply; go through shift first, or set migration:cutover.allowSkippingShift: true",
                );
                return true;
            });
            assert.deepEqual(
                await w.engine.preview(w.stackFile({ phase: "complete", weights: all100, allowSkippingShift: true })),
                steps({ dns: "update", upstream: "update", binding: "update", phase: "replace" }),
            );
            await w.engine.up(w.stackFile({ phase: "shift", weights: all100 }));
            await assert.rejects(
                w.engine.preview(w.stackFile({ phase: "complete", weights: all100, completeWith: "cname" })),
                /completeWith: shift → complete with completeWith: cname in one step: in shift the legacy names hold A records, and a name cannot hold a CNAME beside them/,
            );
            assert.deepEqual(w.dnsView(), both("A off ttl 60, B on 100 ttl 60; weighting on"), "a refused preview writes nothing");
        });

        it("Check, through the host, refuses a bad weight and a side given twice", async () => {
            w = await new World(host).start();
            const { run } = await w.engine.program(w.stackFile({ phase: "shift", weights: { api01: 20 } }), false);
            const names = run.resources.find((r) => r.name === "dns-api01-records")!;
            const wire = names.wire as { records: { side: string; weight: number }[] };
            const bad = {
                ...wire,
                records: [
                    { ...wire.records[0], weight: 120 },
                    { ...wire.records[1], side: "A" },
                ],
            };
            assert.deepEqual((await host.check(names.urn, {}, bad)).failures, [
                { property: "records", reason: "each side at most once" },
                { property: "records[0].weight", reason: "120 is not a whole percentage 0..100 (0 pauses the record)" },
            ]);
        });
    });

    describe("the runbook, step by step", () => {
        it("prepare → shift 5 → 20 → 50 → 100 → complete → refresh → rollback → destroy", async () => {
            w = await new World(host).start();
            const shift = (n: number) => w.stackFile({ phase: "shift", weights: { api01: n, api02: n } });

            assert.deepEqual(
                await w.engine.up(w.stackFile({ phase: "prepare" })),
                steps({ toA: "create", dns: "create", upstream: "create", binding: "create", phase: "create" }),
            );
            assert.deepEqual(view(w), {
                dns: both("A on 1 ttl 60; weighting off"),
                kong: both("A 100 B 0; service → team1-{api} retries 10"),
            });

            assert.deepEqual(
                await w.engine.up(shift(5)),
                steps({ toA: "same", dns: "update", upstream: "update", binding: "same", phase: "replace" }),
            );
            assert.deepEqual(view(w), {
                dns: both("A on 95 ttl 60, B on 5 ttl 60; weighting on"),
                kong: both("A 95 B 5; service → team1-{api} retries 10"),
            });

            for (const n of [20, 50]) {
                assert.deepEqual(
                    await w.engine.up(shift(n)),
                    steps({ toA: "same", dns: "update", upstream: "update", binding: "same", phase: "same" }),
                );
                assert.deepEqual(view(w), {
                    dns: both(`A on ${100 - n} ttl 60, B on ${n} ttl 60; weighting on`),
                    kong: both(`A ${100 - n} B ${n}; service → team1-{api} retries 10`),
                });
            }

            await w.engine.up(shift(100));
            assert.deepEqual(view(w), {
                dns: both("A off ttl 60, B on 100 ttl 60; weighting on"),
                kong: both("A 0 B 100; service → team1-{api} retries 10"),
            });

            assert.deepEqual(
                await w.engine.up(w.stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } })),
                steps({
                    gate: "same",
                    dns: "update",
                    upstream: "same",
                    binding: "update",
                    phase: "replace",
                    // `<api>-a` goes at complete: Kong's A target is at 0 and the name answers B alone.
                    after: ["delete AlidnsRecord dns-api02-to-a", "delete AlidnsRecord dns-api01-to-a"],
                }),
            );
            assert.deepEqual(
                view(w),
                { dns: both("B on 100 ttl 600; weighting off"), kong: both("A 0 B 100; service → team1-{api} retries 5") },
                "complete: A's record gone, weighting off (B alone), the services' own retries back",
            );

            // refresh: Read finds what was applied, and the same program then diffs to no change.
            assert.deepEqual(
                (await w.engine.refresh()).sort(),
                steps({ dns: "same", upstream: "same", binding: "same", phase: "same" }).sort(),
            );
            assert.deepEqual(
                await w.engine.preview(w.stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } })),
                steps({ dns: "same", upstream: "same", binding: "same", phase: "same" }),
            );

            // rollback: complete → shift 50 gives A a record again (born paused off the name) and weights it; → prepare removes B.
            await w.engine.up(shift(50));
            assert.deepEqual(view(w), {
                dns: both("B on 50 ttl 60, A on 50 ttl 60; weighting on"),
                kong: both("A 50 B 50; service → team1-{api} retries 10"),
            });
            await w.engine.up(w.stackFile({ phase: "prepare" }));
            assert.deepEqual(view(w), {
                dns: both("A on 100 ttl 60; weighting off"),
                kong: both("A 100 B 0; service → team1-{api} retries 10"),
            });

            assert.deepEqual(await w.engine.destroy(), [
                "delete PhaseMarker phase",
                "delete KongServiceBinding kong-api02-service",
                "delete KongUpstreamEntity kong-api02-upstream",
                // Kong's A target's name goes only after the upstream that points at it.
                "delete AlidnsRecord dns-api02-to-a",
                "delete NameRecords dns-api02-records",
                "delete HealthGate gate-api02",
                "delete KongServiceBinding kong-api01-service",
                "delete KongUpstreamEntity kong-api01-upstream",
                "delete AlidnsRecord dns-api01-to-a",
                "delete NameRecords dns-api01-records",
                "delete HealthGate gate-api01",
            ]);
            assert.deepEqual(view(w), {
                dns: both("(no record); weighting off"),
                kong: both("(no upstream); service → {api}.source-team1.dev.aliyun.cloud.cn.aibang retries 5"),
            });
            assert.deepEqual(w.kong.zeroWeightMoments, [], "no upstream ever had every target at 0");
            // Exactly the records there were before the stack (none in this world): no staging leftover, no paused record.
            assert.deepEqual([...w.dns.records.values()], []);
        });

        it("refresh finds drift made by hand, and the next up converges it", async () => {
            w = await new World(host).start();
            await w.engine.up(w.stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }));
            const b = [...w.dns.records.values()].find((r) => r.RR === "api01.source-team1.dev" && r.Value === "10.72.11.99")!;
            b.Weight = 55;
            w.kong.targets.forEach((t) => t.target === B_TARGET("api01") && (t.weight = 33));
            const refreshed = await w.engine.refresh();
            assert.deepEqual(refreshed.filter((s) => s.startsWith("drift")).sort(), [
                "drift KongUpstreamEntity kong-api01-upstream",
                "drift NameRecords dns-api01-records",
            ]);
            await w.engine.up(w.stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }));
            assert.deepEqual(view(w).dns.api01, "A on 80 ttl 60, B on 20 ttl 60; weighting on");
            assert.deepEqual(view(w).kong.api01, "A 80 B 20; service → team1-api01 retries 10");
        });
    });

    describe("faults reach the engine as messages naming entity, field and vendor code", () => {
        const shift20 = (x: World, extra?: (c: Record<string, Record<string, unknown>>) => void) =>
            x.stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }, extra);

        it("Kong 404: a service that does not exist", async () => {
            w = await new World(host).start();
            const file = shift20(w, (c) => (c["migration:kong"].apis = { api01: { service: "api09" }, api02: { service: "api02" } }));
            assert.equal(await engineError(w.engine.up(file)), "2 service api09 does not exist in Kong (HTTP 404)");
        });

        it("Kong 401: a token Kong does not accept", async () => {
            w = new World(host);
            (w.kong.options as { token?: string }).token = "another-token";
            await w.start();
            // Every API's upstream fails alike: one step at a time, so the first failure is api01's (at 16 at once it is a race).
            assert.equal(
                await engineError(w.engine.up(shift20(w), SERIAL)),
                "2 Kong refused the Admin credentials for upstream team1-api01 (HTTP 401): Invalid credentials. Token or User credentials required",
            );
            assert.deepEqual(w.kongView().api01, "(no upstream); service → api01.source-team1.dev.aliyun.cloud.cn.aibang retries 5");
        });

        it("Kong 400: a schema violation names the field", async () => {
            w = await new World(host).start();
            const file = shift20(w, (c) => (c["migration:kong"].migrationSettings = { retries: 32767 }));
            w.kong.inject({
                method: "PATCH",
                pathIncludes: "/services/api01",
                status: 400,
                body: {
                    code: 2,
                    name: "schema violation",
                    message: "schema violation (retries: value should be between 0 and 32767)",
                    fields: { retries: "value should be between 0 and 32767" },
                },
            });
            assert.equal(
                await engineError(w.engine.up(file)),
                "2 Kong rejected service api01: retries: value should be between 0 and 32767",
            );
        });

        it("Kong 409: a target that already exists is adopted; the apply converges", async () => {
            w = await new World(host).start();
            await w.engine.up(w.stackFile({ phase: "prepare" }));
            w.kong.targets.forEach((t) => t.target === B_TARGET("api01") && w.kong.targets.delete(t.id));
            w.kong.inject({ method: "PATCH", pathIncludes: "/targets/", status: 404, body: { message: "Not found" } });
            await w.engine.up(shift20(w));
            assert.deepEqual(w.kong.weights("team1-api01"), { [A_TARGET("api01")]: 80, [B_TARGET("api01")]: 20 });
        });

        it("Kong 5xx then success converges; 5xx that persists fails after the configured attempts", async () => {
            w = await new World(host).start();
            w.kong.inject({ method: "PUT", pathIncludes: "/upstreams/team1-api01", status: 500, times: 2 });
            await w.engine.up(shift20(w));
            assert.deepEqual(w.kong.weights("team1-api01"), { [A_TARGET("api01")]: 80, [B_TARGET("api01")]: 20 });
            w.kong.inject({
                method: "PATCH",
                pathIncludes: "/targets/",
                status: 503,
                body: { message: "database unavailable" },
                times: 10,
            });
            assert.equal(
                await engineError(w.engine.up(w.stackFile({ phase: "shift", weights: { api01: 30, api02: 0 } }))),
                `2 Kong Admin API answered HTTP 503 for target ${B_TARGET("api01")} of upstream team1-api01 after 3 attempts: database unavailable`,
            );
        });

        it("Kong 429 with Retry-After is waited out", async () => {
            w = await new World(host).start();
            w.kong.inject({
                method: "PUT",
                pathIncludes: "/upstreams/",
                status: 429,
                body: { message: "API rate limit exceeded" },
                headers: { "retry-after": "0" },
                times: 2,
            });
            await w.engine.up(shift20(w));
            assert.deepEqual(w.kong.weights("team1-api02"), { [A_TARGET("api02")]: 100, [B_TARGET("api02")]: 0 });
        });

        it("Kong timeout: retried, and one that persists names the timeout", async () => {
            w = await new World(host).start();
            w.kong.inject({ method: "PUT", pathIncludes: "/upstreams/team1-api01", delayMs: 800, times: 3 });
            assert.equal(
                await engineError(w.engine.up(shift20(w))),
                `2 the Kong Admin API at ${w.kong.url} did not answer within 500 ms for upstream team1-api01 after 3 attempts`,
            );
        });

        it("Kong unreachable: connection refused is named", async () => {
            w = await new World(host).start();
            const closed = await closedPort();
            const file = shift20(w, (c) => (c["migration:kong"].adminUrl = `http://127.0.0.1:${closed}`));
            // Every API's upstream fails alike: one step at a time, so the first failure is api01's.
            assert.equal(
                await engineError(w.engine.up(file, SERIAL)),
                `2 cannot reach the Kong Admin API at http://127.0.0.1:${closed} for upstream team1-api01: ECONNREFUSED`,
            );
        });

        it("Kong DELETE of a target removed by hand is success: a mode switch removes targets and converges", async () => {
            w = await new World(host).start();
            await w.engine.up(shift20(w));
            w.kong.targets.forEach((t) => t.target === B_TARGET("api02") && w.kong.targets.delete(t.id));
            await w.engine.up(
                w.stackFile({ phase: "shift", weights: { api01: 0, api02: 0 } }, (c) => (c["migration:kong"].mode = "stable-hostname")),
            );
            assert.deepEqual(w.kong.weights("team1-api02"), { [`origin-api02.source-team1.dev.aliyun.cloud.cn.aibang:443`]: 100 });
        });

        it("Alidns: a vendor error reaches the engine with the call, the record and the code", async () => {
            w = await new World(host).start();
            w.dns.failNext("SetDNSSLBStatus", {
                status: 400,
                code: "DomainRecordNotBelongToUser",
                message: "The domain record does not belong to this user.",
            });
            const message = await engineError(w.engine.up(shift20(w)));
            assert.match(
                message,
                new RegExp(
                    `^2 Alidns SetDNSSLBStatus failed for ${HOST("api01").replace(/\./g, "\\.")}: DomainRecordNotBelongToUser: The domain record does not belong to this user\\. \\(request REQ-\\d+\\)$`,
                ),
            );
        });

        it("Alidns throttling then success converges; throttling that persists fails naming Throttling.User", async () => {
            w = await new World(host).start();
            w.dns.throttle(3, "Throttling.User", 1);
            await w.engine.up(shift20(w));
            assert.deepEqual(w.dnsView(), {
                api01: "A on 80 ttl 60, B on 20 ttl 60; weighting on",
                api02: "A on 1 ttl 60; weighting off",
            });
            w.dns.throttle(100, "Throttling.User", 1);
            const message = await engineError(w.engine.up(w.stackFile({ phase: "shift", weights: { api01: 30, api02: 0 } })));
            assert.match(
                message,
                // The first call of an update is the read of the name (a half-done earlier apply is resumed from what it finds).
                /^2 Alidns DescribeSubDomainRecords failed for api01\.source-team1\.dev\.aliyun\.cloud\.cn\.aibang after 4 attempts: Throttling\.User: Request was denied due to user flow control\. \(request REQ-\d+\)$/,
            );
        });

        it("Alidns ServiceUnavailable is retried with backoff", async () => {
            w = await new World(host).start();
            w.dns.throttle(2, "ServiceUnavailable");
            await w.engine.up(shift20(w));
            assert.equal(w.dnsView().api01, "A on 80 ttl 60, B on 20 ttl 60; weighting on");
        });

        it("Kong's Check refuses targets without a port, through the host", async () => {
            w = await new World(host).start();
            const { run } = await w.engine.program(shift20(w), false);
            const upstream = run.resources.find((r) => r.name === "kong-api01-upstream")!;
            const wire = upstream.wire as { targets: { target: string }[] };
            const bad = { ...wire, targets: wire.targets.map((t) => ({ ...t, target: t.target.replace(":443", "") })) };
            assert.deepEqual((await host.check(upstream.urn, {}, bad)).failures, [
                {
                    property: "targets[0].target",
                    reason: '"api01-a.source-team1.dev.aliyun.cloud.cn.aibang" needs an explicit port (Kong stores 8000 otherwise)',
                },
                {
                    property: "targets[1].target",
                    reason: '"api01.target-team2.dev.aliyun.cloud.cn.aibang" needs an explicit port (Kong stores 8000 otherwise)',
                },
            ]);
        });
    });

    it("a one-weight edit (20 APIs, DNS and Kong) costs exactly the changed records and targets in writes, and one read of the name", async () => {
        const apis = Array.from({ length: 20 }, (_, i) => `api${String(i + 1).padStart(3, "0")}`);
        const all = (n: number) => Object.fromEntries(apis.map((a) => [a, n]));
        w = await new World(host, apis).start();
        await w.engine.up(w.stackFile({ phase: "shift", weights: all(10) }));
        w.dns.calls.length = 0;
        w.kong.exchanges.length = 0;
        const taken = await w.engine.up(w.stackFile({ phase: "shift", weights: { ...all(10), api007: 25 } }));
        assert.deepEqual(
            taken.filter((s) => !s.startsWith("same")),
            ["update NameRecords dns-api007-records", "update KongUpstreamEntity kong-api007-upstream"],
        );
        assert.deepEqual(
            w.dns.log().map((l) => l.replace(/RecordId=\d+/, "RecordId=…")),
            [
                `DescribeSubDomainRecords DomainName=aliyun.cloud.cn.aibang Line=default PageSize=100 SubDomain=${HOST("api007")}`,
                "UpdateDNSSLBWeight RecordId=… Weight=25",
                "UpdateDNSSLBWeight RecordId=… Weight=75",
            ],
        );
        assert.deepEqual(
            w.kong.log().map((l) => l.replace(/ → .*/, "")),
            [
                `PATCH /upstreams/team1-api007/targets/${B_TARGET("api007")} {"weight":25}`,
                `PATCH /upstreams/team1-api007/targets/${A_TARGET("api007")} {"weight":75}`,
            ],
        );
    });

    it("a 200-API phase edit under throttling converges with no error, each call within the configured 4 attempts", async function () {
        this.timeout(90_000);
        const apis = Array.from({ length: 200 }, (_, i) => `api${String(i + 1).padStart(3, "0")}`);
        const all = (n: number) => Object.fromEntries(apis.map((a) => [a, n]));
        const dnsOnly = (c: Record<string, Record<string, unknown>>) => delete c["migration:kong"] && delete c["migration:kongAdminToken"];
        w = await new World(host, apis).start();
        await w.engine.up(w.stackFile({ phase: "shift", weights: all(10) }, dnsOnly), { parallelism: 16 });
        w.dns.calls.length = 0;
        // One answer in two throttled, 150 in all (a burst as long as the retries is the 2-API test above).
        w.dns.throttle(150, "Throttling.User", 1, 2);
        // One step at a time here: with steps interleaved, "one answer in two" could land on one call four times running.
        await w.engine.up(w.stackFile({ phase: "shift", weights: all(20) }, dnsOnly), SERIAL);
        assert.deepEqual(new Set(Object.values(w.dnsView())), new Set(["A on 80 ttl 60, B on 20 ttl 60; weighting on"]));
        const tries = new Map<string, number>();
        for (const l of w.dns.log()) tries.set(l, (tries.get(l) ?? 0) + 1);
        assert.equal(tries.size, 600, "one read of the name and two weight writes per API, nothing else");
        assert.ok(Math.max(...tries.values()) <= 4, `a call was tried ${Math.max(...tries.values())} times`);
        assert.equal(w.dns.log().length, 600 + 150, "each throttled answer cost exactly one more attempt");
    });
});
