/**
 * The workload transplant as data: every exported object of a moved namespace is kept (cleaned,
 * rewritten where a rule says so, each change listed), dropped (with why) or refused (with why
 * and the way out). Rules 1–9 live beside this file, one each; this puts them in order. Pure: the
 * exports are read at the entry, nothing here registers anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExportedObject } from "../../config/exports";
import { WorkloadsConfig } from "../../config/types";
import { dropContext, dropReason, missingOwnerReason, tokenReferences, tokenSecretUses } from "./drop";
import { ingressVerdict, ParityItem } from "./ingress";
import { apiServiceProblem, mapNamespaces } from "./namespaces";
import { describe, Dropped, isRecord, Kept, KubeObject, pathOf, podSpecOf, podSpecPath, refOf, Refused, Rewrite } from "./objects";
import { unorderedReason, waveOf } from "./order";
import { transplantService } from "./services";
import { claimTemplates, mountedClaims, storageVerdict, templateKey, unbindClaim } from "./storage";
import { strip } from "./strip";
import { Mention, renamedNamespaceMentions, rewriteHosts, rewriteImages } from "./values";

/** A kept object with what the component registers: the object as B receives it, its wave, a Secret's keys. */
export interface KeptObject extends Kept {
    apiVersion: string;
    /** Index into order.ts WAVES: the object waits for every object of the wave before. */
    wave: number;
    object: KubeObject;
    /** A Secret's data keys (the values are registered as Pulumi secrets and never shown). */
    secretKeys?: string[];
}

export interface TransplantPlan {
    kept: KeptObject[];
    dropped: Dropped[];
    refused: Refused[];
    /** What A's Ingresses did, against what B's serve (rule 5). */
    parity: ParityItem[];
    /** A's domain left in kept objects, by object (rule 7). */
    mentions: (Mention & { kind: string; namespace?: string; name: string })[];
    /** Objects of namespaces not in transplant.namespaces, counted by namespace. */
    ignored: Record<string, number>;
    warnings: string[];
}

const INGRESS_GROUPS = new Set(["networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1"]);

