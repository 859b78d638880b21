/**
 * The phase as a Mermaid flowchart, generated from the cutover stack's plan: clients → the
 * legacy names and the short domain → load balancers → ingress controllers (and Kong) →
 * services, with the DNS and Kong weights on the edges. An edge at weight 0 is dashed.
 */
import { TrafficRow } from "../plan/traffic";
import { OfflineRun } from "./harness";
import { Topology } from "./topology";

const known = (v: string | undefined) => v !== undefined && v !== "[known after apply]";

export function renderMermaid(run: OfflineRun, topology: Topology): string {
    const traffic = (run.outputs.traffic as TrafficRow[] | undefined) ?? [];
    const phase = String(run.outputs.phase ?? "");
    const lines = [
        "flowchart LR",
        `    %% phase ${phase}: generated from the plan of stack ${run.stack} (--mermaid)`,
        "    clients([Clients])",
    ];
    const edge = (from: string, to: string, label?: string, weight?: number) =>
        lines.push(`    ${from} ${weight === 0 ? "-.->" : "-->"}${label ? `|"${label}"|` : ""} ${to}`);
    const teamClass = topology.teamClass ?? "isolated class";
    const bAddress = traffic.find((r) => r.layer === "dns")?.targets.find((t) => t.side === "B")?.address;

    lines.push(`    slbA["SLB A ${topology.sourceAddress}"]`, `    ingA["ingress-nginx (A)"]`);
    lines.push(`    slbB["SLB B${known(bAddress) ? ` ${bAddress}` : " (team, intranet)"}"]`, `    ingB["IsolatedIngress ${teamClass}"]`);
    lines.push(`    short["${topology.short}"]`);
    const hasKong = traffic.some((r) => r.layer === "kong");
    if (hasKong) lines.push("    kong[Kong Gateway]", "    clients --> kong");
    lines.push("    clients --> short", "    slbA --> ingA", "    slbB --> ingB");
    // The short host has its own SLB and controller in dedicated mode; otherwise the team's serves it.
    const dedicated = topology.shortMode === "dedicated";
    const shortIngress = dedicated ? "ingS" : "ingB";
    if (dedicated)
        lines.push(
            `    slbS["SLB short domain"]`,
            `    ingS["ShortDomainGateway ${topology.shortClass ?? "dedicated class"}"]`,
            "    short --> slbS",
            "    slbS --> ingS",
        );
    else edge("short", "slbB");

    for (const api of topology.apis) {
        const id = api.name.replace(/[^A-Za-z0-9]/g, "_");
        const legacy = traffic.find((r) => r.layer === "dns" && r.api === api.name);
        lines.push(
            `    ${id}_legacy["${legacy?.host ?? api.name}"]`,
            `    ${id}_a["${api.name} in A"]`,
            `    ${id}_b["${api.service} (${api.namespace})"]`,
        );
        edge("clients", `${id}_legacy`);
        for (const t of legacy?.targets ?? []) edge(`${id}_legacy`, t.side === "A" ? "slbA" : "slbB", `DNS ${t.weight}%`, t.weight);
        edge("ingA", `${id}_a`);
        edge("ingB", `${id}_b`);
        edge(shortIngress, `${id}_b`, `/${api.name}`);
        const kong = traffic.find((r) => r.layer === "kong" && r.api === api.name);
        if (kong) {
            lines.push(`    ${id}_long["${api.long}"]`);
            edge(`${id}_long`, "slbB");
            for (const t of kong.targets) edge("kong", t.side === "A" ? `${id}_legacy` : `${id}_long`, `Kong ${t.weight}%`, t.weight);
        }
    }
    return lines.join("\n") + "\n";
}
