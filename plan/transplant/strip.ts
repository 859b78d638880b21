/**
 * Rule 1 — strip what the API server owns. An exported object carries cluster A's bookkeeping
 * (identity, versions, history, status); sent to B it is refused (`resourceVersion` on create),
 * or worse, accepted and misleading. The field lists follow the tools that do this for a living:
 * Velero pkg/restore/restore.go `resetMetadata`/`resetStatus` and job_action.go (vmware-tanzu/velero
 * @ d30d389b), crane-lib transform/kubernetes/kubernetes.go (migtools/crane-lib @ 222a325c).
 * Unlike Velero, `managedFields` goes too: Pulumi applies the objects, and A's field managers
 * would claim fields in B that nobody there manages.
 */
import { copy, isRecord, KubeObject } from "./objects";

/** metadata fields the API server sets (Velero resetMetadata + Crane; `generateName` only when a name is set). */
export const SERVER_METADATA = [
    "uid",
    "selfLink",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "ownerReferences",
] as const;

/** Annotations written by tools and controllers, not by the team (Crane; the Deployment controller's revision). */
export const SERVER_ANNOTATIONS = ["kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision"] as const;

/** A Job's controller-uid labels (Velero job_action.go, Crane): they name A's Job object. */
export const JOB_UID_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid"] as const;
/** Labels the Job controller adds to its pods with the uid ones (regenerated in B). */
const JOB_NAME_LABELS = ["job-name", "batch.kubernetes.io/job-name"] as const;
/** The label every Namespace carries with its own name (Kubernetes ≥ 1.22 sets it; a renamed namespace must not carry A's). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The object without what the API server owns. Pure: the argument is not changed. */
export function strip(exported: KubeObject): KubeObject {
    const o = copy(exported);
    delete o.status;
    const meta = o.metadata;
    for (const field of SERVER_METADATA) delete meta[field];
    if (meta.name) delete meta.generateName;
    if (meta.annotations) for (const a of SERVER_ANNOTATIONS) delete meta.annotations[a];
    if (o.kind === "Namespace" && meta.labels) delete meta.labels[NAMESPACE_NAME_LABEL];
    if (o.kind === "Job") stripJobIdentity(o);
    // kubectl writes each claim template with a `status` (phase: Pending) the API server owns too.
    const templates = isRecord(o.spec) && Array.isArray(o.spec.volumeClaimTemplates) ? (o.spec.volumeClaimTemplates as unknown[]) : [];
    for (const t of templates) if (isRecord(t)) delete t.status;
    dropNullTimestamps(o);
    for (const key of ["annotations", "labels"] as const) if (meta[key] && Object.keys(meta[key]).length === 0) delete meta[key];
    return o;
}

/**
 * A Job's selector and template labels generated from A's Job uid. Without `manualSelector` the
 * API server generates the selector itself and refuses one given (Velero job_action.go removes
 * the uid label from both; an emptied selector goes whole).
 */
function stripJobIdentity(job: KubeObject): void {
    const spec = isRecord(job.spec) ? job.spec : undefined;
    if (!spec) return;
    const selector = isRecord(spec.selector) ? spec.selector : undefined;
    const matchLabels = selector && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
    if (matchLabels) for (const l of JOB_UID_LABELS) delete matchLabels[l];
    if (selector && spec.manualSelector !== true) delete spec.selector;
    for (const labels of [job.metadata.labels, templateLabels(spec)])
        if (labels) for (const l of [...JOB_UID_LABELS, ...JOB_NAME_LABELS]) delete labels[l];
    const template = isRecord(spec.template) && isRecord(spec.template.metadata) ? spec.template.metadata : undefined;
    if (template && isRecord(template.labels) && Object.keys(template.labels).length === 0) delete template.labels;
}

function templateLabels(spec: Record<string, unknown>): Record<string, string> | undefined {
    const t = isRecord(spec.template) && isRecord(spec.template.metadata) ? spec.template.metadata : undefined;
    return t && isRecord(t.labels) ? (t.labels as Record<string, string>) : undefined;
}

/** `creationTimestamp: null` in nested templates (kubectl writes it for every embedded ObjectMeta). */
function dropNullTimestamps(value: unknown): void {
    if (Array.isArray(value)) value.forEach(dropNullTimestamps);
    else if (isRecord(value)) {
        if ("creationTimestamp" in value && value.creationTimestamp === null) delete value.creationTimestamp;
        Object.values(value).forEach(dropNullTimestamps);
    }
}

/** The metadata fields of rule 1 still present in `o` (a test's check that none survives). */
export function serverFieldsIn(o: KubeObject): string[] {
    const found: string[] = [];
    if ("status" in o) found.push("status");
    for (const f of SERVER_METADATA) if (f in o.metadata) found.push(`metadata.${f}`);
    for (const a of SERVER_ANNOTATIONS) if (o.metadata.annotations && a in o.metadata.annotations) found.push(`metadata.annotations.${a}`);
    const walk = (v: unknown, at: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
        else if (isRecord(v))
            for (const [k, x] of Object.entries(v)) {
                if (k === "creationTimestamp" && x === null) found.push(`${at}.${k}`);
                walk(x, `${at}.${k}`);
            }
    };
    walk(o.spec, "spec");
    return found;
}
