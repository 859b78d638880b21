/**
 * Rule 7 — values are not sed-ed. The hand-run plan replaced A's domain everywhere in the
 * export (Secret data, annotations and all); Velero's users ask for exactly that and Velero
 * refuses it (issues #474, #9185: modifiers are patches, never substring replacement). Here A's
 * domain in ConfigMap data, env values and annotations is found and reported by path; it is left
 * as it is — the legacy names keep resolving through the cutover — unless
 * `transplant.rewriteHosts` asks, and then only `<api>.<source>` of an API in `apis` becomes
 * `<api>.<target>` (B has that name; for any other name B has none). Images change only through
 * `transplant.imageRegistries`. Only the host is ever shown, never the value around it.
 */
import { Api, Domains } from "../../config/types";
import { legacyHost, longHost } from "../../vocabulary/naming";
import { containersOf, copy, isRecord, KubeObject, pathOf, Rewrite } from "./objects";

/** A's domain found in a kept object and left as it is. */
export interface Mention {
    path: string;
    host: string;
    /** Why it stays: not asked, or B has no such name. */
    reason: string;
}

function hostsIn(text: string, source: string): string[] {
    const re = new RegExp(`(?<![A-Za-z0-9.-])((?:[A-Za-z0-9-]+\\.)*${source.replace(/\./g, "\\.")})(?![A-Za-z0-9-])`, "gi");
    return [...text.matchAll(re)].map((m) => m[1].toLowerCase());
}

/** The string fields rule 7 reads: ConfigMap data, env values of every container, annotations. */
function scannedStrings(o: KubeObject): { path: (string | number)[]; get: () => string; set: (v: string) => void }[] {
    const out: { path: (string | number)[]; get: () => string; set: (v: string) => void }[] = [];
    const field = (holder: Record<string, unknown>, key: string, path: (string | number)[]) => {
        if (typeof holder[key] === "string") out.push({ path, get: () => holder[key] as string, set: (v) => (holder[key] = v) });
    };
    if (o.kind === "ConfigMap" && isRecord(o.data)) for (const k of Object.keys(o.data)) field(o.data, k, ["data", k]);
    for (const { container, path } of containersOf(o)) {
        const env = Array.isArray(container.env) ? (container.env as unknown[]) : [];
        env.forEach((e, i) => isRecord(e) && field(e, "value", [...path, "env", i, "value"]));
        // A command line names hosts too (`--upstream=https://api02.source-team1…`).
        for (const list of ["command", "args"])
            if (Array.isArray(container[list]))
                (container[list] as unknown[]).forEach((_, i) =>
                    field(container[list] as unknown as Record<string, unknown>, String(i), [...path, list, i]),
                );
    }
    // An ExternalName Service is a CNAME inside the cluster: to A's name, it is A's name.
    if (o.kind === "Service" && isRecord(o.spec)) field(o.spec, "externalName", ["spec", "externalName"]);
    const annotations = o.metadata.annotations ?? {};
    for (const k of Object.keys(annotations)) field(annotations, k, ["metadata", "annotations", k]);
    return out;
}

/** A's domain in the object: rewritten to B's long names when asked and B has the name, otherwise reported. Pure. */
export function rewriteHosts(
    o: KubeObject,
    domains: Domains,
    apis: Api[],
    rewrite: boolean,
): { object: KubeObject; rewrites: Rewrite[]; mentions: Mention[] } {
    const out = copy(o);
    const rewrites: Rewrite[] = [];
    const mentions: Mention[] = [];
    const toB = new Map(apis.map((a) => [legacyHost(a.name, domains), longHost(a.name, domains)]));
    for (const s of scannedStrings(out)) {
        const path = pathOf(s.path);
        let value = s.get();
        for (const host of [...new Set(hostsIn(value, domains.source))]) {
            const target = toB.get(host);
            if (rewrite && target) {
                value = value.replace(new RegExp(`(?<![A-Za-z0-9.-])${host.replace(/\./g, "\\.")}(?![A-Za-z0-9-])`, "gi"), target);
                rewrites.push({
                    path,
                    old: host,
                    new: target,
                    reason: "transplant.rewriteHosts: A's name of the API becomes B's long name",
                });
            } else
                mentions.push({
                    path,
                    host,
                    reason: target
                        ? "left as it is: the legacy name keeps resolving through the cutover (transplant.rewriteHosts: true rewrites it)"
                        : "left as it is: no API in migration:apis has this name, so B has no name to put there",
                });
        }
        s.set(value);
    }
    return { object: out, rewrites, mentions };
}

/** Images whose registry prefix `transplant.imageRegistries` maps, rewritten; the longest matching prefix wins. Pure. */
export function rewriteImages(o: KubeObject, registries: Record<string, string>): { object: KubeObject; rewrites: Rewrite[] } {
    const out = copy(o);
    const rewrites: Rewrite[] = [];
    const prefixes = Object.keys(registries).sort((a, b) => b.length - a.length);
    for (const { container, path } of containersOf(out)) {
        if (typeof container.image !== "string") continue;
        const image = container.image;
        const from = prefixes.find((p) => image.startsWith(`${p}/`));
        if (!from) continue;
        container.image = `${registries[from]}${image.slice(from.length)}`;
        rewrites.push({
            path: pathOf([...path, "image"]),
            old: image,
            new: container.image,
            reason: `transplant.imageRegistries: ${from} → ${registries[from]}`,
        });
    }
    return { object: out, rewrites };
}

/**
 * Cluster-local names of a renamed namespace (`cache-0.cache.team1-ns.svc.cluster.local`) in the
 * same strings: they name A's namespace, which B does not have under that name. Reported with
 * the name B would need; never rewritten (a name inside a value is the team's to change). Pure.
 */
export function renamedNamespaceMentions(o: KubeObject, map: Record<string, string>, services: Set<string> = new Set()): Mention[] {
    const renamed = Object.entries(map).filter(([from, to]) => from !== to);
    if (renamed.length === 0) return [];
    const out: Mention[] = [];
    const mention = (path: string, host: string, from: string, to: string, needs: string) =>
        out.push({ path, host, reason: `names A's namespace ${from} (B's is ${to}): change it to ${needs} in the export` });
    for (const s of scannedStrings(o))
        for (const [from, to] of renamed) {
            const text = s.get();
            for (const m of text.matchAll(
                new RegExp(`(?<![A-Za-z0-9.-])((?:[a-z0-9-]+\\.)+${from}\\.svc(?:\\.cluster\\.local)?)(?![A-Za-z0-9-])`, "g"),
            ))
                mention(pathOf(s.path), m[1], from, to, m[1].replace(`.${from}.svc`, `.${to}.svc`));
            // The short form `<service>.<namespace>` (search domains complete it), for a Service that moves.
            for (const m of text.matchAll(new RegExp(`(?<![A-Za-z0-9.-])(([a-z0-9-]+)\\.${from})(?![A-Za-z0-9.-])`, "g")))
                if (services.has(`${from}/${m[2]}`)) mention(pathOf(s.path), m[1], from, to, `${m[2]}.${to}`);
        }
    return out;
}
