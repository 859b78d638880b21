/**
 * The engine stand-in's schedules (test/engine/engine.ts): the scheduler on hand-made graphs,
 * the Engine's step semantics (deletes last and in reverse dependency order, replacements,
 * failures) against an in-memory provider host, the dependencies of the committed cutover stack
 * as its registrations carry them, and parallel steps overlapping in the real provider host.
 */
import * as assert from "node:assert/strict";
import type * as http from "node:http";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { OfflineRun, RecordedResource } from "../offline/harness";
import {
    Engine,
    GraphStep,
    PlannedRun,
    planOrder,
    prng,
    runSteps,
    Schedule,
    SERIAL,
    stepGraph,
    StepNode,
    topologicalOrders,
} from "./engine/engine";
import { startHost, World } from "./engine/fixture";
import { Props, ProviderHost } from "./engine/host";
import { planStack, ROOT } from "./helpers";
import { runOffline } from "../offline/harness";
import { loadStackConfig } from "../offline/stack-files";
import { run as program } from "../program";
import { recordDependencies, RequestDependencies } from "./engine/dependencies";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A hand-made graph: each node's step takes `ms`, records its start and end, and fails if named in `fail`. */
function graph(nodes: StepNode[], ms = 0, fail: string[] = []) {
    const live = { now: 0, max: 0 };
    const events: { urn: string; start: number; end: number }[] = [];
    const steps: GraphStep[] = nodes.map((n) => ({
        ...n,
        run: async () => {
            const start = Date.now();
            live.max = Math.max(live.max, ++live.now);
            if (ms > 0) await sleep(ms);
            else await Promise.resolve();
            live.now--;
            events.push({ urn: n.urn, start, end: Date.now() });
            if (fail.includes(n.urn)) throw new Error(`${n.urn} failed`);
            return n.urn;
        },
    }));
    return { steps, live, events };
}
const node = (urn: string, ...deps: string[]): StepNode => ({ urn, deps });
/** a → b, c → d (b and c after a, d after both). */
const DIAMOND = [node("d", "b", "c"), node("b", "a"), node("c", "a"), node("a")];

