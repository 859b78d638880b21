/**
 * The phase as a Mermaid flowchart, generated from the cutover stack's plan, and its legend.
 *
 * The title names the stack, the phase and the shares on B (front matter). APIs in the same
 * state (the same DNS and Kong weights, the same effective share on B) share one lane: a box
 * `G<n>` holding the lane's legacy names (DNS, with the TTL in force) and, with a Kong layer,
 * its Kong upstreams. Every DNS and Kong edge leaving a lane carries its share (`DNS 80 %`,
 * `Kong 20 %`) and is drawn thicker the more it carries; an edge at 0 % is not drawn. The
 * lanes' APIs and hosts are in the legend (Markdown tables printed under the diagram), so the
 * diagram's size depends on the number of distinct states, not of APIs. Clusters A and B are
 * subgraphs, A greyed and marked idle at `complete`. Label text is written with Mermaid's
 * entity codes (`#lt;` …), so `<api>` reaches the page as text, never as HTML.
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

/** Lanes whose APIs the title and the lane's box name, rather than count. */
const NAMED_APIS = 4;

export class DiagramTooLarge extends Error {}

interface State {
    apis: string[];
    hosts: { api: string; legacy: string; long: string }[];
    dns?: TrafficRow;
    kong?: TrafficRow;
    /** The legacy names hold a CNAME to their own long host (completeWith: cname). */
    cname: boolean;
    /** Kong's A target is the legacy name itself (weighted mode): its A share goes through DNS. */
    kongViaName: boolean;
}

/** The diagram (Mermaid source) and its legend (Markdown), as `--mermaid` prints them. */
export interface PhaseDiagram {
    diagram: string;
    legend: string;
}

const weightsOf = (r: TrafficRow | undefined, side: "A" | "B") =>
    r?.targets.filter((t) => t.side === side).reduce((n, t) => n + t.weight, 0) ?? 0;

/** Text as a quoted Mermaid label: Mermaid's entity codes for what it would read as markup or syntax; lines joined by `<br/>`. */
export function mermaidLabel(...lines: string[]): string {
    const code = (s: string) => s.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
    return `"${lines.map(code).join("<br/>")}"`;
}

const percent = (n: number) => `${n} %`;
const plural = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many);

/** What a state sends to B, as the title and the lane say it: `20 %`, or per layer when they differ. */
function shareText(s: State): string {
    const d = weightsOf(s.dns, "B");
    if (!s.kong || weightsOf(s.kong, "B") === d) return percent(d);
    return `DNS ${percent(d)} · Kong ${percent(weightsOf(s.kong, "B"))}`;
}

function groupStates(run: OfflineRun, topology: Topology): State[] {
    const traffic = (run.outputs.traffic as TrafficRow[] | undefined) ?? [];
    const states = new Map<string, State>();
    for (const api of topology.apis) {
        const dns = traffic.find((r) => r.layer === "dns" && r.api === api.name);
        const kong = traffic.find((r) => r.layer === "kong" && r.api === api.name);
        const cname = dns !== undefined && dns.targets.length === 1 && dns.targets[0].address.startsWith(`${api.name}.`);
        const legacy = dns?.host ?? kong?.host ?? "";
        const kongViaName = kong?.targets.some((t) => t.side === "A" && t.address.startsWith(`${kong.host}:`)) ?? false;
        const key = JSON.stringify([
            weightsOf(dns, "A"),
            weightsOf(dns, "B"),
            kong ? [weightsOf(kong, "A"), weightsOf(kong, "B")] : null,
            dns?.effective,
            cname,
            kongViaName,
        ]);
        const s = states.get(key) ?? { apis: [], hosts: [], dns, kong, cname, kongViaName };
        s.apis.push(api.name);
        s.hosts.push({ api: api.name, legacy, long: api.long });
        states.set(key, s);
    }
    // Lanes read from the least moved to the most.
    return [...states.values()].sort(
        (a, b) => weightsOf(a.dns, "B") - weightsOf(b.dns, "B") || weightsOf(a.kong, "B") - weightsOf(b.kong, "B"),
    );
}

