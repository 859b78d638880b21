/**
 * `npm run -s plan -- --stack dev [--config FILE] [--json]`: the offline plan. Runs the real
 * program under Pulumi's mocks (no CLI, no cloud account, no network) and prints what the
 * stack would register. Exit 0 with a plan; 2 on bad config or usage; 1 when the run is unsound.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { run as program, RunOptions } from "../program";
import { HarnessError, ProgramError, StackReferenceError, UNKNOWN } from "./harness";
import { newWalk, planStackOffline } from "./plan-stack";
import { diffRuns, renderDiff } from "./diff";
import { DiagramTooLarge, renderMermaid } from "./mermaid";
import { Io, PROCESS_IO, runAsProcess } from "./process";
import { hasKongLayer, renderDeck, renderText, toPlanDocument } from "./render";
import { renderTransplant } from "./transplant-table";
import { TransplantRefused } from "../plan/transplant/plan";
import { loadStackConfig, StackFileError } from "./stack-files";
import { evaluatePolicies, PolicyConfig, PolicyConfigError, PolicyViolation, readPolicyConfig, renderPolicies } from "./policies";
import { migrationPolicies } from "../policy/policies";
import { cutoverConfigOf, topologyOf } from "./topology";

export const USAGE = `usage: npm run -s plan -- --stack <dev|cutover|source|workloads> [--config FILE] [--ref NAME=FILE]...
                        [--against FILE] [--json | --kong-deck | --mermaid] [--out FILE]
                        [--now TIME] [--applied-at TIME] [--policy-config FILE] [--help]

  --stack NAME        the stack to plan; its config is Pulumi.NAME.yaml over Pulumi.yaml
  --config FILE       plan with FILE (stack-file format) in place of Pulumi.NAME.yaml
  --ref NAME=FILE     a StackReference to stack NAME resolves to NAME planned with FILE
                      (default: NAME's committed Pulumi.NAME.yaml); NAME must be a stack
                      the plan references
  --against FILE      print what going from the config in use to FILE would do
  --json              print the plan (or the diff) as JSON
  --kong-deck         print the Kong entities the stack manages as a decK file (a stack with a Kong layer)
  --mermaid           print the phase as Markdown: a Mermaid flowchart and its legend (a cutover stack)
  --out FILE          write the output to FILE instead of standard output
  --now TIME          the clock of the decommission guard and certificate checks (ISO 8601)
  --applied-at TIME   when the referenced cutover stack's phase was applied (ISO 8601);
                      offline that time is unknown and the guard takes it as now
  --policy-config FILE  the policy pack's configuration, as pulumi preview
                      --policy-pack-config FILE takes it (levels, policy properties)
  --help, -h          print this help

FILE paths are taken from the directory the command was typed in.
Options may be written --name VALUE or --name=VALUE, each once (--ref once per NAME).
The plan and the --against diff (text or --json) end with the policy pack's verdict on the
stack they lead to (policy/, see README "Policies"); --kong-deck and --mermaid do not.
Exit: 0 plan printed, 1 unsound run, a mandatory policy violation, a step the diff shows
refused (pulumi preview would fail on it) or a transplant that refuses objects, 2 bad usage
or config.`;

export interface CliArgs {
    stack: string;
    configFile?: string;
    /** Stack name → config file for StackReferences. */
    refs: Record<string, string>;
    json: boolean;
    kongDeck: boolean;
    mermaid: boolean;
    help: boolean;
    /** Diff against this stack-file. */
    against?: string;
    out?: string;
    now?: Date;
    appliedAt?: Date;
    policyConfig?: string;
}

export class UsageError extends Error {}

const FLAGS = new Set(["--json", "--kong-deck", "--mermaid", "--help", "-h"]);
const VALUED = new Set(["--stack", "--config", "--against", "--ref", "--out", "--now", "--applied-at", "--policy-config"]);

function time(flag: string, text: string): Date {
    const t = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t.getTime()))
        throw new UsageError(`${flag} ${JSON.stringify(text)} is not an ISO 8601 time such as 2026-11-28T12:00:00Z`);
    return t;
}

