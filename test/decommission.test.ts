import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OfflineRun } from "../offline/harness";
import { phaseMarkerProvider } from "../providers/phase-marker";
import { editedStackFile, planStack } from "./helpers";

const NOW = new Date("2026-11-21T12:00:00Z");
const HOURS = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const CUTOVER = "organization/migration/cutover";
const HOST = (api: string) => `${api}.source-team1.dev.aliyun.cloud.cn.aibang`;

/** The cutover stack's outputs in a given state: A's DNS weight and A's Kong weight per API. */
function cutover(phase: string, a: Record<string, [number | null, number]>, phaseAppliedAt?: string) {
    const traffic = Object.entries(a).flatMap(([api, [dnsA, kongA]]) => [
        {
            api,
            host: HOST(api),
            layer: "dns",
            phase,
            ttl: phase === "complete" ? 600 : 60,
            targets:
                dnsA === null
                    ? [{ side: "B", address: "10.72.11.99", weight: 100 }]
                    : [
                          { side: "A", address: "10.72.10.88", weight: dnsA },
                          { side: "B", address: "10.72.11.99", weight: 100 - dnsA },
                      ],
        },
        {
            api,
            host: HOST(api),
            layer: "kong",
            phase,
            ttl: 0,
            upstream: `team1-${api}`,
            targets: [
                { side: "A", address: `${HOST(api)}:443`, weight: kongA },
                { side: "B", address: `${api}.target-team2.dev.aliyun.cloud.cn.aibang:443`, weight: 100 - kongA },
            ],
        },
    ]);
    return { role: "cutover", phase, dnsService: "privatezone", ...(phaseAppliedAt ? { phaseAppliedAt } : {}), traffic };
}

const ADOPTED = [
    ["alicloud:pvtz/zoneRecord:ZoneRecord", "source-a-wildcard-record", "870000000000001:2c5f0e1d9a7b4f6e"],
    ["alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer", "source-a-slb", "lb-2ze0example0a0slb"],
    ["kubernetes:core/v1:Namespace", "source-a-namespace-team1-ns", "team1-ns"],
    ["kubernetes:networking.k8s.io/v1:Ingress", "source-a-ingress-team1-ns-api01", "team1-ns/api01"],
    ["kubernetes:networking.k8s.io/v1:Ingress", "source-a-ingress-team1-ns-api02", "team1-ns/api02"],
];

const CONFIRM = "decommission.confirm is []; it must list exactly the APIs being retired: [api01, api02]";

function adoptedOf(run: OfflineRun) {
    return run.resources
        .filter((r) => r.options.import !== null)
        .map((r) => [r.type, r.name, r.options.import, r.options.ignoreChanges, r.options.protect]);
}

