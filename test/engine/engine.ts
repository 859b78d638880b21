/**
 * A small stand-in for the Pulumi engine's step logic, enough to run the project's dynamic
 * providers as `pulumi preview`, `pulumi up`, `pulumi refresh` and `pulumi destroy` do.
 *
 * What it models:
 * - the program runs once per plan (`plan`, under the offline harness), and each resource's
 *   inputs are kept exactly as the SDK sends them, `__provider` included; `up` applies a plan,
 *   so one program run can be replayed in many orders against fresh state;
 * - dynamic resources go through the real provider host (ProviderHost):
 *   `Check(old inputs, new inputs)`; for a new resource `Create` (never `Diff`); for an
 *   existing one `Diff(id, old outputs, checked inputs)` then `Update`, or a replacement: with
 *   deleteBeforeReplace the old one deleted first (then the state holds nothing until the
 *   create succeeds), otherwise created first and the old one deleted at the end of the update
 *   (Pulumi's DeleteReplaced). A preview runs Check and Diff only, one at a time (the host does
 *   not support preview), with what is not known yet as the unknown sentinel;
 * - `alicloud.dns.AlidnsRecord` and `alicloud.pvtz.ZoneRecord` (Terraform-bridged, not
 *   installable here; the plain records of the intermediate names) are steps too, emulated
 *   against the doubles as terraform-provider-alicloud's `alicloud_alidns_record` and
 *   `alicloud_pvtz_zone_record` do it: add on create, update when rr/type/value/ttl change,
 *   delete when the program drops them; each emulated call is a moment the doubles record;
 * - the step graph: a step runs only after the steps of everything its registration waited
 *   for. Those are the `dependencies` of the SDK's RegisterResourceRequest (read by
 *   ./dependencies.ts, as the harness records only explicit `dependsOn`): explicit `dependsOn`,
 *   and every resource an input's Output came from, components expanded to the resources under
 *   them (the SDK's rule). A component's own dependencies hold back the resources under it
 *   (the SDK registers a child only once its parent's URN is known); parent/child among
 *   components imposes no other order. Waiting for a resource this stand-in does not step
 *   (a read, e.g. the platform StackReference, or a Kubernetes object) means waiting for what
 *   that resource waited for. In the committed cutover stack the only Outputs that reach
 *   inputs come from the platform StackReference (B's address in `dns-<api>-to-b`'s value and
 *   the gates' probes), a read: every edge between steps is an explicit `dependsOn`;
 * - schedules (`Schedule`): by default up to 16 steps at once (the CLI's `--parallel`), ready
 *   steps started in URN order (the URN the engine gives, every ancestor's type in it:
 *   offline/diff.ts `engineUrns`) as slots free up; `parallelism: n` for another bound
 *   (`SERIAL`, n = 1, is one at a time in URN order); `order: seed` one at a time, the next
 *   picked among the ready steps by a seeded PRNG (a random topological order); `sequence`
 *   one at a time in a given order (`topologicalOrders` lists every order of a small graph);
 * - removed resources are deleted after every create/update/replace step has finished, and
 *   `destroy` deletes everything: each resource before what it depended on when last applied
 *   (the state keeps each resource's dependencies, as Pulumi's state does);
 * - failures: the first failing step stops new steps; steps already running finish; the state
 *   keeps every step that completed (a failed create leaves no entry, a failed update keeps
 *   the old outputs — dynamic providers return no partial state); no delete of a removed
 *   resource runs after a failure; the first error is thrown once the running steps settle;
 * - secrets reach the host as plain values (the host answers `acceptSecrets: false`);
 * - `up` and `destroy` return their steps in the plan's order (the order of the `SERIAL`
 *   schedule, whatever schedule ran them), as the CLI lists resources; `log` has every step
 *   with its start and end time, in the order the steps finished.
 *
 * What it does not model: the engine's own diffing and steps of non-dynamic resources (Kubernetes
 * objects, other bridged resources: they count as done at once), reads (`.get`) as steps,
 * `refresh` and `preview` in parallel, targets, protect, retainOnDelete, deletedWith, resource
 * hooks, and partial state.
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "node:perf_hooks";
import { engineUrns } from "../../offline/diff";
import { OfflineRun, RecordedResource, runOffline } from "../../offline/harness";
import { HEALTH_GATE_TYPE } from "../../providers/health-gate";
import { NAME_RECORDS_TYPE } from "../../providers/name-records";
import { PrivateZoneDouble } from "../doubles/privatezone";
import { loadStackConfig } from "../../offline/stack-files";
import { run as program } from "../../program";
import { AlidnsDouble } from "../doubles/alidns";
import { ROOT } from "../helpers";
import { recordDependencies } from "./dependencies";
import { HostError, Props, ProviderHost } from "./host";

const RECORD = "alicloud:dns/alidnsRecord:AlidnsRecord";
const ZONE_RECORD = "alicloud:pvtz/zoneRecord:ZoneRecord";
const DYNAMIC = "pulumi-nodejs:dynamic/";

const rt = pulumi.runtime as unknown as { specialSigKey: string; specialSecretSig: string };

/** The wire form the engine hands a provider that does not accept secrets: secret wrappers removed. */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[rt.specialSigKey] === rt.specialSecretSig) return plain(obj.value);
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

