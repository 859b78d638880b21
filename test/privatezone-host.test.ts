/**
 * The PrivateZone weights provider as `pulumi up` runs it: the resource serialised by the SDK
 * from a program that constructs it, driven through the real dynamic-provider host against
 * the loopback PrivateZone double, with what the name answers checked after every call.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OfflineRun, runOffline } from "../offline/harness";
import { PvtzWeights, PVTZ_WEIGHTS_TYPE } from "../providers/privatezone-weights";
import { assertSafeAnswers, Moment } from "./doubles/answers";
import { PrivateZoneDouble } from "./doubles/privatezone";
import { Engine, plain } from "./engine/engine";
import { HOST_ENV } from "./engine/fixture";
import { engineError } from "./engine/engine";
import { Props, ProviderHost } from "./engine/host";
import { A_ADDRESS, B_ADDRESS, editedStackFile } from "./helpers";

const ZONE_ID = "zone-1a2b";
const RR = "api01.source-team1.dev";
const SUB = `${RR}.aliyun.cloud.cn.aibang`;

describe("the PrivateZone weights provider through the real dynamic-provider host", function () {
    this.timeout(30_000);
    let host: ProviderHost;
    let pz: PrivateZoneDouble;
    let a: string;
    let b: string;

    before(async () => {
        host = new ProviderHost(HOST_ENV);
        await host.start();
        await host.configure();
    });
    after(() => host.stop());
    beforeEach(async () => {
        pz = new PrivateZoneDouble();
        await pz.start();
        // As AddZoneRecord leaves them: both answered, weight 1.
        a = pz.addRecord({ zoneId: ZONE_ID, rr: RR, value: A_ADDRESS });
        b = pz.addRecord({ zoneId: ZONE_ID, rr: RR, value: B_ADDRESS });
    });
    afterEach(() => pz.stop());

    /** The resource's wire inputs at weights A/B, as the SDK serialises them from a program. */
    async function wire(wa: number, wb: number): Promise<{ urn: string; inputs: Props }> {
        const run: OfflineRun = await runOffline({
            project: "lib",
            stack: "test",
            config: {},
            keepWire: true,
            program: async () => {
                new PvtzWeights("pz-api01", {
                    zoneId: ZONE_ID,
                    rr: RR,
                    subDomain: SUB,
                    records: [
                        { side: "A", recordId: a, weight: wa },
                        { side: "B", recordId: b, weight: wb },
                    ],
                    endpoint: pz.endpoint,
                    retry: { retries: 3, backoffMs: 5 },
                });
                return {};
            },
        });
        const r = run.resources.find((x) => x.type === PVTZ_WEIGHTS_TYPE)!;
        return { urn: r.urn, inputs: plain(r.wire) as Props };
    }

    /** Steps through the host as the engine would: Check, then Create or Diff + Update. */
    async function apply(prior: { id: string; inputs: Props; outputs: Props } | undefined, wa: number, wb: number) {
        const { urn, inputs } = await wire(wa, wb);
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

    const assertSafe = (moments: Moment[], maxB: number) => assertSafeAnswers(moments, maxB, B_ADDRESS);

    it("Check refuses all weights at 0 (PrivateZone would answer every record, unweighted) and weights outside 0..100", async () => {
        const zero = await wire(0, 0);
        assert.deepEqual((await host.check(zero.urn, {}, zero.inputs)).failures, [
            {
                property: "records",
                reason: "every weight is 0: PrivateZone then answers every record, unweighted; keep at least one above 0",
            },
        ]);
        const big = await wire(101, 0);
        assert.deepEqual((await host.check(big.urn, {}, big.inputs)).failures, [
            { property: "records[0].weight", reason: "101 is not a weight 0..100" },
        ]);
    });

    it("shift 20 → 50 → 100 → rollback to 0 → delete: the name always answers, B never above its planned share, never unweighted", async () => {
        let state = await apply(undefined, 80, 20);
        assert.deepEqual(pz.log(), [
            `DescribeZoneRecords ZoneId=${ZONE_ID} Keyword=${RR} SearchMode=EXACT PageSize=100`,
            `UpdateZoneRecordWeight RecordId=${a} Weight=80`,
            `UpdateZoneRecordWeight RecordId=${b} Weight=20`,
            `SetZoneLbaStatus ZoneId=${ZONE_ID} Rr=${RR} Type=A Open=true`,
        ]);
        assert.deepEqual(pz.answer(ZONE_ID, RR), { weighted: true, shares: { [A_ADDRESS]: 0.8, [B_ADDRESS]: 0.2 } });
        pz.watch(ZONE_ID, RR);
        let maxB = 0.2;
        for (const [wa, wb] of [
            [50, 50],
            [0, 100],
            [100, 0],
        ]) {
            pz.calls.length = 0;
            state = await apply(state, wa, wb);
            maxB = Math.max(maxB, wb / 100);
            assert.equal(pz.log().filter((l) => l.startsWith("Describe")).length, 0, "an update reads nothing");
        }
        assert.deepEqual(pz.answer(ZONE_ID, RR), { weighted: true, shares: { [A_ADDRESS]: 1 } });
        await host.delete(state.urn, state.id, state.outputs);
        assert.deepEqual(pz.answer(ZONE_ID, RR), { weighted: false, shares: { [A_ADDRESS]: 1 } }, "rolled back: A alone, weighting off");
        assertSafe(pz.moments.get(`${ZONE_ID}/${RR}`)!, 1);
        // Rising to 100 never let B pass through an unweighted or all-zero moment:
        const moments = pz.moments.get(`${ZONE_ID}/${RR}`)!;
        assert.ok(moments.every((m) => m.weighted || Object.keys(m.shares).length === 1));
    });

    it("gaining first: going from A 100 to B 100 never passes through all-zero", async () => {
        let state = await apply(undefined, 100, 0);
        pz.watch(ZONE_ID, RR);
        pz.calls.length = 0;
        state = await apply(state, 0, 100);
        assert.deepEqual(pz.log(), [`UpdateZoneRecordWeight RecordId=${b} Weight=100`, `UpdateZoneRecordWeight RecordId=${a} Weight=0`]);
        assertSafe(pz.moments.get(`${ZONE_ID}/${RR}`)!, 1);
        assert.deepEqual(state.outputs.records, [
            { side: "A", recordId: a, weight: 0 },
            { side: "B", recordId: b, weight: 100 },
        ]);
    });

    it("throttling is retried; an error reaches the engine with the call, the name and the code", async () => {
        pz.throttle(2);
        const state = await apply(undefined, 80, 20);
        assert.deepEqual(pz.answer(ZONE_ID, RR).shares, { [A_ADDRESS]: 0.8, [B_ADDRESS]: 0.2 });
        pz.throttle(10);
        const next = await wire(50, 50);
        const message = await engineError(host.update(next.urn, state.id, state.outputs, next.inputs));
        assert.match(
            message,
            new RegExp(
                `^2 PrivateZone UpdateZoneRecordWeight failed for record ${b} \\(side B\\) of ${SUB.replace(/\./g, "\\.")} after 4 attempts: Throttling\\.User: Request was denied due to user flow control\\. \\(request PVTZ-\\d+\\)$`,
            ),
        );
    });

    it("ServiceUnavailable is retried; an unreachable API fails at once, naming the call and the name", async () => {
        pz.throttle(2, "ServiceUnavailable");
        const state = await apply(undefined, 80, 20);
        assert.deepEqual(pz.answer(ZONE_ID, RR).shares, { [A_ADDRESS]: 0.8, [B_ADDRESS]: 0.2 });
        const next = await wire(50, 50);
        await pz.stop();
        const message = await engineError(host.update(next.urn, state.id, state.outputs, next.inputs));
        assert.match(
            message,
            new RegExp(
                `^2 PrivateZone UpdateZoneRecordWeight failed for record ${b} \\(side B\\) of ${SUB.replace(/\./g, "\\.")}: cannot reach the API \\(ECONNREFUSED\\)$`,
            ),
        );
        await pz.start();
    });

    it("read (refresh) reports weights changed by hand", async () => {
        const state = await apply(undefined, 80, 20);
        pz.records.get(b)!.Weight = 35;
        const read = await host.read(state.urn, state.id, state.outputs);
        assert.deepEqual(read.outputs.records, [
            { side: "A", recordId: a, weight: 80 },
            { side: "B", recordId: b, weight: 35 },
        ]);
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

        it("prepare → shift 20 → 100 → complete → rollback → destroy", async () => {
            pz.records.clear();
            const engine = new Engine(host, { pz });
            await engine.up(stackFile({ phase: "prepare" }));
            assert.deepEqual(view(), { api01: "A on 1; answers A 100%", api02: "A on 1; answers A 100%" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }));
            assert.deepEqual(view(), { api01: "A on 80, B on 20; answers A 80% B 20% weighted", api02: "A on 1; answers A 100%" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 100, api02: 100 } }));
            assert.deepEqual(view(), {
                api01: "A on 0, B on 100; answers B 100% weighted",
                api02: "A on 0, B on 100; answers B 100% weighted",
            });
            await engine.up(stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } }));
            assert.deepEqual(view(), { api01: "B on 100; answers B 100% weighted", api02: "B on 100; answers B 100% weighted" });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 50, api02: 0 } }));
            assert.deepEqual(view(), { api01: "B on 50, A on 50; answers B 50% A 50% weighted", api02: "A on 1; answers A 100%" });
            await engine.destroy();
            assert.deepEqual(pz.records.size, 0);
        });

        it("B by host name: the legacy name answers <api>-a, then weighted CNAMEs 80/20, then <api>-b alone (weights on type CNAME)", async () => {
            pz.records.clear();
            const ALB = "alb-b2.cn-hangzhou.alb.aliyuncs.com";
            const engine = new Engine(host, { pz });
            const answers = () => pz.answer(ZONE_ID, RR);
            const viaA = "api01-a.aliyun.cloud.cn.aibang";
            const viaB = "api01-b.aliyun.cloud.cn.aibang";
            await engine.up(stackFile({ phase: "prepare" }, ALB));
            assert.deepEqual(answers(), { weighted: false, shares: { [viaA]: 1 } });
            assert.deepEqual(pz.answer(ZONE_ID, "api01-b"), { weighted: false, shares: { [ALB]: 1 } });
            await engine.up(stackFile({ phase: "shift", weights: { api01: 20, api02: 0 } }, ALB));
            assert.deepEqual(answers(), { weighted: true, shares: { [viaA]: 0.8, [viaB]: 0.2 } });
            assert.deepEqual(
                [...pz.lba.keys()].filter((k) => pz.lba.get(k)),
                [`${ZONE_ID}/${RR}/CNAME`],
            );
            await engine.up(stackFile({ phase: "complete", weights: { api01: 100, api02: 100 } }, ALB));
            assert.deepEqual(answers(), { weighted: true, shares: { [viaB]: 1 } });
            await engine.destroy();
        });
    });
});
