/**
 * What going from one config to another would do: the program is planned for both and the
 * recorded resources are compared the way the engine would. A resource is replaced when its
 * URN changes, when a changed input is in its `replaceOnChanges`, when the project's own
 * dynamic provider's `diff` says so, or when a changed input is a documented
 * replace-on-change field of its resource type.
 */
import { DYNAMIC_PROVIDERS } from "./providers";
import * as pulumi from "@pulumi/pulumi";
import { OfflineRun, RecordedAlias, RecordedOptions, RecordedResource, renderWireValue, SECRET, UNKNOWN } from "./harness";
import { EditConvergence, editConvergence, KONG_RERESOLVE_DELAY_SECONDS } from "../plan/cutover";
import { convergenceOf, trafficOf } from "./render";

/**
 * Inputs whose change makes the provider replace the resource, for the resource types the
 * program uses (the engine learns this from each provider's Diff; offline it is this table).
 */
export const REPLACE_ON_CHANGE: { type: RegExp; paths: string[]; source: string }[] = [
    {
        type: /^kubernetes:/,
        paths: ["metadata.name", "metadata.namespace"],
        source: "pulumi-kubernetes: an object's name and namespace identify it; a change is a new object",
    },
    { type: /^kubernetes:core\/v1:Secret$/, paths: ["type"], source: "Kubernetes API: a Secret's type is immutable" },
    {
        type: /^kubernetes:networking\.k8s\.io\/v1:IngressClass$/,
        paths: ["spec.controller"],
        source: "Kubernetes API: IngressClass spec.controller is immutable",
    },
    { type: /^kubernetes:core\/v1:Service$/, paths: ["spec.clusterIP"], source: "Kubernetes API: spec.clusterIP is immutable" },
    { type: /^alicloud:dns\/alidnsRecord:AlidnsRecord$/, paths: ["domainName"], source: "alicloud_alidns_record: domain_name is ForceNew" },
];

export interface Change {
    path: string;
    old: unknown;
    new: unknown;
}

export interface DiffEntry {
    urn: string;
    type: string;
    name: string;
    /** For updates and replacements: the changed input paths. */
    changes?: Change[];
    /** Changed resource options (`protect`, `ignoreChanges`, `dependsOn`, ...), by option name. */
    optionChanges?: Change[];
    /** For replacements: why. */
    reasons?: string[];
}

export interface PlanDiff {
    created: DiffEntry[];
    deleted: DiffEntry[];
    replaced: DiffEntry[];
    updated: DiffEntry[];
    unchanged: number;
    /** Resources whose `protect` goes from true to false, and from false to true: the edits that decide what may be deleted. */
    protection: { lifted: string[]; added: string[] };
    /**
     * Steps the project's providers refuse (their Check given the old and new inputs, as
     * `pulumi preview` would call it): `pulumi up` would stop here before anything moves.
     */
    refused: { name: string; property: string; reason: string }[];
    /**
     * For stacks that move traffic: what the edit makes each legacy host wait for (hosts it
     * changes only), counted from the config before it; how many hosts it leaves as they were.
     */
    convergence?: { hosts: EditConvergence[]; unchanged: number };
}

/** Fields that identify an element of a list of objects, in order of preference. */
const IDENTITY_FIELDS = ["side", "name", "key", "target", "host", "id"];

/** The field every element of both lists has, with distinct values in each, or undefined. */
function identityField(before: unknown[], after: unknown[]): string | undefined {
    const objects = (list: unknown[]) => list.every((v) => typeof v === "object" && v !== null && !Array.isArray(v));
    if (!objects(before) || !objects(after) || before.length + after.length === 0) return undefined;
    return IDENTITY_FIELDS.find((f) =>
        [before, after].every((list) => {
            const values = (list as Record<string, unknown>[]).map((v) => v[f]);
            return values.every((v) => typeof v === "string" || typeof v === "number") && new Set(values).size === values.length;
        }),
    );
}

/** Rendered inputs as the engine would pass them to Check: "[known after apply]" is the unknown sentinel again. */
function engineForm(value: unknown): unknown {
    if (value === UNKNOWN) return (pulumi.runtime as unknown as { unknownValue: string }).unknownValue;
    if (Array.isArray(value)) return value.map(engineForm);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, engineForm(v)]));
    return value;
}

/**
 * The input changes of one resource. With the wire values kept (the plan command keeps them),
 * a secret that changed is a change too — `pulumi preview` shows it as `[secret]` changed —
 * found by comparing opaque tokens (equal values, equal tokens) that never carry the value.
 */
