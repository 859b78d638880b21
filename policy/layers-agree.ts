/**
 * DNS and Kong move one API together: a legacy host whose clients reach B fully on one path
 * (directly through DNS, or through Kong) while the other path still sends some to A means a
 * half-finished step. That is fine for one observation window (the runbook moves one layer's
 * config with the other's), not beyond it. The shares are the ledger's effective ones (the
 * cutover stack's `traffic` output, plan/traffic.ts), so a Kong target that follows DNS is not
 * a split; the time is the API's HealthGate's `sharesSince` output, when its current shares
 * were applied (a rise or a fall: providers/health-gate.ts). A gate whose shares this apply
 * changes has no such time yet (its outputs are new), so the split it brings starts now and is
 * not judged; nor is one whose gate predates the output, or a stack with the gate off.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { HEALTH_GATE_TYPE } from "../vocabulary/resource-types";
import { known } from "./analyzer";
import { stackOutputs } from "./resources";

interface Row {
    api: string;
    host: string;
    effective?: { direct: number; viaKong?: number };
}

/** The policy, with the clock it compares the gate's time against (the offline plan's `--now`). */
export function layersReach100Together(now: () => Date = () => new Date()): StackValidationPolicy {
    return {
        name: "layers-reach-100-together",
        description:
            "An API whose clients reach B fully on one path (DNS or Kong) while the other still sends some to A stays so no longer than its observation window.",
        enforcementLevel: "advisory",
        validateStack: (args, reportViolation) => {
            const outputs = stackOutputs(args.resources);
            const windows = new Map(
                ((outputs.convergence ?? []) as { host: string; observeSeconds: number }[]).map((c) => [c.host, c.observeSeconds]),
            );
            const gates = new Map(args.resources.filter((r) => r.type === HEALTH_GATE_TYPE).map((g) => [String(g.props.api), g]));
            const seen = new Set<string>();
            for (const row of (outputs.traffic ?? []) as Row[]) {
                if (seen.has(row.host) || !row.effective || row.effective.viaKong === undefined) continue;
                seen.add(row.host);
                const { direct, viaKong } = row.effective;
                if (direct >= 100 === viaKong >= 100) continue;
                const gate = gates.get(row.api);
                const since = gate ? known(() => gate.props.sharesSince as unknown) : undefined;
                if (typeof since !== "string") continue;
                const seconds = (now().getTime() - new Date(since).getTime()) / 1000;
                const window = windows.get(row.host) ?? 0;
                if (Number.isNaN(seconds) || seconds <= window) continue;
                const [full, behind] =
                    direct >= 100 ? ["directly (DNS)", `through Kong ${viaKong} %`] : ["through Kong", `directly (DNS) ${direct} %`];
                reportViolation(
                    `${row.host}: its clients reach B fully ${full} but only ${behind}, as the shares have stood since ${since}, longer than the observation window (${window} s)`,
                    gate!.urn,
                );
            }
        },
    };
}
