/**
 * Reads the exports `migration:transplant.exports` names, once, at the entry: `kubectl get -o
 * yaml` output (a `v1` List, a typed list such as `DeploymentList`, or multi-document YAML; JSON
 * is YAML too). What is read is data for the plan; nothing here interprets an object beyond
 * finding where it came from. A file that cannot be read or is not an export is bad config.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { isObject } from "./checks";
import { ConfigError, ConfigProblem } from "./errors";
import { NAMESPACE } from "./read";

/** One object of an export, with where it was found (for messages). */
export interface ExportedObject {
    /** The object as exported (apiVersion, kind, metadata, …). */
    object: Record<string, unknown>;
    /** The export file, as the config names it. */
    file: string;
}

export interface ReadExports {
    objects: ExportedObject[];
    /** Files holding Secret data: they must not sit in a repository in clear text. */
    warnings: string[];
}

/** Whether git tracks `file` (false when git or the repository is absent: nothing is committed then). */
function isTracked(file: string, cwd: string): boolean {
    const r = spawnSync("git", ["ls-files", "--error-unmatch", "--", file], { cwd, stdio: "ignore" });
    return r.status === 0;
}

/**
 * The objects of every export, in file order; `projectDir` is where the paths are taken from.
 * Throws ConfigError naming the key (`transplant.exports[i]`), the file and what is wrong.
 */
export function readExports(files: string[], projectDir: string): ReadExports {
    const problems: ConfigProblem[] = [];
    const objects: ExportedObject[] = [];
    const warnings: string[] = [];
    files.forEach((file, i) => {
        const key = `${NAMESPACE}:transplant.exports[${i}]`;
        const fail = (why: string) => problems.push({ path: key, message: `${JSON.stringify(file)} is not accepted; ${why}` });
        let text: string;
        try {
            text = fs.readFileSync(path.join(projectDir, file), "utf8");
        } catch (err) {
            fail(`expected a readable export file (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
            return;
        }
        const found: Record<string, unknown>[] = [];
        for (const doc of parseAllDocuments(text)) {
            if (doc.errors.length > 0) {
                const e = doc.errors[0];
                fail(`expected YAML (line ${e.linePos?.[0].line ?? "?"}: ${e.message.split("\n")[0]})`);
                return;
            }
            const value = doc.toJS() as unknown;
            if (value === null || value === undefined) continue;
            if (!isObject(value)) {
                fail("expected Kubernetes objects (each document a mapping with apiVersion, kind and metadata.name)");
                return;
            }
            // `kubectl get a,b -o yaml` writes a v1 List; `kubectl get deploy -o yaml` a v1 List too; typed lists end in "List".
            const items =
                typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items) ? value.items : [value];
            for (const [j, item] of items.entries()) {
                const meta = isObject(item) ? item.metadata : undefined;
                if (
                    !isObject(item) ||
                    typeof item.apiVersion !== "string" ||
                    typeof item.kind !== "string" ||
                    !isObject(meta) ||
                    typeof meta.name !== "string"
                ) {
                    fail(`expected Kubernetes objects; item ${j} of a ${String(value.kind)} has no apiVersion, kind or metadata.name`);
                    return;
                }
                found.push(item);
            }
        }
        if (found.length === 0) {
            fail("expected an export holding at least one object");
            return;
        }
        objects.push(...found.map((object) => ({ object, file })));
        const withData = found.filter((o) => o.kind === "Secret" && (hasEntries(o.data) || hasEntries(o.stringData)));
        if (withData.length > 0) {
            const named = withData.map(
                (o) =>
                    `${String((o.metadata as Record<string, unknown>).namespace ?? "")}/${String((o.metadata as Record<string, unknown>).name)}`,
            );
            warnings.push(
                `${file} holds Secret data (${named.join(", ")})${isTracked(file, projectDir) ? " and is committed to git" : ""}: an export with Secrets belongs outside the repository or in the git-ignored exports/ folder, never in a commit; the plan shows the Secrets' keys only`,
            );
        }
    });
    if (problems.length > 0) throw new ConfigError(problems);
    return { objects, warnings };
}

function hasEntries(v: unknown): boolean {
    return isObject(v) && Object.keys(v).length > 0;
}
