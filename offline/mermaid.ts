/**
 * The phase as a Mermaid flowchart, generated from the cutover stack's plan. APIs in the same
 * state (the same DNS and Kong weights, the same effective share on B) are one node listing
 * their names, so the diagram's size depends on the number of distinct states, not of APIs;
 * each node carries its own weights in its label (the real renderer places edge labels where
 * it likes, so weights on edges were read against the wrong API). Live edges are solid, edges at
 * 0 % dotted and grey; clusters A and B are subgraphs, A greyed and marked idle at `complete`.
 *
 * Mermaid's limits a page cannot raise (shared/notes/mermaid.md): 500 edges and 50,000
 * characters. A diagram beyond them is refused with the reason (`DiagramTooLarge`).
 */
import { TrafficRow } from "../plan/traffic";
import { OfflineRun } from "./harness";
import { Topology } from "./topology";

/** Mermaid's `maxEdges` and `maxTextSize` (secure settings: a diagram cannot raise them). */
export const MERMAID_MAX_EDGES = 500;
export const MERMAID_MAX_CHARS = 50_000;

/** Names listed in one state's node before the rest is counted. */
const NAMES_SHOWN = 12;

export class DiagramTooLarge extends Error {}

interface State {
    key: string;
    apis: string[];
    dns?: TrafficRow;
    kong?: TrafficRow;
    /** The legacy names hold a CNAME to their own long host (completeWith: cname). */
    cname: boolean;
}

const weightsOf = (r: TrafficRow | undefined, side: "A" | "B") =>
    r?.targets.filter((t) => t.side === side).reduce((n, t) => n + t.weight, 0) ?? 0;

/** What a layer does for one state, as the node says it: `DNS A 80 · B 20`, or where the CNAMEs point. */
function layerText(layer: string, r: TrafficRow, s: State): string {
    if (layer === "DNS" && s.cname)
        return s.apis.length === 1 ? `DNS CNAME → ${r.targets[0].address}` : "DNS CNAME → each API's own long host";
    return `${layer} A ${weightsOf(r, "A")} · B ${weightsOf(r, "B")}`;
}

export function renderMermaid(run: OfflineRun, topology: Topology): string {
    const traffic = (run.outputs.traffic as TrafficRow[] | undefined) ?? [];
    const phase = String(run.outputs.phase ?? "");
    const idleA = phase === "complete";
    const hasKong = traffic.some((r) => r.layer === "kong");

    // One state per distinct (DNS weights, Kong weights, effective share, CNAME-ness).
    const states = new Map<string, State>();
    for (const api of topology.apis) {
        const dns = traffic.find((r) => r.layer === "dns" && r.api === api.name);
        const kong = traffic.find((r) => r.layer === "kong" && r.api === api.name);
        const cname = dns !== undefined && dns.targets.length === 1 && dns.targets[0].address.startsWith(`${api.name}.`);
        const key = JSON.stringify([
            weightsOf(dns, "A"),
            weightsOf(dns, "B"),
            kong ? [weightsOf(kong, "A"), weightsOf(kong, "B")] : null,
            dns?.effective,
            cname,
        ]);
        const s = states.get(key) ?? { key, apis: [], dns, kong, cname };
        s.apis.push(api.name);
        states.set(key, s);
    }

    const lines = [
        "flowchart LR",
        `    %% phase ${phase}: generated from the plan of stack ${run.stack} (--mermaid)`,
        "    clients([Clients])",
    ];
    const links: { dotted: boolean }[] = [];
    const edge = (from: string, to: string, live: boolean, label?: string) => {
        lines.push(`    ${from} ${live ? "-->" : "-.->"}${label ? `|"${label}"|` : ""} ${to}`);
        links.push({ dotted: !live });
    };

    const dedicated = topology.shortMode === "dedicated";
    lines.push(`    subgraph clusterA["Cluster A${idleA ? " (idle: nothing routes here)" : ""}"]`);
    lines.push(`        slbA["SLB A ${topology.sourceAddress}"]`, `        ingA["ingress (A)"]`, `        svcA["APIs in A"]`, "    end");
    lines.push(`    subgraph clusterB["Cluster B"]`);
    lines.push(
        `        lbB["LB B (team)"]`,
        `        ingB["IsolatedIngress ${topology.teamClass ?? "(class from the platform stack)"}"]`,
        `        svcB["APIs in B"]`,
    );
    if (dedicated) lines.push(`        lbS["LB short domain"]`, `        ingS["ShortDomainGateway ${topology.shortClass ?? ""}"]`);
    lines.push("    end");
    lines.push(`    short["${topology.short}${topology.shortMode ? "" : " (short-domain mode unknown: no platform stack)"}"]`);
    if (hasKong) lines.push("    kong[Kong Gateway]");
    edge("slbA", "ingA", !idleA);
    edge("ingA", "svcA", !idleA);
    edge("lbB", "ingB", true);
    edge("ingB", "svcB", true);
    edge("clients", "short", true);
    if (dedicated) {
        edge("short", "lbS", true);
        edge("lbS", "ingS", true);
        edge("ingS", "svcB", true, "/<api>/… prefix stripped");
    } else edge("short", "lbB", true);
    if (hasKong) edge("clients", "kong", true);

    let n = 0;
    for (const s of states.values()) {
        const id = `s${n++}`;
        const names =
            s.apis.length > NAMES_SHOWN
                ? `${s.apis.slice(0, NAMES_SHOWN).join(", ")} +${s.apis.length - NAMES_SHOWN} more`
                : s.apis.join(", ");
        const parts = [`${s.apis.length} API${s.apis.length > 1 ? "s" : ""}: ${names}`];
        if (s.dns) parts.push(layerText("DNS", s.dns, s));
        if (s.kong) parts.push(layerText("Kong", s.kong, s));
        const e = s.dns?.effective;
        if (e) parts.push(`on B: ${e.direct}% direct${e.viaKong !== undefined ? `, ${e.viaKong}% via Kong` : ""}`);
        lines.push(`    ${id}["${parts.join("<br/>")}"]`);
        edge("clients", id, true, "legacy names");
        edge(id, "slbA", weightsOf(s.dns, "A") > 0, "DNS");
        edge(id, "lbB", weightsOf(s.dns, "B") > 0, "DNS");
        if (s.kong) edge("kong", id, weightsOf(s.kong, "A") > 0 || weightsOf(s.kong, "B") > 0, "Kong");
    }

    links.forEach((l, i) => l.dotted && lines.push(`    linkStyle ${i} stroke:#aaa,stroke-dasharray:3 3`));
    if (idleA) lines.push("    style clusterA fill:#f2f2f2,stroke:#bbb,color:#999");
    const text = lines.join("\n") + "\n";
    if (links.length > MERMAID_MAX_EDGES || text.length > MERMAID_MAX_CHARS) {
        throw new DiagramTooLarge(
            `the diagram would have ${links.length} edges and ${text.length} characters (Mermaid draws at most ${MERMAID_MAX_EDGES} edges and ${MERMAID_MAX_CHARS} characters): ${states.size} distinct API states; bring APIs to fewer distinct weights, or review the traffic table (--json) instead`,
        );
    }
    return text;
}