interface Entry {
    urn: string;
    type: string;
    name: string;
    id: string;
    inputs: Props;
    outputs: Props;
    /** Creation order, in the plan's order (deletes list newest first). */
    seq: number;
    /** What it depended on when last applied (deletes go in reverse). */
    deps: string[];
}

/** The CLI's default `pulumi up --parallel`. */
export const DEFAULT_PARALLELISM = 16;

/**
 * How the engine picks among ready steps. `{}` is the CLI's default: up to 16 at once, started
 * in URN order. `order` and `sequence` run one step at a time unless `parallelism` says otherwise.
 */
export interface Schedule {
    /** At most this many steps at once (default 16; 1 with `order` or `sequence`). */
    parallelism?: number;
    /** A seed: the next step picked among the ready ones by mulberry32(seed). */
    order?: number;
    /**
     * Step keys in the order to start them (an order from `topologicalOrders`): a key whose
     * dependencies are not done when its turn comes fails the run; keys of other batches are
     * skipped; steps not listed start afterwards, in URN order.
     */
    sequence?: string[];
}

/** One step at a time, in URN order (after what each depends on): deterministic. */
export const SERIAL: Schedule = { parallelism: 1 };

/** A node of a step graph: its key (a URN; `delete:<urn>` for a delete) and the keys it waits for. */
export interface StepNode {
    urn: string;
    deps: string[];
}

/** One step: what it waits for, and what it does (returning the step's line). */
export interface GraphStep extends StepNode {
    run: () => Promise<Step>;
}

/** A step the engine took, as `pulumi up` lists it: `create NameRecords dns-api01-records`. */
export type Step = string;

/** A step as it ran: `start`/`end` in ms (performance.now()). */
export interface StepRecord {
    key: string;
    /** The step's line, or `failed <key>: <message>`. */
    line: string;
    start: number;
    end: number;
}

/** mulberry32: a small seeded PRNG, so an order can be replayed. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Each node's dependencies within the graph (dependencies outside it are already satisfied). */
function waitsOf(nodes: StepNode[]): Map<string, string[]> {
    const keys = new Set(nodes.map((n) => n.urn));
    if (keys.size !== nodes.length) throw new Error(`a step graph with a key twice: ${nodes.map((n) => n.urn).join(", ")}`);
    return new Map(nodes.map((n) => [n.urn, n.deps.filter((d) => keys.has(d) && d !== n.urn)]));
}

/** The `SERIAL` order: one at a time, always the first ready node in the order given. */
export function planOrder(nodes: StepNode[]): string[] {
    const waits = waitsOf(nodes);
    const done = new Set<string>();
    const order: string[] = [];
    while (order.length < nodes.length) {
        const next = nodes.find((n) => !done.has(n.urn) && waits.get(n.urn)!.every((d) => done.has(d)));
        if (!next)
            throw new Error(
                `a dependency cycle among ${nodes
                    .filter((n) => !done.has(n.urn))
                    .map((n) => n.urn)
                    .join(", ")}`,
            );
        done.add(next.urn);
        order.push(next.urn);
    }
    return order;
}

