/**
 * What the offline commands (`plan`, `verify`) share as processes: where they write, and how a
 * command's `main` becomes the process's exit code.
 */

/** Where a command writes; the process's streams unless a caller (a test) captures them. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
}

export const PROCESS_IO: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs `main` as the process: its result is the exit code; a crash prints `<name>: <detail>`
 * and exits 1. A run that drains the event loop without settling must not pass for success
 * (exit 0, no output): the first drain is left to the offline runner's own stall report, the
 * second one fails the command.
 */
export function runAsProcess(name: string, main: () => Promise<number>, detail: (err: Error) => string | undefined): void {
    let drained = 0;
    process.on("beforeExit", () => {
        if (drained++ === 0) return;
        process.stderr.write(`${name}: the run ended without a result (something it waited on never settled); a fault of the run\n`);
        process.exit(1);
    });
    main().then(
        // Exit once what was written has reached the pipe: process.exit would drop a piped plan past 64 KB.
        (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))),
        (err) => {
            process.stderr.write(`${name}: ${err instanceof Error ? detail(err) : String(err)}\n`);
            process.exit(1);
        },
    );
}
