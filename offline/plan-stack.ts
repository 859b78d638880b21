/**
 * Plans one stack offline, with its StackReferences resolved to the referenced stacks'
 * planned outputs — in this process, so a plan costs one runtime start however many stacks
 * it reaches. A first run answers every reference with "not known yet" and records which
 * stacks were asked for; those are planned first (recursively, each once), then the stack
 * is planned again with their outputs. A stack that references nothing is planned once.
 */
import { ConfigError } from "../config/errors";
import { REFERENCE_OF_ROLE, wrongRoleProblem } from "../config/parse";
import { Role } from "../config/types";
import { OfflineRun, OfflineRunArgs, ProgramError, StackReferenceError, runOffline, UNKNOWN } from "./harness";
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
    /** What one plan has seen so far, shared across the stacks it reaches. */
    walk?: PlanWalk;
    /**
     * Rewrites a referenced stack's planned outputs before the referencing stack sees them
     * (offline what-ifs such as "complete was applied at T").
     */
    adjustReferenced?: (stack: string, outputs: Record<string, unknown>) => Record<string, unknown>;
    /** Keep the planned stack's wire values (harness `keepWire`), for the policy evaluation. */
    keepWire?: boolean | "values";
    /** A stack transformation for the planned stack's runs (tests' program variants). */
    transformation?: OfflineRunArgs["transformation"];
}

/** The stacks one plan reaches: the chain being planned (for cycles), each stack's file, every stack referenced. */
export interface PlanWalk {
    chain: string[];
    files: Map<string, string | undefined>;
    referenced: Set<string>;
}

export function newWalk(): PlanWalk {
    return { chain: [], files: new Map(), referenced: new Set() };
}

/** The stack a reference names: the last segment of `org/project/stack`. */
export function stackOf(referenceName: string): string {
    return referenceName.split("/").pop()!;
}

export async function planStackOffline(opts: PlanStackOptions): Promise<{ run: OfflineRun; role: string | null }> {
    const walk = opts.walk ?? newWalk();
    if (walk.chain.includes(opts.stack)) {
        throw new StackReferenceError(
            `reference cycle: ${[...walk.chain, opts.stack].join(" → ")} (a stack cannot depend on its own outputs)`,
        );
    }
    const earlier = walk.files.get(opts.stack);
    if (walk.files.has(opts.stack) && earlier !== opts.configFile) {
        throw new StackReferenceError(
            `stack ${opts.stack} would be planned twice, with ${earlier ?? `Pulumi.${opts.stack}.yaml`} and with ${opts.configFile ?? `Pulumi.${opts.stack}.yaml`}: one plan sees one config per stack`,
        );
    }
    walk.files.set(opts.stack, opts.configFile);
    walk.chain.push(opts.stack);
    try {
        return await planOne(opts, walk);
    } finally {
        walk.chain.pop();
    }
}

/** The `role` set in a referenced stack's file (the `--ref` file, or its committed one), or undefined when it cannot be read. */
function roleInFile(opts: PlanStackOptions, stack: string): string | undefined {
    try {
        const config = loadStackConfig(opts.projectDir, stack, opts.refs?.[stack]);
        return config.values[`${config.project}:role`];
    } catch {
        // Planning the stack reports why its file cannot be read.
        return undefined;
    }
}

async function planOne(opts: PlanStackOptions, walk: PlanWalk): Promise<{ run: OfflineRun; role: string | null }> {
    const config = loadStackConfig(opts.projectDir, opts.stack, opts.configFile);
    const role = config.values[`${config.project}:role`] ?? null;
    const cache = opts.cache ?? new Map<string, Record<string, unknown>>();
    const once = (stackReference: (name: string) => Promise<Record<string, unknown>>) =>
        runOffline({
            project: config.project,
            stack: opts.stack,
            config: config.values,
            secretKeys: config.secretKeys,
            program: opts.program,
            stackReference,
            ...(opts.keepWire ? { keepWire: opts.keepWire } : {}),
            ...(opts.transformation ? { transformation: opts.transformation } : {}),
        });

    const asked = new Set<string>();
    let discovery: OfflineRun | undefined;
    try {
        discovery = await once(async (name) => {
            walk.referenced.add(stackOf(name));
            if (cache.has(name)) return cache.get(name)!;
            asked.add(name);
            return UNKNOWN as unknown as Record<string, unknown>;
        });
    } catch (err) {
        // With every reference unknown a program may fail for that reason alone; the real run tells.
        if (asked.size === 0) throw err;
    }
    if (asked.size === 0 && discovery) return { run: discovery, role };

    // The program refuses a reference to a stack of the wrong role before it reads anything else,
    // and the role a stack publishes is the one in its file: that refusal comes here, before
    // planning the referenced stack — which, for a wrong role, would run into the cycle such a
    // reference makes (cutover → source → cutover) and report that instead.
    const expected = role === null ? undefined : REFERENCE_OF_ROLE[role as Role];
    for (const name of expected ? asked : []) {
        const seen = roleInFile(opts, stackOf(name));
        if (seen !== undefined && seen !== expected!.role) {
            const problem = wrongRoleProblem(expected!.key, name, expected!.role, seen);
            throw new ProgramError(new ConfigError([problem]), {
                project: config.project,
                stack: opts.stack,
                resources: [],
                outputs: {},
                warnings: [],
            });
        }
    }

    for (const name of asked) {
        const stack = stackOf(name);
        const file = opts.refs?.[stack];
        let planned: { run: OfflineRun };
        try {
            const { keepWire: _wire, transformation: _variant, ...shared } = opts;
            planned = await planStackOffline({ ...shared, stack, configFile: file, cache, walk });
        } catch (err) {
            if (err instanceof StackReferenceError && /^(reference cycle|stack \S+ would be planned twice)/.test(err.message)) throw err;
            const cause =
                err instanceof ProgramError && ConfigError.isConfigError(err.cause)
                    ? `stack ${stack}: ${err.cause.message}`
                    : (err as Error).message;
            throw new StackReferenceError(
                `StackReference ${name}: planning stack ${stack}${file ? ` with ${file}` : ""} failed:\n${cause}`,
            );
        }
        cache.set(name, opts.adjustReferenced ? opts.adjustReferenced(stack, planned.run.outputs) : planned.run.outputs);
    }
    const run = await once(async (name) => {
        const outputs = cache.get(name);
        if (!outputs) throw new Error(`StackReference ${name}: asked for only on the second run`);
        return outputs;
    });
    return { run, role };
}