/** The title: the stack, the phase, and where the traffic is. */
function titleOf(run: OfflineRun, phase: string, states: State[], topology: Topology): string {
    const n = states.reduce((k, s) => k + s.apis.length, 0);
    const head = `${run.stack}: ${phase}`;
    if (phase === "prepare") {
        const ttl = topology.dnsTtl ? `DNS TTL ${topology.dnsTtl.steady} → ${topology.dnsTtl.cutover} s` : "DNS TTL lowered";
        return `${head} · ${ttl}, all traffic on A`;
    }
    if (phase === "complete")
        return `${head} · all traffic on B, A idle${states.some((s) => s.cname) ? ", legacy names CNAME to the long hosts" : ""}`;
    if (n <= NAMED_APIS)
        return `${head} · on B: ${states
            .flatMap((s) => s.apis.map((a) => ({ a, s })))
            .sort((x, y) => x.a.localeCompare(y.a))
            .map(({ a, s }) => `${a} ${shareText(s)}`)
            .join(", ")}`;
    const shares = states.map(shareText);
    return `${head} · ${n} APIs in ${states.length} ${plural(states.length, "lane")}, on B: ${
        shares.length <= 6 ? shares.join(", ") : `${shares[0]} … ${shares[shares.length - 1]}`
    }`;
}

export function phaseDiagramOf(run: OfflineRun, topology: Topology): PhaseDiagram {
    const phase = String(run.outputs.phase ?? "");
    const idleA = phase === "complete";
    const states = groupStates(run, topology);
    const hasKong = states.some((s) => s.kong);
    /** The first label of a host's domain: `<api>.source-team1…`. */
    const domainOf = (host: string, api: string) => `<api>.${host.slice(api.length + 1).split(".")[0]}…`;
    const first = states[0]?.hosts[0];

    const lines = [
        "---",
        `title: ${JSON.stringify(titleOf(run, phase, states, topology))}`,
        "config:",
        "  flowchart:",
        "    nodeSpacing: 30",
        "    rankSpacing: 40",
        "    wrappingWidth: 260",
        "---",
        "flowchart LR",
        `    %% generated from the plan of stack ${run.stack} (--mermaid); the lanes' APIs and hosts are in the legend`,
        `    clients([${mermaidLabel("Clients")}])`,
    ];
    const links: { style?: string }[] = [];
    const edge = (from: string, to: string, opts: { idle?: boolean; label?: string[]; share?: number; invisible?: boolean } = {}) => {
        const arrow = opts.invisible ? "~~~" : opts.idle ? "-.->" : "-->";
        lines.push(`    ${from} ${arrow}${opts.label ? `|${mermaidLabel(...opts.label)}|` : ""} ${to}`);
        links.push({
            style: opts.idle
                ? "stroke:#aaa,stroke-dasharray:3 3"
                : opts.share !== undefined
                  ? `stroke-width:${1 + Math.round(opts.share / 25)}px`
                  : undefined,
        });
    };

    const dedicated = topology.shortMode === "dedicated";
    // B's path to the APIs: straight to their Services, or for those B's ingress sends through B's Kong data plane, through it.
    const dp = topology.dataPlane;
    const straight = dp ? topology.apis.filter((a) => !dp.apis.includes(a.name)).map((a) => a.name) : [];
    const toApis = dp
        ? [`→ Kong data plane (B) ${dp.namespace} → ${dp.apis.join(", ")}`, ...(straight.length ? [`→ ${straight.join(", ")} in B`] : [])]
        : ["→ APIs in B"];
    lines.push(
        `    subgraph clusterA[${mermaidLabel(`Cluster A${idleA ? " (idle: nothing routes here)" : ""}`)}]`,
        `        slbA[${mermaidLabel(`SLB A ${topology.sourceAddress}`, "ingress (A) → APIs in A")}]`,
        "    end",
        `    subgraph clusterB[${mermaidLabel("Cluster B")}]`,
        `        lbB[${mermaidLabel("LB B (team)", `IsolatedIngress ${topology.teamClass ?? "(class from the platform stack)"}`, ...toApis)}]`,
    );
    if (dedicated)
        lines.push(
            `        lbS[${mermaidLabel("LB short domain", `ShortDomainGateway ${topology.shortClass ?? ""}`.trim(), "/<api>/… prefix stripped", ...toApis)}]`,
        );
    lines.push("    end");
    lines.push(
        `    short[${mermaidLabel(topology.short, ...(topology.shortMode ? [] : ["(short-domain mode unknown: no platform stack)"]))}]`,
        `    long[${mermaidLabel("long hosts", ...(first ? [domainOf(first.long, first.api)] : []))}]`,
    );
    if (hasKong) lines.push(`    kong[${mermaidLabel("Kong Gateway")}]`);

    // One lane per state: a node standing for its APIs' legacy names.
    lines.push(`    subgraph lanes[${mermaidLabel(`legacy names${first ? ` ${domainOf(first.legacy, first.api)}` : ""}`)}]`);
    states.forEach((s, i) => {
        const n = s.apis.length;
        const ttl = s.dns
            ? phase === "prepare" && topology.dnsTtl
                ? `TTL ${topology.dnsTtl.steady} → ${s.dns.ttl} s`
                : `TTL ${s.dns.ttl} s`
            : "no DNS row";
        const who = n <= NAMED_APIS ? s.apis.join(", ") : `${n} APIs`;
        lines.push(`        g${i + 1}[${mermaidLabel(`G${i + 1} · ${who}`, s.cname ? `CNAME to the long ${plural(n, "host")}` : ttl)}]`);
    });
    lines.push("    end");

    edge("clients", "short");
    edge("clients", "lanes");
    edge("clients", "long");
    if (hasKong) edge("clients", "kong");
    edge("long", "lbB");
    if (dedicated) {
        edge("short", "lbS");
    } else edge("short", "lbB");

    // Kong's edges to a shared node (the long hosts; A itself when its A target is not the
    // legacy name) carry one line per lane: `G2 Kong 20 %`.
    const shared = new Map<string, { lines: string[]; share: number }>();
    const toShared = (to: string, lane: number, share: number) => {
        const e = shared.get(to) ?? { lines: [], share: 0 };
        e.lines.push(`G${lane} Kong ${percent(share)}`);
        e.share = Math.max(e.share, share);
        shared.set(to, e);
    };
    states.forEach((s, i) => {
        const g = `g${i + 1}`;
        if (s.kong) {
            const a = weightsOf(s.kong, "A");
            const b = weightsOf(s.kong, "B");
            if (a > 0 && s.kongViaName) edge("kong", g, { label: [`Kong ${percent(a)}`], share: a });
            else if (a > 0) toShared("slbA", i + 1, a);
            if (b > 0) toShared("long", i + 1, b);
        }
        if (s.dns) {
            const a = weightsOf(s.dns, "A");
            const b = weightsOf(s.dns, "B");
            if (a > 0) edge(g, "slbA", { label: [`DNS ${percent(a)}`], share: a });
            if (b > 0) edge(g, s.cname ? "long" : "lbB", { label: [`DNS ${percent(b)}`], share: b });
        }
    });
    for (const [to, e] of shared) edge("kong", to, { label: e.lines, share: e.share });
    // Nothing routes to A (complete): an invisible link keeps it beside the lanes, not left of the clients.
    if (!lines.some((l) => / (slbA|clusterA)$/.test(l))) edge("lanes", "clusterA", { invisible: true });

    links.forEach((l, i) => l.style && lines.push(`    linkStyle ${i} ${l.style}`));
    if (idleA) lines.push("    style clusterA fill:#f2f2f2,stroke:#bbb,color:#999");
    const diagram = lines.join("\n") + "\n";
    if (links.length > MERMAID_MAX_EDGES || diagram.length > MERMAID_MAX_CHARS) {
        throw new DiagramTooLarge(
            `the diagram would have ${links.length} edges and ${diagram.length} characters (Mermaid draws at most ${MERMAID_MAX_EDGES} edges and ${MERMAID_MAX_CHARS} characters): ${states.length} distinct API states; bring APIs to fewer distinct weights, or review the traffic table (--json) instead`,
        );
    }
    return { diagram, legend: legendOf(states) };
}

