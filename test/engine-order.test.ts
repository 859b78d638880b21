/**
 * The committed cutover stack's runbook through the real dynamic-provider host, in the orders
 * Pulumi's engine may run its steps: every transition (prepare, shift, complete, the rollbacks,
 * destroy) replayed in seeded random topological orders of the step graph (200 in
 * `npm run test:host`, 15 in `npm test`), and once with 16
 * steps at a time, against the PrivateZone double (which follows Alibaba's documented rules and
 * resolves CNAMEs inside the zone). After every API call each legacy name must resolve to
 * something, and never to A and B unweighted. Kong and the gate are off here: they answer no
 * DNS name, and without the gate's edges the graph allows more orders of the DNS steps, not fewer.
 * Then the move of an existing stack from the intermediate names at the zone's apex to the
 * team's suffix, in several orders, keeping every answer.
 */
import * as assert from "node:assert/strict";
import { OfflineRun } from "../offline/harness";
import { assertSafeAnswers, Moment } from "./doubles/answers";
import { PrivateZoneDouble } from "./doubles/privatezone";
import { Engine, Schedule } from "./engine/engine";
import { startHost } from "./engine/fixture";
import { Props, ProviderHost } from "./engine/host";
import { A_ADDRESS, editedStackFile, ZONE } from "./helpers";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ZONE_ID = "2c5f0e1d9a7b4f6e";
const ALB = "alb-team1.cn-hangzhou.alb.aliyuncs.com";
const APIS = ["api01", "api02"];
const rr = (api: string) => `${api}.source-team1.dev`;
const REFS = { "organization/migration/dev": { role: "platform", ingress: { addressKind: "hostname", loadBalancerAddress: ALB } } };
/**
 * Orders per run: 15 in `npm test` (each order replays the whole runbook through the host, about
 * 0.6 s; 15 keep the suite under its time), 200 in `npm run test:host` (ENGINE_ORDERS=200, about two minutes).
 */
const ORDERS = Number(process.env.ENGINE_ORDERS ?? 15);
const MIGRATION_ORDERS = Math.max(10, Math.round(ORDERS / 4));

type Planned = { run: OfflineRun; recordNames: Set<string> };

