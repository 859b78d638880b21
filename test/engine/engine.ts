/**
 * A small stand-in for the Pulumi engine's step logic, enough to run the project's dynamic
 * providers as `pulumi preview`, `pulumi up`, `pulumi refresh` and `pulumi destroy` do:
 *
 * - the real program runs (under the offline harness) and each resource's inputs are taken
 *   exactly as the SDK sends them, `__provider` included;
 * - dynamic resources go through the real provider host (ProviderHost):
 *   `Check(old inputs, new inputs)`; for a new resource `Create` (never `Diff`); for an
 *   existing one `Diff(id, old outputs, checked inputs)` then `Update`, or a replacement
 *   (delete first when the provider says deleteBeforeReplace). A preview runs Check and Diff
 *   only (the host does not support preview), with what is not known yet as the unknown sentinel;
 * - steps run as Pulumi's engine may run them: a resource's step only after the steps of what
 *   it depends on (`dependsOn`; the harness records explicit dependencies only — no input of
 *   the cutover program takes another resource's Output, the platform stack's values come from
 *   a stack reference); resources the program no longer registers are deleted after every other
 *   step, each before what it depended on when last applied (the state keeps those
 *   dependencies), and `destroy` deletes in that order too. A schedule picks among the ready
 *   steps: the default is one at a time by URN (deterministic step lists), `order: seed` one at a
 *   time picked by a seeded PRNG (a random topological order), `parallelism: n` up to n at once
 *   (the CLI's default `--parallel` is 16). The first failing step stops new steps; running ones
 *   finish; the state keeps what completed (a failed update keeps the old outputs);
 * - secrets reach the host as plain values (the host answers `acceptSecrets: false`);
 * - `alicloud.dns.AlidnsRecord` and `alicloud.pvtz.ZoneRecord` (Terraform-bridged, not
 *   installable here; the plain records of the intermediate names) are emulated against the
 *   doubles as terraform-provider-alicloud's `alicloud_alidns_record` and
 *   `alicloud_pvtz_zone_record` do it: add on create, update when rr/type/value/ttl change,
 *   delete when the program drops them.
 *
 * What it does not model: the engine's own diffing of non-dynamic resources, and
 * dependencies implied by Outputs (none in these programs).
 */
import * as pulumi from "@pulumi/pulumi";
import { OfflineRun, RecordedResource, runOffline } from "../../offline/harness";
import { HEALTH_GATE_TYPE } from "../../providers/health-gate";
import { NAME_RECORDS_TYPE } from "../../providers/name-records";
import { PrivateZoneDouble } from "../doubles/privatezone";
import { loadStackConfig } from "../../offline/stack-files";
import { run as program } from "../../program";
import { AlidnsDouble } from "../doubles/alidns";
import { ROOT } from "../helpers";
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
    seq: number;
    /** What it depended on when last applied (deletes go in reverse). */
    deps: string[];
}

/** How the engine picks among ready steps: by URN one at a time (default), a seeded random order, or n at once. */
export interface Schedule {
    order?: number;
    parallelism?: number;
}

