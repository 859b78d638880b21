/**
 * The transplant's data: Kubernetes objects as exported, and what the plan says of each — kept
 * (with the rewrites made to it), dropped (with why) or refused (with why and the way out).
 * Helpers here read objects; they never change one in place.
 */
import { isObject } from "../../config/checks";

/** A Kubernetes object as `kubectl get -o yaml` writes it (only the fields every object has are typed). */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: Metadata;
    [field: string]: unknown;
}

export interface Metadata {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }[];
    [field: string]: unknown;
}

/** One change the transplant made to a kept object: where, what it was, what it is now, and why when it is not obvious. */
export interface Rewrite {
    /** A dotted path into the object, `[i]` for list items: `spec.template.spec.containers[0].image`. */
    path: string;
    old: unknown;
    new: unknown;
    reason?: string;
}

/** An object that moves to B: its namespace is B's. */
export interface Kept {
    kind: string;
    namespace?: string;
    name: string;
    rewrites: Rewrite[];
}

/** An object left behind on purpose; its namespace is A's. */
export interface Dropped {
    kind: string;
    namespace?: string;
    name: string;
    reason: string;
}

/** An object that cannot move as it is: the plan fails, naming each with the way out. Namespace is A's. */
export type Refused = Dropped;

/** An object and where it is: `Kind namespace/name`. */
export interface ObjectRef {
    kind: string;
    namespace?: string;
    name: string;
}

/** A plain object (the one check, config/checks.ts `isObject`, under the transplant's name for it). */
export const isRecord = isObject;

export function refOf(o: KubeObject): ObjectRef {
    return { kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name };
}

/** `Kind namespace/name` (or `Kind name` for a cluster-scoped object), for messages. */
export function describe(r: ObjectRef): string {
    return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

/** A deep copy (objects from YAML are plain data). */
export function copy<T>(value: T): T {
    return structuredClone(value);
}

/** A key path as the rewrites write it: `a.b[0].c`. */
export function pathOf(parts: (string | number)[]): string {
    return parts
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : /^[A-Za-z_$][\w$-]*$/.test(p) ? `.${p}` : `["${p}"]`))
        .join("");
}

/** The pod template's spec of a workload (`spec.template.spec`, or `spec.jobTemplate.spec.template.spec` of a CronJob; a Pod's own spec). */
export function podSpecOf(o: KubeObject): Record<string, unknown> | undefined {
    const spec = isRecord(o.spec) ? o.spec : undefined;
    if (!spec) return undefined;
    if (o.kind === "Pod") return spec;
    const job = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) ? spec.jobTemplate.spec : spec;
    return isRecord(job.template) && isRecord(job.template.spec) ? job.template.spec : undefined;
}

/** The path of the pod spec `podSpecOf` returns, for rewrites. */
export function podSpecPath(o: KubeObject): (string | number)[] {
    if (o.kind === "Pod") return ["spec"];
    if (o.kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
    return ["spec", "template", "spec"];
}

/** The pod template's labels of a workload, for matching Service selectors. */
export function podLabelsOf(o: KubeObject): Record<string, string> {
    const spec = isRecord(o.spec) ? o.spec : {};
    const template = isRecord(spec.template) && isRecord(spec.template.metadata) ? spec.template.metadata : undefined;
    const labels = o.kind === "Pod" ? o.metadata.labels : template?.labels;
    return isRecord(labels) ? (labels as Record<string, string>) : {};
}

/** Containers and init containers of a pod spec, each with its path. */
export function containersOf(o: KubeObject): { container: Record<string, unknown>; path: (string | number)[] }[] {
    const spec = podSpecOf(o);
    if (!spec) return [];
    const base = podSpecPath(o);
    return (["initContainers", "containers"] as const).flatMap((field) =>
        Array.isArray(spec[field])
            ? (spec[field] as unknown[]).flatMap((c, i) => (isRecord(c) ? [{ container: c, path: [...base, field, i] }] : []))
            : [],
    );
}

/** Whether every `selector` label is among `labels` (a Service's selector matching a pod template). */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
    const keys = Object.keys(selector);
    return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}
