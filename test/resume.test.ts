/**
 * A half-done apply converges on the next run, on both services: for every transition the
 * cutover makes (a birth, a weight change, a pause, complete, the rollback from complete that
 * moves A back, the rollback to prepare, a create, a destroy) and for every single call of it, a
 * fault is injected at that call — throttling past the retries, a 5xx, or an answer lost after
 * the service applied the call (a timeout) — and the run fails as the engine would see it. The
 * engine keeps the last good state (a failed create has none; a failed update or delete keeps
 * the old outputs) and runs the same step again. Throughout, the name answers something, never
 * A and B unweighted, and B never above the larger planned share; after the re-run the records
 * are those of a clean run, and every record on the name (and nothing on the staging name) is
 * one the state owns.
 */
import * as assert from "node:assert/strict";
import { NameRecord, NameRecordsState, nameRecordsProvider as provider } from "../providers/name-records";
import { assertSafeAnswers } from "./doubles/answers";
import { alidnsName, applyRecords, NameService, privateZoneName, STAGING_RR } from "./doubles/services";
import { A_ADDRESS, B_ADDRESS, withAlibabaCredentials } from "./helpers";

const VIA_A = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang";
const VIA_B = "api01-b.source-team1.dev.aliyun.cloud.cn.aibang";

type Records = NameRecord[] | undefined;

interface Transition {
    label: string;
    from: Records;
    to: Records;
}

function transitions(type: "A" | "CNAME", steady: number): Transition[] {
    const av = type === "A" ? A_ADDRESS : VIA_A;
    const bv = type === "A" ? B_ADDRESS : VIA_B;
    const a = (weight: number): NameRecord => ({ side: "A", type, value: av, ttl: 60, weight });
    const b = (weight: number, ttl = 60): NameRecord => ({ side: "B", type, value: bv, ttl, weight });
    return [
        { label: "create (prepare)", from: undefined, to: [a(100)] },
        { label: "create at shift 20", from: undefined, to: [a(80), b(20)] },
        { label: "birth (prepare → shift 20)", from: [a(100)], to: [a(80), b(20)] },
        { label: "weight change (20 → 50)", from: [a(80), b(20)], to: [a(50), b(50)] },
        { label: "pause (50 → 100)", from: [a(50), b(50)], to: [a(0), b(100)] },
        { label: "complete (A deleted, steady TTL)", from: [a(50), b(50)], to: [b(100, steady)] },
        { label: "rollback from complete (A born and moved)", from: [b(100, steady)], to: [a(50), b(50)] },
        { label: "rollback to prepare", from: [a(50), b(50)], to: [a(100)] },
        { label: "destroy", from: [a(80), b(20)], to: undefined },
    ];
}

const share = (r: Records) => (r?.find((x) => x.side === "B")?.weight ?? 0) / 100;

/** One engine step: create, update or delete, from `state` to `to`. */
async function step(svc: NameService, state: NameRecordsState | undefined, to: Records): Promise<NameRecordsState | undefined> {
    if (!to) {
        if (state) await provider.delete!("id", state);
        return undefined;
    }
    const r = await applyRecords(svc, state, to);
    assert.equal(r.refused, undefined);
    return r.state;
}

/** What the name holds, without ids: comparable between a clean run and a resumed one. */
function holding(svc: NameService): string[] {
    return [...svc.held().values()]
        .map((r) => `${r.rr} ${r.type} ${r.value} ttl ${r.ttl} ${r.status} ${r.status === "ENABLE" ? r.weight : "-"}`)
        .sort();
}

for (const [make, type, steady] of [
    [alidnsName, "A", 600],
    [privateZoneName, "A", 3600],
    [privateZoneName, "CNAME", 3600],
] as const) {
    const service = make === alidnsName ? "Alidns" : "PrivateZone";
    describe(`a half-done apply converges on the next run: ${service}, ${type} records`, function () {
        this.timeout(60_000);
        withAlibabaCredentials();
        let svc: NameService;
        before(async () => {
            svc = make();
            await svc.start();
        });
        after(() => svc.stop());

        for (const t of transitions(type, steady)) {
            it(t.label, async () => {
                // A clean run: how many calls the transition makes, and what it leaves.
                svc.reset();
                let base = await step(svc, undefined, t.from);
                const start = svc.double.calls.length;
                await step(svc, base, t.to);
                const calls = svc.double.calls.length - start;
                const clean = holding(svc);
                assert.ok(calls > 0, "the transition makes calls");
                let runs = 0;
                for (let k = 1; k <= calls; k++) {
                    for (const kind of ["throttled", "5xx", "lost"] as const) {
                        const where = `${t.label}: ${kind} at call ${k} of ${calls}`;
                        svc.reset();
                        base = await step(svc, undefined, t.from);
                        const before = svc.moments().length;
                        svc.double.failCall(k, kind, 2);
                        let state = base;
                        await assert.rejects(step(svc, state, t.to), Error, `${where}: the run fails`);
                        // The engine keeps the last good state and runs the same step again.
                        state = await step(svc, state, t.to);
                        assertSafeAnswers(svc.moments().slice(before), Math.max(share(t.from), share(t.to)), [B_ADDRESS, VIA_B], where);
                        assert.deepEqual(holding(svc), clean, `${where}: converged to the clean run's records`);
                        const owned = new Set((state?.owned ?? []).map((o) => o.id));
                        assert.deepEqual(
                            [...svc.held().entries()]
                                .filter(([id, r]) => r.rr === STAGING_RR || !owned.has(id))
                                .map(([id, r]) => `${id} ${r.rr}`),
                            [],
                            `${where}: a record the state does not own`,
                        );
                        runs++;
                    }
                }
                assert.equal(runs, calls * 3);
            });
        }
    });
}
