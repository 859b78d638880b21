import * as assert from "node:assert/strict";
import { parseConfig, weightedRecordLimitProblem } from "../config/parse";
import { RawConfig } from "../config/types";
import { api, configProblems, DOMAINS } from "./helpers";

function raw(cutover: Record<string, unknown> = {}, dns: Record<string, unknown> = {}): RawConfig {
    return {
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01"), api("api02")],
        cutover: { phase: "shift", weights: { api01: 20 }, sourceAddress: "10.72.10.88", ...cutover },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 }, ...dns },
    };
}

const problems = configProblems;

describe("cutover config", () => {
    it("fills in defaults: APIs left out weigh 0, B's address from the dev stack, A-record completion, the health gate on", () => {
        assert.deepEqual(parseConfig(raw()), {
            role: "cutover",
            domains: DOMAINS,
            apis: [api("api01"), api("api02")],
            cutover: {
                phase: "shift",
                weights: { api01: 20, api02: 0 },
                sourceAddress: "10.72.10.88",
                target: { kind: "stack", stack: "organization/migration/dev" },
                completeWith: "address",
                gate: { enabled: true, probes: ["legacy"], successes: 3, intervalMs: 2000, deadlineMs: 120000, timeoutMs: 5000 },
            },
            dns: {
                service: "alidns",
                zone: "aliyun.cloud.cn.aibang",
                edition: "standard",
                ttl: { cutover: 60, steady: 600 },
                line: "default",
                endpoint: "alidns.aliyuncs.com",
                retry: { retries: 5, backoffMs: 250 },
                requestsPerSecond: 20,
            },
        });
    });

    it("dns.requestsPerSecond: the provider process's pace per endpoint, a whole number 1..1000", () => {
        const dns = (rps: unknown) => parseConfig(raw({}, { requestsPerSecond: rps }));
        assert.equal((dns(200) as { dns: { requestsPerSecond: number } }).dns.requestsPerSecond, 200);
        assert.deepEqual(problems(raw({}, { requestsPerSecond: 0 })), [
            "migration:dns.requestsPerSecond: 0 is not accepted; expected an integer from 1 to 1000",
        ]);
    });

    it('dns.line: the resolution line the records take, "default" unless set; a line identifier is kept', () => {
        for (const line of ["telecom", "cn_mobile_anhui", "a".repeat(32)]) {
            const config = parseConfig(raw({}, { line }));
            assert.equal(config.role === "cutover" && config.dns.line, line);
        }
    });

    describe("refuses before anything registers", () => {
        const cases: [string, RawConfig, string[]][] = [
            [
                "a TTL below the edition's floor",
                raw({}, { edition: "basic", ttl: { cutover: 60, steady: 600 } }),
                [
                    "migration:dns.ttl.cutover: 60 is not accepted; expected an integer number of seconds from 120 to 86400 (the basic edition's floor is 120 s)",
                ],
            ],
            [
                "a free-edition steady TTL below 600",
                raw({}, { edition: "free", ttl: { cutover: 600, steady: 300 } }),
                [
                    "migration:dns.ttl.steady: 300 is not accepted; expected an integer number of seconds from 600 to 86400 (the free edition's floor is 600 s)",
                ],
            ],
            [
                "a cutover TTL longer than the steady one",
                raw({}, { ttl: { cutover: 900, steady: 600 } }),
                [
                    "migration:dns.ttl.cutover: 900 is not accepted; expected a TTL no longer than dns.ttl.steady (600): the cutover TTL is the short one",
                ],
            ],
            [
                "an unknown edition",
                raw({}, { edition: "premium" }),
                ['migration:dns.edition: "premium" is not accepted; expected one of free | basic | standard | ultimate | exclusive'],
            ],
            [
                "a weight above 100",
                raw({ weights: { api01: 120 } }),
                [
                    "migration:cutover.weights.api01: 120 is not accepted; expected a whole percentage from 0 to 100 (the share of traffic on B)",
                ],
            ],
            [
                "a fractional weight",
                raw({ weights: { api01: 12.5 } }),
                [
                    "migration:cutover.weights.api01: 12.5 is not accepted; expected a whole percentage from 0 to 100 (the share of traffic on B)",
                ],
            ],
            [
                "a negative weight",
                raw({ weights: { api01: -1 } }),
                [
                    "migration:cutover.weights.api01: -1 is not accepted; expected a whole percentage from 0 to 100 (the share of traffic on B)",
                ],
            ],
            [
                "complete while a weight is below 100 (and one left out)",
                raw({ phase: "complete", weights: { api01: 90 } }),
                [
                    "migration:cutover.weights.api01: 90 is not accepted; expected 100 for every API in phase complete (shift them all to 100 first)",
                    "migration:cutover.weights.api02: 0 is not accepted; expected 100 for every API in phase complete (shift them all to 100 first)",
                ],
            ],
            [
                "a weight for an API the shared config does not define",
                raw({ weights: { api09: 10 } }),
                [
                    "migration:cutover.weights.api09: 10 is not accepted; expected weights only for APIs defined in migration:apis (api01, api02)",
                ],
            ],
            [
                "A's address not IPv4",
                raw({ sourceAddress: "slb-a.internal" }),
                ['migration:cutover.sourceAddress: "slb-a.internal" is not accepted; expected A\'s SLB address as IPv4, e.g. 10.72.10.88'],
            ],
            [
                "B's address not IPv4",
                raw({ targetAddress: "10.72.11.999" }),
                ['migration:cutover.targetAddress: "10.72.11.999" is not accepted; expected B\'s SLB address as IPv4, e.g. 10.72.11.99'],
            ],
            [
                "B's address given twice",
                raw({ targetAddress: "10.72.11.99", platformStack: "dev" }),
                [
                    "migration:cutover.targetAddress: \"10.72.11.99\" is not accepted; expected either cutover.targetAddress or cutover.platformStack (B's address from that stack's outputs), not both",
                ],
            ],
            [
                "an unknown phase",
                raw({ phase: "rollback" }),
                ['migration:cutover.phase: "rollback" is not accepted; expected one of prepare | shift | complete'],
            ],
            [
                "a resolution line that is not a line identifier",
                raw({}, { line: "China Telecom" }),
                [
                    'migration:dns.line: "China Telecom" is not accepted; expected the resolution line of the records: "default", or a line identifier of a-z, 0-9 and _, at most 32 characters (e.g. telecom)',
                ],
            ],
            [
                "a resolution line longer than 32 characters",
                raw({}, { line: "a".repeat(33) }),
                [
                    `migration:dns.line: "${"a".repeat(33)}" is not accepted; expected the resolution line of the records: "default", or a line identifier of a-z, 0-9 and _, at most 32 characters (e.g. telecom)`,
                ],
            ],
            [
                "a zone that does not hold the legacy names",
                raw({}, { zone: "example.cn" }),
                [
                    'migration:dns.zone: "example.cn" is not accepted; expected a zone that contains the legacy hosts (api01.source-team1.dev.aliyun.cloud.cn.aibang, api02.source-team1.dev.aliyun.cloud.cn.aibang)',
                ],
            ],
        ];
        for (const [what, input, expected] of cases) it(what, () => assert.deepEqual(problems(input), expected));
    });

    it("refuses more weighted records per name than the edition allows", () => {
        assert.equal(weightedRecordLimitProblem("free", 11), "an edition that allows 11 weighted records per name (free allows 10)");
        assert.equal(weightedRecordLimitProblem("standard", 90), undefined);
        assert.equal(weightedRecordLimitProblem("free", 2), undefined, "the two records per legacy name fit every edition");
    });
});
