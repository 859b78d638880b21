import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { main } from "../offline/cli";
import { ROOT } from "./helpers";

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
    /** Wall time of the command, in milliseconds. */
    ms: number;
}

/**
 * Runs `npm run plan -- ARGS` in this process (the CLI's own `main`, its output captured):
 * the same code path as the command without a new Node and ts-node start per call.
 * `cwd` is where the command was typed (npm's INIT_CWD).
 */
export async function plan(args: string[], cwd = ROOT): Promise<CliResult> {
    const started = Date.now();
    let stdout = "";
    let stderr = "";
    const code = await main(args, ROOT, cwd, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr, ms: Date.now() - started };
}

/** Runs the plan command as its own process, as `npm run plan -- ARGS` does: exit code, streams, time. */
export function planProcess(args: string[], cwd = ROOT): CliResult {
    const started = Date.now();
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "offline/cli.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", INIT_CWD: cwd },
        timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}
