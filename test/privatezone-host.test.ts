/**
 * NameRecords on PrivateZone as `pulumi up` runs it: the resource serialised by the SDK from a
 * program that constructs it, driven through the real dynamic-provider host against the
 * loopback PrivateZone double, with what the name answers checked after every call; then the
 * cutover stack on PrivateZone through the engine.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OfflineRun, runOffline } from "../offline/harness";
import { NameRecord, NameRecords, NAME_RECORDS_TYPE } from "../providers/name-records";
import { assertSafeAnswers } from "./doubles/answers";
import { PrivateZoneDouble } from "./doubles/privatezone";
import { Engine, plain } from "./engine/engine";
import { startHost } from "./engine/fixture";
import { engineError } from "./engine/engine";
import { Props, ProviderHost } from "./engine/host";
import { A_ADDRESS, B_ADDRESS, editedStackFile, ZONE } from "./helpers";

const ZONE_ID = "1a2b3c4d5e6f7a8b";
const RR = "api01.source-team1.dev";
const SUB = `${RR}.${ZONE}`;
const a = (weight = 100, ttl = 60): NameRecord => ({ side: "A", type: "A", value: A_ADDRESS, ttl, weight });
const b = (weight = 100, ttl = 60): NameRecord => ({ side: "B", type: "A", value: B_ADDRESS, ttl, weight });

describe("NameRecords on PrivateZone through the real dynamic-provider host", function () {
    this.timeout(30_000);
    let host: ProviderHost;
    let pz: PrivateZoneDouble;

    before(async () => {
        host = await startHost();
    });
    after(() => host.stop());
    beforeEach(async () => {
        pz = new PrivateZoneDouble();
        await pz.start();
        pz.addRecord({ zoneId: ZONE_ID, rr: "*.source-team1.dev", value: A_ADDRESS, ttl: 3600 });
        pz.watch(ZONE_ID, RR);
    });
    afterEach(() => pz.stop());

    /** The resource's wire inputs for `records`, as the SDK serialises them from a program. */
    async function wire(records: NameRecord[]): Promise<{ urn: string; inputs: Props }> {
        const run: OfflineRun = await runOffline({
            project: "lib",
            stack: "test",
            config: {},
            keepWire: true,
            program: async () => {
                new NameRecords("dns-api01-records", {
                    service: "privatezone",
                    zone: ZONE,
                    zoneId: ZONE_ID,
                    rr: RR,
                    stagingRr: "api01-staging",
                    records,
                    endpoint: pz.endpoint,
                    retry: { retries: 3, backoffMs: 5 },
                });
                return {};
            },
        });
        const r = run.resources.find((x) => x.type === NAME_RECORDS_TYPE)!;
        return { urn: r.urn, inputs: plain(r.wire) as Props };
    }

    type Applied = { urn: string; id: string; inputs: Props; outputs: Props };
    /** Steps through the host as the engine would: Check, then Create or Diff + Update. */
    async function apply(prior: Applied | undefined, records: NameRecord[]): Promise<Applied> {
        const { urn, inputs } = await wire(records);
        const checked = await host.check(urn, prior?.inputs ?? {}, inputs);
        assert.deepEqual(checked.failures, []);
        if (!prior) {
            const created = await host.create(urn, checked.inputs);
            return { urn, id: created.id, inputs: checked.inputs, outputs: created.outputs };
        }
        const d = await host.diff(urn, prior.id, prior.outputs, checked.inputs);
        assert.deepEqual([d.changes, d.replaces], ["some", []]);
        const outputs = await host.update(urn, prior.id, prior.outputs, checked.inputs);
        return { urn, id: prior.id, inputs: checked.inputs, outputs };
    }

    const moments = () => pz.moments.get(`${ZONE_ID}/${RR}`)!;

    it("Check refuses all weights at 0 (PrivateZone would answer every record, unweighted) and a TTL PrivateZone does not take", async () => {
        const zero = await wire([a(0), b(0)]);
        assert.deepEqual((await host.check(zero.urn, {}, zero.inputs)).failures, [
            {
                property: "records",
                reason: "every weight is 0: the name would answer nothing (PrivateZone: every record, unweighted); keep one above 0",
            },
        ]);
        const ttl = await wire([a(100, 10)]);
        assert.deepEqual((await host.check(ttl.urn, {}, ttl.inputs)).failures, [
            { property: "records[0].ttl", reason: "10 is not a PrivateZone TTL (one of 5, 30, 60, 3600, 43200, 86400)" },
        ]);
    });

    it("prepare → shift 20 → 50 → 100 → complete → back to prepare → delete: every moment safe; updates read the name, and the staging name only to birth a record", async () => {
        let state = await apply(undefined, [a()]);
        let maxB = 0;
        const name = `DescribeZoneRecords ZoneId=${ZONE_ID} Keyword=${RR} SearchMode=EXACT PageSize=100`;
        const staging = [name, `DescribeZoneRecords ZoneId=${ZONE_ID} Keyword=api01-staging SearchMode=EXACT PageSize=100`];
        // A record is born (B in shift, A again on the way back) only after a look for a half-born one on the staging name.
        for (const [records, reads] of [
            [[a(80), b(20)], staging],
            [[a(50), b(50)], [name]],
            [[a(0), b(100)], [name]],
            [[b(100, 3600)], [name]],
            [[a()], staging],
        ] as [NameRecord[], string[]][]) {
            const from = pz.calls.length;
            state = await apply(state, records);
            const share = (records.find((r) => r.side === "B")?.weight ?? 0) / 100;
            assertSafeAnswers(moments(), Math.max(maxB, share), B_ADDRESS);
            maxB = share;
            assert.deepEqual(
                pz
                    .log()
                    .slice(from)
                    .filter((l) => l.startsWith("Describe")),
                reads,
            );
        }
        assert.deepEqual(pz.answer(ZONE_ID, RR), { weighted: false, shares: { [A_ADDRESS]: 1 } });
        await host.delete(state.urn, state.id, state.outputs);
        assert.deepEqual(pz.answer(ZONE_ID, RR), { weighted: false, shares: { [A_ADDRESS]: 1 } }, "the wildcard answers A again");
        assertSafeAnswers(moments(), 1, B_ADDRESS);
        assert.equal([...pz.records.values()].filter((r) => r.Rr === RR || r.Rr === "api01-staging").length, 0);
    });

    it("throttling is retried; an error reaches the engine with the call, the record, the name and the code", async () => {
        pz.throttle(2);
        const state = await apply(await apply(undefined, [a()]), [a(80), b(20)]);
        assert.deepEqual(pz.answer(ZONE_ID, RR).shares, { [A_ADDRESS]: 0.8, [B_ADDRESS]: 0.2 });
        const bId = (state.outputs.owned as { side: string; id: string }[]).find((o) => o.side === "B")!.id;
        // The update's first call reads the name; its second, B's weight, is throttled past the 3 retries.
        pz.failCall(2, "throttled", 3);
        const next = await wire([a(50), b(50)]);
        const message = await engineError(host.update(next.urn, state.id, state.outputs, next.inputs));
        assert.match(
            message,
            new RegExp(
                `^2 PrivateZone UpdateZoneRecordWeight failed for B's record ${bId} of ${SUB.replace(/\./g, "\\.")} after 4 attempts: Throttling\\.User: Request was denied due to user flow control\\. \\(request PVTZ-\\d+\\)$`,
            ),
        );
    });

    it("ServiceUnavailable is retried; an unreachable API fails at once, naming the call and the name", async () => {
        pz.throttle(2, "ServiceUnavailable");
        const state = await apply(await apply(undefined, [a()]), [a(80), b(20)]);
        const next = await wire([a(50), b(50)]);
        await pz.stop();
        const message = await engineError(host.update(next.urn, state.id, state.outputs, next.inputs));
        assert.equal(
            message,
            // The update's first call, the read of the name, is the one that cannot reach the API.
            `2 PrivateZone DescribeZoneRecords failed for ${SUB}: cannot reach the API (ECONNREFUSED)`,
        );
        await pz.start();
    });

    it("read (refresh) reports weights changed by hand", async () => {
        const state = await apply(await apply(undefined, [a()]), [a(80), b(20)]);
        const bId = (state.outputs.owned as { side: string; id: string }[]).find((o) => o.side === "B")!.id;
        pz.records.get(bId)!.Weight = 35;
        const read = await host.read(state.urn, state.id, state.outputs);
        assert.deepEqual(
            (read.outputs.records as { side: string; weight: number }[]).map((r) => `${r.side} ${r.weight}`),
            ["A 80", "B 35"],
        );
    });

    describe("the cutover stack on PrivateZone, step by step through the engine", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "pvtz-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        let files = 0;
        /** The committed cutover stack on PrivateZone, without Kong, B's address pinned. */
        function stackFile(cutover: Record<string, unknown>, targetHost?: string): string {
            return editedStackFile(
                "cutover",
                dir,
                (c) => {
                    const cut: Record<string, unknown> = {
                        ...c["migration:cutover"],
                        ...cutover,
                        ...(targetHost ? { targetHost } : { targetAddress: B_ADDRESS }),
                        // The gate is exercised in test/health-gate.test.ts; these steps are about the records.
                        gate: { enabled: false },
                    };
                    delete cut.platformStack;
                    c["migration:cutover"] = cut;
                    c["migration:dns"] = {
                        service: "privatezone",
                        zone: "aliyun.cloud.cn.aibang",
                        zoneId: ZONE_ID,
                        vpcIds: ["vpc-a1"],
                        ttl: { cutover: 60, steady: 3600 },
                        retries: 3,
                        retryBackoffMs: 5,
                        requestsPerSecond: 1000,
                    };
                    delete c["migration:kong"];
                    delete c["migration:kongAdminToken"];
                },
                `pvtz-${files++}.yaml`,
            );
        }

        /** Per API: its records (`A on 80`, `B off`), weighting, and what the name answers. */
        function view(): Record<string, string> {
            return Object.fromEntries(
                ["api01", "api02"].map((api) => {
                    const rr = `${api}.source-team1.dev`;
                    const records = [...pz.records.values()]
                        .filter((r) => r.Rr === rr)
                        .sort((x, y) => Number(x.RecordId) - Number(y.RecordId));
                    const side = (v: string) => (v === A_ADDRESS ? "A" : v === B_ADDRESS ? "B" : v);
                    const answer = pz.answer(ZONE_ID, rr);
                    const shares = Object.entries(answer.shares)
                        .map(([v, n]) => `${side(v)} ${Math.round(n * 100)}%`)
                        .join(" ");
                    return [
                        api,
                        `${records.map((r) => `${side(r.Value)} ${r.Status === "ENABLE" ? `on ${r.Weight}` : "off"}`).join(", ")}; answers ${shares}${answer.weighted ? " weighted" : ""}`,
                    ];
                }),
            );
        }

        it("prepare → shift 20 → 100 → complete → rollback → destroy: A's record paused, not weighted 0; complete unweighted", async () => {
            pz.records.clear();
            const engine = new Engine(host, { pz });
            await engine.up(stackFile({ phase: "prepare" }));
            // A name's first record is added at weight 100 (alone, its weight changes no answer; a later B enabled at 1 takes 1/101).
            assert.deepEqual(view(), { api01: "A on 100; answers A 100%", api02: "A on 100; answers A 100%" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }));
            assert.deepEqual(view(), { api01: "A on 80, B on 20; answers A 80% B 20% weighted", api02: "A on 100; answers A 100%" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 100, api02: 100 } }));
            assert.deepEqual(view(), {
                api01: "A off, B on 100; answers B 100% weighted",
                api02: "A off, B on 100; answers B 100% weighted",
            });
            await engine.up(stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } }));
            assert.deepEqual(view(), { api01: "B on 100; answers B 100%", api02: "B on 100; answers B 100%" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 50, api02: 0 } }));
            // Back from complete, A's record is born again (on the staging name, paused, then moved).
            assert.deepEqual(view(), { api01: "B on 50, A on 50; answers B 50% A 50% weighted", api02: "A on 100; answers A 100%" });
            await engine.destroy();
            assert.deepEqual(pz.records.size, 0);
        });

        it("B by host name: the legacy name answers <api>-a, then weighted CNAMEs 80/20 (always weighted: no switch asked), then <api>-b alone; destroy leaves the wildcard alone", async () => {
            pz.records.clear();
            pz.addRecord({ zoneId: ZONE_ID, rr: "*.source-team1.dev", value: A_ADDRESS, ttl: 3600 });
            const before = [...pz.records.values()].map((r) => ({ ...r }));
            const ALB = "alb-b2.cn-hangzhou.alb.aliyuncs.com";
            const engine = new Engine(host, { pz });
            const answers = () => pz.answer(ZONE_ID, RR);
            const viaA = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang";
            const viaB = "api01-b.source-team1.dev.aliyun.cloud.cn.aibang";
            await engine.up(stackFile({ phase: "prepare" }, ALB));
            // A CNAME of an acceleration zone is weighted by nature; alone, it answers itself.
            assert.deepEqual(answers(), { weighted: true, shares: { [viaA]: 1 } });
            assert.deepEqual(pz.answer(ZONE_ID, "api01-b.source-team1.dev"), { weighted: true, shares: { [ALB]: 1 } });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }, ALB));
            assert.deepEqual(answers(), { weighted: true, shares: { [viaA]: 0.8, [viaB]: 0.2 } });
            assert.deepEqual([...pz.lba.keys()], [], "SetZoneLbaStatus is documented for A and AAAA only");
            await engine.up(stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } }, ALB));
            assert.deepEqual(answers(), { weighted: true, shares: { [viaB]: 1 } });
            await engine.destroy();
            assert.deepEqual([...pz.records.values()], before, "exactly the records that were there before the stack");
        });
    });
});