function inputChanges(before: RecordedResource, after: RecordedResource, secrets: Map<string, string>): Change[] {
    if (!before.wire || !after.wire) return changedPaths(before.inputs, after.inputs);
    const token = (leaf: unknown) => {
        const key = JSON.stringify(leaf);
        if (!secrets.has(key)) secrets.set(key, `${SECRET}#${secrets.size + 1}`);
        return secrets.get(key)!;
    };
    const shown = (v: unknown) => (typeof v === "string" && v.startsWith(`${SECRET}#`) ? SECRET : v);
    return changedPaths(renderWireValue(before.wire, token), renderWireValue(after.wire, token)).map((c) =>
        shown(c.old) === SECRET && shown(c.new) === SECRET
            ? { path: c.path, old: SECRET, new: `${SECRET} (changed)` }
            : { ...c, old: shown(c.old), new: shown(c.new) },
    );
}

/** Leaf-level differences between two input objects, as `a.b[0].c` paths. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): Change[] {
    const isObj = (v: unknown) => typeof v === "object" && v !== null;
    if (Array.isArray(before) && Array.isArray(after)) {
        // Elements with an identity (a record's side, a target's address) are matched by it, so a
        // change reads as what happens to that element, not to whatever sits at an index.
        const id = identityField(before, after);
        if (id) {
            const keyed = (list: unknown[]) => new Map((list as Record<string, unknown>[]).map((v) => [String(v[id]), v]));
            const b = keyed(before);
            const a = keyed(after);
            return [...new Set([...b.keys(), ...a.keys()])].flatMap((k) => changedPaths(b.get(k), a.get(k), `${prefix}[${id}=${k}]`));
        }
        const out: Change[] = [];
        for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...changedPaths(before[i], after[i], `${prefix}[${i}]`));
        return out;
    }
    if (isObj(before) && isObj(after) && !Array.isArray(before) && !Array.isArray(after)) {
        const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
        return keys.flatMap((k) =>
            changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k),
        );
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: prefix, old: before ?? null, new: after ?? null }];
}

function under(path: string, prefix: string): boolean {
    return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function identity(r: RecordedResource): string {
    return `${r.type}\u0000${r.name}`;
}

function entry(r: RecordedResource, extra: Partial<DiffEntry> = {}): DiffEntry {
    return { urn: r.urn, type: r.type, name: r.name, ...extra };
}

/** Why a matched resource with these changes would be replaced; empty when it is updated in place. */
async function replaceReasons(before: RecordedResource, after: RecordedResource, changes: Change[]): Promise<string[]> {
    const reasons: string[] = [];
    const replaceOn = [...new Set([...before.options.replaceOnChanges, ...after.options.replaceOnChanges])];
    for (const c of changes) if (replaceOn.some((p) => p === "*" || under(c.path, p))) reasons.push(`${c.path} is in replaceOnChanges`);
    const provider = DYNAMIC_PROVIDERS[after.type];
    if (provider?.diff) {
        const d = await provider.diff(after.name, before.inputs, after.inputs);
        for (const p of d.replaces ?? []) reasons.push(`the ${after.type.split(":").pop()} provider replaces on ${p}`);
    }
    for (const rule of REPLACE_ON_CHANGE.filter((r) => r.type.test(after.type))) {
        for (const c of changes) if (rule.paths.some((p) => under(c.path, p))) reasons.push(`${c.path}: ${rule.source}`);
    }
    return [...new Set(reasons)];
}