/** One step of an update: what it waits for, and what it does (returning the step's line). */
interface GraphStep {
    urn: string;
    deps: string[];
    run: () => Promise<Step>;
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

/**
 * Runs steps as the engine does: each after the steps it depends on (dependencies on steps not
 * in the batch are already satisfied), picked by `schedule`. The first failure stops new steps;
 * running steps finish; then the failure is thrown. Returns the step lines in completion order.
 */
export async function runSteps(steps: GraphStep[], schedule: Schedule = {}): Promise<Step[]> {
    const inBatch = new Set(steps.map((s) => s.urn));
    // The default picks the first ready step in the order given.
    const pending = [...steps];
    const done = new Set<string>();
    const lines: Step[] = [];
    const random = schedule.order !== undefined ? prng(schedule.order) : undefined;
    const limit = schedule.parallelism ?? 1;
    let failure: unknown;
    let running = 0;
    await new Promise<void>((resolve) => {
        const pump = () => {
            if (failure === undefined) {
                while (running < limit) {
                    const ready = pending.filter((s) => s.deps.every((d) => done.has(d) || !inBatch.has(d)));
                    if (ready.length === 0) break;
                    const next = random ? ready[Math.floor(random() * ready.length)] : ready[0];
                    pending.splice(pending.indexOf(next), 1);
                    running++;
                    next.run().then(
                        (line) => {
                            lines.push(line);
                            done.add(next.urn);
                            running--;
                            pump();
                        },
                        (err) => {
                            failure ??= err;
                            running--;
                            pump();
                        },
                    );
                }
            }
            if (running === 0) resolve();
        };
        pump();
    });
    if (failure !== undefined) throw failure;
    if (pending.length > 0) throw new Error(`steps never became ready (a dependency cycle?): ${pending.map((s) => s.urn).join(", ")}`);
    return lines;
}

/** A step the engine took, as `pulumi up` lists it: `create NameRecords dns-api01-records`. */
export type Step = string;

/** Check failures of a preview or update: the engine stops before touching anything. */
export class CheckFailed extends Error {
    constructor(readonly failures: string[]) {
        super(`check failed:\n${failures.join("\n")}`);
    }
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
}

export class Engine {
    /** Dynamic resources by URN, as the engine's state holds them. */
    readonly state = new Map<string, Entry>();
    /** Emulated AlidnsRecords: name → record id in the double and the inputs it was applied with. */
    readonly records = new Map<string, { id: string; inputs: Props }>();
    private seq = 0;

    constructor(
        readonly host: ProviderHost,
        private readonly options: EngineOptions = {},
    ) {}

    /** Runs the real program over a stack file, keeping wire inputs; AlidnsRecords get ids when `apply`. */
    async program(stackFile: string, apply: boolean): Promise<{ run: OfflineRun; recordNames: Set<string> }> {
        const config = loadStackConfig(ROOT, "cutover", stackFile);
        const recordNames = new Set<string>();
        const refs = this.options.refs ?? {};
        const run = await runOffline({
            project: config.project,
            stack: "cutover",
            config: config.values,
            secretKeys: config.secretKeys,
            program: () => program(),
            keepWire: true,
            // The test seam: NameRecords talks to the loopback doubles (plain HTTP on 127.0.0.1).
            transformation: pointAt(this.options.dns?.endpoint, this.options.pz?.endpoint, this.options.ingress),
            stackReference: async (name) => {
                if (!(name in refs)) throw new Error(`the engine was given no outputs for stack ${name}`);
                return refs[name];
            },
            resourceId: (r) => {
                if (r.type === ZONE_RECORD) {
                    recordNames.add(r.name);
                    return apply ? this.applyZoneRecord(r.name, r.inputs) : this.records.get(r.name)?.id;
                }
                if (r.type !== RECORD) return undefined;
                recordNames.add(r.name);
                return apply ? this.applyRecord(r.name, r.inputs) : this.records.get(r.name)?.id;
            },
        });
        return { run, recordNames };
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
            this.records.set(name, { id: prior.id, inputs });
            return prior.id;
        }
        const id = dns.addRecord({ zone: domainName, rr, type, value, ttl });
        this.records.set(name, { id, inputs });
        return id;
    }

    /**
     * Dynamic resources in an order the engine could take: every resource after what it
     * depends on (`dependsOn`), otherwise by URN — registration order itself depends on output
     * timing, and a test needs one order.
     */
    private dynamic(run: OfflineRun): RecordedResource[] {
        const pending = run.resources.filter((r) => r.type.startsWith(DYNAMIC)).sort((a, b) => (a.urn < b.urn ? -1 : 1));
        const done = new Set<string>();
        const order: RecordedResource[] = [];
        while (pending.length) {
            const i = pending.findIndex((r) => r.options.dependsOn.every((d) => done.has(d) || !pending.some((p) => p.urn === d)));
            const [next] = pending.splice(i < 0 ? 0 : i, 1);
            done.add(next.urn);
            order.push(next);
        }
        return order;
    }

