/**
 * DNS and Kong move one API together: a host at 100 % on B on one layer while the other is
 * below 100 means clients on the lagging path still reach A. That is fine for one observation
 * window (the runbook moves one layer's config with the other's), not beyond: past the window
 * after the phase was applied, it is a half-finished step. Read from the stack outputs the cutover
 * stack publishes (`traffic`, `convergence`, `phaseAppliedAt`); the applied time is known only
 * after an apply, so a preview that shows the layers apart reports the policy as not run.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { shareOfB, stackOutputs, Weighted } from "./resources";

interface Row {
    host: string;
    layer: string;
    targets: Weighted[];
}

/** The policy, with the clock it compares the applied time against (the offline plan's `--now`). */
export function layersReach100Together(now: () => Date = () => new Date()): StackValidationPolicy {
    return {
        name: "layers-reach-100-together",
        description:
            "An API at 100 % on B on one layer (DNS or Kong) while the other is below 100 % stays so no longer than its observation window.",
        enforcementLevel: "advisory",
        validateStack: (args, reportViolation) => {
            const outputs = stackOutputs(args.resources);
            const rows = (outputs.traffic ?? []) as Row[];
            const windows = new Map(
                ((outputs.convergence ?? []) as { host: string; observeSeconds: number }[]).map((c) => [c.host, c.observeSeconds]),
            );
            const byHost = new Map<string, Row[]>();
            for (const row of rows) byHost.set(row.host, [...(byHost.get(row.host) ?? []), row]);
            for (const [host, layers] of byHost) {
                if (layers.length < 2) continue;
                const shares = layers.map((l) => ({ layer: l.layer, share: shareOfB(l.targets) ?? 0 }));
                const full = shares.filter((s) => s.share >= 100);
                const behind = shares.filter((s) => s.share < 100);
                if (full.length === 0 || behind.length === 0) continue;
                const applied = new Date(String(outputs.phaseAppliedAt));
                const window = windows.get(host) ?? 0;
                const seconds = (now().getTime() - applied.getTime()) / 1000;
                if (Number.isNaN(seconds) || seconds <= window) continue;
                reportViolation(
                    `${host}: ${full.map((s) => s.layer).join(", ")} at 100 % on B while ${behind.map((s) => `${s.layer} is at ${s.share} %`).join(", ")}, ${Math.round(seconds)} s after the phase was applied (observation window ${window} s)`,
                );
            }
        },
    };
}