/**
 * Every topological order of a step graph (each node after the nodes it depends on), when
 * there are at most `max` of them; undefined when there are more. A test can then run each
 * with `{ sequence }`.
 */
export function topologicalOrders(nodes: StepNode[], max: number): string[][] | undefined {
    const waits = waitsOf(nodes);
    planOrder(nodes); // a cycle has no order: say so rather than answer none
    const orders: string[][] = [];
    const order: string[] = [];
    const placed = new Set<string>();
    let over = false;
    const walk = (): void => {
        if (order.length === nodes.length) {
            if (orders.length >= max) over = true;
            else orders.push([...order]);
            return;
        }
        for (const n of nodes) {
            if (placed.has(n.urn) || !waits.get(n.urn)!.every((d) => placed.has(d))) continue;
            placed.add(n.urn);
            order.push(n.urn);
            walk();
            order.pop();
            placed.delete(n.urn);
            if (over) return;
        }
    };
    walk();
    return over ? undefined : orders;
}

/**
 * Runs steps as the engine does: each after the steps it depends on (dependencies on steps not
 * in the batch are already satisfied), picked by `schedule`. The first failure stops new steps;
 * running steps finish; then the failure is thrown. Returns the step lines in completion order.
 */
export async function runSteps(steps: GraphStep[], schedule: Schedule = {}): Promise<Step[]> {
    const waits = waitsOf(steps);
    const limit = schedule.parallelism ?? (schedule.order !== undefined || schedule.sequence ? 1 : DEFAULT_PARALLELISM);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`parallelism is a whole number of steps, at least 1 (not ${limit})`);
    const pending = [...steps];
    const done = new Set<string>();
    const lines: Step[] = [];
    const random = schedule.order !== undefined ? prng(schedule.order) : undefined;
    const sequence = (schedule.sequence ?? []).filter((k) => waits.has(k));
    let turn = 0;
    let failure: { error: unknown } | undefined;
    let running = 0;
    await new Promise<void>((resolve) => {
        const pump = () => {
            while (!failure && running < limit) {
                const ready = pending.filter((s) => waits.get(s.urn)!.every((d) => done.has(d)));
                let next: GraphStep | undefined;
                while (turn < sequence.length && !pending.some((s) => s.urn === sequence[turn])) turn++;
                if (turn < sequence.length) {
                    next = ready.find((s) => s.urn === sequence[turn]);
                    if (!next) {
                        if (running > 0) break;
                        const missing = waits.get(sequence[turn])!.filter((d) => !done.has(d));
                        failure = { error: new Error(`the sequence starts ${sequence[turn]} before ${missing.join(", ")}`) };
                        break;
                    }
                    turn++;
                } else if (ready.length === 0) break;
                else next = random ? ready[Math.floor(random() * ready.length)] : ready[0];
                const step = next;
                pending.splice(pending.indexOf(step), 1);
                running++;
                Promise.resolve()
                    .then(() => step.run())
                    .then(
                        (line) => {
                            lines.push(line);
                            done.add(step.urn);
                        },
                        (error: unknown) => {
                            failure ??= { error };
                        },
                    )
                    .finally(() => {
                        running--;
                        pump();
                    });
            }
            if (running === 0) resolve();
        };
        pump();
    });
    if (failure) throw failure.error;
    if (pending.length > 0) throw new Error(`steps never became ready (a dependency cycle?): ${pending.map((s) => s.urn).join(", ")}`);
    return lines;
}

/** Check failures of a preview or update: the engine stops before touching anything. */
export class CheckFailed extends Error {
    constructor(readonly failures: string[]) {
        super(`check failed:\n${failures.join("\n")}`);
    }
}

/** One run of the program: what `up` applies (as often as wanted, against any state). */
export interface PlannedRun {
    run: OfflineRun;
    /** Names of the bridged records the program registers. */
    recordNames: Set<string>;
    /**
     * Per URN, the dependencies its registration request carried (explicit and from Outputs);
     * without it (a run recorded elsewhere) the explicit `dependsOn` alone.
     */
    dependencies?: Map<string, string[]>;
}