describe("the cutover runbook in every order the engine may take (PrivateZone, B by host name)", function () {
    this.timeout(60_000 + ORDERS * 2_000);
    let host: ProviderHost;
    let pz: PrivateZoneDouble;
    let dir: string;

    before(async () => {
        host = await startHost();
        pz = new PrivateZoneDouble();
        await pz.start();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "order-"));
    });
    after(async () => {
        await pz.stop();
        await host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The zone as it is before the cutover stack: A's wildcard alone; both legacy names watched through CNAMEs. */
    function reset(): void {
        pz.records.clear();
        pz.lba.clear();
        pz.moments.clear();
        pz.zones.set(ZONE_ID, { name: ZONE, dnsGroup: "FAST_ZONE" });
        pz.addRecord({ zoneId: ZONE_ID, rr: "*.source-team1.dev", value: A_ADDRESS, ttl: 3600 });
        for (const a of APIS) pz.watch(ZONE_ID, rr(a), { zone: ZONE });
    }

    let files = 0;
    /** The committed Pulumi.cutover.yaml, B read from the dev stack (an ALB), with `cutover` keys replaced; DNS only. */
    function stackFile(cutover: Record<string, unknown>): string {
        return editedStackFile(
            "cutover",
            dir,
            (c) => {
                c["migration:cutover"] = { ...c["migration:cutover"], ...cutover, gate: { enabled: false } };
                c["migration:dns"] = { ...c["migration:dns"], retries: 2, retryBackoffMs: 5, requestsPerSecond: 1000 };
                delete c["migration:kong"];
                delete c["migration:kongAdminToken"];
            },
            `order-${files++}.yaml`,
        );
    }

    const RUNBOOK: [string, Record<string, unknown>][] = [
        ["prepare", { phase: "prepare", weights: {} }],
        ["shift api01 20", { phase: "shift", weights: { api01: 20 } }],
        ["shift 100 / 50", { phase: "shift", weights: { api01: 100, api02: 50 } }],
        ["complete", { phase: "complete", weights: { api01: 100, api02: 100 } }],
        ["rollback to shift 50", { phase: "shift", weights: { api01: 50, api02: 50 } }],
        ["rollback to prepare", { phase: "prepare", weights: {} }],
    ];

    /** Every moment of both names since `from` (per name) answers something, and never several answers unweighted. */
    function checkAnswers(from: Map<string, number>, where: string): void {
        for (const a of APIS) {
            const list: Moment[] = pz.moments.get(`${ZONE_ID}/${rr(a)}`)!.slice(from.get(a) ?? 0);
            assertSafeAnswers(list, 1, [], `${where}, ${a}`);
            // Every CNAME reaches a record of its own, never a name created too late or deleted too early.
            const dangling = list.filter((m) => Object.keys(m.shares).some((v) => v.startsWith("dangling ")));
            assert.deepEqual(dangling, [], `${where}, ${a}: a CNAME pointed at a missing name`);
        }
    }
    const marks = () => new Map(APIS.map((a) => [a, pz.moments.get(`${ZONE_ID}/${rr(a)}`)!.length]));

    async function runbook(planned: Planned[], schedule: Schedule, label: string): Promise<void> {
        reset();
        const engine = new Engine(host, { pz, refs: REFS });
        const held = () => [...pz.records.values()].map((r) => `${r.Rr} ${r.Type} ${r.Value} ${r.Status} ${r.Weight}`).sort();
        let prepared: string[] = [];
        for (let i = 0; i < planned.length; i++) {
            const from = marks();
            await engine.up(planned[i], schedule);
            checkAnswers(from, `${label}: ${RUNBOOK[i][0]}`);
            if (i === 0) prepared = held();
        }
        // The rollback to prepare leaves exactly what prepare left: no paused B record, no staging leftover.
        assert.deepEqual(held(), prepared, `${label}: after the rollback to prepare`);
        const from = marks();
        await engine.destroy(schedule);
        checkAnswers(from, `${label}: destroy`);
        // Exactly what was there before the stack: A's wildcard.
        assert.deepEqual(
            [...pz.records.values()].map((r) => `${r.Rr} ${r.Type} ${r.Value}`),
            [`*.source-team1.dev A ${A_ADDRESS}`],
            `${label}: after destroy`,
        );
    }

    let planned: Planned[];
    before(async () => {
        // The program runs once per step; its steps are replayed in every order below.
        const planner = new Engine(host, { pz, refs: REFS });
        planned = [];
        for (const [, cutover] of RUNBOOK) planned.push(await planner.plan(stackFile(cutover)));
    });

    it(`${ORDERS} seeded random topological orders of every step, and destroy: each legacy name always answers`, async () => {
        for (let seed = 1; seed <= ORDERS; seed++) await runbook(planned, { order: seed }, `order seed ${seed}`);
    });

    it("16 steps at a time, as `pulumi up` runs by default", async () => {
        await runbook(planned, { parallelism: 16 }, "parallel 16");
    });

    it(`a stack applied with the intermediate names at the zone's apex moves to the team's suffix keeping every answer (${MIGRATION_ORDERS} orders)`, async () => {
        const shift = planned[1];
        for (let seed = 1; seed <= MIGRATION_ORDERS; seed++) {
            reset();
            const engine = new Engine(host, { pz, refs: REFS });
            await engine.up(planned[0], { order: seed });
            // Turn what prepare left into what the previous version left at shift 20 (api01 80 / 20, api02 on A):
            // `<api>-a`/`<api>-b` at the zone's apex (resources dns-<api>-via-a/-b), the staging name at the apex too.
            for (const a of APIS) {
                const names = engine.entry(`dns-${a}-records`);
                const weightA = a === "api01" ? 80 : 100;
                const aId = (names.outputs.owned as { id: string }[])[0].id;
                Object.assign(pz.records.get(aId)!, { Value: `${a}-a.${ZONE}`, Weight: weightA });
                const records: Props[] = [{ side: "A", type: "CNAME", value: `${a}-a.${ZONE}`, ttl: 60, weight: weightA }];
                const owned: Props[] = [
                    { side: "A", id: aId, type: "CNAME", value: `${a}-a.${ZONE}`, ttl: 60, weight: weightA, status: "ENABLE" },
                ];
                if (a === "api01") {
                    const b = pz.addRecord({ zoneId: ZONE_ID, rr: rr(a), type: "CNAME", value: `${a}-b.${ZONE}`, ttl: 60, weight: 20 });
                    records.push({ side: "B", type: "CNAME", value: `${a}-b.${ZONE}`, ttl: 60, weight: 20 });
                    owned.push({ side: "B", id: b, type: "CNAME", value: `${a}-b.${ZONE}`, ttl: 60, weight: 20, status: "ENABLE" });
                }
                const old: Props = { ...names.outputs, stagingRr: `${a}-staging`, version: "1", records, owned, weightedType: "" };
                delete old.line;
                delete old.perSecond;
                // The previous version's legacy name depended on its gate only.
                engine.state.set(names.urn, { ...names, inputs: old, outputs: old, deps: [] });
                for (const [side, value, type] of [
                    ["a", A_ADDRESS, "A"],
                    ["b", ALB, "CNAME"],
                ] as const) {
                    const to = engine.entry(`dns-${a}-to-${side}`);
                    pz.records.delete(engine.records.get(to.name)!.id);
                    engine.records.delete(to.name);
                    engine.state.delete(to.urn);
                    const name = `dns-${a}-via-${side}`;
                    const id = pz.addRecord({ zoneId: ZONE_ID, rr: `${a}-${side}`, type, value, ttl: 60 });
                    engine.records.set(name, { id, inputs: {} });
                    engine.state.set(to.urn.replace(to.name, name), {
                        ...to,
                        urn: to.urn.replace(to.name, name),
                        name,
                        id,
                        inputs: {},
                        outputs: {},
                    });
                }
            }
            assert.deepEqual(pz.resolve(ZONE_ID, rr("api01")).shares, { [A_ADDRESS]: 0.8, [ALB]: 0.2 });
            const from = marks();
            const steps = await engine.up(shift, { order: seed });
            checkAnswers(from, `migration, order seed ${seed}`);
            // Not one call changed what api01 resolves to.
            for (const m of pz.moments.get(`${ZONE_ID}/${rr("api01")}`)!.slice(from.get("api01")))
                assert.deepEqual(m.shares, { [A_ADDRESS]: 0.8, [ALB]: 0.2 }, `seed ${seed}: api01 moved after ${m.after}`);
            assert.deepEqual(steps.filter((x) => /via-|to-/.test(x)).sort(), [
                "create ZoneRecord dns-api01-to-a",
                "create ZoneRecord dns-api01-to-b",
                "create ZoneRecord dns-api02-to-a",
                "create ZoneRecord dns-api02-to-b",
                "delete ZoneRecord dns-api01-via-a",
                "delete ZoneRecord dns-api01-via-b",
                "delete ZoneRecord dns-api02-via-a",
                "delete ZoneRecord dns-api02-via-b",
            ]);
            assert.deepEqual(
                [...pz.records.values()].filter((r) => /^api0\d-(a|b|staging)$/.test(r.Rr)).map((r) => r.Rr),
                [],
                "nothing left at the zone's apex",
            );
        }
    });
});

// The scheduler itself (bounds, seeded orders, every order of a small graph, failures): test/engine-schedule.test.ts.
