/**
 * Moving each API's gate, DNS and Kong components under one ApiCutover must not replace or
 * re-create anything an existing cutover stack holds. The plans of the committed cutover stack
 * (and of its prepare, complete, stable-hostname and gate-off edits) were saved before the move
 * in test/golden/before-api-parent/; each is compared with the plan now, resources matched as
 * the engine matches them (offline/diff.ts `continuedBy`: by the engine's URN, else by an alias,
 * the aliases children inherit from a moved parent included).
 */
import * as assert from "node:assert/strict";
import { HEALTH_GATE_TYPE } from "../providers/health-gate";
import { KONG_SERVICE_BINDING_TYPE } from "../providers/kong";
import { KONG_UPSTREAM_ENTITY_TYPE } from "../providers/kong";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API_CUTOVER_TYPE } from "../components/api-cutover";
import { continuedBy, engineUrns, NamedResource } from "../offline/diff";
import { RecordedAlias } from "../offline/harness";
import { PlanDocument } from "../offline/render";
import { plan } from "./cli-run";
import { editedStackFile, ROOT } from "./helpers";

type Doc = PlanDocument & { resources: (PlanDocument["resources"][number] & { options: { aliases?: RecordedAlias[] } })[] };

/** The edits the before plans were made with (test/golden/before-api-parent/cutover-<edit>.json). */
const EDITS: Record<string, ((c: Record<string, Record<string, unknown>>) => void) | undefined> = {
    committed: undefined,
    prepare: (c) => void (c["migration:cutover"] = { ...c["migration:cutover"], phase: "prepare" }),
    complete: (c) => void (c["migration:cutover"] = { ...c["migration:cutover"], phase: "complete", weights: { api01: 100, api02: 100 } }),
    "stable-hostname": (c) => {
        c["migration:kong"] = { ...c["migration:kong"], mode: "stable-hostname" };
        c["migration:cutover"] = { ...c["migration:cutover"], weights: { api01: 100, api02: 0 } };
    },
    "no-gate": (c) => void (c["migration:cutover"] = { ...c["migration:cutover"], gate: { enabled: false } }),
};

function named(doc: Doc): NamedResource[] {
    return doc.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        ...(r.options.aliases ? { aliases: r.options.aliases } : {}),
    }));
}

/**
 * Inputs later changes added on purpose, by resource type: the snapshot predates them, and
 * leaving them out of the comparison keeps this test about the parent move alone.
 * - HealthGate `names`: the gate checks that Kong's B target resolves to B (issue 22, B's names); `dataPlane`,
 *   `kongAdminToken`, `kongAdminAuth`: its check of B's Kong data plane (issue 24).
 * - KongServiceBinding `expect`: the protocol (and path) the service speaks to its targets.
 */
const ADDED_SINCE: Record<string, string[]> = {
    // HealthGate `dataPlane` and its Admin token: the check of B's Kong data plane for an API routed through it (issue 24).
    [HEALTH_GATE_TYPE]: ["names", "dataPlane", "kongAdminToken", "kongAdminAuth"],
    // KongServiceBinding `expect`: the service's protocol toward its targets (issue 22, Kong service checks).
    [KONG_SERVICE_BINDING_TYPE]: ["expect"],
};

/**
 * Resources whose inputs a later change rewrote on purpose, compared for continuity only (still
 * continued by exactly one resource, never created or deleted), not for their inputs:
 * - KongUpstreamEntity: Kong's A target `<api>-a` instead of the legacy name, the legacy host as
 *   `host_header`, and after `<api>-a`'s record (issue 22 item 2, Kong's shares exact).
 */
const REWRITTEN_SINCE = new Set([KONG_UPSTREAM_ENTITY_TYPE]);

/**
 * Changes made on purpose after the snapshot, taken back out of the plan now before comparing
 * (issue 25: the policy pack's share-rises-behind-gate found that in stable-hostname mode the
 * stable host name's CNAME moved Kong's whole share without waiting for the gate, and that the
 * gate did not carry Kong's share):
 * - a HealthGate's `shares.kong` where the snapshot's gate had no Kong share;
 * - the HealthGate in a stable host name's record's (`*-origin`) `dependsOn`, and in B's
 *   intermediate name's (`*-to-b`): each re-points B's whole share.
 */
function deliberate(
    prior: Doc["resources"][number],
    now: { type: string; name: string; inputs: Record<string, unknown>; options: Record<string, unknown> },
): typeof now {
    if (now.type === HEALTH_GATE_TYPE && !("kong" in ((prior.inputs.shares as object) ?? {}))) {
        const { kong: _kong, ...shares } = now.inputs.shares as Record<string, number>;
        return { ...now, inputs: { ...now.inputs, shares } };
    }
    if (now.name.endsWith("-origin") || now.name.endsWith("-to-b"))
        return {
            ...now,
            options: { ...now.options, dependsOn: (now.options.dependsOn as string[]).filter((u) => !u.includes(HEALTH_GATE_TYPE)) },
        };
    return now;
}

function withoutAdded(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const added = ADDED_SINCE[type] ?? [];
    return Object.fromEntries(Object.entries(inputs).filter(([k]) => !added.includes(k)));
}