/** Parses the command line; `cwd` is where relative FILE paths are taken from. */
export function parseArgs(argv: string[], cwd = process.cwd()): CliArgs {
    const args: Omit<CliArgs, "stack"> & { stack?: string } = { refs: {}, json: false, kongDeck: false, mermaid: false, help: false };
    const seen = new Map<string, string>();
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const arg = eq > 0 ? argv[i].slice(0, eq) : argv[i];
        if (FLAGS.has(arg)) {
            if (eq > 0) throw new UsageError(`${arg} takes no value`);
            if (arg === "--json") args.json = true;
            else if (arg === "--kong-deck") args.kongDeck = true;
            else if (arg === "--mermaid") args.mermaid = true;
            else args.help = true;
            continue;
        }
        if (!VALUED.has(arg)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        let v: string | undefined;
        if (eq > 0) v = argv[i].slice(eq + 1);
        else {
            v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
        }
        if (v === "") throw new UsageError(`${arg} needs a value`);
        // A second value would silently win over the first: plan which stack, with which file?
        if (arg !== "--ref" && seen.has(arg)) throw new UsageError(`${arg} given twice (${seen.get(arg)}, then ${v}): give it once`);
        seen.set(arg, v);
        const file = (f: string) => path.resolve(cwd, f);
        if (arg === "--stack") args.stack = v;
        else if (arg === "--config") args.configFile = file(v);
        else if (arg === "--against") args.against = file(v);
        else if (arg === "--out") args.out = file(v);
        else if (arg === "--now") args.now = time(arg, v);
        else if (arg === "--applied-at") args.appliedAt = time(arg, v);
        else if (arg === "--policy-config") args.policyConfig = file(v);
        else {
            const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(v);
            if (!m) throw new UsageError("--ref takes NAME=FILE");
            if (args.refs[m[1]]) throw new UsageError(`--ref ${m[1]} given twice: one file per stack`);
            args.refs[m[1]] = file(m[2]);
        }
    }
    if (args.help) return { ...args, stack: args.stack ?? "" };
    if (!args.stack) throw new UsageError("--stack is required");
    if (!/^[A-Za-z0-9_.-]+$/.test(args.stack)) throw new UsageError(`--stack ${JSON.stringify(args.stack)} is not a stack name`);
    if ([args.json || !!args.against, args.kongDeck, args.mermaid].filter(Boolean).length > 1)
        throw new UsageError("--json/--against, --kong-deck and --mermaid are different outputs: pick one");
    if (args.refs[args.stack])
        throw new UsageError(`--ref ${args.stack}=…: ${args.stack} is the stack being planned; use --config for its file`);
    return args as CliArgs;
}

/** Where a run is taken from, for messages: the file when not the committed one. */
function which(stack: string, cwd: string, file?: string): string {
    return file ? `stack ${stack} (${path.relative(cwd, file) || file})` : `stack ${stack}`;
}

