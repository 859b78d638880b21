/**
 * One request pace per API endpoint for the whole provider process (providers/alibaba-calls.ts
 * `pace`): the engine runs up to 16 resources at once in one host process, and each would
 * otherwise keep to the quota alone while together exceeding it.
 */
import * as assert from "node:assert/strict";
import { pace } from "../providers/alibaba-calls";

describe("pace: one request rate per endpoint, shared by every caller in the process", () => {
    it("16 concurrent callers × 5 calls at 200/s: the n-th call leaves no earlier than n ÷ rate, and the whole takes calls ÷ rate", async () => {
        const endpoint = `pace-test-${Date.now()}`;
        const starts: number[] = [];
        const t0 = Date.now();
        await Promise.all(
            Array.from({ length: 16 }, async () => {
                for (let i = 0; i < 5; i++) {
                    await pace(endpoint, 200);
                    starts.push(Date.now());
                }
            }),
        );
        const elapsed = Date.now() - t0;
        // 80 calls, 5 ms apart: the last leaves at 395 ms (timers may fire late under load, never early).
        assert.ok(elapsed >= 390 && elapsed < 395 * 1.2 + 100, `took ${elapsed} ms`);
        // So at any moment at most (time ÷ spacing) + 1 calls have left: the rate holds in every window.
        const early = [...starts].sort((a, b) => a - b).filter((t, n) => t < t0 + n * 5 - 1);
        assert.deepEqual(early, []);
    });

    it("endpoints are paced apart, and a rate of 0 does not wait", async () => {
        const t0 = Date.now();
        await Promise.all([pace("pace-a", 10), pace("pace-b", 10), pace("pace-a", 10), pace("pace-b", 10)]);
        const both = Date.now() - t0;
        assert.ok(both >= 95 && both < 200, `two endpoints at 10/s, two calls each: ${both} ms`);
        const t1 = Date.now();
        for (let i = 0; i < 100; i++) await pace("pace-c", 0);
        assert.ok(Date.now() - t1 < 50);
    });
});