describe("the engine stand-in's scheduler", () => {
    it("a pool of n runs independent steps at once and never more than n; the default is 16", async () => {
        const ten = Array.from({ length: 10 }, (_, i) => node(`s${i}`));
        for (const [schedule, expected] of [
            [{ parallelism: 3 }, 3],
            [{}, 10],
            [SERIAL, 1],
        ] as [Schedule, number][]) {
            const g = graph(ten, 20);
            const t0 = Date.now();
            await runSteps(g.steps, schedule);
            assert.equal(g.live.max, expected, JSON.stringify(schedule));
            if (expected === 10) assert.ok(Date.now() - t0 < 100, `10 steps of 20 ms at once took ${Date.now() - t0} ms`);
        }
        const twenty = graph(
            Array.from({ length: 20 }, (_, i) => node(`s${i}`)),
            10,
        );
        await runSteps(twenty.steps);
        assert.equal(twenty.live.max, 16, "the CLI's default --parallel");
        // Along a dependency nothing overlaps, whatever the bound.
        const chain = graph([node("a"), node("b", "a"), node("c", "b")], 10);
        await runSteps(chain.steps, { parallelism: 16 });
        assert.equal(chain.live.max, 1);
    });

    it("topologicalOrders: exactly the orders of a diamond; with a free node all ten; undefined past the bound", () => {
        assert.deepEqual(topologicalOrders(DIAMOND, 10), [
            ["a", "b", "c", "d"],
            ["a", "c", "b", "d"],
        ]);
        const five = topologicalOrders([...DIAMOND, node("e")], 100)!;
        assert.equal(five.length, 10, "e in any of five places of either diamond order");
        assert.equal(new Set(five.map((o) => o.join())).size, 10);
        for (const o of five)
            assert.ok(o.indexOf("a") < o.indexOf("b") && o.indexOf("b") < o.indexOf("d") && o.indexOf("c") < o.indexOf("d"));
        assert.equal(topologicalOrders([...DIAMOND, node("e")], 9), undefined);
        assert.deepEqual(topologicalOrders([node("x", "gone")], 5), [["x"]], "a dependency outside the graph is already done");
        assert.throws(() => topologicalOrders([node("p", "q"), node("q", "p")], 5), /cycle/);
        assert.deepEqual(planOrder(DIAMOND), ["a", "b", "c", "d"]);
    });

    it("a sequence runs exactly that order, and one that breaks a dependency fails before the step", async () => {
        for (const order of topologicalOrders([...DIAMOND, node("e")], 100)!) {
            const g = graph([...DIAMOND, node("e")]);
            assert.deepEqual(await runSteps(g.steps, { sequence: order }), order);
        }
        const g = graph(DIAMOND);
        await assert.rejects(runSteps(g.steps, { sequence: ["a", "d", "b", "c"] }), /the sequence starts d before b, c/);
        assert.deepEqual(
            g.events.map((e) => e.urn),
            ["a"],
        );
    });

    it("every seeded order is a topological order, the same for the same seed; seeds cover every order", async () => {
        const nodes = [...DIAMOND, node("e"), node("f", "e")];
        const all = new Set(topologicalOrders(nodes, 1000)!.map((o) => o.join()));
        assert.equal(all.size, 30);
        const seen = new Set<string>();
        for (let seed = 1; seed <= 300; seed++) {
            const order = (await runSteps(graph(nodes).steps, { order: seed })).join();
            assert.ok(all.has(order), `seed ${seed}: ${order} is not a topological order`);
            assert.equal((await runSteps(graph(nodes).steps, { order: seed })).join(), order, `seed ${seed} replays`);
            seen.add(order);
        }
        assert.equal(seen.size, all.size, "300 seeds reach all 30 orders");
        const g = graph(nodes, 5);
        await runSteps(g.steps, { order: 7 });
        assert.equal(g.live.max, 1, "a seeded order is one step at a time");
        // The PRNG itself is mulberry32: fixed values for a seed.
        const r = prng(1);
        assert.deepEqual(
            [r(), r()].map((x) => x.toFixed(6)),
            ["0.627074", "0.002736"],
        );
    });

    it("the first failure stops new steps; running steps finish; the error comes after they settle", async () => {
        // f fails at 10 ms while s (40 ms) runs; t and u wait for a slot (parallelism 2) and never start.
        const g = graph([node("f"), node("s"), node("t"), node("u")], 0);
        g.steps[0].run = async () => {
            await sleep(10);
            g.events.push({ urn: "f", start: 0, end: Date.now() });
            throw new Error("f failed");
        };
        g.steps[1].run = async () => {
            await sleep(40);
            g.events.push({ urn: "s", start: 0, end: Date.now() });
            return "s";
        };
        let thrownAt = 0;
        await assert.rejects(
            runSteps(g.steps, { parallelism: 2 }).finally(() => (thrownAt = Date.now())),
            { message: "f failed" },
        );
        assert.deepEqual(
            g.events.map((e) => e.urn),
            ["f", "s"],
        );
        assert.ok(thrownAt >= g.events[1].end, "thrown only once s had finished");
        // A step that depends on the failed one never runs, even with free slots.
        const h = graph([node("a"), node("b", "a"), node("c")], 5, ["a"]);
        await assert.rejects(runSteps(h.steps, { parallelism: 16 }), /a failed/);
        assert.deepEqual(h.events.map((e) => e.urn).sort(), ["a", "c"]);
    });
});

/**
 * An in-memory provider host: Check passes the inputs through; Diff compares them (`replace`
 * changing asks for a replacement, with `dbr` delete first); each call takes `ms` from the
 * inputs and fails when `fail` names the call. Every call is logged with its times.
 */
class FakeHost {
    readonly calls: { call: string; name: string; id?: string; start: number; end: number }[] = [];
    readonly live = { now: 0, max: 0 };
    private ids = 0;

    private async op<T>(call: string, urn: string, props: Props, id: string | undefined, result: () => T): Promise<T> {
        const start = Date.now();
        this.live.max = Math.max(this.live.max, ++this.live.now);
        if (props.ms) await sleep(Number(props.ms));
        else await Promise.resolve();
        this.live.now--;
        const name = urn.split("::").pop()!;
        this.calls.push({ call, name, ...(id ? { id } : {}), start, end: Date.now() });
        if (props.fail === call) throw new Error(`${call} ${name} failed`);
        return result();
    }
    async check(_urn: string, _olds: Props, news: Props) {
        return { inputs: news, failures: [] };
    }
    async diff(_urn: string, _id: string, olds: Props, news: Props) {
        const changed = JSON.stringify(olds) !== JSON.stringify(news);
        const replaces = changed && olds.replace !== news.replace ? ["replace"] : [];
        return { changes: changed ? "some" : "none", replaces, deleteBeforeReplace: replaces.length > 0 && news.dbr === true };
    }
    async create(urn: string, props: Props) {
        const id = `id-${++this.ids}`;
        return this.op("create", urn, props, id, () => ({ id, outputs: { ...props, out: id } }));
    }
    async update(urn: string, id: string, _olds: Props, news: Props) {
        return this.op("update", urn, news, id, () => ({ ...news, out: id }));
    }
    async delete(urn: string, id: string, props: Props) {
        return this.op("delete", urn, { ms: props.ms }, id, () => undefined);
    }
}

