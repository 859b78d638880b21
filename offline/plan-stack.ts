/**
 * Plans one stack offline, with its StackReferences resolved to the referenced stacks'
 * planned outputs — in this process, so a plan costs one runtime start however many stacks
 * it reaches. A first run answers every reference with "not known yet" and records which
 * stacks were asked for; those are planned first (recursively, each once), then the stack
 * is planned again with their outputs. A stack that references nothing is planned once.
 */
import { ConfigError } from "../config/errors";
import { OfflineRun, ProgramError, StackReferenceError, runOffline, UNKNOWN } from "./harness";
import { loadStackConfig } from "./stack-files";

export interface PlanStackOptions {
    projectDir: string;
    stack: string;
    /** Stack-file to use in place of `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /** Stack name → stack-file, for referenced stacks. */
    refs?: Record<string, string>;
    /** The program to run (the project's `run`). */
    program: () => Promise<Record<string, unknown> | void>;
    /** Planned outputs by StackReference name, shared across the stacks of one plan. */
    cache?: Map<string, Record<string, unknown>>;
}

/** The stack a reference names: the last segment of `org/project/stack`. */
export function stackOf(referenceName: string): string {
    return referenceName.split("/").pop()!;
}

export async function planStackOffline(opts: PlanStackOptions): Promise<{ run: OfflineRun; role: string | null }> {
    const config = loadStackConfig(opts.projectDir, opts.stack, opts.configFile);
    const role = config.values[`${config.project}:role`] ?? null;
    const cache = opts.cache ?? new Map<string, Record<string, unknown>>();
    const once = (stackReference: (name: string) => Promise<Record<string, unknown>>) =>
        runOffline({ project: config.project, stack: opts.stack, config: config.values, secretKeys: config.secretKeys, program: opts.program, stackReference });

    const asked = new Set<string>();
    let discovery: OfflineRun | undefined;
    try {
        discovery = await once(async (name) => {
            if (cache.has(name)) return cache.get(name)!;
            asked.add(name);
            return UNKNOWN as unknown as Record<string, unknown>;
        });
    } catch (err) {
        // With every reference unknown a program may fail for that reason alone; the real run tells.
        if (asked.size === 0) throw err;
    }
    if (asked.size === 0 && discovery) return { run: discovery, role };

    for (const name of asked) {
        const stack = stackOf(name);
        const file = opts.refs?.[stack];
        try {
            const planned = await planStackOffline({ ...opts, stack, configFile: file, cache });
            cache.set(name, planned.run.outputs);
        } catch (err) {
            const cause = err instanceof ProgramError && ConfigError.isConfigError(err.cause) ? `stack ${stack}: ${err.cause.message}` : (err as Error).message;
            throw new StackReferenceError(`StackReference ${name}: planning stack ${stack}${file ? ` with ${file}` : ""} failed:\n${cause}`);
        }
    }
    const run = await once(async (name) => {
        const outputs = cache.get(name);
        if (!outputs) throw new Error(`StackReference ${name}: asked for only on the second run`);
        return outputs;
    });
    return { run, role };
}