describe("decommissioning A (the committed source stack)", () => {
    async function verdict(outputs: Record<string, unknown>, configFile?: string) {
        const run = await planStack("source", { refs: { [CUTOVER]: outputs }, now: NOW, ...(configFile ? { configFile } : {}) });
        return { run, decommission: run.outputs.decommission as { allowed: boolean; reasons: string[] } };
    }

    it("adopts each piece of A by id, with ignoreChanges * so `up` changes nothing, protected while blocked", async () => {
        const { run } = await verdict(cutover("shift", { api01: [80, 80], api02: [100, 100] }));
        assert.deepEqual(
            adoptedOf(run),
            ADOPTED.map(([type, name, id]) => [type, name, id, ["*"], true]),
        );
        const ingress = run.resources.find((r) => r.name === "source-a-ingress-team1-ns-api01")!;
        const namespace = run.resources.find((r) => r.name === "source-a-namespace-team1-ns")!;
        assert.deepEqual([ingress.options.deletedWith, ingress.options.dependsOn], [namespace.urn, [namespace.urn]]);
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.deepEqual(provider.inputs, { context: "cluster-a" });
    });

    const states: [string, Record<string, unknown>, string[]][] = [
        [
            "prepare",
            cutover("prepare", { api01: [100, 100], api02: [100, 100] }),
            [
                'cutover phase is "prepare"; decommissioning needs "complete"',
                `api01: DNS answer 10.72.10.88 (side A) for ${HOST("api01")} still has weight 100`,
                `api01: Kong target ${HOST("api01")}:443 of upstream team1-api01 still has weight 100`,
                `api02: DNS answer 10.72.10.88 (side A) for ${HOST("api02")} still has weight 100`,
                `api02: Kong target ${HOST("api02")}:443 of upstream team1-api02 still has weight 100`,
                CONFIRM,
            ],
        ],
        [
            "shift at 20 %",
            cutover("shift", { api01: [80, 80], api02: [80, 80] }),
            [
                'cutover phase is "shift"; decommissioning needs "complete"',
                `api01: DNS answer 10.72.10.88 (side A) for ${HOST("api01")} still has weight 80`,
                `api01: Kong target ${HOST("api01")}:443 of upstream team1-api01 still has weight 80`,
                `api02: DNS answer 10.72.10.88 (side A) for ${HOST("api02")} still has weight 80`,
                `api02: Kong target ${HOST("api02")}:443 of upstream team1-api02 still has weight 80`,
                CONFIRM,
            ],
        ],
        [
            "shift at 100 %",
            cutover("shift", { api01: [0, 0], api02: [0, 0] }),
            ['cutover phase is "shift"; decommissioning needs "complete"', CONFIRM],
        ],
        [
            "complete but applied 2 h ago",
            cutover("complete", { api01: [null, 0], api02: [null, 0] }, HOURS(2)),
            [`complete was applied 2.0 h ago (${HOURS(2)}); the observation window is 24 h`, CONFIRM],
        ],
        [
            "complete with one Kong A target at weight 5",
            cutover("complete", { api01: [null, 0], api02: [null, 5] }, HOURS(30)),
            [`api02: Kong target ${HOST("api02")}:443 of upstream team1-api02 still has weight 5`, CONFIRM],
        ],
        [
            "complete, clean and past the window, but not confirmed",
            cutover("complete", { api01: [null, 0], api02: [null, 0] }, HOURS(30)),
            [CONFIRM],
        ],
    ];
    for (const [state, outputs, reasons] of states) {
        it(`${state}: blocked, listing exactly the unmet conditions`, async () => {
            const { run, decommission } = await verdict(outputs);
            assert.deepEqual(decommission, {
                allowed: false,
                reasons,
                clock: NOW.toISOString(),
                phaseAppliedAt: (outputs.phaseAppliedAt as string | undefined) ?? null,
            });
            assert.ok(
                adoptedOf(run).every(([, , , , protect]) => protect === true),
                "everything stays protected",
            );
            assert.deepEqual(run.warnings, [`decommission blocked, A stays protected:\n  - ${reasons.join("\n  - ")}`]);
        });
    }

    describe("with decommission.confirm listing exactly api01 and api02", () => {
        let dir: string;
        let confirmed: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "source-"));
            confirmed = editedStackFile(
                "source",
                dir,
                (c) => (c["migration:decommission"] = { ...c["migration:decommission"], confirm: ["api02", "api01"] }),
                "confirmed.yaml",
            );
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("complete, clean, past the window: allowed, and protection is lifted from every adopted piece", async () => {
            const { run, decommission } = await verdict(cutover("complete", { api01: [null, 0], api02: [null, 0] }, HOURS(30)), confirmed);
            assert.deepEqual(decommission, { allowed: true, reasons: [], clock: NOW.toISOString(), phaseAppliedAt: HOURS(30) });
            assert.deepEqual(
                adoptedOf(run),
                ADOPTED.map(([type, name, id]) => [type, name, id, ["*"], false]),
            );
            assert.deepEqual(run.warnings, []);
        });

        it("offline, the apply time of complete is unknown and taken as now: still blocked by the window", async () => {
            const { decommission } = await verdict(cutover("complete", { api01: [null, 0], api02: [null, 0] }), confirmed);
            assert.deepEqual(decommission, {
                allowed: false,
                reasons: ["the time complete was applied is unknown (taken as now); the observation window is 24 h"],
                clock: NOW.toISOString(),
                phaseAppliedAt: null,
            });
        });
    });
});

describe("PhaseMarker", () => {
    it("records the create time, keeps it while the phase stays, and is replaced by a new phase", async () => {
        const before = Date.now();
        const created = await phaseMarkerProvider.create!({ phase: "complete", version: "1" });
        const appliedAt = Date.parse((created.outs as { appliedAt: string }).appliedAt);
        assert.ok(appliedAt >= before && appliedAt <= Date.now());
        assert.deepEqual(await phaseMarkerProvider.diff!(created.id, created.outs, { phase: "complete", version: "1" }), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: true,
        });
        assert.deepEqual(await phaseMarkerProvider.diff!(created.id, created.outs, { phase: "shift", version: "1" }), {
            changes: true,
            replaces: ["phase"],
            deleteBeforeReplace: true,
        });
    });
});
