import * as assert from "node:assert/strict";
import { LEGACY_KONG_TAG } from "../plan/kong";
import * as fs from "node:fs";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import {
    isKongError,
    KongConnection,
    kongRequest,
    kongServiceBindingProvider as binding,
    kongUpstreamProvider as upstreams,
    ServiceBindingState,
    targetOrder,
    UpstreamState,
} from "../providers/kong";
import { contractViolations } from "./contracts/kong-contract";
import { KongDouble } from "./doubles/kong";
import { HEALTH, ROOT } from "./helpers";

const A = "api01.source-team1.dev.aliyun.cloud.cn.aibang:443";
const B = "api01.target-team2.dev.aliyun.cloud.cn.aibang:443";

describe("the Kong providers, against a loopback Kong Admin API", () => {
    let kong: KongDouble;
    let conn: KongConnection;

    beforeEach(async () => {
        kong = new KongDouble({ token: "s3cret-token" });
        await kong.start();
        conn = { adminUrl: kong.url, tlsVerify: true, auth: "kong-admin-token", retries: 3, backoffMs: 5, timeoutMs: 2000 };
        kong.addService({ name: "api01", host: "api01.source-team1.dev.aliyun.cloud.cn.aibang", port: 443, protocol: "https" });
    });

    afterEach(async function () {
        await kong.stop();
        // Every request sent and every response returned conforms to Kong's OpenAPI contract.
        if (this.currentTest?.state === "passed") assert.deepEqual(kong.exchanges.flatMap(contractViolations), []);
    });

    function up(wA: number, wB: number, extra: Partial<UpstreamState> = {}): UpstreamState {
        return {
            connection: conn,
            adminToken: "s3cret-token",
            upstream: { name: "team1-api01", host_header: null, healthchecks: HEALTH, tags: ["migration", "api:api01"] },
            targets: [
                { side: "A", target: A, weight: wA },
                { side: "B", target: B, weight: wB },
            ],
            version: "1",
            ...extra,
        };
    }

    function bind(relaxed: Record<string, number> | null): ServiceBindingState {
        return {
            connection: conn,
            adminToken: "s3cret-token",
            service: "api01",
            host: "team1-api01",
            relaxed,
            fallbackOriginal: { host: "api01.source-team1.dev.aliyun.cloud.cn.aibang", port: 443 },
            version: "1",
        };
    }

    describe("KongUpstreamEntity", () => {
        it("create upserts the upstream by name, then POSTs each target, heavier first, with no read", async () => {
            const result = await upstreams.create!(up(80, 20));
            assert.deepEqual(kong.log(), [
                `PUT /upstreams/team1-api01 ${JSON.stringify({ name: "team1-api01", healthchecks: HEALTH, tags: ["migration", "api:api01"] })} → 200`,
                `POST /upstreams/team1-api01/targets ${JSON.stringify({ target: A, weight: 80, tags: ["migration", "api:api01"] })} → 201`,
                `POST /upstreams/team1-api01/targets ${JSON.stringify({ target: B, weight: 20, tags: ["migration", "api:api01"] })} → 201`,
            ]);
            assert.equal(result.id, "team1-api01");
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 80, [B]: 20 });
        });

        it("a weight change is an update in place: the gaining target is PATCHed before the losing one", async () => {
            const created = await upstreams.create!(up(80, 20));
            const diff = await upstreams.diff!("team1-api01", created.outs, up(30, 70));
            assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
            kong.exchanges.length = 0;
            await upstreams.update!("team1-api01", created.outs, up(30, 70));
            assert.deepEqual(kong.log(), [
                `PATCH /upstreams/team1-api01/targets/${B} {"weight":70} → 200`,
                `PATCH /upstreams/team1-api01/targets/${A} {"weight":30} → 200`,
            ]);
        });

        it("moving A's target to a new name (the legacy name → <api>-a) adds the new target before deleting the old: neither side is ever at total weight 0", async () => {
            const A2 = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443";
            const created = await upstreams.create!(up(80, 20));
            const moved = up(80, 20, {
                upstream: { ...up(80, 20).upstream, host_header: "api01.source-team1.dev.aliyun.cloud.cn.aibang" },
                targets: [
                    { side: "A", target: A2, weight: 80 },
                    { side: "B", target: B, weight: 20 },
                ],
            });
            assert.deepEqual(await upstreams.diff!("team1-api01", created.outs, moved), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
            });
            kong.exchanges.length = 0;
            await upstreams.update!("team1-api01", created.outs, moved);
            const tags = ["migration", "api:api01"];
            assert.deepEqual(kong.log(), [
                `PUT /upstreams/team1-api01 ${JSON.stringify({ name: "team1-api01", host_header: "api01.source-team1.dev.aliyun.cloud.cn.aibang", healthchecks: HEALTH, tags })} → 200`,
                `POST /upstreams/team1-api01/targets ${JSON.stringify({ target: A2, weight: 80, tags })} → 201`,
                `DELETE /upstreams/team1-api01/targets/${A} → 204`,
            ]);
            // Each side's total weight after every request, replayed from the double's exchanges.
            const weights = new Map<string, number>([
                [A, 80],
                [B, 20],
            ]);
            const side = (t: string) => (t === B ? "B" : "A");
            const totals: string[] = [];
            for (const x of kong.exchanges) {
                const body = x.requestBody as { target?: string; weight?: number } | undefined;
                if (x.method === "POST") weights.set(body!.target!, body!.weight!);
                if (x.method === "DELETE") weights.delete(x.path.slice(x.path.lastIndexOf("/") + 1));
                const sum = (s: string) => [...weights].filter(([t]) => side(t) === s).reduce((n, [, w]) => n + w, 0);
                totals.push(`A ${sum("A")} B ${sum("B")}`);
            }
            assert.deepEqual(totals, ["A 80 B 20", "A 160 B 20", "A 80 B 20"]);
            assert.deepEqual(kong.weights("team1-api01"), { [A2]: 80, [B]: 20 });
            assert.deepEqual(kong.zeroWeightMoments, []);
        });

        it("an upstream tagged `migration` (before tags were per team) is re-tagged in place: the upstream PUT by name, every target PATCHed with the team's tags, weights unchanged", async () => {
            const created = await upstreams.create!(
                up(80, 20, { upstream: { ...up(80, 20).upstream, tags: [LEGACY_KONG_TAG, "api:api01"] } }),
            );
            const id = created.outs.upstreamId;
            const team = up(80, 20, { upstream: { ...up(80, 20).upstream, tags: ["migration-team1", "api:api01"] } });
            assert.deepEqual(await upstreams.diff!("team1-api01", created.outs, team), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
            });
            kong.exchanges.length = 0;
            const updated = await upstreams.update!("team1-api01", created.outs, team);
            const tags = ["migration-team1", "api:api01"];
            assert.deepEqual(kong.log(), [
                `PUT /upstreams/team1-api01 ${JSON.stringify({ name: "team1-api01", healthchecks: HEALTH, tags })} → 200`,
                `PATCH /upstreams/team1-api01/targets/${A} ${JSON.stringify({ weight: 80, tags })} → 200`,
                `PATCH /upstreams/team1-api01/targets/${B} ${JSON.stringify({ weight: 20, tags })} → 200`,
            ]);
            assert.equal(updated.outs.upstreamId, id, "the same upstream: PUT by name replaces its fields, not its id");
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 80, [B]: 20 });
        });

        it("only a new upstream name or Admin API replaces the resource", async () => {
            const olds = { ...up(80, 20), upstreamId: "x" };
            assert.deepEqual((await upstreams.diff!("team1-api01", olds, up(80, 20))).changes, false);
            assert.deepEqual(
                (await upstreams.diff!("team1-api01", olds, { ...up(80, 20), upstream: { ...up(80, 20).upstream, name: "team2-api01" } }))
                    .replaces,
                ["upstream.name"],
            );
        });

        it("adopts an upstream and targets that already exist: a POST that meets an existing target (409) becomes a PATCH", async () => {
            await kongRequest(conn, "s3cret-token", "PUT", "/upstreams/team1-api01", "setup", { name: "team1-api01" });
            await kongRequest(conn, "s3cret-token", "POST", "/upstreams/team1-api01/targets", "setup", { target: A, weight: 100 });
            kong.exchanges.length = 0;
            await upstreams.create!(up(100, 0));
            assert.deepEqual(
                kong.log().map((l) => l.replace(/ \{.*\}/, "")),
                [
                    `PUT /upstreams/team1-api01 → 200`,
                    `POST /upstreams/team1-api01/targets → 409`,
                    `PATCH /upstreams/team1-api01/targets/${A} → 200`,
                    `POST /upstreams/team1-api01/targets → 201`,
                ],
            );
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 100, [B]: 0 });
        });

        it("read reports drift made outside Pulumi, and a missing upstream as gone", async () => {
            const created = await upstreams.create!(up(80, 20));
            await kongRequest(conn, "s3cret-token", "PATCH", `/upstreams/team1-api01/targets/${encodeURIComponent(B)}`, "drift", {
                weight: 55,
            });
            const read = await upstreams.read!("team1-api01", created.outs);
            assert.deepEqual((read.props as UpstreamState).targets, up(80, 55).targets);
            await kongRequest(conn, "s3cret-token", "DELETE", "/upstreams/team1-api01", "drift");
            assert.deepEqual(await upstreams.read!("team1-api01", created.outs), { id: "", props: {} });
        });

        it("check refuses targets without a port, weights out of range, and all targets at 0", async () => {
            const bad = {
                ...up(0, 0),
                targets: [
                    { side: "A" as const, target: "api01.example", weight: 70000 },
                    { side: "B" as const, target: B, weight: 0 },
                ],
            };
            assert.deepEqual((await upstreams.check!(up(80, 20), bad)).failures, [
                { property: "targets[0].target", reason: '"api01.example" needs an explicit port (Kong stores 8000 otherwise)' },
                { property: "targets[0].weight", reason: "70000 is not a Kong weight (0..65535)" },
            ]);
            assert.deepEqual((await upstreams.check!(up(80, 20), up(0, 0))).failures, [
                { property: "targets", reason: "every target at weight 0: Kong would answer 503" },
            ]);
        });

        it("delete removes the upstream (Kong removes its targets with it)", async () => {
            const created = await upstreams.create!(up(80, 20));
            kong.exchanges.length = 0;
            await upstreams.delete!("team1-api01", created.outs);
            assert.deepEqual(kong.log(), ["DELETE /upstreams/team1-api01 → 204"]);
            assert.equal(kong.targets.size, 0);
        });
    });

    describe("KongServiceBinding", () => {
        it("an http service bound to :443 targets speaks https while bound (with the rest), keeps it at complete, and gets http back on delete", async () => {
            kong.services.clear();
            kong.addService({ name: "api01", host: "api01.source-team1.dev.aliyun.cloud.cn.aibang", port: 443, protocol: "http" });
            const expect = { protocol: "https" as const };
            const created = await binding.create!({ ...bind({ retries: 10 }), expect });
            assert.deepEqual(kong.log(), [
                "GET /services/api01 → 200",
                'PATCH /services/api01 {"protocol":"https","retries":10,"host":"team1-api01"} → 200',
            ]);
            kong.exchanges.length = 0;
            // complete: the relaxed settings go back; the protocol stays, the targets are still on 443.
            const completed = await binding.update!("api01", created.outs, { ...bind(null), expect });
            assert.deepEqual(kong.log(), ['PATCH /services/api01 {"retries":5} → 200']);
            kong.exchanges.length = 0;
            await binding.delete!("api01", completed.outs);
            const service = [...kong.services.values()].find((x) => x.name === "api01")!;
            assert.deepEqual(
                [service.host, service.protocol, service.port],
                ["api01.source-team1.dev.aliyun.cloud.cn.aibang", "http", 443],
            );
        });

        it("records the service's original, points host at the upstream with relaxed settings, and restores everything on delete", async () => {
            const created = await binding.create!(bind({ retries: 10, read_timeout: 120000 }));
            assert.deepEqual(kong.log(), [
                "GET /services/api01 → 200",
                'PATCH /services/api01 {"retries":10,"read_timeout":120000,"host":"team1-api01"} → 200',
            ]);
            assert.deepEqual((created.outs as ServiceBindingState).original, {
                host: "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                port: 443,
                protocol: "https",
                path: "/",
                retries: 5,
                connect_timeout: 60000,
                read_timeout: 60000,
                write_timeout: 60000,
            });

            kong.exchanges.length = 0;
            const completed = await binding.update!("api01", created.outs, bind(null));
            assert.deepEqual(
                kong.log(),
                ['PATCH /services/api01 {"retries":5,"read_timeout":60000} → 200'],
                "complete restores the relaxed settings",
            );

            kong.exchanges.length = 0;
            await binding.delete!("api01", completed.outs);
            assert.deepEqual(kong.log(), [
                'PATCH /services/api01 {"host":"api01.source-team1.dev.aliyun.cloud.cn.aibang","port":443,"protocol":"https","path":"/","retries":5,"connect_timeout":60000,"read_timeout":60000,"write_timeout":60000} → 200',
            ]);
            const service = [...kong.services.values()][0];
            assert.deepEqual([service.host, service.retries], ["api01.source-team1.dev.aliyun.cloud.cn.aibang", 5]);
        });

        it("adopted after an interrupted run, it records A's runtime as the original, not the upstream", async () => {
            await kongRequest(conn, "s3cret-token", "PATCH", "/services/api01", "setup", { host: "team1-api01" });
            const created = await binding.create!(bind(null));
            assert.deepEqual((created.outs as ServiceBindingState).original?.host, "api01.source-team1.dev.aliyun.cloud.cn.aibang");
        });

        it("a missing service fails with a message naming it", async () => {
            await assert.rejects(
                binding.create!({ ...bind(null), service: "api09" }),
                (err: Error) => isKongError(err) && err.message === "service api09 does not exist in Kong (HTTP 404)",
            );
        });
    });

    describe("Kong's errors become messages naming the entity and the field", () => {
        it("400 schema violation names the field", async () => {
            await assert.rejects(
                binding.create!(bind({ retries: 40000 })),
                (err: Error) => err.message === "Kong rejected service api01: retries: value should be between 0 and 32767",
            );
        });

        it("a target that appeared meanwhile (POST answers 409) is PATCHed: the apply converges", async () => {
            await kongRequest(conn, "s3cret-token", "PUT", "/upstreams/team1-api01", "setup", { name: "team1-api01" });
            await kongRequest(conn, "s3cret-token", "POST", "/upstreams/team1-api01/targets", "setup", { target: A, weight: 5 });
            await upstreams.create!(up(80, 20));
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 80, [B]: 20 });
        });

        it("a target removed by hand (PATCH answers 404) is POSTed again: the update converges", async () => {
            const created = await upstreams.create!(up(80, 20));
            await kongRequest(conn, "s3cret-token", "DELETE", `/upstreams/team1-api01/targets/${B}`, "by hand");
            kong.exchanges.length = 0;
            await upstreams.update!("team1-api01", created.outs, up(30, 70));
            assert.deepEqual(
                kong.log().map((l) => l.replace(/ \{.*\}/, "")),
                [
                    `PATCH /upstreams/team1-api01/targets/${B} → 404`,
                    `POST /upstreams/team1-api01/targets → 201`,
                    `PATCH /upstreams/team1-api01/targets/${A} → 200`,
                ],
            );
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 30, [B]: 70 });
        });

        it("a target that keeps flipping between absent and present fails with the target named", async () => {
            const created = await upstreams.create!(up(80, 20));
            kong.inject({ method: "PATCH", pathIncludes: "/targets/", status: 404, body: { message: "Not found" }, times: 5 });
            await assert.rejects(
                upstreams.update!("team1-api01", created.outs, up(30, 70)),
                (err: Error) =>
                    err.message ===
                    `target ${B} of upstream team1-api01 kept appearing and disappearing while it was written (HTTP 404); re-run the apply`,
            );
        });

        it("5xx is retried with backoff and the apply converges", async () => {
            kong.inject({ method: "PUT", pathIncludes: "/upstreams/", status: 500, times: 2 });
            await upstreams.create!(up(80, 20));
            assert.equal(kong.log().filter((l) => l.startsWith("PUT")).length, 3);
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 80, [B]: 20 });
        });

        it("5xx that persists fails after the bounded attempts", async () => {
            kong.inject({ method: "PUT", pathIncludes: "/upstreams/", status: 503, body: { message: "database unavailable" }, times: 10 });
            await assert.rejects(
                upstreams.create!(up(80, 20)),
                (err: Error) =>
                    err.message === "Kong Admin API answered HTTP 503 for upstream team1-api01 after 4 attempts: database unavailable",
            );
            assert.equal(kong.exchanges.length, 4);
        });

        it("a timeout is retried, and one that persists fails with the timeout named", async () => {
            const fast = { ...conn, timeoutMs: 100 };
            kong.inject({ method: "GET", pathIncludes: "/services/", delayMs: 300, times: 1 });
            await binding.create!({ ...bind(null), connection: fast });
            kong.inject({ method: "GET", pathIncludes: "/services/", delayMs: 300, times: 4 });
            await assert.rejects(
                binding.create!({ ...bind(null), connection: fast }),
                (err: Error) =>
                    err.message === `the Kong Admin API at ${kong.url} did not answer within 100 ms for service api01 after 4 attempts`,
            );
            await new Promise((r) => setTimeout(r, 350));
            kong.exchanges.length = 0;
        });

        it("connection refused fails at once with the address", async () => {
            await kong.stop();
            await assert.rejects(
                upstreams.create!(up(80, 20)),
                (err: Error) => err.message === `cannot reach the Kong Admin API at ${kong.url} for upstream team1-api01: ECONNREFUSED`,
            );
        });

        it("a wrong token is named as a credentials problem", async () => {
            await assert.rejects(
                upstreams.create!({ ...up(80, 20), adminToken: "wrong" }),
                (err: Error) =>
                    err.message ===
                    "Kong refused the Admin credentials for upstream team1-api01 (HTTP 401): Invalid credentials. Token or User credentials required",
            );
        });
    });

    it("the double stores a target without a port as port 8000, which is why the provider always sends one", async () => {
        await kongRequest(conn, "s3cret-token", "PUT", "/upstreams/team1-api01", "setup", { name: "team1-api01" });
        await kongRequest(conn, "s3cret-token", "POST", "/upstreams/team1-api01/targets", "setup", {
            target: "api01.source-team1.dev.aliyun.cloud.cn.aibang",
            weight: 100,
        });
        assert.deepEqual(kong.weights("team1-api01"), { "api01.source-team1.dev.aliyun.cloud.cn.aibang:8000": 100 });
    });

    it("sends a bearer token and the workspace prefix when configured", async () => {
        await kong.stop();
        kong = new KongDouble({ token: "t", workspace: "team1" });
        await kong.start();
        const ws = { ...conn, adminUrl: kong.url, workspace: "team1", auth: "bearer" as const };
        await upstreams.create!({ ...up(100, 0), connection: ws, adminToken: "t" });
        assert.deepEqual(kong.weights("team1-api01"), { [A]: 100, [B]: 0 });
        assert.ok(kong.log().every((l) => !l.includes("__outside_workspace__")));
    });

    it("property: over random weight sequences no upstream ever has every target at weight 0", async () => {
        let seed = 20261121;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const pick = () => [0, 100, 0, 100, 1, 5, 20, 50, 99][Math.floor(random() * 9)] ?? Math.floor(random() * 101);
        let state = (await upstreams.create!(up(100, 0))).outs as UpstreamState;
        for (let step = 0; step < 60; step++) {
            const w = random() < 0.7 ? pick() : Math.floor(random() * 101);
            state = (await upstreams.update!("team1-api01", state, up(100 - w, w))).outs as UpstreamState;
            assert.deepEqual(kong.weights("team1-api01"), { [A]: 100 - w, [B]: w });
        }
        assert.deepEqual(kong.zeroWeightMoments, []);
    });
});

