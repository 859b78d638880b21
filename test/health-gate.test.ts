/**
 * The health gate through the real dynamic-provider host (test/engine/): before B's share of an
 * API rises, B's ingress (a loopback HTTPS double with real certificates) must answer the legacy
 * probe; otherwise the apply fails with the probe's reason and the DNS and Kong doubles are
 * untouched. Rollbacks and unchanged weights never wait for B.
 */
import * as assert from "node:assert/strict";
import { engineError } from "./engine/engine";
import { HOST, HOST_ENV, World, ZONE } from "./engine/fixture";
import { ProviderHost } from "./engine/host";
import { api, configProblems, DOMAINS, planConfig, planStack, T } from "./helpers";
import { KongControlPlaneDouble, row } from "./doubles/kong-cp";

const view = (w: World) => ({ dns: w.dnsView(), kong: w.kongView() });

describe("the health gate in pulumi up, through the real provider host", function () {
    this.timeout(30_000);
    let host: ProviderHost;
    let w: World;
    before(async () => {
        host = new ProviderHost(HOST_ENV);
        await host.start();
    });
    after(() => host.stop());
    afterEach(() => w?.stop());

    const shift = (weights: Record<string, number>, gate: Record<string, unknown> = {}) =>
        w.stackFile({ phase: "shift", weights, gate: { successes: 1, intervalMs: 100, deadlineMs: 1000, timeoutMs: 500, ...gate } });

    it("B not serving the legacy Host: the rise fails at the gate naming the probe and the reason; DNS and Kong untouched", async () => {
        w = await new World(host).start();
        await w.engine.up(w.stackFile({ phase: "prepare" }));
        const before = view(w);
        w.ingress.b.serves = w.ingress.b.serves.filter((h) => !h.includes("source-team1"));
        const message = await engineError(w.engine.up(shift({ api01: 20, api02: 0 })));
        const at = `127.0.0.1:${w.ingress.port}`;
        assert.equal(
            message,
            `2 health gate for api01 (B's share rising: dns 0 → 20 %, kong 0 → 20 %): B did not pass 1 consecutive round within 1 s; nothing moved. ` +
                `Last round: legacy ${HOST("api01")}/health via ${at}: HTTP 404 from ${at} — B's ingress does not serve this Host`,
        );
        assert.deepEqual(view(w), before, "no weight moved on either layer");
    });

    it("B healthy: the gate passes once, then the weights move; the same weights again do not probe again", async () => {
        w = await new World(host).start();
        await w.engine.up(w.stackFile({ phase: "prepare" }));
        const seen = w.ingress.backend.length;
        await w.engine.up(shift({ api01: 20, api02: 0 }));
        assert.deepEqual(view(w).dns.api01, "A on 80 ttl 60, B on 20 ttl 60; weighting on");
        assert.deepEqual(view(w).kong.api01, "A 80 B 20; service → team1-api01 retries 10");
        assert.deepEqual(w.ingress.backend.slice(seen), [`${HOST("api01")} /health`], "one legacy probe for api01, none for api02 at 0");
        assert.match(String(w.engine.entry("gate-api01").outputs.passedAt), /^\d{4}-\d{2}-\d{2}T/);
        await w.engine.up(shift({ api01: 20, api02: 0 }));
        assert.equal(w.ingress.backend.length, seen + 1, "an unchanged weight does not probe");
    });

    it("Kong's B target still answering B's old load balancer (B's wildcard): the gate fails naming the name, though B's ingress passes", async () => {
        w = await new World(host).start();
        await w.engine.up(w.stackFile({ phase: "prepare" }));
        const before = view(w);
        // B's names not pointed yet: the long name answers the wildcard's (old) load balancer.
        w.resolver.set(`api01.target-team2.dev.${ZONE}`, { A: ["10.72.11.1"] });
        const message = await engineError(w.engine.up(shift({ api01: 20, api02: 0 })));
        assert.equal(
            message,
            `2 health gate for api01 (B's share rising: dns 0 → 20 %, kong 0 → 20 %): B did not pass 1 consecutive round within 1 s; nothing moved. ` +
                `Last round: name api01.target-team2.dev.${ZONE}: answers A 10.72.11.1, not B's load balancer 10.72.11.99`,
        );
        assert.deepEqual(view(w), before, "no weight moved on either layer");
        assert.ok(w.resolver.asked.includes(`A api01.target-team2.dev.${ZONE}`), w.resolver.asked.join(", "));
    });

    it("a rollback is never gated: with B down, lowering B's share goes through", async () => {
        w = await new World(host).start();
        await w.engine.up(shift({ api01: 50, api02: 0 }));
        const gateState = () =>
            [...w.engine.state.values()].find((e) => e.urn.endsWith("::gate-api01"))!.outputs as {
                passedAt?: string;
                sharesSince?: string;
            };
        const risen = gateState();
        await w.engine.up(shift({ api01: 50, api02: 0 }));
        assert.deepEqual(gateState(), risen, "the same shares again: the gate keeps its times");
        await w.ingress.stop();
        await w.engine.up(shift({ api01: 10, api02: 0 }));
        assert.deepEqual(view(w).dns.api01, "A on 90 ttl 60, B on 10 ttl 60; weighting on");
        // A fall is not probed (passedAt stays the rise's), but it is when these shares began.
        const fallen = gateState();
        assert.equal(fallen.passedAt, risen.passedAt);
        assert.ok(fallen.sharesSince! > risen.sharesSince!, `${fallen.sharesSince} after ${risen.sharesSince}`);
        await w.engine.up(w.stackFile({ phase: "prepare" }));
        assert.deepEqual(view(w).dns.api01, "A on 100 ttl 60; weighting off");
        // …and raising it again with B down is stopped, naming why.
        const message = await engineError(w.engine.up(shift({ api01: 5, api02: 0 })));
        assert.match(
            message,
            new RegExp(
                `legacy ${HOST("api01").replace(/\./g, "\\.")}/health via 127\\.0\\.0\\.1:\\d+: connection refused by 127\\.0\\.0\\.1:\\d+$`,
            ),
        );
        assert.deepEqual(view(w).dns.api01, "A on 100 ttl 60; weighting off");
        await w.ingress.start();
    });

    it("an API routed through B's Kong data plane: a data plane out of sync blocks the rise with its reason; in sync, the weights move", async () => {
        const cp = new KongControlPlaneDouble();
        await cp.start();
        try {
            const dev = (await planStack("dev")).outputs;
            // The platform stack publishes an address (these suites speak to the Alidns double) and a data plane for api01.
            const platform = {
                ...dev,
                ingress: { ...(dev.ingress as object), addressKind: "ip", loadBalancerAddress: "10.72.11.99" },
                kongDataPlane: { apis: ["api01"], hostname: "kong-dp-team1", controlPlaneVersion: "3.9.1" },
            };
            w = await new World(host).start({ refs: { "organization/migration/dev": platform } });
            const file = (weights: Record<string, number>) =>
                w.stackFile(
                    {
                        phase: "shift",
                        weights,
                        gate: { successes: 1, intervalMs: 100, deadlineMs: 1000, timeoutMs: 500, kongControlPlaneAdmin: cp.url },
                    },
                    undefined,
                    true,
                );
            await w.engine.up(w.stackFile({ phase: "prepare" }, undefined, true));
            const before = view(w);
            const now = new Date();
            cp.rows = [row("kong-dp-a-1", now), row("kong-dp-team1", now, { sync_status: "plugin_set_incompatible" })];
            const message = await engineError(w.engine.up(file({ api01: 20, api02: 0 })));
            assert.match(
                message,
                /Last round: Kong data plane kong-dp-team1: sync_status plugin_set_incompatible: it lacks a plugin the configuration uses; it is pushed no configuration$/,
            );
            assert.match(message, /^2 health gate for api01 \(B's share rising: dns 0 → 20 %, kong 0 → 20 %\)/);
            assert.deepEqual(view(w), before, "no weight moved on either layer");
            cp.rows = [row("kong-dp-a-1", new Date()), row("kong-dp-team1", new Date())];
            await w.engine.up(file({ api01: 20, api02: 0 }));
            assert.deepEqual(view(w).dns.api01, "A on 80 ttl 60, B on 20 ttl 60; weighting on");
            const evidence = w.engine.entry("gate-api01").outputs.evidence as string[];
            assert.equal(evidence[evidence.length - 1], `Kong data plane kong-dp-team1: in sync (config_hash ${"a".repeat(32)})`);
            assert.deepEqual(cp.violations, []);
        } finally {
            await cp.stop();
        }
    });
});

describe("the health gate in the plan and in config", () => {
    const cutover = (gate?: Record<string, unknown>) => ({
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01")],
        cutover: {
            phase: "shift",
            weights: { api01: 20 },
            sourceAddress: "10.72.10.88",
            targetAddress: "10.72.11.99",
            ...(gate ? { gate } : {}),
        },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 } },
    });

    it("plans one gate per API with B's shares and the legacy probe against B's address; the records and Kong weights depend on it", async () => {
        const run = await planConfig(cutover());
        const gate = run.resources.find((r) => r.name === "gate-api01")!;
        assert.deepEqual(gate.inputs, {
            api: "api01",
            shares: { dns: 20 },
            probes: [
                {
                    api: "api01",
                    probe: "legacy",
                    host: "api01.source-team1.dev.aliyun.cloud.cn.aibang",
                    path: "/health",
                    meaning: "B's ingress does not serve this Host",
                    connect: { address: "10.72.11.99", port: 443 },
                },
            ],
            successes: 3,
            intervalMs: 2000,
            deadlineMs: 120000,
            timeoutMs: 5000,
            version: "1",
        });
        assert.deepEqual(run.resources.find((r) => r.type === T.names)!.options.dependsOn, [gate.urn]);
        assert.deepEqual(run.warnings, []);
    });

    it("turning the gate off is explicit, and the plan warns", async () => {
        const run = await planConfig(cutover({ enabled: false }));
        assert.equal(run.resources.filter((r) => r.name.startsWith("gate-")).length, 0);
        assert.deepEqual(run.warnings, [
            "the health gate is off (migration:cutover.gate.enabled: false): weights toward B rise without B proving itself first",
        ]);
    });

    it("bad gate settings are refused with the key path and what is accepted", () => {
        const problems = (gate: Record<string, unknown>) => configProblems(cutover(gate) as never);
        assert.deepEqual(problems({ successes: 0 }), [
            "migration:cutover.gate.successes: 0 is not accepted; expected an integer from 1 to 20",
        ]);
        assert.deepEqual(problems({ probes: ["short"] }), [
            'migration:cutover.gate.probes: ["short"] is not accepted; expected a list of probes, each once, with "legacy" (the check that matters most): ["legacy"] or ["legacy", "short"]',
        ]);
        assert.deepEqual(problems({ probes: ["legacy", "short"] }), [
            'migration:cutover.gate.probes: ["legacy","short"] is not accepted; expected "short" only with cutover.gate.shortAddress or cutover.platformStack (where the short host\'s load balancer is)',
        ]);
        assert.deepEqual(problems({ successes: 5, intervalMs: 2000, deadlineMs: 5000 }), [
            "migration:cutover.gate.deadlineMs: 5000 is not accepted; expected more than intervalMs × (successes − 1) = 8000 ms, or the gate can never pass",
        ]);
        assert.deepEqual(problems({ caBundle: "not a certificate" }), [
            'migration:cutover.gate.caBundle: "not a certificate" is not accepted; expected a PEM bundle of CA certificates (-----BEGIN CERTIFICATE----- …)',
        ]);
        assert.deepEqual(problems({ enable: false }), [
            "migration:cutover.gate.enable: not a key this program reads (its value is not shown); did you mean enabled?; known keys: enabled, probes, successes, intervalMs, deadlineMs, timeoutMs, caBundle, kongControlPlaneAdmin, shortAddress",
        ]);
    });
});
