/**
 * What the transplant tests share: the committed export, a workloads config built like the
 * stack's, objects to add to it, and the plan over both.
 */
import { ExportedObject, readExports } from "../config/exports";
import { parseConfig } from "../config/parse";
import { WorkloadsConfig } from "../config/types";
import { KubeObject } from "../plan/transplant/objects";
import { planTransplant, TransplantPlan } from "../plan/transplant/plan";
import { api, DOMAINS, ROOT } from "./helpers";

export const FIXTURE = "examples/a-export/team1-ns.yaml";

let read: KubeObject[] | undefined;

/** The committed export's objects, as the program reads them (read once; each call gets its own copy). */
export function fixture(): KubeObject[] {
    read ??= readExports([FIXTURE], ROOT).objects.map((o) => o.object as unknown as KubeObject);
    return structuredClone(read);
}

/** The committed stack's transplant block (Pulumi.workloads.yaml), with `overrides` on top. */
export function workloads(overrides: Record<string, unknown> = {}, apis = [api("api01"), api("api02")]): WorkloadsConfig {
    return parseConfig({
        role: "workloads",
        domains: DOMAINS,
        apis,
        transplant: {
            exports: [FIXTURE],
            namespaces: { "team1-ns": "team1-ns" },
            kubeContext: "cluster-b",
            acceptDroppedAnnotations: ["nginx.ingress.kubernetes.io/configuration-snippet"],
            storage: { "data-cache": "recreate-empty" },
            ...overrides,
        },
    }) as WorkloadsConfig;
}

export function exported(objects: KubeObject[]): ExportedObject[] {
    return objects.map((object) => ({ object: object as unknown as Record<string, unknown>, file: FIXTURE }));
}

/** The plan of `objects` (default: the fixture) under the committed config with `overrides`. */
export function plan(
    objects: KubeObject[] = fixture(),
    overrides: Record<string, unknown> = {},
    apis?: ReturnType<typeof api>[],
): TransplantPlan {
    return planTransplant(workloads(overrides, apis), exported(objects));
}

/** The fixture with `replace(o)` applied to each object (undefined removes it), plus `add`. */
export function edited(replace: (o: KubeObject) => KubeObject | undefined, add: KubeObject[] = []): KubeObject[] {
    return [...fixture().flatMap((o) => replace(o) ?? []), ...add];
}

/** A kept object of a plan, by kind and name. */
export function keptObject(p: TransplantPlan, kind: string, name: string): KubeObject {
    const k = p.kept.find((x) => x.kind === kind && x.name === name);
    if (!k) throw new Error(`${kind} ${name} is not kept: ${p.refused.map((r) => `${r.kind} ${r.name}: ${r.reason}`).join("; ")}`);
    return k.object;
}

export function obj(kind: string, name: string, rest: Record<string, unknown> = {}, apiVersion = "v1", namespace = "team1-ns"): KubeObject {
    return { apiVersion, kind, metadata: { name, namespace }, ...rest };
}