    /** `pulumi preview`: Check every dynamic resource, Diff the existing ones; nothing is written. */
    async preview(stackFile: string): Promise<Step[]> {
        const { run } = await this.program(stackFile, false);
        const steps: Step[] = [];
        const failures: string[] = [];
        for (const r of this.dynamic(run)) {
            const prior = this.state.get(r.urn);
            const checked = await this.host.check(r.urn, prior?.inputs ?? {}, plain(r.wire) as Props);
            failures.push(...checked.failures.map((f) => `${r.name}: ${f.property}: ${f.reason}`));
            if (!prior) steps.push(`create ${short(r.type)} ${r.name}`);
            else {
                const d = await this.host.diff(r.urn, prior.id, prior.outputs, checked.inputs);
                steps.push(`${d.replaces.length ? "replace" : d.changes === "none" ? "same" : "update"} ${short(r.type)} ${r.name}`);
            }
        }
        const seen = new Set(this.dynamic(run).map((r) => r.urn));
        for (const e of this.state.values())
            if (!seen.has(e.urn) && e.type.startsWith(DYNAMIC)) steps.push(`delete ${short(e.type)} ${e.name}`);
        if (failures.length) throw new CheckFailed(failures);
        return steps;
    }

    /** Runs the program once (for `up` to apply, possibly many times against fresh state). */
    async plan(stackFile: string): Promise<{ run: OfflineRun; recordNames: Set<string> }> {
        return this.program(stackFile, false);
    }

    /** The step of one dynamic resource: Check, then Create, or Diff and Update / replace. */
    private dynamicStep(r: RecordedResource, deps: string[], replaced: Entry[]): GraphStep {
        return {
            urn: r.urn,
            deps,
            run: async () => {
                const news = plain(r.wire) as Props;
                const prior = this.state.get(r.urn);
                const checked = await this.host.check(r.urn, prior?.inputs ?? {}, news);
                if (checked.failures.length) throw new CheckFailed(checked.failures.map((f) => `${r.name}: ${f.property}: ${f.reason}`));
                const label = `${short(r.type)} ${r.name}`;
                if (!prior) {
                    const created = await this.host.create(r.urn, checked.inputs);
                    this.state.set(r.urn, {
                        urn: r.urn,
                        type: r.type,
                        name: r.name,
                        id: created.id,
                        inputs: checked.inputs,
                        outputs: created.outputs,
                        seq: this.seq++,
                        deps,
                    });
                    return `create ${label}`;
                }
                const d = await this.host.diff(r.urn, prior.id, prior.outputs, checked.inputs);
                if (d.changes === "none") {
                    this.state.set(r.urn, { ...prior, deps });
                    return `same ${label}`;
                }
                if (d.replaces.length) {
                    if (d.deleteBeforeReplace) await this.host.delete(r.urn, prior.id, prior.outputs);
                    const created = await this.host.create(r.urn, checked.inputs);
                    // Create-before-delete: the old one goes at the end of the update (Pulumi's DeleteReplaced).
                    if (!d.deleteBeforeReplace) replaced.push(prior);
                    this.state.set(r.urn, { ...prior, id: created.id, inputs: checked.inputs, outputs: created.outputs, deps });
                    return `replace ${label}`;
                }
                const outputs = await this.host.update(r.urn, prior.id, prior.outputs, checked.inputs);
                this.state.set(r.urn, { ...prior, inputs: checked.inputs, outputs, deps });
                return `update ${label}`;
            },
        };
    }

    /** The step of one bridged record (terraform-provider-alicloud's add / update), against the doubles. */
    private recordStep(r: RecordedResource, deps: string[]): GraphStep {
        return {
            urn: r.urn,
            deps,
            run: async () => {
                const existed = this.records.has(r.name);
                const id = r.type === ZONE_RECORD ? this.applyZoneRecord(r.name, r.inputs) : this.applyRecord(r.name, r.inputs);
                const prior = this.state.get(r.urn);
                this.state.set(r.urn, {
                    urn: r.urn,
                    type: r.type,
                    name: r.name,
                    id,
                    inputs: r.inputs,
                    outputs: r.inputs,
                    seq: prior?.seq ?? this.seq++,
                    deps,
                });
                return `${existed ? "update" : "create"} ${short(r.type)} ${r.name}`;
            },
        };
    }