describe("targetOrder", () => {
    it("raises before it lowers", () => {
        const before = new Map([
            [A, 100],
            [B, 0],
        ]);
        assert.deepEqual(
            targetOrder(
                [
                    { side: "A", target: A, weight: 0 },
                    { side: "B", target: B, weight: 100 },
                ],
                before,
            ).map((t) => t.side),
            ["B", "A"],
        );
    });
});

describe("Kong Admin API TLS", () => {
    let server: https.Server;
    let url: string;
    before(async () => {
        const tls = path.join(ROOT, "examples/tls");
        server = https.createServer(
            { cert: fs.readFileSync(path.join(tls, "dev-example.crt")), key: fs.readFileSync(path.join(tls, "dev-example.key")) },
            (_q, r) => {
                r.writeHead(404, { "content-type": "application/json" });
                r.end('{"message":"Not found"}');
            },
        );
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("verifies the certificate by default and refuses a self-signed one", async () => {
        await assert.rejects(
            kongRequest({ adminUrl: url, tlsVerify: true, auth: "kong-admin-token" }, undefined, "GET", "/upstreams/x", "upstream x"),
            (err: Error) => err.message === `cannot reach the Kong Admin API at ${url} for upstream x: DEPTH_ZERO_SELF_SIGNED_CERT`,
        );
    });

    it("skips verification only when told to", async () => {
        const res = await kongRequest(
            { adminUrl: url, tlsVerify: false, auth: "kong-admin-token" },
            undefined,
            "GET",
            "/upstreams/x",
            "upstream x",
            undefined,
            [404],
        );
        assert.equal(res.status, 404);
    });
});