export interface EngineOptions {
    /** The Alidns double the emulated AlidnsRecord provider writes to. */
    dns?: AlidnsDouble;
    /** The PrivateZone double the emulated pvtz ZoneRecord provider writes to. */
    pz?: PrivateZoneDouble;
    /** Outputs of referenced stacks, by reference name. */
    refs?: Record<string, Record<string, unknown>>;
    /** The loopback ingress the health gate's probes are pointed at (the stack files' B is 10.72.x.x: never contacted). */
    ingress?: { port: number };
    /** The loopback DNS server the health gate's name checks ask (never the machine's resolvers). */
    resolver?: { port: number };
    /** The schedule of `up` and `destroy` when they are given none (default: 16 at once). */
    schedule?: Schedule;
}

/** Records a moment on a double, as its API does after every call (the emulated Terraform calls are calls too). */
function observe(double: AlidnsDouble | PrivateZoneDouble, after: string): void {
    (double as unknown as { observe(after: string): void }).observe(after);
}

const isStep = (r: RecordedResource) => !r.read && (r.type.startsWith(DYNAMIC) || r.type === RECORD || r.type === ZONE_RECORD);

/** The step resources of a program run, in URN order, each with the steps it waits for (see the header). */
export function stepGraph(planned: PlannedRun): { resource: RecordedResource; deps: string[] }[] {
    const { run, dependencies } = planned;
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const children = new Map<string, RecordedResource[]>();
    for (const r of run.resources) {
        if (!r.parent) continue;
        const list = children.get(r.parent);
        if (list) list.push(r);
        else children.set(r.parent, [r]);
    }
    const direct = (r: RecordedResource) => dependencies?.get(r.urn) ?? r.options.dependsOn;
    // What waiting for `urn` means in steps: a step resource, its step; a component, the resources under it.
    const reach = (urn: string, seen: Set<string>): string[] => {
        const r = byUrn.get(urn);
        if (!r || seen.has(urn)) return [];
        seen.add(urn);
        if (isStep(r)) return [urn];
        const under = r.custom ? [] : (children.get(urn) ?? []).flatMap((c) => reach(c.urn, seen));
        return [...waits(r, seen), ...under];
    };
    // What a resource's registration waits for: its dependencies, and whatever held back its parent's.
    const waits = (r: RecordedResource, seen: Set<string>): string[] => {
        const own = direct(r).flatMap((d) => reach(d, seen));
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (!parent) return own;
        return [...own, ...(isStep(parent) ? [parent.urn] : waits(parent, seen))];
    };
    // The engine's URNs, not the mocks': the mocks name only the parent's type, so a step's place
    // would move with each new component above it (an ApiCutover over each API's resources).
    const engine = engineUrns(run.resources);
    return run.resources
        .filter(isStep)
        .sort((a, b) => (engine.get(a.urn)! < engine.get(b.urn)! ? -1 : 1))
        .map((r) => ({ resource: r, deps: [...new Set(waits(r, new Set([r.urn])))].filter((d) => d !== r.urn) }));
}

export class Engine {
    /** Every resource the engine has applied, by URN, as its state holds them (bridged records too). */
    readonly state = new Map<string, Entry>();
    /** Emulated bridged records: name → record id in the double and the inputs it was applied with. */
    readonly records = new Map<string, { id: string; inputs: Props }>();
    /** Every step of every `up` and `destroy`, in the order they finished, with their times. */
    readonly log: StepRecord[] = [];
    private seq = 0;

    constructor(
        readonly host: ProviderHost,
        private readonly options: EngineOptions = {},
    ) {}

    /** The schedule `up` and `destroy` use when given none. */
    get schedule(): Schedule {
        return this.options.schedule ?? {};
    }

