import * as pulumi from "@pulumi/pulumi";

/** One rule broken by one config value. */
export interface ConfigProblem {
    /** Full key path as `pulumi config set --path` takes it, e.g. `migration:apis[1].port`. */
    path: string;
    /** What is wrong and what would be accepted. */
    message: string;
}

/**
 * Bad stack configuration. A RunError, so the Pulumi CLI prints only the message (no stack
 * trace); the offline runner prints it to stderr and exits 2.
 */
export class ConfigError extends pulumi.RunError {
    readonly problems: ConfigProblem[];

    constructor(problems: ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
        this.problems = problems;
    }

    static isConfigError(err: unknown): err is ConfigError {
        return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).problems);
    }
}

function formatProblems(problems: ConfigProblem[]): string {
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    return `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** Renders a config value for an error message: strings quoted, objects as JSON, long values cut. */
export function show(value: unknown): string {
    if (value === undefined) return "(missing)";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
