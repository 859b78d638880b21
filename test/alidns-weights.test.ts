import * as assert from "node:assert/strict";
import { alidnsWeightsProvider as provider, applicationOrder, DnsWeightsState, isAlidnsError } from "../providers/alidns-weights";
import { AlidnsDouble } from "./doubles/alidns";
import { withAlibabaCredentials } from "./helpers";

const ZONE = "aliyun.cloud.cn.aibang";
const SUB = "api01.source-team1.dev.aliyun.cloud.cn.aibang";
const RR = "api01.source-team1.dev";

describe("the Alidns weights provider, against a loopback Alidns", () => {
    let dns: AlidnsDouble;
    let a: string;
    let b: string;
    withAlibabaCredentials();
    beforeEach(async () => {
        dns = new AlidnsDouble();
        await dns.start();
        // As the records are left by the program: A's record serving, B's created paused.
        a = dns.addRecord({ zone: ZONE, rr: RR, value: "10.72.10.88", ttl: 60 });
        b = dns.addRecord({ zone: ZONE, rr: RR, value: "10.72.11.99", ttl: 60, status: "DISABLE" });
    });
    afterEach(() => dns.stop());

    function state(weightA: number, weightB: number, extra: Partial<DnsWeightsState> = {}): DnsWeightsState {
        return {
            zone: ZONE,
            subDomain: SUB,
            records: [
                { side: "A", recordId: a, weight: weightA },
                { side: "B", recordId: b, weight: weightB },
            ],
            endpoint: dns.endpoint,
            version: "1",
            ...extra,
        };
    }

    it("create switches weighting on, raises A, then enables and weights B — in that order", async () => {
        const result = await provider.create!(state(80, 20));
        assert.deepEqual(dns.log(), [
            `DescribeDNSSLBSubDomains DomainName=${ZONE} PageSize=100 Rr=${RR}`,
            `DescribeSubDomainRecords DomainName=${ZONE} PageSize=100 SubDomain=${SUB}`,
            `SetDNSSLBStatus DomainName=${ZONE} Open=true SubDomain=${SUB}`,
            `UpdateDNSSLBWeight RecordId=${a} Weight=80`,
            `SetDomainRecordStatus RecordId=${b} Status=ENABLE`,
            `UpdateDNSSLBWeight RecordId=${b} Weight=20`,
        ]);
        assert.deepEqual(result, { id: SUB, outs: { ...state(80, 20), enabledByUs: true, weightingOpen: true } });
        assert.deepEqual(
            [dns.records.get(a)!.Weight, dns.records.get(b)!.Weight, dns.records.get(b)!.Status, dns.weighting.get(SUB)],
            [80, 20, "ENABLE", true],
        );
    });

    it("create at weight 0 for B leaves B paused and does not claim weighting it found on", async () => {
        dns.weighting.set(SUB, true);
        const result = await provider.create!(state(100, 0));
        assert.deepEqual(dns.log().slice(2), [`UpdateDNSSLBWeight RecordId=${a} Weight=100`]);
        assert.equal((result.outs as DnsWeightsState).enabledByUs, false);
    });

    it("update calls the API only for records whose weight changed, gaining side first", async () => {
        const created = await provider.create!(state(80, 20));
        dns.calls.length = 0;
        await provider.update!(SUB, created.outs, state(50, 50));
        assert.deepEqual(dns.log(), [`UpdateDNSSLBWeight RecordId=${b} Weight=50`, `UpdateDNSSLBWeight RecordId=${a} Weight=50`]);
    });

    it("an unchanged re-run makes no call at all", async () => {
        const created = await provider.create!(state(80, 20));
        dns.calls.length = 0;
        const diff = await provider.diff!(SUB, created.outs, state(80, 20));
        assert.equal(diff.changes, false);
        await provider.update!(SUB, created.outs, state(80, 20));
        assert.deepEqual(dns.log(), []);
    });

    it("shifting to 100 raises B before pausing A, so the name always answers", async () => {
        const created = await provider.create!(state(80, 20));
        dns.calls.length = 0;
        await provider.update!(SUB, created.outs, state(0, 100));
        // A is lowered to weight 1 before it is paused: a later re-enable answers with 1, not A's old share.
        assert.deepEqual(dns.log(), [
            `UpdateDNSSLBWeight RecordId=${b} Weight=100`,
            `UpdateDNSSLBWeight RecordId=${a} Weight=1`,
            `SetDomainRecordStatus RecordId=${a} Status=DISABLE`,
        ]);
        assert.equal(dns.records.get(a)!.Status, "DISABLE");
    });

    it("rolling back from 100 re-enables and weights A before pausing B", async () => {
        const created = await provider.create!(state(0, 100));
        dns.calls.length = 0;
        await provider.update!(SUB, created.outs, state(100, 0));
        assert.deepEqual(dns.log(), [
            `SetDomainRecordStatus RecordId=${a} Status=ENABLE`,
            `UpdateDNSSLBWeight RecordId=${a} Weight=100`,
            `UpdateDNSSLBWeight RecordId=${b} Weight=1`,
            `SetDomainRecordStatus RecordId=${b} Status=DISABLE`,
        ]);
    });

    it("diff: a weight change is an update in place; only another name replaces", async () => {
        const olds = { ...state(80, 20), enabledByUs: true, weightingOpen: true };
        assert.deepEqual(await provider.diff!(SUB, olds, state(60, 40)), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
            stables: ["zone", "subDomain"],
        });
        assert.deepEqual((await provider.diff!(SUB, olds, state(80, 20, { subDomain: `api02.source-team1.dev.${ZONE}` }))).replaces, [
            "subDomain",
        ]);
    });

    it("check refuses weights that are not whole percentages", async () => {
        const result = await provider.check!(state(80, 20), {
            ...state(80, 20),
            records: [
                { side: "A", recordId: a, weight: 120 },
                { side: "B", recordId: b, weight: 2.5 },
            ],
        });
        assert.deepEqual(result.failures, [
            { property: "records[0].weight", reason: "120 is not a whole percentage 0..100 (0 pauses the record)" },
            { property: "records[1].weight", reason: "2.5 is not a whole percentage 0..100 (0 pauses the record)" },
        ]);
    });

    it("read reports drift made outside Pulumi", async () => {
        const created = await provider.create!(state(80, 20));
        dns.records.get(b)!.Weight = 35;
        dns.weighting.set(SUB, false);
        const read = await provider.read!(SUB, created.outs);
        assert.deepEqual(read.props, { ...state(80, 35), enabledByUs: true, weightingOpen: false });
        const diff = await provider.diff!(SUB, read.props, state(80, 20));
        assert.equal(diff.changes, true);
        dns.calls.length = 0;
        await provider.update!(SUB, read.props, state(80, 20));
        assert.deepEqual(dns.log(), [
            `SetDNSSLBStatus DomainName=${ZONE} Open=true SubDomain=${SUB}`,
            `UpdateDNSSLBWeight RecordId=${b} Weight=20`,
        ]);
    });

    it("delete (a rollback) re-enables A, pauses B before weighting goes off (never A and B unweighted), and switches weighting off only when it switched it on", async () => {
        const created = await provider.create!(state(0, 100));
        dns.calls.length = 0;
        await provider.delete!(SUB, created.outs);
        assert.deepEqual(dns.log().slice(2), [
            `SetDomainRecordStatus RecordId=${a} Status=ENABLE`,
            `UpdateDNSSLBWeight RecordId=${b} Weight=1`,
            `SetDomainRecordStatus RecordId=${b} Status=DISABLE`,
            `SetDNSSLBStatus DomainName=${ZONE} Open=false SubDomain=${SUB}`,
        ]);
        assert.deepEqual([dns.records.get(a)!.Status, dns.records.get(b)!.Status, dns.weighting.get(SUB)], ["ENABLE", "DISABLE", false]);

        dns.weighting.set(SUB, true);
        dns.calls.length = 0;
        await provider.delete!(SUB, { ...state(100, 0), enabledByUs: false });
        assert.deepEqual(dns.log().slice(2), [], "weighting found on stays on");
    });

    it("an Alidns error surfaces as a message naming the call, the record and the name", async () => {
        dns.failNext("UpdateDNSSLBWeight", { status: 400, code: "QuotaExceeded.TTL", message: "The TTL is out of range." });
        await assert.rejects(provider.create!(state(80, 20)), (err: Error) => {
            assert.ok(isAlidnsError(err));
            assert.match(
                err.message,
                new RegExp(
                    `^Alidns UpdateDNSSLBWeight failed for record ${a} \\(side A\\) of ${SUB.replace(/\./g, "\\.")}: QuotaExceeded\\.TTL: The TTL is out of range\\. \\(request REQ-\\d+\\)$`,
                ),
            );
            return true;
        });
    });

    it("the double answers as Alidns does when weights are misused", async () => {
        dns.weighting.set(SUB, true);
        await assert.rejects(
            provider.create!(state(80, 0, { records: [{ side: "A", recordId: "999", weight: 80 }] })),
            /DescribeSubDomainRecords failed for record 999 \(side A\).*: the record is not under this sub-domain/,
        );
    });
});

describe("applicationOrder", () => {
    it("raises A before B, lowers B before A (larger changes first within each): gains before losses", () => {
        const before = new Map([
            ["a", 80],
            ["b", 20],
            ["c", 0],
        ]);
        const order = applicationOrder(
            [
                { side: "A", recordId: "a", weight: 10 },
                { side: "B", recordId: "b", weight: 60 },
                { side: "B", recordId: "c", weight: 30 },
            ],
            before,
        );
        assert.deepEqual(
            order.map((r) => r.recordId),
            ["b", "c", "a"],
        );
        assert.deepEqual(
            applicationOrder(
                [
                    { side: "A", recordId: "a", weight: 50 },
                    { side: "B", recordId: "b", weight: 50 },
                ],
                new Map([
                    ["a", 1],
                    ["b", 0],
                ]),
            ).map((r) => r.recordId),
            ["a", "b"],
            "both rising: A first, so B never answers above its planned share",
        );
    });
});