    /** The delete of one state entry, after the deletes of whatever depended on it. */
    private deleteStep(e: Entry, urn = e.urn): GraphStep {
        return {
            urn,
            deps: [],
            run: async () => {
                if (e.type === RECORD || e.type === ZONE_RECORD) {
                    const r = this.records.get(e.name);
                    if (r) {
                        this.options.dns?.records.delete(r.id);
                        this.options.pz?.records.delete(r.id);
                        this.records.delete(e.name);
                    }
                    this.state.delete(e.urn);
                    return `delete AlidnsRecord ${e.name}`;
                }
                await this.host.delete(e.urn, e.id, e.outputs);
                if (this.state.get(e.urn)?.id === e.id) this.state.delete(e.urn);
                return `delete ${short(e.type)} ${e.name}`;
            },
        };
    }

    /** Deletes in reverse dependency order: each waits for the deletes of entries that depended on it; newest first by default. */
    private deletes(entries: Entry[]): GraphStep[] {
        return [...entries]
            .sort((a, b) => b.seq - a.seq)
            .map((e) => ({
                ...this.deleteStep(e, `delete:${e.urn}#${e.id}`),
                deps: entries.filter((o) => o !== e && o.deps.includes(e.urn)).map((o) => `delete:${o.urn}#${o.id}`),
            }));
    }

    /**
     * \`pulumi up\`: every step through the host, in an order the engine could take (\`schedule\`);
     * the first failing step stops the update (its error thrown). \`planned\` reuses a program run.
     */
    async up(stackFile: string | { run: OfflineRun; recordNames: Set<string> }, schedule: Schedule = {}): Promise<Step[]> {
        const { run } = typeof stackFile === "string" ? await this.plan(stackFile) : stackFile;
        const resources = run.resources.filter((r) => r.type.startsWith(DYNAMIC) || r.type === RECORD || r.type === ZONE_RECORD);
        const present = new Set(resources.map((r) => r.urn));
        const replaced: Entry[] = [];
        const steps = [...resources]
            .sort((a, b) => (a.urn < b.urn ? -1 : 1))
            .map((r) => {
                const deps = r.options.dependsOn.filter((d) => present.has(d));
                return r.type.startsWith(DYNAMIC) ? this.dynamicStep(r, deps, replaced) : this.recordStep(r, deps);
            });
        const lines = await runSteps(steps, schedule);
        // Bridged records are state entries too; a replaced entry is deleted by its old id (its URN now holds the new one).
        const gone = [...this.state.values()].filter((e) => !present.has(e.urn));
        lines.push(...(await runSteps(this.deletes([...gone, ...replaced]), schedule)));
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
    async destroy(schedule: Schedule = {}): Promise<Step[]> {
        const entries = [...this.state.values()];
        return runSteps(this.deletes(entries), schedule);
    }

    /** The state entry of a dynamic resource by name. */
    entry(name: string): Entry {
        const e = [...this.state.values()].find((x) => x.name === name);
        if (!e) throw new Error(`no ${name} in the state; have ${[...this.state.values()].map((x) => x.name).join(", ")}`);
        return e;
    }
}

/**
 * Points every NameRecords resource at its service's double, and every HealthGate's probes at the
 * loopback ingress, as their inputs reach the engine. A gate with no ingress to point at stops
 * the run: a test must never send a probe to the stack files' 10.72.x.x addresses.
 */
function pointAt(alidns?: string, pvtz?: string, ingress?: { port: number }): pulumi.ResourceTransformation {
    return (t) => {
        if (t.type === HEALTH_GATE_TYPE) {
            if (!ingress)
                throw new Error(`HealthGate ${t.name}: give the engine an ingress double, or turn the gate off in the stack file`);
            const probes = (t.props.probes as Record<string, unknown>[]).map((p) => ({
                ...p,
                connect: { address: "127.0.0.1", port: ingress.port },
            }));
            return { props: { ...t.props, probes }, opts: t.opts };
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
