/**
 * The workloads stack's transplant as the text plan shows it, before the resource tree: what is
 * kept (and every change made to it), dropped and refused, what A's Ingresses did against what
 * B's serve, and where A's domain stays in place. The same report is `--json`'s `transplant`.
 */
import { TransplantReport } from "../plan/transplant/plan";
import { OfflineRun } from "./harness";
import { table } from "./table";

export function transplantOf(run: OfflineRun): TransplantReport | undefined {
    const t = run.outputs.transplant as TransplantReport | undefined;
    return t && Array.isArray(t.kept) ? t : undefined;
}

const where = (r: { namespace?: string }) => r.namespace ?? "-";
const value = (v: unknown) => (v === null || v === undefined ? "(removed)" : typeof v === "string" ? v : JSON.stringify(v));

export function renderTransplant(t: TransplantReport): string[] {
    const ignored = Object.entries(t.ignored);
    const out = [
        `Transplant: ${t.kept.length} kept, ${t.dropped.length} dropped, ${t.refused.length} refused` +
            (ignored.length
                ? `; ignored (namespaces not in transplant.namespaces): ${ignored.map(([ns, n]) => `${ns} ${n}`).join(", ")}`
                : ""),
    ];
    if (t.refused.length) {
        out.push("  Refused (nothing registers until each is resolved; A's namespace):");
        out.push(
            ...table([
                ["KIND", "NAMESPACE", "NAME", "WHY AND THE WAY OUT"],
                ...t.refused.map((r) => [r.kind, where(r), r.name, r.reason]),
            ]).map((l) => `    ${l}`),
        );
    }
    out.push("  Kept (B's namespace), each change below its object:");
    const kept = table([
        ["KIND", "NAMESPACE", "NAME", "SECRET KEYS (values never shown)"],
        ...t.kept.map((k) => [k.kind, where(k), k.name, k.keys ? k.keys.join(", ") : ""]),
    ]);
    out.push(`    ${kept[0]}`);
    t.kept.forEach((k, i) => {
        out.push(`    ${kept[i + 1]}`);
        for (const r of k.rewrites) out.push(`        ~ ${r.path}: ${value(r.old)} → ${value(r.new)}${r.reason ? `  (${r.reason})` : ""}`);
    });
    if (t.dropped.length) {
        out.push("  Dropped (A's namespace):");
        out.push(
            ...table([["KIND", "NAMESPACE", "NAME", "WHY"], ...t.dropped.map((d) => [d.kind, where(d), d.name, d.reason])]).map(
                (l) => `    ${l}`,
            ),
        );
    }
    if (t.parity.length) {
        out.push("  Ingress parity (A's Ingress against B's, the platform stack's):");
        out.push(
            ...table([["INGRESS (A)", "ITEM", "STATUS", "A", "B"], ...t.parity.map((p) => [p.ingress, p.item, p.status, p.a, p.b])]).map(
                (l) => `    ${l}`,
            ),
        );
    }
    if (t.mentions.length) {
        out.push("  A's domain in kept objects, left in place:");
        out.push(
            ...table([
                ["OBJECT", "PATH", "HOST", "WHY"],
                ...t.mentions.map((m) => [`${m.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`, m.path, m.host, m.reason]),
            ]).map((l) => `    ${l}`),
        );
    }
    return out;
}