const TYPE = "pulumi-nodejs:dynamic/Thing:Thing";
const urnOf = (name: string) => `urn:pulumi:test::p::${TYPE}::${name}`;
/** A dynamic resource as the harness records it; `deps` by name (explicit dependsOn). */
function thing(name: string, deps: string[] = [], wire: Props = {}): RecordedResource {
    return {
        urn: urnOf(name),
        type: TYPE,
        name,
        custom: true,
        remote: false,
        read: false,
        inputs: wire,
        wire,
        seq: 0,
        dependencies: deps.map(urnOf),
        additionalSecretOutputs: [],
        options: {
            protect: false,
            dependsOn: deps.map(urnOf),
            deleteBeforeReplace: false,
            ignoreChanges: [],
            import: null,
            replaceOnChanges: [],
            retainOnDelete: false,
            deletedWith: null,
        },
    };
}
const planOf = (...resources: RecordedResource[]): PlannedRun => ({
    run: { project: "p", stack: "test", resources, outputs: {}, warnings: [] } as OfflineRun,
    recordNames: new Set(),
});
const fake = () => {
    const host = new FakeHost();
    return { host, engine: new Engine(host as unknown as ProviderHost) };
};

describe("the engine stand-in's steps (an in-memory host)", () => {
    // a ← b ← c (c depends on b, b on a), and a free d; each call 8 ms.
    const first = planOf(thing("a", [], { ms: 8 }), thing("b", ["a"], { ms: 8 }), thing("c", ["b"], { ms: 8 }), thing("d", [], { ms: 8 }));

    it("creates run at once where the graph allows; steps are listed in the plan's order whatever order ran them", async () => {
        const { host, engine } = fake();
        assert.deepEqual(await engine.up(first), ["create Thing a", "create Thing b", "create Thing c", "create Thing d"]);
        assert.equal(host.live.max, 2, "a and d at once, then b, then c");
        const at = (n: string) => host.calls.find((c) => c.name === n)!;
        assert.ok(at("b").start >= at("a").end && at("c").start >= at("b").end);
        assert.deepEqual(engine.entry("c").deps, [urnOf("b")], "the state keeps each resource's dependencies");
        assert.deepEqual(
            engine.log
                .map((l) => l.key)
                .slice(0, 2)
                .sort(),
            [urnOf("a"), urnOf("d")],
            "the log: in the order they finished",
        );
    });

    it("removed resources are deleted after every other step, each before what it depended on (any schedule); destroy likewise", async () => {
        const schedules: Schedule[] = [{}, SERIAL, ...Array.from({ length: 10 }, (_, i) => ({ order: i + 1 }))];
        for (const schedule of schedules) {
            const { host, engine } = fake();
            await engine.up(first, schedule);
            host.calls.length = 0;
            // The program now registers only d (changed) and a new x: a, b, c go.
            const steps = await engine.up(planOf(thing("d", [], { ms: 8, v: 2 }), thing("x", [], { ms: 8 })), schedule);
            assert.deepEqual(steps, ["update Thing d", "create Thing x", "delete Thing c", "delete Thing b", "delete Thing a"]);
            const deletes = host.calls.filter((c) => c.call === "delete");
            const lastOther = Math.max(...host.calls.filter((c) => c.call !== "delete").map((c) => c.end));
            assert.ok(
                deletes.every((d) => d.start >= lastOther),
                `${JSON.stringify(schedule)}: a delete started before the updates ended`,
            );
            assert.deepEqual(
                deletes.map((d) => d.name),
                ["c", "b", "a"],
                `${JSON.stringify(schedule)}: reverse dependency order`,
            );
            assert.deepEqual([...engine.state.values()].map((e) => e.name).sort(), ["d", "x"]);
        }
        const { host, engine } = fake();
        await engine.up(first);
        host.calls.length = 0;
        assert.deepEqual(await engine.destroy(), ["delete Thing d", "delete Thing c", "delete Thing b", "delete Thing a"]);
        const order = host.calls.map((c) => c.name);
        assert.ok(order.indexOf("c") < order.indexOf("b") && order.indexOf("b") < order.indexOf("a"), order.join());
        assert.equal(host.live.max, 2, "d's delete beside c's");
        assert.equal(engine.state.size, 0);
    });

    it("every order of a small update (graph, topologicalOrders, sequence): the same steps, deletes last and in reverse", async () => {
        const second = planOf(thing("d", [], { v: 2 }), thing("x"), thing("y", ["x"]));
        const { engine } = fake();
        await engine.up(first);
        const { apply, deletes } = engine.graph(second);
        assert.deepEqual(
            deletes.map((n) => [n.urn, n.deps]),
            [
                [`delete:${urnOf("c")}`, []],
                [`delete:${urnOf("b")}`, [`delete:${urnOf("c")}`]],
                [`delete:${urnOf("a")}`, [`delete:${urnOf("b")}`]],
            ],
        );
        const applyOrders = topologicalOrders(apply, 100)!;
        assert.equal(applyOrders.length, 3, "d before, between or after x → y");
        for (const order of applyOrders) {
            const run = fake();
            await run.engine.up(first);
            run.host.calls.length = 0;
            const sequence = [...order, ...topologicalOrders(deletes, 1)![0]];
            const steps = await run.engine.up(second, { sequence });
            assert.deepEqual(steps, [
                "update Thing d",
                "create Thing x",
                "create Thing y",
                "delete Thing c",
                "delete Thing b",
                "delete Thing a",
            ]);
            assert.deepEqual(
                run.host.calls.map((c) => c.name),
                [...order, ...sequence.slice(order.length)].map((k) => k.split("::").pop()),
            );
        }
    });

    it("a replacement creates first and deletes the old one at the end (DeleteReplaced), or deletes first when the provider says so", async () => {
        const { host, engine } = fake();
        await engine.up(planOf(thing("r", [], { replace: 1 }), thing("s", [], { replace: 1 }), thing("t")));
        const oldR = engine.entry("r").id;
        host.calls.length = 0;
        const steps = await engine.up(
            planOf(thing("r", [], { replace: 2 }), thing("s", [], { replace: 2, dbr: true }), thing("t", [], { v: 2 })),
        );
        assert.deepEqual(steps, ["replace Thing r", "replace Thing s", "update Thing t", "delete Thing r"]);
        const calls = host.calls.map((c) => `${c.call} ${c.name}`);
        assert.ok(calls.indexOf("delete s") < calls.indexOf("create s"), "delete before replace");
        assert.equal(calls.at(-1), "delete r", "the replaced r goes last");
        assert.equal(host.calls.at(-1)!.id, oldR, "by its old id");
        assert.notEqual(engine.entry("r").id, oldR);
    });

    it("a failure: running steps finish, nothing new starts, the state keeps what completed, no delete runs", async () => {
        const { host, engine } = fake();
        await engine.up(planOf(thing("old"), thing("upd", [], { v: 1 })));
        const before = engine.entry("upd").outputs;
        host.calls.length = 0;
        // In URN order at 2 at once: f1 (fails at 10 ms) and f2 (40 ms) start; f3 and upd wait for a slot and never start.
        const second = planOf(
            thing("f1", [], { ms: 10, fail: "create" }),
            thing("f2", [], { ms: 40 }),
            thing("f3"),
            thing("upd", [], { v: 2 }),
        );
        await assert.rejects(engine.up(second, { parallelism: 2 }), { message: "create f1 failed" });
        assert.deepEqual(
            host.calls.map((c) => `${c.call} ${c.name}`),
            ["create f1", "create f2"],
        );
        assert.deepEqual([...engine.state.values()].map((e) => e.name).sort(), ["f2", "old", "upd"], "f1 left no entry; old not deleted");
        // A failed update keeps the old outputs (dynamic providers return no partial state).
        await assert.rejects(engine.up(planOf(thing("old"), thing("upd", [], { v: 3, fail: "update" }))), /update upd failed/);
        assert.deepEqual(engine.entry("upd").outputs, before);
        // A delete-first replacement whose create fails leaves nothing: the old one is gone.
        await assert.rejects(engine.up(planOf(thing("old", [], { replace: 2, dbr: true, fail: "create" }), thing("upd", [], { v: 1 }))));
        assert.throws(() => engine.entry("old"), /no old in the state/);
    });

    it("the step graph: a component's dependsOn holds back the resources under it; a non-step resource passes its own on", () => {
        const comp = (name: string, deps: string[] = []) => ({
            ...thing(name, deps),
            type: "my:Comp",
            urn: `urn:c::${name}`,
            custom: false,
        });
        const k8s = { ...thing("k", ["a"]), type: "kubernetes:core/v1:ConfigMap", urn: "urn:k8s::k" };
        const group = comp("group", ["a"]);
        const inner = { ...thing("inner"), parent: group.urn };
        const viaK8s = { ...thing("viaK8s"), options: { ...thing("viaK8s").options, dependsOn: [k8s.urn] } };
        const onGroup = { ...thing("onGroup"), options: { ...thing("onGroup").options, dependsOn: [group.urn] } };
        const g = stepGraph(planOf(thing("a"), group, inner, k8s, viaK8s, onGroup));
        const deps = Object.fromEntries(g.map(({ resource, deps }) => [resource.name, deps.map((d) => d.split("::").pop())]));
        assert.deepEqual(deps, { a: [], inner: ["a"], onGroup: ["a", "inner"], viaK8s: ["a"] });
    });
});