    /**
     * Runs the real program over a stack file, keeping wire inputs and each registration's
     * dependencies. Nothing is applied (`apply` is accepted for old callers and must be false:
     * records are applied as steps by `up`).
     */
    async program(stackFile: string, apply = false): Promise<PlannedRun> {
        if (apply) throw new Error("Engine.program applies nothing: plan, then up");
        const config = loadStackConfig(ROOT, "cutover", stackFile);
        const recordNames = new Set<string>();
        const refs = this.options.refs ?? {};
        let dependencies = new Map<string, { all: string[] }>();
        const run = await runOffline({
            project: config.project,
            stack: "cutover",
            config: config.values,
            secretKeys: config.secretKeys,
            program: () => {
                dependencies = recordDependencies();
                return program();
            },
            keepWire: true,
            // The test seam: NameRecords talks to the loopback doubles (plain HTTP on 127.0.0.1).
            transformation: pointAt(this.options.dns?.endpoint, this.options.pz?.endpoint, this.options.ingress, this.options.resolver),
            stackReference: async (name) => {
                if (!(name in refs)) throw new Error(`the engine was given no outputs for stack ${name}`);
                return refs[name];
            },
            // A bridged record's id as the program would see it (the record applied earlier, if it was).
            resourceId: (r) => {
                if (r.type !== RECORD && r.type !== ZONE_RECORD) return undefined;
                recordNames.add(r.name);
                return this.records.get(r.name)?.id;
            },
        });
        return { run, recordNames, dependencies: new Map([...dependencies].map(([urn, d]) => [urn, d.all])) };
    }

    /** Runs the program once: `up` applies the result, as often as wanted (against fresh state, in many orders). */
    async plan(stackFile: string): Promise<PlannedRun> {
        return this.program(stackFile);
    }

    /**
     * The step graphs `up` would run now: `apply` (a step per resource of the run) and `deletes`
     * (the resources the state holds that the run no longer registers; replacements that
     * create first add theirs when they run). Keys as `sequence` takes them.
     */
    graph(planned: PlannedRun): { apply: StepNode[]; deletes: StepNode[] } {
        const apply = stepGraph(planned).map(({ resource, deps }) => ({ urn: resource.urn, deps }));
        const present = new Set(apply.map((n) => n.urn));
        const deletes = this.deletes([...this.state.values()].filter((e) => !present.has(e.urn))).map(({ urn, deps }) => ({ urn, deps }));
        return { apply, deletes };
    }

    /**
     * terraform-provider-alicloud's alicloud_pvtz_zone_record, against the PrivateZone double:
     * AddZoneRecord (answered at once, weight 1), UpdateZoneRecord for rr/type/value/ttl.
     */
    private applyZoneRecord(name: string, inputs: Props): string {
        const pz = this.options.pz;
        if (!pz) throw new Error("a pvtz ZoneRecord needs the PrivateZone double");
        const prior = this.records.get(name);
        const { zoneId, rr, type, value, ttl } = inputs as { zoneId: string; rr: string; type: string; value: string; ttl: number };
        if (prior) {
            Object.assign(pz.records.get(prior.id)!, { Rr: rr, Type: type, Value: value, Ttl: ttl });
            observe(pz, `UpdateZoneRecord RecordId=${prior.id} (terraform, ${name})`);
            this.records.set(name, { id: prior.id, inputs });
            return prior.id;
        }
        const id = pz.addRecord({ zoneId, rr, type, value, ttl });
        this.records.set(name, { id, inputs });
        return id;
    }

    /** terraform-provider-alicloud's alicloud_alidns_record, against the double. */
    private applyRecord(name: string, inputs: Props): string {
        const dns = this.options.dns;
        if (!dns) throw new Error("an AlidnsRecord needs the Alidns double");
        const prior = this.records.get(name);
        const { domainName, rr, type, value, ttl } = inputs as { domainName: string; rr: string; type: string; value: string; ttl: number };
        if (typeof value !== "string" || value === "")
            throw new Error(`AlidnsRecord ${name}: value is not known (${String(value)}); give B's address to apply`);
        if (prior) {
            const r = dns.records.get(prior.id)!;
            Object.assign(r, { RR: rr, Type: type, Value: value, TTL: ttl });
            observe(dns, `UpdateDomainRecord RecordId=${prior.id} (terraform, ${name})`);
            this.records.set(name, { id: prior.id, inputs });
            return prior.id;
        }
        const id = dns.addRecord({ zone: domainName, rr, type, value, ttl });
        observe(dns, `AddDomainRecord RecordId=${id} (terraform, ${name})`);
        this.records.set(name, { id, inputs });
        return id;
    }

