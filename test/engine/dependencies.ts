/**
 * The dependencies of every registration as the engine receives them: the SDK's
 * `RegisterResourceRequest.dependencies` (explicit `dependsOn` and every resource whose Output
 * reached an input, components expanded to their children) and `propertyDependencies` (per
 * input, the resources its Outputs came from). The offline harness records only the explicit
 * `dependsOn`; this reads the rest from the monitor's requests, an SDK internal kept to this one
 * module (its test: test/engine-schedule.test.ts).
 *
 * Call `recordDependencies()` from inside the program run (after the harness has installed its
 * monitor): it wraps that run's monitor only, and the next `setMocks` replaces the monitor.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RequestDependencies {
    /** Every URN the registration waits for (`dependencies`). */
    all: string[];
    /** Per input property, the URNs its Outputs carry (`propertyDependencies`); only non-empty ones. */
    byProperty: Record<string, string[]>;
}

interface DependencyRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList?(): string[];
    getPropertydependenciesMap?(): { forEach(f: (v: { getUrnsList(): string[] }, k: string) => void): void } | undefined;
}
interface Monitor {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: DependencyRequest, cb: unknown): void;
}

const rt = pulumi.runtime as unknown as { getMonitor(): Monitor | undefined };

/** Starts recording; the map fills as the program registers resources (by URN). */
export function recordDependencies(): Map<string, RequestDependencies> {
    const monitor = rt.getMonitor();
    if (!monitor) throw new Error("recordDependencies: no monitor (call it inside the program run)");
    const byUrn = new Map<string, RequestDependencies>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const byProperty: Record<string, string[]> = {};
        req.getPropertydependenciesMap?.()?.forEach((v, k) => {
            const urns = v.getUrnsList();
            if (urns.length > 0) byProperty[k] = [...urns];
        });
        byUrn.set(monitor.newUrn(req.getParent(), req.getType(), req.getName()), {
            all: [...(req.getDependenciesList?.() ?? [])],
            byProperty,
        });
        register(req, cb);
    };
    return byUrn;
}
