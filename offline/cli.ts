/**
 * `npm run plan -- --stack dev [--config FILE] [--json]`: the offline plan. Runs the real
 * program under Pulumi's mocks (no CLI, no cloud account, no network) and prints what the
 * stack would register. Exit 0 with a plan; 2 on bad config or usage; 1 when the run is unsound.
 */
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { run as program } from "../program";
import { HarnessError, ProgramError, StackReferenceError } from "./harness";
import { planStackOffline } from "./plan-stack";
import { diffRuns, renderDiff } from "./diff";
import { renderMermaid } from "./mermaid";
import { renderDeck, renderText, toPlanDocument } from "./render";
import { StackFileError } from "./stack-files";

const USAGE = `usage: npm run plan -- --stack <dev|cutover|source> [--config FILE] [--ref NAME=FILE]... [--against FILE] [--json | --kong-deck]

  --stack NAME      the stack to plan; its config is Pulumi.NAME.yaml over Pulumi.yaml
  --config FILE     plan with FILE (stack-file format) in place of Pulumi.NAME.yaml
  --ref NAME=FILE   a StackReference to stack NAME resolves to NAME planned with FILE
                    (default: NAME's committed Pulumi.NAME.yaml)
  --against FILE    print what going from the config in use to FILE would do
  --json            print the plan (or the diff) as JSON
  --kong-deck       print the Kong entities the stack manages as a decK file
  --mermaid         print the phase as a Mermaid flowchart (cutover stack)`;

export interface CliArgs {
    stack: string;
    configFile?: string;
    /** Stack name → config file for StackReferences. */
    refs: Record<string, string>;
    json: boolean;
    kongDeck: boolean;
    mermaid: boolean;
    /** Diff against this stack-file. */
    against?: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    let configFile: string | undefined;
    let json = false;
    let kongDeck = false;
    let mermaid = false;
    let against: string | undefined;
    const refs: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--stack") stack = value();
        else if (arg === "--config") configFile = value();
        else if (arg === "--json") json = true;
        else if (arg === "--kong-deck") kongDeck = true;
        else if (arg === "--mermaid") mermaid = true;
        else if (arg === "--against") against = path.resolve(value());
        else if (arg === "--ref") {
            const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(value());
            if (!m) throw new UsageError("--ref takes NAME=FILE");
            refs[m[1]] = path.resolve(m[2]);
        }
        else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    if (!stack) throw new UsageError("--stack is required");
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name`);
    if ([json || !!against, kongDeck, mermaid].filter(Boolean).length > 1) throw new UsageError("--json/--against, --kong-deck and --mermaid are different outputs: pick one");
    return { stack, ...(configFile ? { configFile } : {}), refs, json, kongDeck, mermaid, ...(against ? { against } : {}) };
}

export async function main(argv: string[], projectDir: string): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`plan: ${err.message}\n${USAGE}\n`);
        return 2;
    }
    try {
        const cache = new Map<string, Record<string, unknown>>();
        const planFor = (file?: string) => planStackOffline({ projectDir, stack: args.stack, ...(file ? { configFile: file } : {}), refs: args.refs, program: () => program(), cache });
        const { run: result, role } = await planFor(args.configFile && path.resolve(args.configFile));
        if (args.against) {
            const { run: next } = await planFor(args.against);
            const diff = await diffRuns(result, next);
            const from = args.configFile ?? `Pulumi.${args.stack}.yaml`;
            process.stdout.write(args.json ? `${JSON.stringify({ diff }, null, 2)}\n` : renderDiff(diff, from, path.relative(process.cwd(), args.against) || args.against));
            return 0;
        }
        process.stdout.write(args.mermaid ? renderMermaid(result) : args.kongDeck ? renderDeck(result) : args.json ? `${JSON.stringify(toPlanDocument(result, role), null, 2)}\n` : renderText(result, role));
        return 0;
    } catch (err) {
        if (err instanceof StackFileError) {
            process.stderr.write(`plan: ${err.message}\n`);
            return 2;
        }
        if (err instanceof ProgramError && ConfigError.isConfigError(err.cause)) {
            process.stderr.write(`plan: stack ${args.stack}: ${err.cause.message}\n`);
            return 2;
        }
        if (err instanceof StackReferenceError) {
            process.stderr.write(`plan: stack ${args.stack}: ${err.message}\n`);
            return 2;
        }
        if (err instanceof HarnessError) {
            process.stderr.write(`plan: the offline run is unsound, no plan printed:\n${err.message}\n`);
            return 1;
        }
        // A program bug: print it whole, it is for a developer.
        process.stderr.write(`plan: the program failed: ${err instanceof ProgramError && err.cause instanceof Error ? err.cause.stack : String(err)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), path.resolve(__dirname, "..")).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`plan: ${err instanceof Error ? err.stack : String(err)}\n`);
            process.exit(1);
        },
    );
}
