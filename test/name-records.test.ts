/**
 * The NameRecords provider against both services' loopback doubles (called as the engine
 * calls it: Check, then Create or Diff + Update, Read, Delete). Each test runs on public
 * Alidns and on PrivateZone; the calls are told in one vocabulary (test/doubles/services.ts)
 * and what the name answered after every call is checked (test/doubles/answers.ts).
 */
import * as assert from "node:assert/strict";
import { NameRecord, NameRecordsState, nameRecordsProvider as provider, weightOrder } from "../providers/name-records";
import { assertSafeAnswers } from "./doubles/answers";
import { alidnsName, applyRecords, NAME, NameService, privateZoneName, remember, RR, STAGING_RR, story } from "./doubles/services";
import { A_ADDRESS, B_ADDRESS, withAlibabaCredentials } from "./helpers";

const a = (weight = 100, ttl = 60): NameRecord => ({ side: "A", type: "A", value: A_ADDRESS, ttl, weight });
const b = (weight = 100, ttl = 60, type: "A" | "CNAME" = "A", value = B_ADDRESS): NameRecord => ({ side: "B", type, value, ttl, weight });
const LONG = "api01.target-team2.dev.aliyun.cloud.cn.aibang";

for (const make of [alidnsName, privateZoneName]) {
    describe(`NameRecords on ${make === alidnsName ? "public Alidns" : "PrivateZone"}, against its loopback double`, () => {
        let svc: NameService;
        withAlibabaCredentials();
        before(async () => {
            svc = make();
            await svc.start();
        });
        after(() => svc.stop());
        beforeEach(() => svc.reset());
        const zoneRead = () => (svc.kind === "privatezone" ? ["DescribeZoneInfo"] : []);

        /** Applies each list of records in turn; returns the state and the story of the last apply. */
        async function walk(...steps: NameRecord[][]): Promise<{ state: NameRecordsState; told: string[] }> {
            svc.reset();
            let state: NameRecordsState | undefined;
            let told: string[] = [];
            for (const records of steps) {
                const from = svc.double.calls.length;
                const r = await applyRecords(svc, state, records);
                assert.equal(r.refused, undefined, `refused: ${r.refused}`);
                state = r.state;
                told = story(svc, from);
            }
            return { state: state!, told };
        }

        it("prepare: the name's first record is added directly (it replaces the wildcard's answer with the same address)", async () => {
            const { told } = await walk([a()]);
            // PrivateZone: the zone is read before the first write (an acceleration zone, or nothing is written).
            assert.deepEqual(told, [...zoneRead(), `list ${RR}`, `add ${RR} A ${A_ADDRESS} ttl 60`]);
            assertSafeAnswers(svc.moments(), 0, B_ADDRESS);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [A_ADDRESS]: 1 });
        });

        it("canary: B is born on the staging name, paused there, moved onto the name, and enabled only once weighting is on", async () => {
            const { told, state } = await walk([a()], [a(95), b(5)]);
            const born = [
                `list ${RR}`,
                `list ${STAGING_RR}`,
                `add ${STAGING_RR} A ${B_ADDRESS} ttl 60`,
                "pause B",
                `update B: ${RR} A ${B_ADDRESS} ttl 60`,
                "weighting on (A)",
            ];
            // Alidns adds A's record at weight 1 (AddDomainRecord takes none): A's gain comes first. PrivateZone's
            // first record is added at 100: B enabled at 1 takes 1/101, then A's loss comes last.
            assert.deepEqual(
                told,
                svc.kind === "alidns"
                    ? [...born, "weight A 95", "enable B", "weight B 5"]
                    : [...born, "enable B", "weight B 5", "weight A 95"],
            );
            // B never answered the name before it was weighted, and never above 5 %.
            assertSafeAnswers(svc.moments(), 0.05, B_ADDRESS);
            assert.deepEqual(svc.moments().at(-1), {
                after: svc.moments().at(-1)!.after,
                weighted: true,
                shares: { [A_ADDRESS]: 0.95, [B_ADDRESS]: 0.05 },
            });
            assert.deepEqual(
                state.owned!.map((o) => [o.side, o.status, o.weight]),
                [
                    ["A", "ENABLE", 95],
                    ["B", "ENABLE", 5],
                ],
            );
            assert.equal(state.weightedType, "A");
        });

        it("a weight edit writes exactly the changed weights, A's gain first; an unchanged apply makes no call", async () => {
            const { told } = await walk([a()], [a(80), b(20)], [a(50), b(50)]);
            assert.deepEqual(told, [`list ${RR}`, "weight B 50", "weight A 50"]);
            const { told: back } = await walk([a()], [a(50), b(50)], [a(80), b(20)]);
            assert.deepEqual(back, [`list ${RR}`, "weight A 80", "weight B 20"]);
            const { told: same } = await walk([a()], [a(80), b(20)], [a(80), b(20)]);
            assert.deepEqual(same, []);
        });

        it("B at 100: raised before A is lowered to 1 and paused (a paused record keeps its weight)", async () => {
            const { told } = await walk([a()], [a(50), b(50)], [a(0), b(100)]);
            assert.deepEqual(told, [`list ${RR}`, "weight B 100", "weight A 1", "pause A"]);
        });

        it("complete: weighting goes off only once A is paused (B alone answers either way), then A's record goes, then B's TTL", async () => {
            const { told, state } = await walk([a()], [a(0), b(100)], [b(100, 3600)]);
            assert.deepEqual(told, [`list ${RR}`, "weighting off (A)", "delete A", `update B: ${RR} A ${B_ADDRESS} ttl 3600`]);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [B_ADDRESS]: 1 });
            assert.equal(svc.weighting(), false);
            assert.equal(state.weightedType, "");
        });

        it("complete straight from a weight below 100 pauses A after raising B, so B is never short and A never unweighted", async () => {
            const { told } = await walk([a()], [a(80), b(20)], [b(100, 3600)]);
            assert.deepEqual(told, [
                `list ${RR}`,
                "weight B 100",
                "weight A 1",
                "pause A",
                "weighting off (A)",
                "delete A",
                `update B: ${RR} A ${B_ADDRESS} ttl 3600`,
            ]);
            assertSafeAnswers(svc.moments(), 1, B_ADDRESS);
        });

        it("the CNAME step is B's record changed in place, once it is the name's only record", async () => {
            const { told } = await walk([a()], [a(0), b(100)], [b(100, 3600)], [b(100, 3600, "CNAME", LONG)]);
            assert.deepEqual(told, [`list ${RR}`, `update B: ${RR} CNAME ${LONG} ttl 3600`]);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [LONG]: 1 });
        });

        it("a type change while the name holds two records is refused at Check (the service would refuse it)", async () => {
            const { state } = await walk([a()], [a(0), b(100)]);
            const r = await applyRecords(svc, state, [b(100, 3600, "CNAME", LONG)]);
            assert.deepEqual(r.refused, [
                "records: the name's records would change type (A → CNAME) while it holds two records: the service refuses a name with both; change the type of the name's single record first (complete), then add or remove records",
            ]);
        });

        it("rolling back from complete: A is born paused on the staging name and moved; B keeps every answer", async () => {
            const { told } = await walk([a()], [a(0), b(100)], [b(100, 3600)], [a(0), b(100)]);
            assert.deepEqual(told, [
                `list ${RR}`,
                `list ${STAGING_RR}`,
                `add ${STAGING_RR} A ${A_ADDRESS} ttl 60`,
                "pause A",
                `update A: ${RR} A ${A_ADDRESS} ttl 60`,
                "weighting on (A)",
                `update B: ${RR} A ${B_ADDRESS} ttl 60`,
            ]);
            assertSafeAnswers(svc.moments(), 1, B_ADDRESS);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [B_ADDRESS]: 1 });
        });

        it("rolling back to prepare: A re-enabled and raised, B lowered and paused, weighting off, then B's record goes", async () => {
            const { told } = await walk([a()], [a(0), b(100)], [a()]);
            assert.deepEqual(told, [`list ${RR}`, "enable A", "weight A 100", "weight B 1", "pause B", "weighting off (A)", "delete B"]);
            assertSafeAnswers(svc.moments(), 1, B_ADDRESS);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [A_ADDRESS]: 1 });
        });

        it("delete (the API leaves the cutover): B goes first as in a rollback; A's record last, so the wildcard answers A again", async () => {
            const { state } = await walk([a()], [a(80), b(20)]);
            const from = svc.double.calls.length;
            remember(svc);
            await provider.delete!("id", state);
            // The staging name is read too: a destroy leaves no leftover of a half-done birth.
            assert.deepEqual(story(svc, from), [
                `list ${RR}`,
                `list ${STAGING_RR}`,
                "weight A 100",
                "weight B 1",
                "pause B",
                "weighting off (A)",
                "delete B",
                "delete A",
            ]);
            assertSafeAnswers(svc.moments(), 0.2, B_ADDRESS);
            assert.deepEqual(svc.moments().at(-1)!.shares, { [A_ADDRESS]: 1 });
            assert.equal(svc.held().size, 0);
        });

        it("a record on the name this stack did not make is refused at create, naming it; one equal to a wanted record is adopted", async () => {
            const d = svc.double;
            const foreign =
                "addRecord" in d && svc.kind === "alidns"
                    ? (d as import("./doubles/alidns").AlidnsDouble).addRecord({
                          zone: "aliyun.cloud.cn.aibang",
                          rr: RR,
                          value: "10.72.99.1",
                      })
                    : (d as import("./doubles/privatezone").PrivateZoneDouble).addRecord({
                          zoneId: "zone-fast-1",
                          rr: RR,
                          value: "10.72.99.1",
                      });
            await assert.rejects(provider.create!(svc.state([a()])), {
                message: `${svc.kind === "alidns" ? "Alidns" : "PrivateZone"}: ${NAME} holds an A record ${foreign} (10.72.99.1, enabled) that this stack does not own and no record of this step equals; if an earlier apply stopped half-way, apply that same config again (it adopts the record) before this one, or remove record ${foreign} by hand`,
            });
            svc.reset();
            const first = (await applyRecords(svc, undefined, [a()])).state;
            // A create that failed after its record was added: the next create adopts it and adds nothing.
            const from = svc.double.calls.length;
            const again = (await provider.create!(svc.state([a()]))).outs as NameRecordsState;
            assert.deepEqual(story(svc, from), [...zoneRead(), `list ${RR}`]);
            assert.deepEqual(again.owned, first.owned);
        });

        it("a record left half-born on the staging name by a failed apply is removed before the next birth", async () => {
            const { state } = await walk([a()]);
            const d = svc.double as unknown as { addRecord(r: Record<string, unknown>): string };
            const zone = svc.kind === "alidns" ? { zone: "aliyun.cloud.cn.aibang" } : { zoneId: "zone-fast-1" };
            d.addRecord({ ...zone, rr: STAGING_RR, value: B_ADDRESS, status: "DISABLE" });
            remember(svc);
            const from = svc.double.calls.length;
            await applyRecords(svc, state, [a(90), b(10)]);
            assert.deepEqual(story(svc, from).slice(0, 4), [
                `list ${RR}`,
                `list ${STAGING_RR}`,
                "delete B",
                `add ${STAGING_RR} A ${B_ADDRESS} ttl 60`,
            ]);
            assert.equal([...svc.held().values()].filter((r) => r.rr === STAGING_RR).length, 0);
        });

        it("read (refresh) reports weights and status changed by hand, and a name whose records are gone", async () => {
            const { state } = await walk([a()], [a(80), b(20)]);
            const bId = state.owned!.find((o) => o.side === "B")!.id;
            const d = svc.double as unknown as { records: Map<string, { Weight: number }> };
            d.records.get(bId)!.Weight = 60;
            const read = await provider.read!("id", state);
            assert.deepEqual(
                (read.props as NameRecordsState).records.map((r) => [r.side, r.weight]),
                [
                    ["A", 80],
                    ["B", 60],
                ],
            );
            const diff = await provider.diff!("id", read.props as NameRecordsState, svc.state([a(80), b(20)]));
            assert.equal(diff.changes, true);
            d.records.clear();
            assert.deepEqual(await provider.read!("id", state), { id: "", props: {} });
        });

        it("Check refuses impossible records, naming the field and what is accepted", async () => {
            const failures = async (records: NameRecord[], olds?: NameRecord[]) =>
                ((await provider.check!((olds ? svc.state(olds) : {}) as NameRecordsState, svc.state(records))).failures ?? []).map(
                    (f) => `${f.property}: ${f.reason}`,
                );
            assert.deepEqual(await failures([a(0), b(0)]), [
                "records: every weight is 0: the name would answer nothing (PrivateZone: every record, unweighted); keep one above 0",
            ]);
            assert.deepEqual(await failures([a(101), b(5)]), [
                "records[0].weight: 101 is not a whole percentage 0..100 (0 pauses the record)",
            ]);
            assert.deepEqual(await failures([a(50)]), ["records[0].weight: 50: a name's only record answers everything (100)"]);
            assert.deepEqual(await failures([a(50), { ...b(50), type: "CNAME" }]), [
                "records: a name cannot hold an A record and a CNAME at once",
            ]);
            assert.deepEqual(await failures([a(), a()]), ["records: each side at most once"]);
            assert.deepEqual(await failures([]), ["records: one record (A's or B's) or two (A's and B's)"]);
            assert.deepEqual(
                await failures([a(100, 10)]),
                svc.kind === "privatezone" ? ["records[0].ttl: 10 is not a PrivateZone TTL (one of 5, 30, 60, 3600, 43200, 86400)"] : [],
            );
        });

        it("a vendor error reaches the operator naming the service, the call, the record and the code", async () => {
            const { state } = await walk([a()]);
            svc.double.throttle(10, "Throttling.User");
            await assert.rejects(applyRecords(svc, state, [a(80), b(20)]), (err: Error) => {
                const service = svc.kind === "alidns" ? "Alidns DescribeSubDomainRecords" : "PrivateZone DescribeZoneRecords";
                assert.match(
                    err.message,
                    new RegExp(
                        `^${service} failed for ${NAME.replace(/\./g, "\\.")} after 3 attempts: Throttling\\.User: Request was denied due to user flow control\\.`,
                    ),
                );
                return true;
            });
        });
    });
}

