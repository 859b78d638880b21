import { Document } from "yaml";
import { Convergence } from "../plan/cutover";
import { rowsByHost, TrafficRow, weightsText } from "../plan/traffic";
import { KONG_SERVICE_BINDING_TYPE, KONG_UPSTREAM_ENTITY_TYPE } from "../providers/kong";
import { OfflineRun, RecordedAlias, RecordedOptions, RecordedResource } from "./harness";
import { table } from "./table";
import { renderTransplant, transplantOf } from "./transplant-table";

const KONG_UPSTREAM = KONG_UPSTREAM_ENTITY_TYPE;
const KONG_SERVICE = KONG_SERVICE_BINDING_TYPE;

/** Whether the plan manages any Kong entity (a cutover stack with `migration:kong`). */
export function hasKongLayer(run: OfflineRun): boolean {
    return run.resources.some((r) => r.type === KONG_UPSTREAM);
}

/**
 * The Kong entities the stack manages as a decK file, for Kong administrators to review
 * (`deck gateway diff`). Services are listed in a comment only: a partial service in a decK
 * file would replace the whole service on sync.
 */
export function renderDeck(run: OfflineRun): string {
    const upstreams = run.resources
        .filter((r) => r.type === KONG_UPSTREAM)
        .map((r) => {
            const u = r.inputs.upstream as { name: string; host_header: string | null; healthchecks: unknown; tags: string[] };
            const targets = r.inputs.targets as { target: string; weight: number }[];
            return {
                name: u.name,
                ...(u.host_header ? { host_header: u.host_header } : {}),
                healthchecks: u.healthchecks,
                tags: u.tags,
                // The provider tags its targets with the upstream's tags (providers/kong.ts): the file says the same.
                targets: targets.map((t) => ({ target: t.target, weight: t.weight, tags: u.tags })),
            };
        });
    const services = run.resources
        .filter((r) => r.type === KONG_SERVICE)
        .map((r) => {
            const relaxed = r.inputs.relaxed as Record<string, number> | null;
            const extra = relaxed
                ? `, ${Object.entries(relaxed)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(", ")}`
                : "";
            return ` service ${String(r.inputs.service)}: host=${String(r.inputs.host)}${extra}`;
        });
    // select_tags scope what decK reads and writes to the entities carrying them: without it a
    // `deck gateway sync` of this file would delete every Kong entity the file does not list. The
    // tag is the team's (the first of each upstream's, plan/kong.ts), so another team's sync of
    // its own file never deletes these.
    const teamTags = [...new Set(upstreams.map((u) => u.tags[0]))];
    const doc = new Document({ _format_version: "3.0", _info: { select_tags: teamTags }, upstreams });
    doc.commentBefore = [
        ` Kong entities managed by stack ${run.stack} (offline plan). decK touches only entities tagged ${teamTags.join(", ")}:`,
        ` review with deck gateway diff; services are patched by the stack, not listed here.`,
        ...(services.length ? [" Services are patched, not replaced:", ...services.map((s) => ` ${s}`)] : []),
    ].join("\n");
    return doc.toString({ lineWidth: 0 });
}

/** The `--json` document. */
export interface PlanDocument {
    project: string;
    stack: string;
    role: string | null;
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        inputs: Record<string, unknown>;
        /** `aliases` only when the resource has one that places it elsewhere (see `placingAliases`). */
        options: RecordedOptions & { aliases?: RecordedAlias[] };
    }[];
    outputs: Record<string, unknown>;
    /** One row per legacy host and traffic layer: where its requests go in this phase. */
    traffic: TrafficRow[];
    /** Per legacy host: worst-case seconds until every client follows this phase. */
    convergence: ConvergenceRow[];
    warnings: string[];
}

/** A convergence row of the plan (the type the cutover plan produces). */
export type ConvergenceRow = Convergence;

export function convergenceOf(run: OfflineRun): ConvergenceRow[] {
    return Array.isArray(run.outputs.convergence) ? (run.outputs.convergence as ConvergenceRow[]) : [];
}

