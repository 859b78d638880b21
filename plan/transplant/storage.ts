/**
 * Rule 4 — storage. The transplant moves objects, not volumes: a claim copied to B binds a new,
 * empty volume, and the application starts on no data. So every claim, every StatefulSet with
 * `volumeClaimTemplates` and every workload mounting a claim is refused until the operator has
 * moved the data (ACK backup center, which is Velero-based, or Velero's file-system backup) and
 * acknowledged an empty volume in `transplant.storage`. No PersistentVolume is ever created: a
 * PV names A's disk (Velero resetVolumeBindingInfo shows how much of it is A's).
 */
import { copy, isRecord, KubeObject, pathOf, podSpecOf, podSpecPath, Rewrite } from "./objects";

export const WAY_OUT =
    "move the data first (ACK backup center, or Velero with file-system backup: https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/how-to-modify-backup-cluster-resources-when-restoring-an-app), then acknowledge an empty volume in B";

/** Annotations of a bound claim that name A's volume, provisioner decision or node. */
const BINDING_ANNOTATIONS = [
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
];

/** The claim templates of a StatefulSet, by template name. */
export function claimTemplates(o: KubeObject): string[] {
    const spec = isRecord(o.spec) ? o.spec : {};
    const templates = Array.isArray(spec.volumeClaimTemplates) ? (spec.volumeClaimTemplates as unknown[]) : [];
    return templates.flatMap((t) => (isRecord(t) && isRecord(t.metadata) && typeof t.metadata.name === "string" ? [t.metadata.name] : []));
}

/** The claims a workload's pods mount, with the path of each volume. */
export function mountedClaims(o: KubeObject): { claim: string; path: string }[] {
    const spec = podSpecOf(o);
    const volumes = spec && Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
    return volumes.flatMap((v, i) =>
        isRecord(v) && isRecord(v.persistentVolumeClaim) && typeof v.persistentVolumeClaim.claimName === "string"
            ? [
                  {
                      claim: v.persistentVolumeClaim.claimName,
                      path: pathOf([...podSpecPath(o), "volumes", i, "persistentVolumeClaim", "claimName"]),
                  },
              ]
            : [],
    );
}

/** The key that acknowledges a StatefulSet's template: the stem of every claim it creates (`<template>-<statefulset>-<ordinal>`). */
export const templateKey = (template: string, statefulSet: string) => `${template}-${statefulSet}`;

export interface StorageVerdict {
    refused?: string;
    /** A claim the StatefulSet controller creates in B itself. */
    dropped?: string;
}

/**
 * What rule 4 says of one object, given the StatefulSets beside it and the acknowledgements.
 * `statefulSets` are the export's, in the object's namespace. Pure.
 */
export function storageVerdict(o: KubeObject, statefulSets: KubeObject[], acknowledged: Record<string, string>): StorageVerdict {
    const ack = (key: string) => acknowledged[key] === "recreate-empty";
    if (o.kind === "PersistentVolume")
        return { refused: `a PersistentVolume names cluster A's disk and is never created in B: ${WAY_OUT}` };
    if (o.kind === "PersistentVolumeClaim") {
        const owner = statefulSets.find((s) =>
            claimTemplates(s).some((t) => new RegExp(`^${escape(templateKey(t, s.metadata.name))}-\\d+$`).test(o.metadata.name)),
        );
        if (owner)
            return {
                dropped: `a claim StatefulSet ${owner.metadata.name} created from its volumeClaimTemplates: B's StatefulSet creates its own (see the StatefulSet's entry)`,
            };
        if (ack(o.metadata.name)) return {};
        return {
            refused: `its data does not move with the object (a copied claim binds a new, empty volume): ${WAY_OUT}: transplant.storage: { ${o.metadata.name}: recreate-empty }`,
        };
    }
    const missing: string[] = [];
    if (o.kind === "StatefulSet")
        for (const t of claimTemplates(o)) if (!ack(templateKey(t, o.metadata.name))) missing.push(templateKey(t, o.metadata.name));
    const mounts = mountedClaims(o).filter((m) => !ack(m.claim));
    if (missing.length === 0 && mounts.length === 0) return {};
    const what = [
        ...(missing.length
            ? [
                  `volumeClaimTemplates ${claimTemplates(o)
                      .filter((t) => missing.includes(templateKey(t, o.metadata.name)))
                      .join(", ")} (claims ${missing.map((k) => `${k}-<ordinal>`).join(", ")})`,
              ]
            : []),
        ...mounts.map((m) => `claim ${m.claim} (${m.path})`),
    ];
    const keys = [...missing, ...mounts.map((m) => m.claim)];
    return {
        refused: `stores data in ${what.join(" and ")}, which does not move with the objects: ${WAY_OUT}: transplant.storage: { ${keys.map((k) => `${k}: recreate-empty`).join(", ")} }`,
    };
}

/** An acknowledged claim as B receives it: unbound, so B's provisioner creates an empty volume. Pure. */
export function unbindClaim(claim: KubeObject): { object: KubeObject; rewrites: Rewrite[] } {
    const o = copy(claim);
    const rewrites: Rewrite[] = [];
    const spec = isRecord(o.spec) ? o.spec : {};
    if (spec.volumeName !== undefined) {
        rewrites.push({
            path: "spec.volumeName",
            old: spec.volumeName,
            new: null,
            reason: "A's volume; B provisions an empty one (transplant.storage: recreate-empty)",
        });
        delete spec.volumeName;
    }
    const annotations = o.metadata.annotations ?? {};
    for (const a of BINDING_ANNOTATIONS)
        if (a in annotations) {
            rewrites.push({ path: pathOf(["metadata", "annotations", a]), old: annotations[a], new: null, reason: "records A's binding" });
            delete annotations[a];
        }
    if (o.metadata.annotations && Object.keys(annotations).length === 0) delete o.metadata.annotations;
    return { object: o, rewrites };
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