    /** Dynamic resources in the order the preview checks them: the `SERIAL` order. */
    private dynamic(planned: PlannedRun): RecordedResource[] {
        const graph = stepGraph(planned);
        const byUrn = new Map(graph.map((g) => [g.resource.urn, g.resource]));
        return planOrder(graph.map(({ resource, deps }) => ({ urn: resource.urn, deps })))
            .map((urn) => byUrn.get(urn)!)
            .filter((r) => r.type.startsWith(DYNAMIC));
    }

    /** `pulumi preview`: Check every dynamic resource, Diff the existing ones; nothing is written. */
    async preview(stackFile: string): Promise<Step[]> {
        const planned = await this.program(stackFile);
        const steps: Step[] = [];
        const failures: string[] = [];
        const dynamic = this.dynamic(planned);
        for (const r of dynamic) {
            const prior = this.state.get(r.urn);
            const checked = await this.host.check(r.urn, prior?.inputs ?? {}, plain(r.wire) as Props);
            failures.push(...checked.failures.map((f) => `${r.name}: ${f.property}: ${f.reason}`));
            if (!prior) steps.push(`create ${short(r.type)} ${r.name}`);
            else {
                const d = await this.host.diff(r.urn, prior.id, prior.outputs, checked.inputs);
                steps.push(`${d.replaces.length ? "replace" : d.changes === "none" ? "same" : "update"} ${short(r.type)} ${r.name}`);
            }
        }
        const seen = new Set(dynamic.map((r) => r.urn));
        for (const e of this.state.values())
            if (!seen.has(e.urn) && e.type.startsWith(DYNAMIC)) steps.push(`delete ${short(e.type)} ${e.name}`);
        if (failures.length) throw new CheckFailed(failures);
        return steps;
    }

    /** The step of one dynamic resource: Check, then Create, or Diff and Update / replace. */
    private dynamicStep(r: RecordedResource, deps: string[], seq: number, replaced: Entry[]): GraphStep {
        return {
            urn: r.urn,
            deps,
            run: async () => {
                const news = plain(r.wire) as Props;
                const prior = this.state.get(r.urn);
                const checked = await this.host.check(r.urn, prior?.inputs ?? {}, news);
                if (checked.failures.length) throw new CheckFailed(checked.failures.map((f) => `${r.name}: ${f.property}: ${f.reason}`));
                const label = `${short(r.type)} ${r.name}`;
                const entry = (id: string, outputs: Props): Entry => ({
                    urn: r.urn,
                    type: r.type,
                    name: r.name,
                    id,
                    inputs: checked.inputs,
                    outputs,
                    seq: prior?.seq ?? seq,
                    deps,
                });
                if (!prior) {
                    const created = await this.host.create(r.urn, checked.inputs);
                    this.state.set(r.urn, entry(created.id, created.outputs));
                    return `create ${label}`;
                }
                const d = await this.host.diff(r.urn, prior.id, prior.outputs, checked.inputs);
                if (d.changes === "none") {
                    // A same step: the new inputs and dependencies, the old outputs.
                    this.state.set(r.urn, entry(prior.id, prior.outputs));
                    return `same ${label}`;
                }
                if (d.replaces.length) {
                    if (d.deleteBeforeReplace) {
                        await this.host.delete(r.urn, prior.id, prior.outputs);
                        this.state.delete(r.urn);
                    }
                    const created = await this.host.create(r.urn, checked.inputs);
                    // Create-before-delete: the old one goes at the end of the update (Pulumi's DeleteReplaced).
                    if (!d.deleteBeforeReplace) replaced.push(prior);
                    this.state.set(r.urn, entry(created.id, created.outputs));
                    return `replace ${label}`;
                }
                const outputs = await this.host.update(r.urn, prior.id, prior.outputs, checked.inputs);
                this.state.set(r.urn, entry(prior.id, outputs));
                return `update ${label}`;
            },
        };
    }