export function trafficOf(run: OfflineRun): TrafficRow[] {
    return Array.isArray(run.outputs.traffic) ? (run.outputs.traffic as TrafficRow[]) : [];
}

/**
 * The aliases that place a resource elsewhere: another name, parent, project or stack, or a URN.
 * An alias of the type alone, under the same parent, is left out: provider SDKs add those for
 * their own type renames (@pulumi/kubernetes on every Ingress), the same for every resource of
 * the type, and the SDK repeats the resource's parent in an alias that names none.
 */
export function placingAliases(r: Pick<RecordedResource, "aliases" | "parent">): RecordedAlias[] {
    return (r.aliases ?? []).filter(
        (a) =>
            "urn" in a ||
            Object.keys(a).some((k) => k !== "type" && k !== "parentUrn") ||
            (a.parentUrn !== undefined && a.parentUrn !== r.parent),
    );
}

/** A resource's options as the plan shows them: `aliases` added only when it has one that places it elsewhere. */
function withAliases(r: RecordedResource): RecordedOptions & { aliases?: RecordedAlias[] } {
    const aliases = placingAliases(r);
    return aliases.length ? { ...r.options, aliases } : r.options;
}

export function toPlanDocument(run: OfflineRun, role: string | null): PlanDocument {
    return {
        project: run.project,
        stack: run.stack,
        role,
        resources: run.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            inputs: r.inputs,
            options: withAliases(r),
        })),
        outputs: run.outputs,
        traffic: trafficOf(run),
        convergence: convergenceOf(run),
        warnings: run.warnings,
    };
}

/** The traffic section as an aligned table. */
export function renderTraffic(rows: TrafficRow[]): string[] {
    return table([
        ["HOST", "LAYER", "PHASE", "TTL", "TARGETS (side address weight%)", "ON B (direct | via Kong)"],
        ...rows.map((r) => [
            r.host,
            r.layer,
            r.phase,
            // Kong weights take effect at once: no TTL to show.
            r.layer === "kong" && r.ttl === 0 ? "-" : `${r.ttl}s`,
            r.targets.map((t) => `${t.side} ${t.address} ${t.weight}`).join("  |  "),
            r.effective ? `${r.effective.direct}%${r.effective.viaKong !== undefined ? ` | ${r.effective.viaKong}%` : ""}` : "",
        ]),
    ]);
}

/** The convergence section: worst case per legacy host, then how long to observe. */
export function renderConvergence(rows: ConvergenceRow[]): string[] {
    return table([
        ["HOST", "DNS (TTL held)", "KONG (re-resolve)", "WAIT (every client follows)", "THEN OBSERVE AT LEAST"],
        ...rows.map((r) => [
            r.host,
            `${r.dnsSeconds}s`,
            r.kongSeconds ? `${r.kongSeconds}s` : "-",
            `${r.worstCaseSeconds}s`,
            r.observeSeconds ? `${r.observeSeconds}s` : "- (nothing moves)",
        ]),
    ]);
}

/** Inputs that only repeat the resource type. */
const NOISE = new Set(["apiVersion", "kind"]);

/** `a.b[0].c: value` lines, in input order, with long text shortened. */
export function flatten(value: unknown, prefix = ""): string[] {
    if (Array.isArray(value)) {
        if (value.length === 0) return [`${prefix}: []`];
        return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).filter(([k]) => !(prefix === "" && NOISE.has(k)));
        if (entries.length === 0) return prefix ? [`${prefix}: {}`] : [];
        return entries.flatMap(([k, v]) => flatten(v, prefix ? (/^[A-Za-z_][\w-]*$/.test(k) ? `${prefix}.${k}` : `${prefix}["${k}"]`) : k));
    }
    return [`${prefix}: ${scalar(value)}`];
}

function scalar(value: unknown): string {
    if (typeof value !== "string") return JSON.stringify(value);
    if (value.includes("\n")) {
        const first = value.split("\n")[0];
        return `${JSON.stringify(first)} … (${value.length} characters)`;
    }
    return value;
}