/** Plans the transplant of `exported` as `config.transplant` says. Pure. */
export function planTransplant(config: WorkloadsConfig, exported: ExportedObject[]): TransplantPlan {
    const t = config.transplant;
    const map = t.namespaces;
    const out: TransplantPlan = { kept: [], dropped: [], refused: [], parity: [], mentions: [], ignored: {}, warnings: [] };
    const moving: KubeObject[] = [];
    for (const { object } of exported) {
        const o = object as unknown as KubeObject;
        const ns = o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace;
        if (ns !== undefined && map[ns] === undefined) out.ignored[ns] = (out.ignored[ns] ?? 0) + 1;
        else moving.push(o);
    }
    const context = dropContext(moving);
    // Known before any object is kept: a ServiceAccount may come before its token Secret in the export.
    const droppedSecrets = new Set(
        moving.filter((o) => o.kind === "Secret" && dropReason(o, context)).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
    );
    const statefulSets = moving.filter((o) => o.kind === "StatefulSet");
    const services = moving.filter((o) => o.kind === "Service");
    // `namespace/name` of every Service that moves: a short `<service>.<namespace>` in a value names one of these.
    const serviceNames = new Set(services.map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`));
    const seen = new Map<string, number>();
    const drop = (o: KubeObject, reason: string) => out.dropped.push({ ...refOf(o), reason });
    const refuse = (o: KubeObject, reason: string) => out.refused.push({ ...refOf(o), reason });

    for (const o of moving) {
        const identity = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        seen.set(identity, (seen.get(identity) ?? 0) + 1);
        if (seen.get(identity) === 2) refuse(o, "exported twice (in one export or two): one object, one owner; remove the copy");
        if (seen.get(identity)! > 1) continue;
        const orphan = missingOwnerReason(o, context);
        if (orphan) {
            refuse(o, orphan);
            continue;
        }
        const reason = dropReason(o, context);
        if (reason) {
            drop(o, reason);
            continue;
        }
        if (o.kind === "Ingress" && INGRESS_GROUPS.has(o.apiVersion)) {
            const v = ingressVerdict(strip(o), {
                domains: config.domains,
                apis: config.apis,
                namespaces: map,
                services,
                accepted: t.acceptDroppedAnnotations,
            });
            out.parity.push(...v.parity);
            if (v.refused) refuse(o, v.refused);
            else drop(o, v.dropped!);
            continue;
        }
        const storage = storageVerdict(
            o,
            statefulSets.filter((s) => s.metadata.namespace === o.metadata.namespace),
            t.storage,
        );
        if (storage.dropped) {
            drop(o, storage.dropped);
            continue;
        }
        if (storage.refused) {
            refuse(o, storage.refused);
            continue;
        }
        if (o.kind === "Job") {
            // Not owned by a CronJob of the export (those are dropped above): a one-off run.
            refuse(
                o,
                "a Job: a one-off run that ran (or runs) in A; copying it would run it again in B — remove it from the export, and run it in B yourself if B needs it",
            );
            continue;
        }
        const wave = waveOf(o);
        if (wave === undefined) {
            refuse(o, unorderedReason(o));
            continue;
        }
        const kept = keep(o, wave, config, droppedSecrets, serviceNames);
        if ("refused" in kept) refuse(o, kept.refused);
        else {
            out.kept.push(kept.entry);
            out.mentions.push(
                ...kept.mentions.map((m) => ({
                    kind: o.kind,
                    ...(kept.entry.namespace ? { namespace: kept.entry.namespace } : {}),
                    name: kept.entry.name,
                    ...m,
                })),
            );
        }
    }
    addMissingNamespaces(out.kept);
    config.apis.forEach((api, i) => {
        const problem = apiServiceProblem(
            api,
            i,
            out.kept.map((k) => k.object),
        );
        if (problem) out.refused.push({ kind: "Service", namespace: api.namespace, name: api.service, reason: problem });
    });
    out.kept.sort(
        (a, b) =>
            a.wave - b.wave ||
            a.kind.localeCompare(b.kind) ||
            (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
            a.name.localeCompare(b.name),
    );
    out.warnings.push(...parityWarnings(out.parity), ...unusedAcknowledgements(config, moving));
    return out;
}

/** One object through rules 1, 3, 4, 6, 7 and 8, in that order. */
function keep(
    exported: KubeObject,
    wave: number,
    config: WorkloadsConfig,
    droppedSecrets: Set<string>,
    serviceNames: Set<string>,
): { entry: KeptObject; mentions: Mention[] } | { refused: string } {
    const t = config.transplant;
    const rewrites: Rewrite[] = [];
    let o = strip(exported);
    const step = (r: { object: KubeObject; rewrites: Rewrite[] }) => {
        o = r.object;
        rewrites.push(...r.rewrites);
    };
    if (o.kind === "Service") step(transplantService(exported, o, t.keepLoadBalancers.includes(o.metadata.name)));
    if (o.kind === "PersistentVolumeClaim") step(unbindClaim(o));
    if (o.kind === "ServiceAccount") {
        const gone = tokenReferences(o, droppedSecrets);
        if (gone.length > 0) {
            const secrets = o.secrets as unknown[];
            for (const i of gone)
                rewrites.push({
                    path: pathOf(["secrets", i]),
                    old: secrets[i],
                    new: null,
                    reason: "a token Secret of cluster A, dropped: B mints its own",
                });
            o.secrets = secrets.filter((_, i) => !gone.includes(i));
            if ((o.secrets as unknown[]).length === 0) delete o.secrets;
        }
    }
    const uses = tokenSecretUses(podSpecOf(o), o.metadata.namespace ?? "", droppedSecrets);
    if (uses.length > 0)
        return {
            refused: `${uses.join("; ")}: a service-account token of cluster A, which is dropped (B mints its own), so its Pods would never start in B; mount a projected serviceAccountToken volume (or let automountServiceAccountToken give the token), then export again`,
        };
    // A pod template pinned to one of A's nodes: B has no node of that name, and a Pod with
    // nodeName bypasses the scheduler (it would stay Pending). Velero pod_action.go drops a Pod's.
    const template = o.kind === "Pod" ? undefined : podSpecOf(o);
    if (template?.nodeName !== undefined) {
        rewrites.push({
            path: pathOf([...podSpecPath(o), "nodeName"]),
            old: template.nodeName,
            new: null,
            reason: "a node of cluster A: B's scheduler places the Pods",
        });
        delete template.nodeName;
    }
    if (o.kind === "Pod" && isRecord(o.spec))
        for (const f of ["nodeName", "priority"]) {
            // Velero pod_action.go: a node of A, and a priority B's admission computes from the class.
            if (o.spec[f] === undefined) continue;
            rewrites.push({
                path: pathOf(["spec", f]),
                old: o.spec[f],
                new: null,
                reason: f === "nodeName" ? "a node of cluster A" : "set by admission from priorityClassName",
            });
            delete o.spec[f];
        }
    const mapped = mapNamespaces(o, t.namespaces);
    if (mapped.refused) return { refused: mapped.refused };
    step(mapped);
    step(rewriteImages(o, t.imageRegistries));
    const hosts = rewriteHosts(o, config.domains, config.apis, t.rewriteHosts);
    step(hosts);
    // Read from what B receives (not A's last-applied record, which is stripped): each mention's path is one the operator can find in B's object.
    hosts.mentions.push(...renamedNamespaceMentions(strip(exported), t.namespaces, serviceNames));
    const secretKeys =
        o.kind === "Secret"
            ? [...Object.keys(isRecord(o.data) ? o.data : {}), ...Object.keys(isRecord(o.stringData) ? o.stringData : {})].sort()
            : undefined;
    return {
        entry: {
            kind: o.kind,
            apiVersion: o.apiVersion,
            ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
            name: o.metadata.name,
            wave,
            rewrites,
            object: o,
            ...(secretKeys ? { secretKeys } : {}),
        },
        mentions: hosts.mentions,
    };
}

/** B's namespaces that receive objects but whose Namespace object was not exported (`kubectl get -n` never lists it). */
function addMissingNamespaces(kept: KeptObject[]): void {
    const have = new Set(kept.filter((k) => k.kind === "Namespace").map((k) => k.name));
    for (const ns of [...new Set(kept.flatMap((k) => (k.namespace ? [k.namespace] : [])))].sort())
        if (!have.has(ns))
            kept.push({
                kind: "Namespace",
                apiVersion: "v1",
                name: ns,
                wave: 0,
                rewrites: [],
                object: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
            });
}

/** One warning per Ingress of A that does something B's does not (yet): what, and what B needs for it. */
function parityWarnings(parity: ParityItem[]): string[] {
    const gaps = new Map<string, ParityItem[]>();
    for (const p of parity.filter((x) => x.status === "translated, not set on B" || x.status === "not reproduced"))
        gaps.set(p.ingress, [...(gaps.get(p.ingress) ?? []), p]);
    return [...gaps].map(
        ([ingress, items]) =>
            `A's Ingress ${ingress} does what B's Ingress for ${items[0].api} does not: ${items
                .map((p) => (p.status === "not reproduced" ? `${p.a} (B: ${p.b})` : `${p.a} (B needs ${p.b})`))
                .join("; ")}`,
    );
}

/** Acknowledgements that match nothing in the export: a typo there would let the next export through unacknowledged. */
function unusedAcknowledgements(config: WorkloadsConfig, moving: KubeObject[]): string[] {
    const t = config.transplant;
    const warnings: string[] = [];
    const lbs = new Set(
        moving.filter((o) => o.kind === "Service" && isRecord(o.spec) && o.spec.type === "LoadBalancer").map((o) => o.metadata.name),
    );
    for (const name of t.keepLoadBalancers.filter((n) => !lbs.has(n)))
        warnings.push(`transplant.keepLoadBalancers lists ${name}, which is no LoadBalancer Service of the moved namespaces`);
    const annotations = new Set(moving.filter((o) => o.kind === "Ingress").flatMap((o) => Object.keys(o.metadata.annotations ?? {})));
    for (const key of t.acceptDroppedAnnotations.filter((k) => !annotations.has(k)))
        warnings.push(`transplant.acceptDroppedAnnotations lists ${key}, which no exported Ingress of the moved namespaces carries`);
    const claims = new Set(
        moving.flatMap((o) => [
            ...(o.kind === "PersistentVolumeClaim" ? [o.metadata.name] : []),
            ...(o.kind === "StatefulSet" ? claimTemplates(o).map((tpl) => templateKey(tpl, o.metadata.name)) : []),
            ...mountedClaims(o).map((m) => m.claim),
        ]),
    );
    for (const claim of Object.keys(t.storage).filter((c) => !claims.has(c)))
        warnings.push(`transplant.storage lists ${claim}, which names no claim or claim template of the moved namespaces`);
    return warnings;
}

/** What the stack outputs and the offline plan shows: every object's fate, never an object's content or a Secret's value. */
export interface TransplantReport {
    kept: (Kept & { keys?: string[] })[];
    dropped: Dropped[];
    refused: Refused[];
    parity: ParityItem[];
    mentions: TransplantPlan["mentions"];
    ignored: Record<string, number>;
}

export function reportOf(plan: TransplantPlan): TransplantReport {
    return {
        kept: plan.kept.map((k) => ({
            kind: k.kind,
            ...(k.namespace ? { namespace: k.namespace } : {}),
            name: k.name,
            rewrites: k.rewrites,
            ...(k.secretKeys ? { keys: k.secretKeys } : {}),
        })),
        dropped: plan.dropped,
        refused: plan.refused,
        parity: plan.parity,
        mentions: plan.mentions,
        ignored: plan.ignored,
    };
}

/**
 * The transplant refuses objects: nothing registers. A RunError, so `pulumi up` prints the
 * message without a stack trace; the offline plan prints the report and exits 1.
 */
export class TransplantRefused extends pulumi.RunError {
    constructor(readonly report: TransplantReport) {
        super(
            `the transplant refuses ${report.refused.length} object${report.refused.length === 1 ? "" : "s"}; nothing was registered:\n${report.refused
                .map((r) => `  - ${describe(r)}: ${r.reason}`)
                .join("\n")}`,
        );
        this.name = "TransplantRefused";
    }

    static is(err: unknown): err is TransplantRefused {
        return err instanceof Error && err.name === "TransplantRefused" && "report" in err;
    }
}
