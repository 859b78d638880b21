import { ChildProcess } from "node:child_process";

/**
 * The port a Pulumi plugin prints on its first stdout line once its gRPC server listens (the
 * handshake the engine reads: the dynamic-provider host and a policy pack alike).
 */
export function pluginPort(child: ChildProcess, what: string, stderr: () => string, withinMs = 20_000): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(
            () => reject(new Error(`${what} printed no port within ${withinMs / 1000} s; stderr: ${stderr()}`)),
            withinMs,
        );
        child.stdout!.on("data", (d) => {
            out += String(d);
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`${what} exited (${code}) before printing its port; stderr: ${stderr()}`));
        });
    });
}

/** Stops a plugin process and waits for it; `group` when it was started detached with children of its own (the host's script). */
export async function stopPlugin(child: ChildProcess | undefined, group = false): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null)
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            if (group) process.kill(-child.pid!, "SIGTERM");
            else child.kill("SIGTERM");
        });
    child?.stdout?.destroy();
    child?.stderr?.destroy();
}