describe("weightOrder", () => {
    it("A's gains, B's gains, B's losses, A's losses; larger changes first within each", () => {
        const recs = [
            { side: "B" as const, id: "b1", from: 50, to: 10 },
            { side: "A" as const, id: "a1", from: 10, to: 60 },
            { side: "B" as const, id: "b2", from: 0, to: 30 },
            { side: "A" as const, id: "a2", from: 40, to: 0 },
        ];
        assert.deepEqual(
            weightOrder(
                recs,
                (r) => r.to,
                (r) => r.from,
            ).map((r) => r.id),
            ["a1", "b2", "b1", "a2"],
        );
    });
});

describe("NameRecords on PrivateZone: the zone and the line, as the service documents them", () => {
    let svc: NameService;
    withAlibabaCredentials();
    before(async () => {
        svc = privateZoneName();
        await svc.start();
    });
    after(() => svc.stop());
    beforeEach(() => svc.reset());
    const pz = () => svc.double as import("./doubles/privatezone").PrivateZoneDouble;

    it("a regular zone (NORMAL_ZONE) is refused before anything is written, naming ChangeZoneDnsGroup and that it cannot be undone", async () => {
        pz().zones.set("zone-fast-1", { name: "aliyun.cloud.cn.aibang", dnsGroup: "NORMAL_ZONE" });
        try {
            await assert.rejects(provider.create!(svc.state([a()])), {
                message:
                    "PrivateZone zone zone-fast-1 (aliyun.cloud.cn.aibang) is a regular zone (DnsGroup NORMAL_ZONE): weights exist only in acceleration zones (FAST_ZONE), and a regular zone holds one CNAME per name; switch it with ChangeZoneDnsGroup (NORMAL_ZONE → FAST_ZONE; it cannot be switched back), then apply again. Nothing was written to api01.source-team1.dev.aliyun.cloud.cn.aibang",
            });
            assert.deepEqual(story(svc), ["DescribeZoneInfo"]);
            pz().zones.set("zone-fast-1", { name: "aliyun.cloud.cn.aibang", dnsGroup: "NORMAL_ZONE", changing: true });
            await assert.rejects(provider.create!(svc.state([a()])), {
                message:
                    "PrivateZone zone zone-fast-1 (aliyun.cloud.cn.aibang) is changing its DNS group (DnsGroupChanging): apply again once DescribeZoneInfo reports FAST_ZONE",
            });
        } finally {
            pz().zones.delete("zone-fast-1");
        }
    });

    it("the double refuses what the service refuses: the switch for a CNAME, the switch without Line, a weight in a regular zone, a TTL outside the set", async () => {
        const d = pz();
        const id = d.addRecord({ zoneId: "zone-fast-1", rr: RR, value: A_ADDRESS });
        const rpc = async (action: string, params: Record<string, string | number>) => {
            const res = await fetch(`http://${d.endpoint}/`, {
                method: "POST",
                headers: {
                    "x-acs-action": action,
                    "x-acs-version": "2018-01-01",
                    authorization: `ACS3-HMAC-SHA256 Credential=${d.accessKeyId},SignedHeaders=host,Signature=x`,
                    "content-type": "application/x-www-form-urlencoded",
                },
                body: new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString(),
            });
            return `${res.status} ${((await res.json()) as { Code?: string }).Code ?? "OK"}`;
        };
        assert.equal(
            await rpc("SetZoneLbaStatus", { ZoneId: "zone-fast-1", Rr: RR, Type: "CNAME", Line: "default", Open: "true" }),
            "400 InvalidParameter",
        );
        assert.equal(await rpc("SetZoneLbaStatus", { ZoneId: "zone-fast-1", Rr: RR, Type: "A", Open: "true" }), "400 MissingParameter");
        assert.equal(
            await rpc("AddZoneRecord", { ZoneId: "zone-fast-1", Rr: "x", Type: "A", Value: "10.0.0.1", Ttl: 10, Line: "default" }),
            "400 InvalidParameter",
        );
        assert.equal(
            await rpc("AddZoneRecord", {
                ZoneId: "zone-fast-1",
                Rr: "x",
                Type: "A",
                Value: "10.0.0.1",
                Ttl: 60,
                Line: "default",
                Weight: 0,
            }),
            "400 InvalidParameter",
        );
        assert.equal(await rpc("UpdateZoneRecordWeight", { RecordId: id, Weight: 0 }), "200 OK");
        d.zones.set("zone-fast-1", { name: "aliyun.cloud.cn.aibang", dnsGroup: "NORMAL_ZONE" });
        try {
            assert.equal(await rpc("UpdateZoneRecordWeight", { RecordId: id, Weight: 50 }), "400 Zone.Invalid.DnsGroup");
            assert.equal(
                await rpc("SetZoneLbaStatus", { ZoneId: "zone-fast-1", Rr: RR, Type: "A", Line: "default", Open: "true" }),
                "400 Zone.Invalid.DnsGroup",
            );
        } finally {
            d.zones.delete("zone-fast-1");
        }
        // UpdateZoneRecord without Weight sets the documented default, 1.
        d.records.get(id)!.Weight = 40;
        assert.equal(await rpc("UpdateZoneRecord", { RecordId: id, Rr: RR, Type: "A", Value: A_ADDRESS, Ttl: 60 }), "200 OK");
        assert.equal(d.records.get(id)!.Weight, 1);
        // These calls broke the contract on purpose (the root hook fails a test whose doubles saw a violation).
        d.violations.splice(0);
    });

    it("every record call and the switch carry the line; the weight is sent again on every UpdateZoneRecord", async () => {
        let state = (await applyRecords(svc, undefined, [a()])).state;
        state = (await applyRecords(svc, state, [a(80), b(20)])).state;
        await applyRecords(svc, state, [b(100, 3600)]);
        const log = svc.double.log();
        for (const call of log.filter((c) => /^(AddZoneRecord|UpdateZoneRecord|SetZoneLbaStatus) /.test(c)))
            assert.match(call, /\bLine=default\b/, call);
        for (const call of log.filter((c) => c.startsWith("UpdateZoneRecord "))) assert.match(call, /\bWeight=\d+\b/, call);
        // The move of B onto the name keeps its weight 1; the TTL step keeps the weight B holds (100).
        assert.deepEqual(
            log.filter((c) => c.startsWith("UpdateZoneRecord ")).map((c) => /Weight=(\d+)/.exec(c)![1]),
            ["1", "100"],
        );
    });
});