/** Compares two plans of the same stack. Reads (StackReferences) are not changes. */
export async function diffRuns(before: OfflineRun, after: OfflineRun): Promise<PlanDiff> {
    const relevant = (run: OfflineRun) => run.resources.filter((r) => !r.read && r.type !== "pulumi:pulumi:Stack");
    // Opaque tokens for secret values, shared by both runs: a changed secret shows as changed, never as its value.
    const secrets = new Map<string, string>();
    const old = new Map(relevant(before).map((r) => [identity(r), r]));
    // Listed in the engine's URN order: the mocks' URNs (the plan's order) name only the parent's
    // type, so a new component above resources would reorder the diff without changing it.
    const engine = engineUrns(after.resources);
    const now = new Map(
        relevant(after)
            .sort((a, b) => (engine.get(a.urn)! < engine.get(b.urn)! ? -1 : 1))
            .map((r) => [identity(r), r]),
    );
    const diff: PlanDiff = {
        created: [],
        deleted: [],
        replaced: [],
        updated: [],
        unchanged: 0,
        protection: { lifted: [], added: [] },
        refused: [],
    };

    for (const [key, r] of now) {
        const prior = old.get(key);
        const check = DYNAMIC_PROVIDERS[r.type]?.check;
        if (check) {
            const { failures } = await check(engineForm(prior?.inputs ?? {}), engineForm(r.inputs));
            for (const f of failures ?? []) diff.refused.push({ name: r.name, property: f.property, reason: f.reason });
        }
        if (!prior) {
            diff.created.push(entry(r));
            continue;
        }
        const optionChanges = changedPaths(prior.options, r.options).map((c) => ({ ...c, path: c.path.replace(/[.[].*$/, "") }));
        const options = optionChanges.length ? { optionChanges: dedupe(prior.options, r.options, optionChanges) } : {};
        if (prior.options.protect && !r.options.protect) diff.protection.lifted.push(r.name);
        if (!prior.options.protect && r.options.protect) diff.protection.added.push(r.name);
        if (prior.urn !== r.urn) {
            diff.replaced.push(entry(r, { reasons: [`URN changes from ${prior.urn}`], ...options }));
            continue;
        }
        const ignored = r.options.ignoreChanges;
        const changes = ignored.includes("*") ? [] : inputChanges(prior, r, secrets).filter((c) => !ignored.some((p) => under(c.path, p)));
        if (changes.length === 0 && !options.optionChanges) {
            diff.unchanged++;
            continue;
        }
        const reasons = changes.length ? await replaceReasons(prior, r, changes) : [];
        if (reasons.length > 0) diff.replaced.push(entry(r, { changes, reasons, ...options }));
        else diff.updated.push(entry(r, { ...(changes.length ? { changes } : {}), ...options }));
    }
    for (const [key, r] of old) if (!now.has(key)) diff.deleted.push(entry(r));
    const [routedBefore, routedAfter] = [trafficOf(before), trafficOf(after)];
    if (routedBefore.length + routedAfter.length > 0)
        diff.convergence = editConvergence({ traffic: routedBefore }, { traffic: routedAfter, convergence: convergenceOf(after) });
    return diff;
}

/** One change per option, with the option's whole old and new value (a list reads better whole). */
function dedupe(before: RecordedOptions, after: RecordedOptions, changes: Change[]): Change[] {
    const names = [...new Set(changes.map((c) => c.path))] as (keyof RecordedOptions)[];
    return names.map((n) => ({ path: n, old: before[n], new: after[n] }));
}

function value(v: unknown): string {
    // A multi-line string (a ConfigMap's file) stays on its line, quoted, so each change reads as one.
    return typeof v === "string" && !v.includes("\n") ? v : JSON.stringify(v);
}

/** The diff as text: one section per kind, changed paths as `old → new`. */
export function renderDiff(diff: PlanDiff, from: string, to: string): string {
    const out = [`Diff: ${from} → ${to}`, ""];
    for (const r of diff.refused) out.push(`!! refused by ${r.name} (${r.property}): ${r.reason}`);
    if (diff.refused.length) out.push("   pulumi preview fails here: nothing would move.", "");
    // The edit that lifts protection is the one a reviewer must not miss: it comes first too.
    if (diff.protection.lifted.length)
        out.push(
            `!! protect lifted on ${diff.protection.lifted.length} resource${diff.protection.lifted.length === 1 ? "" : "s"}: after this apply, pulumi destroy may delete them`,
            "",
        );
    const section = (mark: string, title: string, entries: DiffEntry[]) => {
        out.push(`${title} (${entries.length}):`);
        for (const e of entries) {
            out.push(`  ${mark} ${e.type}  ${e.name}`);
            for (const r of e.reasons ?? []) out.push(`      because ${r}`);
            for (const c of e.changes ?? []) out.push(`      ${c.path}: ${value(c.old)} → ${value(c.new)}`);
            for (const c of e.optionChanges ?? []) {
                const lifted = c.path === "protect" && c.old === true && c.new === false;
                out.push(
                    `      option ${c.path}: ${value(c.old)} → ${value(c.new)}${lifted ? "   <-- PROTECTION LIFTED: pulumi destroy may delete it" : ""}`,
                );
            }
        }
    };
    section("+", "created", diff.created);
    section("-", "deleted", diff.deleted);
    section("+-", "replaced", diff.replaced);
    section("~", "updated", diff.updated);
    out.push(`unchanged: ${diff.unchanged}`);
    if (diff.convergence) {
        const { hosts, unchanged } = diff.convergence;
        out.push("");
        out.push(`Wait after this edit (counted from the config before it; unchanged legacy hosts, which wait for nothing: ${unchanged}):`);
        if (!hosts.length) out.push("  nothing: no legacy host's traffic changes");
        for (const h of hosts) {
            const observe = h.observeSeconds ? `, then observe at least ${h.observeSeconds} s` : "";
            const kong = h.kongSeconds ? `; Kong re-resolves ${KONG_RERESOLVE_DELAY_SECONDS} s after that` : "";
            out.push(
                `  - ${h.host}: wait ${h.worstCaseSeconds} s${observe} (clients may hold the previous answer for ${h.dnsSeconds} s${kong})`,
            );
            out.push(`      ${h.before}`);
            out.push(`    → ${h.after}`);
        }
    }
    const { lifted, added } = diff.protection;
    if (lifted.length) out.push(`protect lifted on ${lifted.length} resource${lifted.length === 1 ? "" : "s"}: ${lifted.join(", ")}`);
    if (added.length) out.push(`protect set on ${added.length} resource${added.length === 1 ? "" : "s"}: ${added.join(", ")}`);
    return out.join("\n") + "\n";
}

/** A resource as plans (recorded runs and `--json` documents) name it. */
export interface NamedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string | null;
    aliases?: RecordedAlias[];
}