/** The lanes (weights and effective share on B) and each API's hosts, as Markdown tables. */
function legendOf(states: State[]): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|");
    const layer = (r: TrafficRow | undefined) => (r ? `A ${weightsOf(r, "A")} · B ${weightsOf(r, "B")}` : "—");
    const lines = ["| Lane | APIs | DNS | Kong | on B: direct · via Kong |", "| --- | --- | --- | --- | --- |"];
    states.forEach((s, i) => {
        const e = s.dns?.effective;
        const onB = e ? `${percent(e.direct)}${e.viaKong !== undefined ? ` · ${percent(e.viaKong)}` : ""}` : "—";
        lines.push(`| G${i + 1} | ${s.apis.length} | ${layer(s.dns)}${s.cname ? " (CNAME)" : ""} | ${layer(s.kong)} | ${onB} |`);
    });
    lines.push("", "| API | Lane | Legacy name | Long host (B) |", "| --- | --- | --- | --- |");
    states.forEach((s, i) => {
        for (const h of s.hosts) lines.push(`| ${cell(h.api)} | G${i + 1} | ${cell(h.legacy)} | ${cell(h.long)} |`);
    });
    return lines.join("\n") + "\n";
}

/** What `--mermaid` prints: the diagram in a Markdown `mermaid` block, then its legend. */
export function renderMermaid(run: OfflineRun, topology: Topology): string {
    const { diagram, legend } = phaseDiagramOf(run, topology);
    return `\`\`\`mermaid\n${diagram}\`\`\`\n\n${legend}`;
}