/** `value` with every plan URN of `before` that `map` knows replaced by the one it continues as. */
function renamed(value: unknown, map: Map<string, string>): unknown {
    if (typeof value === "string") return map.get(value) ?? value;
    if (Array.isArray(value)) return value.map((v) => renamed(v, map));
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, map)]));
    return value;
}

/** What differs between the two plans, as the engine would see it; the moved resources' old and new engine URNs. */
function compare(before: Doc, after: Doc) {
    const continued = continuedBy(named(before), named(after));
    const beforeByUrn = new Map(before.resources.map((r) => [r.urn, r]));
    const next = new Map([...continued].map(([a, b]) => [b, a]));
    const created = after.resources.filter((r) => !continued.has(r.urn)).map((r) => `${r.type} ${r.name}`);
    const deleted = before.resources.filter((r) => !next.has(r.urn)).map((r) => `${r.type} ${r.name}`);
    const claimedTwice = [...continued.values()].filter((b, i, all) => all.indexOf(b) !== i);
    const changed: string[] = [];
    for (const r of after.resources) {
        const prior = beforeByUrn.get(continued.get(r.urn) ?? "");
        if (!prior || REWRITTEN_SINCE.has(r.type)) continue;
        const { aliases: _aliases, ...options } = r.options;
        const was = {
            type: prior.type,
            name: prior.name,
            inputs: withoutAdded(prior.type, renamed(prior.inputs, next) as Record<string, unknown>),
            options: renamed(prior.options, next),
        };
        const now = deliberate(prior, { type: r.type, name: r.name, inputs: withoutAdded(r.type, r.inputs), options });
        if (JSON.stringify(was) !== JSON.stringify(now)) changed.push(r.name);
    }
    const [oldEngine, newEngine] = [engineUrns(named(before)), engineUrns(named(after))];
    const moved = [...continued]
        .filter(([a, b]) => newEngine.get(a) !== oldEngine.get(b))
        .map(([a, b]) => [oldEngine.get(b)!, newEngine.get(a)!]);
    return { created, deleted, claimedTwice, changed, moved };
}

async function planNow(edit: string, dir: string): Promise<Doc> {
    const change = EDITS[edit];
    const config = change ? ["--config", editedStackFile("cutover", dir, change, `cutover-${edit}.yaml`)] : [];
    const { code, stdout, stderr } = await plan(["--stack", "cutover", ...config, "--json", "--now", "2026-11-26T00:00:00Z"]);
    assert.deepEqual([code, stderr], [0, ""]);
    return JSON.parse(stdout) as Doc;
}

function saved(edit: string): Doc {
    const file = edit === "committed" ? "cutover.json" : `cutover-${edit}.json`;
    return JSON.parse(fs.readFileSync(path.join(ROOT, "test", "golden", "before-api-parent", file), "utf8")) as Doc;
}

describe("the ApiCutover parent replaces nothing: the cutover stack's plans before and after differ only by parents and aliases", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aliases-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const edit of Object.keys(EDITS)) {
        it(`${edit}: every resource before is continued by exactly one after, unchanged but for its parent; the only new resources are one ApiCutover per API`, async () => {
            const [was, now] = [saved(edit), await planNow(edit, dir)];
            const { created, deleted, claimedTwice, changed, moved } = compare(was, now);
            const apis = [...new Set(was.resources.filter((r) => r.type.endsWith(":NameRecords")).map((r) => r.name.split("-")[1]))];
            assert.deepEqual(created, apis.map((a) => `${API_CUTOVER_TYPE} api-${a}`).sort());
            assert.deepEqual([deleted, claimedTwice, changed], [[], [], []]);
            // Everything under a moved component has a new engine URN: found by the alias its parent passes down.
            const movedNames = moved.map(([, urn]) => urn.slice(urn.lastIndexOf("::") + 2)).sort();
            const underApis = now.resources.filter((r) => r.type !== API_CUTOVER_TYPE && r.urn !== now.resources[0].urn);
            assert.deepEqual(
                movedNames,
                underApis
                    .filter((r) => !["phase", "platform"].includes(r.name))
                    .map((r) => r.name)
                    .sort(),
            );
            for (const [old, urn] of moved)
                assert.equal(urn.replace(`${API_CUTOVER_TYPE}$`, ""), old, "only the ApiCutover enters the type chain");
            // Only the components that were at the stack's root carry an alias, and it names that root.
            const aliased = now.resources.filter((r) => r.options.aliases).map((r) => [r.name, r.options.aliases]);
            assert.deepEqual(
                aliased,
                now.resources.filter((r) => r.parent?.includes(`${API_CUTOVER_TYPE}::`)).map((r) => [r.name, [{ noParent: true }]]),
            );
            assert.ok(aliased.length >= apis.length * 1, "each API's components are aliased");
        });
    }

    it("without the aliases the engine would delete and create every moved resource (the comparison has teeth)", async () => {
        const now = await planNow("committed", dir);
        const bare = { ...now, resources: now.resources.map((r) => ({ ...r, options: { ...r.options, aliases: undefined } })) };
        const { created, deleted } = compare(saved("committed"), bare);
        assert.equal(deleted.length, 16);
        assert.deepEqual(
            deleted.filter((d) => d.includes("HealthGate")),
            ["pulumi-nodejs:dynamic/migration:HealthGate gate-api01", "pulumi-nodejs:dynamic/migration:HealthGate gate-api02"],
        );
        assert.equal(created.length, 18);
    });
});