const ROOT_STACK = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives each resource, by the plan's URN. The mocks' URNs (the plan's) put
 * only the parent's own type before the resource's; the engine puts every ancestor's type but
 * the stack's (`urn:pulumi:<stack>::<project>::<A>$<B>$<type>::<name>`), so a resource moved
 * under a new parent changes the URN of everything below it too: what aliases must account for.
 */
export function engineUrns(resources: NamedResource[]): Map<string, string> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out = new Map<string, string>();
    const of = (r: NamedResource): string => {
        const known = out.get(r.urn);
        if (known) return known;
        const prefix = r.urn.slice(0, r.urn.indexOf("::", r.urn.indexOf("::") + 2) + 2);
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        const chain = parent && parent.type !== ROOT_STACK ? `${qualifiedType(of(parent))}$${r.type}` : r.type;
        const urn = `${prefix}${chain}::${r.name}`;
        out.set(r.urn, urn);
        return urn;
    };
    for (const r of resources) of(r);
    return out;
}

function qualifiedType(urn: string): string {
    return urn.split("::")[2];
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Which resource of `before` each resource of `after` continues, found as the engine finds it
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go, generateSteps): its own URN first, then
 * its aliases — each collapsed as `collapseAliasToUrn` does (name, type and parent default to the
 * resource's; a parent that was itself found by an alias stands for its old URN; the stack's root
 * as parent means none), then, when its parent was found by an alias, the aliases it inherits
 * (`inheritedChildAlias`: under the parent's old URN, a name that began with the parent's name
 * taking the old one's). Returns after's plan URN → before's plan URN, for those found.
 */
export function continuedBy(before: NamedResource[], after: NamedResource[]): Map<string, string> {
    const oldUrns = engineUrns(before);
    const olds = new Map([...oldUrns].map(([plan, engine]) => [engine, plan]));
    const newUrns = engineUrns(after);
    const byUrn = new Map(after.map((r) => [r.urn, r]));
    // The engine's `sg.aliases`: the old URN a resource was found under, when found by an alias.
    const aliased = new Map<string, string>();
    const found = new Map<string, string>();
    const depth = (r: NamedResource): number => (r.parent && byUrn.has(r.parent) ? 1 + depth(byUrn.get(r.parent)!) : 0);
    for (const r of [...after].sort((a, b) => depth(a) - depth(b))) {
        const urn = newUrns.get(r.urn)!;
        const parent = r.parent ? newUrns.get(r.parent) : undefined;
        const collapse = (a: RecordedAlias): string => {
            if ("urn" in a) return a.urn;
            let p = parent;
            if (a.parentUrn) {
                const given = newUrns.get(a.parentUrn) ?? a.parentUrn;
                p = aliased.get(given) ?? given;
            }
            if (a.noParent || (p && qualifiedType(p) === ROOT_STACK)) p = undefined;
            const prefix = urn.slice(0, urn.indexOf("::", urn.indexOf("::") + 2) + 2);
            const type = a.type ?? r.type;
            return `${prefix}${p ? `${qualifiedType(p)}$${type}` : type}::${a.name ?? r.name}`;
        };
        const own = (r.aliases ?? []).map(collapse);
        const parentOld = parent ? aliased.get(parent) : undefined;
        const inherited: string[] = [];
        if (parent && parentOld) {
            const parentName = nameOf(parent);
            const inherit = (type: string, name: string) => {
                const n = name.startsWith(parentName) ? nameOf(parentOld) + name.slice(parentName.length) : name;
                return `${parentOld.slice(0, parentOld.lastIndexOf("::"))}$${type}::${n}`;
            };
            inherited.push(inherit(r.type, r.name), ...own.map((c) => inherit(qualifiedType(c).split("$").pop()!, nameOf(c))));
        }
        const candidates = [...own, ...inherited];
        for (const c of [urn, ...new Set(candidates)]) {
            const old = olds.get(c);
            if (old === undefined) continue;
            if (c !== urn) aliased.set(urn, c);
            found.set(r.urn, old);
            break;
        }
    }
    return found;
}
