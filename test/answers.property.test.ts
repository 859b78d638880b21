/**
 * What a legacy name answers at every moment of a cutover, on both DNS services: random
 * sequences of phase edits (seeded) — forward, rollback, skipping phases, the API added to and
 * removed from the stack, complete with an address and with a CNAME — applied through the
 * NameRecords provider as the engine applies them (Check, Create / Diff + Update, Delete),
 * against the loopback doubles, each of which records what the name answers after every API
 * call (A's wildcard answers a name with no records of its own; half the sequences read the
 * undocumented weighted name of one record as answering nothing). At no moment may the name
 * answer nothing, answer A and B unweighted, or give B more than the larger of the shares
 * planned before and after the step; no weight is ever written as 0 (PrivateZone answers
 * every record unweighted when all are at 0). On PrivateZone a third family runs the layout of B
 * addressed by a host name: weighted CNAMEs to the team's intermediate names, which an
 * acceleration zone always weights (there is no switch to turn on or off).
 */
import * as assert from "node:assert/strict";
import { NameRecord, NameRecordsState, nameRecordsProvider } from "../providers/name-records";
import { assertSafeAnswers } from "./doubles/answers";
import { prng } from "./engine/engine";
import { alidnsName, applyRecords, NameService, privateZoneName } from "./doubles/services";
import { A_ADDRESS, B_ADDRESS, withAlibabaCredentials } from "./helpers";

const SEQUENCES = 200;
const STEPS = 6;
const LONG = "api01.target-team2.dev.aliyun.cloud.cn.aibang";

/** A phase as the plan gives it for one API, with B's planned share. */
interface Phase {
    label: string;
    /** The name's records; undefined: the API is not in the cutover stack. */
    records?: NameRecord[];
    share: number;
}

function phases(steady: number): Phase[] {
    const a = (w: number): NameRecord => ({ side: "A", type: "A", value: A_ADDRESS, ttl: 60, weight: w });
    const b = (w: number, ttl = 60, type: "A" | "CNAME" = "A", value = B_ADDRESS): NameRecord => ({
        side: "B",
        type,
        value,
        ttl,
        weight: w,
    });
    return [
        { label: "absent", share: 0 },
        { label: "prepare", records: [a(100)], share: 0 },
        ...[5, 20, 50, 80, 100].map((w) => ({
            label: `shift ${w}`,
            records: w === 100 ? [a(0), b(100)] : [a(100 - w), b(w)],
            share: w / 100,
        })),
        { label: "complete", records: [b(100, steady)], share: 1 },
        { label: "complete cname", records: [b(100, steady, "CNAME", LONG)], share: 1 },
    ];
}

/** B addressed by a host name (PrivateZone only): the legacy name holds CNAMEs to the team's intermediate names. */
const VIA_A = "api01-a.source-team1.dev.aliyun.cloud.cn.aibang";
const VIA_B = "api01-b.source-team1.dev.aliyun.cloud.cn.aibang";

function cnamePhases(steady: number): Phase[] {
    const a = (w: number): NameRecord => ({ side: "A", type: "CNAME", value: VIA_A, ttl: 60, weight: w });
    const b = (w: number, ttl = 60): NameRecord => ({ side: "B", type: "CNAME", value: VIA_B, ttl, weight: w });
    return [
        { label: "absent", share: 0 },
        { label: "prepare", records: [a(100)], share: 0 },
        ...[1, 5, 20, 50, 80, 99, 100].map((w) => ({
            label: `shift ${w}`,
            records: w === 100 ? [a(0), b(100)] : [a(100 - w), b(w)],
            share: w / 100,
        })),
        { label: "complete", records: [b(100, steady)], share: 1 },
    ];
}

describe("what a name answers at every moment of a cutover (200 seeded random phase sequences per service)", function () {
    this.timeout(120_000);
    withAlibabaCredentials();

    async function run(svc: NameService, all: Phase[], bValues: string[]): Promise<{ steps: number; refused: number }> {
        let steps = 0;
        let refused = 0;
        for (let seq = 0; seq < SEQUENCES; seq++) {
            const random = prng(1000 + seq);
            svc.reset();
            svc.double.oneRecordWeighting = seq % 2 === 0 ? "that record" : "nothing";
            let state: NameRecordsState | undefined;
            let at = all[0];
            for (let step = 0; step < STEPS; step++) {
                const next = all[Math.floor(random() * all.length)];
                const where = `${svc.kind} sequence ${seq} (seed ${1000 + seq}) step ${step}: ${at.label} → ${next.label}`;
                const before = svc.moments().length;
                if (!next.records) {
                    if (state) await nameRecordsProvider.delete!("id", state);
                    state = undefined;
                } else {
                    const r = await applyRecords(svc, state, next.records);
                    if (r.refused) {
                        // The one step the services refuse: a type change while the name holds two records.
                        assert.match(r.refused.join(), /would change type \(/, where);
                        refused++;
                        continue;
                    }
                    state = r.state;
                }
                assertSafeAnswers(svc.moments().slice(before), Math.max(at.share, next.share), bValues, where);
                steps++;
                at = next;
            }
            const zeros = svc.double.log().filter((c) => /^(UpdateDNSSLBWeight|UpdateZoneRecordWeight) .*Weight=0\b/.test(c));
            assert.deepEqual(zeros, [], `${svc.kind} sequence ${seq}: a weight written as 0`);
        }
        return { steps, refused };
    }

    for (const [make, steady] of [
        [alidnsName, 600],
        [privateZoneName, 3600],
    ] as const) {
        it(make === alidnsName ? "public Alidns" : "PrivateZone", async () => {
            const svc = make();
            await svc.start();
            try {
                const { steps, refused } = await run(svc, phases(steady), [B_ADDRESS, LONG]);
                // The sequences do exercise the lifecycle: most steps apply, a few are refused.
                assert.ok(steps > SEQUENCES * STEPS * 0.8 && refused > 0, `${steps} steps applied, ${refused} refused`);
            } finally {
                await svc.stop();
            }
        });
    }

    it("PrivateZone, B by host name: weighted CNAMEs in an acceleration zone (always weighted, no switch)", async () => {
        const svc = privateZoneName();
        await svc.start();
        try {
            const { steps, refused } = await run(svc, cnamePhases(3600), [VIA_B]);
            assert.ok(steps === SEQUENCES * STEPS && refused === 0, `${steps} steps applied, ${refused} refused`);
            // The double refuses SetZoneLbaStatus for a CNAME (documented for A and AAAA only) and a second
            // CNAME outside an acceleration zone: a provider that asked for either would have failed a step above.
        } finally {
            await svc.stop();
        }
    });
});