    /** The step of one bridged record (terraform-provider-alicloud's add / update), against the doubles. */
    private recordStep(r: RecordedResource, deps: string[], seq: number): GraphStep {
        return {
            urn: r.urn,
            deps,
            run: async () => {
                const existed = this.records.has(r.name);
                const prior0 = this.state.get(r.urn);
                // No diff, no call: the bridged provider plans no update for unchanged inputs (a `same` step).
                if (existed && prior0 && JSON.stringify(prior0.inputs) === JSON.stringify(r.inputs)) {
                    this.state.set(r.urn, { ...prior0, deps });
                    return `same ${short(r.type)} ${r.name}`;
                }
                const id = r.type === ZONE_RECORD ? this.applyZoneRecord(r.name, r.inputs) : this.applyRecord(r.name, r.inputs);
                const prior = this.state.get(r.urn);
                this.state.set(r.urn, {
                    urn: r.urn,
                    type: r.type,
                    name: r.name,
                    id,
                    inputs: r.inputs,
                    outputs: r.inputs,
                    seq: prior?.seq ?? seq,
                    deps,
                });
                return `${existed ? "update" : "create"} ${short(r.type)} ${r.name}`;
            },
        };
    }

    /** The delete of one state entry. */
    private deleteStep(e: Entry): GraphStep {
        return {
            urn: `delete:${e.urn}`,
            deps: [],
            run: async () => {
                if (e.type === RECORD || e.type === ZONE_RECORD) {
                    const id = this.records.get(e.name)?.id ?? e.id;
                    const double = e.type === RECORD ? this.options.dns : this.options.pz;
                    if (double?.records.delete(id))
                        observe(
                            double,
                            `${e.type === RECORD ? "DeleteDomainRecord" : "DeleteZoneRecord"} RecordId=${id} (terraform, ${e.name})`,
                        );
                    this.records.delete(e.name);
                    this.state.delete(e.urn);
                    return `delete ${short(e.type)} ${e.name}`;
                }
                await this.host.delete(e.urn, e.id, e.outputs);
                // A replaced entry's URN holds the new resource by now: only the old one goes.
                if (this.state.get(e.urn)?.id === e.id) this.state.delete(e.urn);
                return `delete ${short(e.type)} ${e.name}`;
            },
        };
    }

    /** Deletes in reverse dependency order: each waits for the deletes of the entries that depended on it; newest first in the plan. */
    private deletes(entries: Entry[]): GraphStep[] {
        return [...entries]
            .sort((a, b) => b.seq - a.seq)
            .map((e) => ({
                ...this.deleteStep(e),
                deps: entries.filter((o) => o !== e && o.deps.includes(e.urn)).map((o) => `delete:${o.urn}`),
            }));
    }

    /** Runs a batch of steps, logging each; returns the lines of the steps that ran, in the plan's order. */
    private async execute(steps: GraphStep[], schedule: Schedule): Promise<Step[]> {
        const order = planOrder(steps);
        const lines = new Map<string, Step>();
        const logged = steps.map((s) => ({
            ...s,
            run: async () => {
                const start = performance.now();
                try {
                    const line = await s.run();
                    lines.set(s.urn, line);
                    this.log.push({ key: s.urn, line, start, end: performance.now() });
                    return line;
                } catch (err) {
                    this.log.push({ key: s.urn, line: `failed ${s.urn}: ${(err as Error).message}`, start, end: performance.now() });
                    throw err;
                }
            },
        }));
        await runSteps(logged, schedule);
        return order.filter((k) => lines.has(k)).map((k) => lines.get(k)!);
    }