function shortName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function optionLines(o: RecordedOptions): string[] {
    const parts: string[] = [];
    if (o.protect) parts.push("protect");
    if (o.retainOnDelete) parts.push("retainOnDelete");
    if (o.deleteBeforeReplace) parts.push("deleteBeforeReplace");
    if (o.import) parts.push(`import=${o.import}`);
    if (o.dependsOn.length) parts.push(`dependsOn=[${o.dependsOn.map(shortName).join(", ")}]`);
    if (o.ignoreChanges.length) parts.push(`ignoreChanges=[${o.ignoreChanges.join(", ")}]`);
    if (o.replaceOnChanges.length) parts.push(`replaceOnChanges=[${o.replaceOnChanges.join(", ")}]`);
    if (o.deletedWith) parts.push(`deletedWith=${shortName(o.deletedWith)}`);
    return parts.length ? [`options: ${parts.join(" ")}`] : [];
}

function kindOf(r: RecordedResource): string {
    if (r.read) return "read";
    if (r.remote) return "component, rendered by the provider at apply";
    return r.custom ? "" : "component";
}

/** How many of `keys` there are of each, most first (ties in order of the key). */
function tally(keys: string[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** A legacy host's traffic state without its name: phase, each layer's weights, B's share per path. */
function hostState(rows: TrafficRow[]): string {
    const layers = rows.map((r) => `${r.layer === "dns" ? "DNS" : "Kong"} ${weightsText(r)}`);
    const e = rows[0].effective;
    const onB = e ? `  → on B: ${e.direct}% direct${e.viaKong !== undefined ? `, ${e.viaKong}% via Kong` : ""}` : "";
    return `${rows[0].phase}  ${layers.join(" | ")}${onB}`;
}

/**
 * What the plan does, read before its detail: resources per type, legacy hosts grouped by the
 * state their traffic is in, the longest wait, how many warnings. At hundreds of APIs the detail
 * runs to tens of thousands of lines; this is the part a reviewer reads first.
 */
export function renderSummary(run: OfflineRun, count: number): string[] {
    const out = [`Summary: ${count} resources`];
    const label = (r: RecordedResource) => {
        const kind = kindOf(r);
        return kind ? `${r.type}  (${kind})` : r.type;
    };
    const types = tally(run.resources.filter((r) => r.parent).map(label));
    const width = String(types[0]?.[1] ?? 0).length;
    for (const [type, n] of types) out.push(`  ${String(n).padStart(width)}  ${type}`);
    const traffic = trafficOf(run);
    if (traffic.length) {
        const byHost = rowsByHost(traffic);
        out.push(`Traffic: ${byHost.size} legacy host${byHost.size === 1 ? "" : "s"}, by state (hosts in it):`);
        const states = tally([...byHost.values()].map(hostState));
        const w = String(states[0][1]).length;
        for (const [state, n] of states) out.push(`  ${String(n).padStart(w)}  ${state}`);
    }
    const convergence = convergenceOf(run);
    if (convergence.length) {
        const worst = Math.max(...convergence.map((c) => c.worstCaseSeconds));
        const observe = Math.max(...convergence.map((c) => c.observeSeconds));
        out.push(`Longest wait: ${worst}s${observe ? `, then observe at least ${observe}s` : ""} (per host under Convergence)`);
    }
    const dp = run.outputs.kongDataPlane as { namespace: string; apis: string[] } | undefined;
    if (dp)
        out.push(
            `Kong data plane in B (${dp.namespace}): ${dp.apis.length ? `${dp.apis.join(", ")} through it` : "no API through it yet"}`,
        );
    if (run.warnings.length) out.push(`Warnings: ${run.warnings.length} (listed at the end)`);
    return out;
}

/** The readable plan: header, summary, resource tree with key inputs and options, outputs, warnings. */
/** The platform stack's `names` output: each of B's names and what it answers. */
function namesOf(run: OfflineRun): { host: string; type: string; value: string }[] {
    return Array.isArray(run.outputs.names) ? (run.outputs.names as { host: string; type: string; value: string }[]) : [];
}

export function renderText(run: OfflineRun, role: string | null): string {
    const out: string[] = [];
    const children = new Map<string, RecordedResource[]>();
    for (const r of run.resources) {
        if (!r.parent) continue;
        const siblings = children.get(r.parent);
        if (siblings) siblings.push(r);
        else children.set(r.parent, [r]);
    }
    const root = run.resources.find((r) => !r.parent);
    const count = run.resources.filter((r) => r !== root).length;

    out.push(`Plan for stack ${run.stack} (project ${run.project}, role ${role ?? "?"})`);
    out.push(`Offline: the real program under Pulumi's mocks. Nothing was sent to any cluster or cloud API.`);
    out.push("");
    out.push(...renderSummary(run, count));
    out.push("");
    const transplant = transplantOf(run);
    if (transplant) {
        out.push(...renderTransplant(transplant));
        out.push("");
    }
    out.push(`Resources (${count}):`);
    const walk = (r: RecordedResource, depth: number) => {
        const pad = "  ".repeat(depth);
        const kind = kindOf(r);
        out.push(`${pad}+ ${r.type}  ${r.name}${kind ? `  (${kind})` : ""}`);
        for (const line of [...flatten(r.inputs), ...optionLines(r.options)]) out.push(`${pad}    ${line}`);
        for (const child of children.get(r.urn) ?? []) walk(child, depth + 1);
    };
    for (const top of root ? (children.get(root.urn) ?? []) : run.resources) walk(top, 1);
    const dp = run.outputs.kongDataPlane as
        | {
              namespace: string;
              hostname: string;
              controlPlane: string;
              apis: string[];
              certificateNotAfter: string;
              proxy: { service: string; port: number };
          }
        | undefined;
    if (dp) {
        out.push("");
        out.push(
            `Kong data plane in B: namespace ${dp.namespace}, listed by the control plane ${dp.controlPlane} as ${dp.hostname}; cluster certificate until ${dp.certificateNotAfter}`,
        );
        out.push(
            dp.apis.length
                ? `  through it (B's ingress → ${dp.proxy.service}:${dp.proxy.port} → Kong → the API): ${dp.apis.join(", ")}; the other APIs go straight to their Service`
                : "  no API goes through it yet (kongDataPlane.apis is empty): it joins the control plane and waits",
        );
    }
    const names = namesOf(run);
    if (names.length) {
        out.push("");
        out.push("B's names (explicit records; B's wildcard keeps answering every other name):");
        for (const n of names) out.push(`  ${n.host}  ${n.type} → ${n.value}`);
    }
    const traffic = trafficOf(run);
    if (traffic.length) {
        out.push("");
        out.push("Traffic:");
        for (const line of renderTraffic(traffic)) out.push(`  ${line}`);
    }
    const convergence = convergenceOf(run);
    if (convergence.length) {
        out.push("");
        out.push("Convergence (worst case until every client follows this phase):");
        for (const line of renderConvergence(convergence)) out.push(`  ${line}`);
    }
    const notes = Array.isArray(run.outputs.notes) ? (run.outputs.notes as string[]) : [];
    if (notes.length) {
        out.push("");
        out.push("Wait before the next step:");
        for (const n of notes) out.push(`  - ${n}`);
    }
    const decommission = run.outputs.decommission as
        { allowed: boolean; reasons: string[]; clock?: string; phaseAppliedAt?: string | null } | undefined;
    if (decommission) {
        out.push("");
        out.push(decommission.allowed ? "decommission: allowed" : `decommission: blocked (${decommission.reasons.join("; ")})`);
        if (decommission.clock)
            out.push(
                `  guard clock ${decommission.clock}; cutover phase applied at ${decommission.phaseAppliedAt ?? "unknown (taken as now)"}`,
            );
    }
    out.push("");
    out.push("Outputs:");
    // The transplant output is the table above, not repeated leaf by leaf.
    const { transplant: shown, ...outputs } = run.outputs;
    for (const line of flatten(outputs)) out.push(`    ${line}`);
    if (shown !== undefined) out.push("    transplant: (the Transplant table above; --json has it whole)");
    if (run.warnings.length) {
        out.push("");
        out.push("Warnings:");
        for (const w of run.warnings) out.push(`  ! ${w}`);
    }
    return out.join("\n") + "\n";
}