export async function main(
    argv: string[],
    projectDir: string,
    cwd = process.env.INIT_CWD ?? process.cwd(),
    io: Io = PROCESS_IO,
): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv, cwd);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.err(`plan: ${err.message}\n${USAGE}\n`);
        return 2;
    }
    if (args.help) {
        io.out(`${USAGE}\n`);
        return 0;
    }
    const usage = (message: string) => {
        io.err(`plan: ${message}\n`);
        return 2;
    };
    // Checked before planning: a plan that cannot be written is not worth the run, and a missing
    // folder is the operator's typo, not a fault of the program.
    if (args.out) {
        const folder = path.dirname(args.out);
        if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory())
            return usage(`--out ${path.relative(cwd, args.out) || args.out}: the folder ${folder} does not exist`);
    }
    // Read before planning: a configuration the pack would refuse is the operator's to fix first.
    let policyConfig: PolicyConfig | undefined;
    if (args.policyConfig) {
        const shown = path.relative(cwd, args.policyConfig) || args.policyConfig;
        let text: string;
        try {
            text = fs.readFileSync(args.policyConfig, "utf8");
        } catch (err) {
            return usage(`--policy-config ${shown}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        try {
            policyConfig = readPolicyConfig(text);
        } catch (err) {
            if (err instanceof PolicyConfigError) return usage(`--policy-config ${shown}: ${err.message}`);
            throw err;
        }
    }
    // Set while the --against file is planned, so its errors name it.
    let current: string | undefined;
    try {
        const cache = new Map<string, Record<string, unknown>>();
        const options: RunOptions = args.now ? { now: args.now } : {};
        const walk = newWalk();
        const adjustReferenced = args.appliedAt ? appliedAtWhatIf(args.appliedAt) : undefined;
        const planFor = (file?: string) =>
            planStackOffline({
                // The policy pack reads the values the engine would receive.
                keepWire: "values",
                projectDir,
                stack: args.stack,
                ...(file ? { configFile: file } : {}),
                refs: args.refs,
                program: () => program(options),
                cache,
                walk: { ...newWalk(), referenced: walk.referenced },
                ...(adjustReferenced ? { adjustReferenced } : {}),
            });
        const { run: result, role } = await planFor(args.configFile);
        const unused = Object.keys(args.refs).filter((name) => !walk.referenced.has(name));
        if (unused.length > 0) {
            const seen = [...walk.referenced].sort();
            return usage(
                `--ref ${unused.join(", ")}: stack ${args.stack} never references ${unused.length === 1 ? "a stack of that name" : "stacks of those names"}; it references ${seen.length ? seen.join(", ") : "no stack"}`,
            );
        }
        if (args.appliedAt && !walk.referenced.size)
            return usage(`--applied-at: stack ${args.stack} references no cutover stack whose apply time it could set`);
        if (args.mermaid && role !== "cutover")
            return usage(`--mermaid draws a cutover stack's phase; stack ${args.stack} has role ${role ?? "(none)"}`);
        if (args.kongDeck && !hasKongLayer(result))
            return usage(`--kong-deck: stack ${args.stack} has no Kong layer (migration:kong is not set), so there is nothing to export`);
        let output: string;
        // A mandatory violation is what `pulumi preview --policy-pack policy` would fail on.
        let violations: PolicyViolation[] = [];
        const policies = migrationPolicies(() => args.now ?? new Date());
        // A refused step is what `pulumi preview` would fail on: the diff is printed, and the command fails.
        let refused = false;
        if (args.against) {
            current = args.against;
            const { run: next } = await planFor(args.against);
            current = undefined;
            const diff = await diffRuns(result, next);
            refused = diff.refused.length > 0;
            // The policies judge where the edit leads: the stack as FILE would leave it.
            violations = await evaluatePolicies(next, policies, policyConfig);
            const from = args.configFile ? path.relative(cwd, args.configFile) : `Pulumi.${args.stack}.yaml`;
            output = args.json
                ? `${JSON.stringify({ diff, policy: { violations } }, null, 2)}\n`
                : `${renderDiff(diff, from, path.relative(cwd, args.against) || args.against)}\n${renderPolicies(violations, policies.length).join("\n")}\n`;
        } else {
            if (args.mermaid) {
                try {
                    output = renderMermaid(
                        result,
                        topologyOf(cutoverConfigOf(loadStackConfig(projectDir, args.stack, args.configFile)), platformOutputs(cache)),
                    );
                } catch (err) {
                    if (err instanceof DiagramTooLarge) return usage(`--mermaid: ${err.message}`);
                    throw err;
                }
            } else if (args.kongDeck) output = renderDeck(result);
            else {
                violations = await evaluatePolicies(result, policies, policyConfig);
                output = args.json
                    ? `${JSON.stringify({ ...toPlanDocument(result, role), policy: { violations } }, null, 2)}\n`
                    : `${renderText(result, role)}\n${renderPolicies(violations, policies.length).join("\n")}\n`;
            }
        }
        if (args.out) {
            try {
                fs.writeFileSync(args.out, output);
            } catch (err) {
                return usage(
                    `--out ${path.relative(cwd, args.out) || args.out}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
                );
            }
        } else io.out(output);
        const mandatory = violations.filter((v) => v.level === "mandatory").length;
        if (mandatory > 0)
            io.err(
                `plan: ${which(args.stack, cwd, args.against ?? args.configFile)}: ${mandatory} mandatory policy violation${mandatory > 1 ? "s" : ""} (see Policies): pulumi preview --policy-pack policy would fail\n`,
            );
        return refused || mandatory > 0 ? 1 : 0;
    } catch (err) {
        if (err instanceof StackFileError) return usage(err.message);
        if (err instanceof ProgramError && TransplantRefused.is(err.cause)) {
            // The refusals are the plan's answer, not a fault: the report is printed as the plan would have shown it.
            const report = err.cause.report;
            const output = args.json
                ? `${JSON.stringify({ transplant: report, warnings: err.run.warnings }, null, 2)}\n`
                : `${renderTransplant(report).join("\n")}\n`;
            if (args.out) fs.writeFileSync(args.out, output);
            else io.out(output);
            io.err(`plan: ${which(args.stack, cwd, current)}: ${err.cause.message}\n`);
            return 1;
        }
        if (err instanceof ProgramError && ConfigError.isConfigError(err.cause))
            return usage(`${which(args.stack, cwd, current)}: ${err.cause.message}`);
        if (err instanceof StackReferenceError) return usage(`${which(args.stack, cwd, current)}: ${err.message}`);
        if (err instanceof HarnessError) {
            io.err(`plan: the offline run is unsound, no plan printed:\n${err.message}\n`);
            return 1;
        }
        // A program bug: print it whole, it is for a developer.
        io.err(`plan: the program failed: ${err instanceof ProgramError && err.cause instanceof Error ? err.cause.stack : String(err)}\n`);
        return 1;
    }
}

/** The planned outputs of the platform stack this plan referenced, if any (the diagram's classes and short-domain mode). */
function platformOutputs(cache: Map<string, Record<string, unknown>>): Record<string, unknown> | undefined {
    return [...cache.values()].find((o) => o.role === "platform");
}

/** `--applied-at`: a referenced cutover stack reads as if its phase was applied at that time. */
function appliedAtWhatIf(at: Date) {
    return (_stack: string, outputs: Record<string, unknown>) =>
        outputs.role === "cutover" && (outputs.phaseAppliedAt === UNKNOWN || outputs.phaseAppliedAt === undefined)
            ? { ...outputs, phaseAppliedAt: at.toISOString() }
            : outputs;
}

if (require.main === module) {
    runAsProcess(
        "plan",
        () => main(process.argv.slice(2), path.resolve(__dirname, "..")),
        (err) => err.stack,
    );
}
