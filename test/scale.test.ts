/**
 * At scale, as the engine runs it: a 200-API phase edit through the real dynamic-provider host
 * with 16 steps at once, against an Alidns double that enforces a per-API quota and answers
 * `Throttling.User` past it. The providers share one pace per endpoint inside the host process
 * (`dns.requestsPerSecond`), so no answer is throttled.
 */
import * as assert from "node:assert/strict";
import { startHost, World } from "./engine/fixture";
import { ProviderHost } from "./engine/host";

describe("a 200-API phase edit with parallel steps under the service's quota", function () {
    this.timeout(120_000);
    let host: ProviderHost;
    let w: World;
    before(async () => {
        host = await startHost();
    });
    after(async () => {
        await w?.stop();
        await host.stop();
    });

    it("16 steps at once, quota 110 calls per action per second, pace 100/s: zero throttled answers, never faster than the pace", async () => {
        const apis = Array.from({ length: 200 }, (_, i) => `api${String(i + 1).padStart(3, "0")}`);
        const all = (n: number) => Object.fromEntries(apis.map((a) => [a, n]));
        const dnsOnly = (rate: number) => (c: Record<string, Record<string, unknown>>) => {
            delete c["migration:kong"];
            delete c["migration:kongAdminToken"];
            c["migration:dns"].requestsPerSecond = rate;
        };
        w = await new World(host, apis).start();
        await w.engine.up(w.stackFile({ phase: "shift", weights: all(10) }, dnsOnly(1000)), { parallelism: 16 });
        const planned = await w.engine.plan(w.stackFile({ phase: "shift", weights: all(20) }, dnsOnly(100)));
        w.dns.calls.length = 0;
        w.dns.rateLimit(110);
        const t0 = Date.now();
        await w.engine.up(planned, { parallelism: 16 });
        const seconds = (Date.now() - t0) / 1000;
        const calls = w.dns.calls.length;
        assert.deepEqual([w.dns.throttledAnswers, calls], [0, 600], "one read and two weight writes per API, none throttled");
        assert.deepEqual(new Set(Object.values(w.dnsView())), new Set(["A on 80 ttl 60, B on 20 ttl 60; weighting on"]));
        // Paced: never faster than the rate allows.
        // (How close to calls ÷ rate a large edit comes is the bench's figure, at 1,000 APIs and the default
        // pace; here the host's own work on a loaded 2-core machine is a large share of a 6 s edit.)
        assert.ok(seconds >= (calls - 1) / 100, `${seconds} s for ${calls} calls at 100/s`);
        w.dns.rateLimit(undefined);
    });
});