describe("the committed cutover stack's step graph (its registrations' dependencies)", function () {
    this.timeout(60_000);

    it("every edge between steps is an explicit dependsOn; the only Outputs in inputs come from the platform StackReference", async () => {
        const dev = (await planStack("dev")).outputs;
        // The plan never calls the host; the gate's probes and name checks are pointed at ports nothing is sent to.
        const engine = new Engine(undefined as unknown as ProviderHost, {
            refs: { "organization/migration/dev": dev },
            ingress: { port: 1 },
            resolver: { port: 1 },
        });
        const planned = await engine.plan(path.join(ROOT, "Pulumi.cutover.yaml"));
        const name = new Map(planned.run.resources.map((r) => [r.urn, r.name]));
        const explicit = Object.fromEntries(
            planned.run.resources
                .filter((r) => r.options.dependsOn.length)
                .map((r) => [r.name, r.options.dependsOn.map((u) => name.get(u))]),
        );
        assert.deepEqual(explicit, {
            "dns-api01-records": ["gate-api01", "dns-api01-to-a", "dns-api01-to-b"],
            // B's intermediate name carries B's whole DNS share: re-pointing it waits for the gate.
            "dns-api01-to-b": ["gate-api01"],
            "dns-api02-records": ["gate-api02", "dns-api02-to-a", "dns-api02-to-b"],
            "dns-api02-to-b": ["gate-api02"],
            "kong-api01-service": ["kong-api01-upstream"],
            "kong-api02-service": ["kong-api02-upstream"],
            // Kong's A target is <api>-a: its upstream waits for that name's record.
            "kong-api01-upstream": ["gate-api01", "dns-api01-to-a"],
            "kong-api02-upstream": ["gate-api02", "dns-api02-to-a"],
        });
        // What the registrations carried beyond the explicit dependsOn: B's address from the platform
        // StackReference (a read, no step). The gates' probes carry it too in the program itself; in
        // the engine's plan the test seam has replaced their address with the loopback ingress.
        const implicit: Record<string, string[]> = {};
        for (const r of planned.run.resources) {
            const extra = (planned.dependencies!.get(r.urn) ?? []).filter((u) => !r.options.dependsOn.includes(u));
            if (extra.length) implicit[r.name] = extra.map((u) => name.get(u)!);
        }
        // The gates' name checks expect B's address from the platform stack too (the seam rewrites their probes, not their names).
        assert.deepEqual(implicit, {
            "dns-api01-to-b": ["platform"],
            "dns-api02-to-b": ["platform"],
            "gate-api01": ["platform"],
            "gate-api02": ["platform"],
        });
        // The program as the engine would receive it (no seam): which inputs carry another resource's Output.
        const config = loadStackConfig(ROOT, "cutover", path.join(ROOT, "Pulumi.cutover.yaml"));
        let recorded = new Map<string, RequestDependencies>();
        const bare = await runOffline({
            project: config.project,
            stack: "cutover",
            config: config.values,
            secretKeys: config.secretKeys,
            program: () => {
                recorded = recordDependencies();
                return program();
            },
            stackReference: async () => dev,
        });
        const byProperty: Record<string, Record<string, (string | undefined)[]>> = {};
        for (const r of bare.resources) {
            const props = recorded.get(r.urn)?.byProperty ?? {};
            if (Object.keys(props).length)
                byProperty[r.name] = Object.fromEntries(Object.entries(props).map(([k, urns]) => [k, urns.map((u) => name.get(u))]));
        }
        assert.deepEqual(byProperty, {
            "dns-api01-to-b": { value: ["platform"] },
            "dns-api02-to-b": { value: ["platform"] },
            "gate-api01": { probes: ["platform"], names: ["platform"] },
            "gate-api02": { probes: ["platform"], names: ["platform"] },
        });
        assert.ok(planned.run.resources.find((r) => r.name === "platform")!.read);
        // The step graph: exactly the explicit edges (the read has no step).
        const steps = Object.fromEntries(stepGraph(planned).map(({ resource, deps }) => [resource.name, deps.map((d) => name.get(d))]));
        for (const [n, deps] of Object.entries(steps)) assert.deepEqual(deps, (explicit as Record<string, string[]>)[n] ?? [], n);
        assert.deepEqual(Object.keys(steps).sort(), [
            "dns-api01-records",
            "dns-api01-to-a",
            "dns-api01-to-b",
            "dns-api02-records",
            "dns-api02-to-a",
            "dns-api02-to-b",
            "gate-api01",
            "gate-api02",
            "kong-api01-service",
            "kong-api01-upstream",
            "kong-api02-service",
            "kong-api02-upstream",
            "phase",
        ]);
    });
});