    /**
     * `pulumi up`: every step through the host or the emulated records, scheduled by `schedule`;
     * then the deletes of what the program no longer registers (and of replaced resources). The
     * first failing step stops the update and its error is thrown once running steps finish.
     */
    async up(target: string | PlannedRun, schedule: Schedule = this.schedule): Promise<Step[]> {
        const planned = typeof target === "string" ? await this.plan(target) : target;
        const graph = stepGraph(planned);
        const present = new Set(graph.map((g) => g.resource.urn));
        const gone = [...this.state.values()].filter((e) => !present.has(e.urn));
        const replaced: Entry[] = [];
        // Creation order in the plan's order, whatever order the steps finish in.
        const base = this.seq;
        const rank = new Map(planOrder(graph.map(({ resource, deps }) => ({ urn: resource.urn, deps }))).map((urn, i) => [urn, base + i]));
        this.seq += graph.length;
        const apply = graph.map(({ resource: r, deps }) =>
            r.type.startsWith(DYNAMIC) ? this.dynamicStep(r, deps, rank.get(r.urn)!, replaced) : this.recordStep(r, deps, rank.get(r.urn)!),
        );
        const lines = await this.execute(apply, schedule);
        lines.push(...(await this.execute(this.deletes([...gone, ...replaced]), schedule)));
        return lines;
    }

    /** `pulumi refresh`: Read every dynamic resource; then a preview of the same program must show no change. */
    async refresh(): Promise<Step[]> {
        const steps: Step[] = [];
        for (const e of [...this.state.values()].filter((x) => x.type.startsWith(DYNAMIC)).sort((a, b) => a.seq - b.seq)) {
            const read = await this.host.read(e.urn, e.id, e.outputs);
            if (read.id === "") {
                this.state.delete(e.urn);
                steps.push(`gone ${short(e.type)} ${e.name}`);
                continue;
            }
            const changed = JSON.stringify(read.outputs) !== JSON.stringify(e.outputs);
            this.state.set(e.urn, { ...e, outputs: read.outputs });
            steps.push(`${changed ? "drift" : "same"} ${short(e.type)} ${e.name}`);
        }
        return steps;
    }

    /** `pulumi destroy`: everything deleted, each before what it depended on. */
    async destroy(schedule: Schedule = this.schedule): Promise<Step[]> {
        return this.execute(this.deletes([...this.state.values()]), schedule);
    }

    /** The state entry of a resource by name. */
    entry(name: string): Entry {
        const e = [...this.state.values()].find((x) => x.name === name);
        if (!e) throw new Error(`no ${name} in the state; have ${[...this.state.values()].map((x) => x.name).join(", ")}`);
        return e;
    }
}

/**
 * Points every NameRecords resource at its service's double, and every HealthGate's probes at the
 * loopback ingress and its name checks at the loopback DNS server, as their inputs reach the
 * engine. A gate with nothing to point at stops the run: a test must never send a probe to the
 * stack files' 10.72.x.x addresses, nor a query to the machine's resolvers.
 */
function pointAt(alidns?: string, pvtz?: string, ingress?: { port: number }, resolver?: { port: number }): pulumi.ResourceTransformation {
    return (t) => {
        if (t.type === HEALTH_GATE_TYPE) {
            if (!ingress)
                throw new Error(`HealthGate ${t.name}: give the engine an ingress double, or turn the gate off in the stack file`);
            if (t.props.names !== undefined && !resolver)
                throw new Error(`HealthGate ${t.name}: it checks names; give the engine a DNS double (resolver), or turn the gate off`);
            const probes = (t.props.probes as Record<string, unknown>[]).map((p) => ({
                ...p,
                connect: { address: "127.0.0.1", port: ingress.port },
            }));
            const dnsServer = resolver ? { dnsServer: { address: "127.0.0.1", port: resolver.port } } : {};
            return { props: { ...t.props, probes, ...dnsServer }, opts: t.opts };
        }
        if (t.type !== NAME_RECORDS_TYPE) return undefined;
        const endpoint = t.props.service === "privatezone" ? pvtz : alidns;
        return endpoint ? { props: { ...t.props, endpoint }, opts: t.opts } : undefined;
    };
}

function short(type: string): string {
    return type.split(":").pop()!;
}

/** The message the engine shows for a failed step (the gRPC status details). */
export async function engineError(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (err) {
        const e = err as HostError;
        if (typeof e.details === "string") return `${e.code} ${e.details}`;
        throw err;
    }
    throw new Error("expected the step to fail");
}