describe("parallel steps through the real provider host", function () {
    this.timeout(30_000);
    let host: ProviderHost;
    const worlds: World[] = [];

    before(async () => {
        host = await startHost();
    });
    after(async () => {
        for (const w of worlds) await w.stop();
        await host.stop();
    });

    /** A world whose Kong double counts the requests it has in flight. */
    async function countingKong() {
        const w = await new World(host).start();
        worlds.push(w);
        // The double's server is private: read here only, to count what reaches it at once.
        const server = (w.kong as unknown as { server: http.Server }).server;
        const live = { now: 0, max: 0, seen: [] as string[] };
        server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
            live.max = Math.max(live.max, ++live.now);
            const start = Math.round(performance.now());
            res.on("close", () => {
                live.now--;
                live.seen.push(`${req.method} ${req.url} ${start}-${Math.round(performance.now())}`);
            });
        });
        return { w, live };
    }
    const span = (w: World, line: string) => w.engine.log.filter((l) => l.line === line).at(-1)!;

    it("by default both APIs' Kong upstreams are updated at once: the host has both Updates, the Kong double both requests, in flight", async () => {
        const { w, live } = await countingKong();
        // The host rebuilds each provider on its first call: an apply first, so the edit below runs warm.
        await w.engine.up(w.stackFile({ phase: "prepare" }));
        live.max = 0;
        live.seen.length = 0;
        // Each upstream's first target write answers after 400 ms.
        for (const a of ["api01", "api02"])
            w.kong.inject({ method: "PATCH", pathIncludes: `/upstreams/team1-${a}/targets/`, delayMs: 400, times: 1 });
        const steps = await w.engine.up(w.stackFile({ phase: "shift", weights: { api01: 20, api02: 20 } }));
        assert.ok(
            steps.includes("update KongUpstreamEntity kong-api01-upstream") &&
                steps.includes("update KongUpstreamEntity kong-api02-upstream"),
        );
        const [a, b] = [span(w, "update KongUpstreamEntity kong-api01-upstream"), span(w, "update KongUpstreamEntity kong-api02-upstream")];
        assert.ok(a.start < b.end && b.start < a.end, `the two Updates were in flight at once: ${JSON.stringify({ a, b })}`);
        assert.ok(live.max >= 2, `the Kong double saw at most ${live.max} request(s) at once: ${live.seen.join("; ")}`);
        assert.deepEqual(w.kongView(), {
            api01: "A 80 B 20; service → team1-api01 retries 10",
            api02: "A 80 B 20; service → team1-api02 retries 10",
        });
    });

    it("the same apply one step at a time: never two Kong requests at once, the same steps listed", async () => {
        const { w, live } = await countingKong();
        for (const a of ["api01", "api02"]) w.kong.inject({ method: "PUT", pathIncludes: `/upstreams/team1-${a}`, delayMs: 100, times: 1 });
        const steps = await w.engine.up(w.stackFile({ phase: "prepare" }), SERIAL);
        assert.equal(live.max, 1);
        assert.ok(
            span(w, "create KongUpstreamEntity kong-api01-upstream").end <= span(w, "create KongUpstreamEntity kong-api02-upstream").start,
        );
        // 2 gates, 2 NameRecords, 2 upstreams, 2 bindings, the marker, and each API's <api>-a record.
        assert.equal(steps.length, 11);
    });
});
