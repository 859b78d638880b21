/**
 * `npm run -s export -- --context CTX --namespace NS --out FILE`: cluster A's namespace as the
 * workloads stack reads it (a v1 List). Every namespaced resource type the API server offers is
 * listed, found through discovery (`/api`, `/apis`, each group's preferred version) — not
 * `kubectl get all`, which leaves out Ingresses, PVCs, ConfigMaps, Secrets, RBAC, HPAs and PDBs.
 * Uses the official client (`@kubernetes/client-node`) and the kubeconfig it finds (KUBECONFIG or
 * ~/.kube/config): its discovery calls, and its credentials and TLS settings for the list calls,
 * which read the API server's JSON as it is (the client's typed models would turn timestamps into
 * Dates and drop fields they do not know — an export must be what the cluster holds). Only
 * reads; writes nothing to the cluster. The written file holds Secrets: it is
 * created readable by its owner only, and the command says where it belongs.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig, V1APIResource } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { Io, PROCESS_IO, runAsProcess } from "./process";

export const USAGE = `usage: npm run -s export -- --context CTX --namespace NS --out FILE

  --context CTX     the kubeconfig context of cluster A (KUBECONFIG or ~/.kube/config)
  --namespace NS    the namespace to export
  --out FILE        where to write the v1 List; it holds Secrets: keep it in the git-ignored
                    exports/ folder or outside the repository

Exit: 0 written, 1 the cluster could not be read, 2 bad usage.`;

interface Args {
    context: string;
    namespace: string;
    out: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[], cwd: string): Args {
    const seen: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes("=")
            ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)]
            : [argv[i], undefined];
        if (!["--context", "--namespace", "--out"].includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
        const value = inline ?? argv[++i];
        if (!value || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        if (seen[flag]) throw new UsageError(`${flag} given twice: give it once`);
        seen[flag] = value;
    }
    for (const flag of ["--context", "--namespace", "--out"]) if (!seen[flag]) throw new UsageError(`${flag} is required`);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(seen["--namespace"]))
        throw new UsageError(`--namespace ${JSON.stringify(seen["--namespace"])} is not a namespace name`);
    return { context: seen["--context"], namespace: seen["--namespace"], out: path.resolve(cwd, seen["--out"]) };
}

/** A namespaced type that can be listed: its group-version, kind and resource name. */
interface Listable {
    apiVersion: string;
    kind: string;
    name: string;
}

/**
 * Top-level resources (not subresources such as pods/log) that are namespaced, listable and
 * creatable: only what B can be given is worth exporting. Computed views — metrics.k8s.io's
 * PodMetrics (get, list) — are not objects of the namespace (Velero's and other backup tools'
 * discovery filters on the verbs a round trip needs, list and create among them).
 */
function listable(apiVersion: string, resources: V1APIResource[]): Listable[] {
    return resources
        .filter((r) => r.namespaced && !r.name.includes("/") && r.verbs.includes("list") && r.verbs.includes("create"))
        .map((r) => ({ apiVersion, kind: r.kind, name: r.name }));
}

/**
 * Every namespaced type the API server serves that can be listed and created: core v1 and each
 * group's preferred version. A group whose discovery fails (an aggregated API whose backend is
 * down answers 503) is skipped and named in `unread`, as kubectl and the garbage collector skip
 * it (client-go `IsGroupDiscoveryFailedError`): the export says what it could not read.
 */
export async function discover(kc: KubeConfig): Promise<{ types: Listable[]; unread: string[] }> {
    const core = await kc.makeApiClient(CoreV1Api).getAPIResources();
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const types = listable("v1", core.resources);
    const unread: string[] = [];
    for (const g of groups.groups) {
        const preferred = g.preferredVersion ?? g.versions[0];
        const [group, version] = preferred.groupVersion.split("/");
        try {
            types.push(...listable(preferred.groupVersion, (await custom.getAPIResources({ group, version })).resources));
        } catch (err) {
            const code = (err as { code?: number }).code;
            unread.push(`${preferred.groupVersion}${typeof code === "number" ? ` (HTTP ${code})` : ""}`);
        }
    }
    return { types, unread };
}

/** A failed read: the HTTP status and the API server's Status message. */
class ReadError extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

/** GET `path` on the context's API server, with the kubeconfig's credentials and CA; the JSON as sent. */
async function getJson(kc: KubeConfig, apiPath: string): Promise<Record<string, unknown>> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("the context names no cluster");
    const url = new URL(apiPath, cluster.server);
    const options: https.RequestOptions = { method: "GET", headers: { accept: "application/json" } };
    await kc.applyToHTTPSOptions(options);
    return new Promise((resolve, reject) => {
        const req = https.request(url, options, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (body += chunk));
            res.on("end", () => {
                let parsed: Record<string, unknown> = {};
                try {
                    parsed = JSON.parse(body) as Record<string, unknown>;
                } catch {
                    // Not JSON: the status says enough.
                }
                if (res.statusCode === 200) resolve(parsed);
                else
                    reject(
                        new ReadError(
                            res.statusCode ?? 0,
                            `${apiPath}: ${typeof parsed.message === "string" ? parsed.message : (res.statusMessage ?? "")}`,
                        ),
                    );
            });
        });
        req.on("error", reject);
        req.end();
    });
}

/** The namespace and every object in it, each with its apiVersion and kind (a list's items carry neither). */
export async function exportNamespace(
    kc: KubeConfig,
    namespace: string,
): Promise<{ objects: Record<string, unknown>[]; types: number; unread: string[] }> {
    const { types, unread } = await discover(kc);
    const objects: Record<string, unknown>[] = [];
    const ns = await getJson(kc, `/api/v1/namespaces/${namespace}`);
    objects.push({ ...ns, apiVersion: "v1", kind: "Namespace" });
    for (const t of types) {
        const base = t.apiVersion === "v1" ? "/api/v1" : `/apis/${t.apiVersion}`;
        let continueToken = "";
        do {
            const query = new URLSearchParams({ limit: "500", ...(continueToken ? { continue: continueToken } : {}) });
            const page = await getJson(kc, `${base}/namespaces/${namespace}/${t.name}?${query}`);
            for (const item of (page.items as Record<string, unknown>[] | null) ?? [])
                objects.push({ ...item, apiVersion: t.apiVersion, kind: t.kind });
            continueToken = ((page.metadata as { continue?: string } | undefined)?.continue ?? "") || "";
        } while (continueToken);
    }
    return { objects, types: types.length, unread };
}

export async function main(argv: string[], cwd = process.env.INIT_CWD ?? process.cwd(), io: Io = PROCESS_IO): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(argv, cwd);
    } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.err(`export: ${err.message}\n${USAGE}\n`);
        return 2;
    }
    if (!fs.existsSync(path.dirname(args.out))) {
        io.err(`export: --out ${args.out}: the folder ${path.dirname(args.out)} does not exist\n`);
        return 2;
    }
    const kc = new KubeConfig();
    kc.loadFromDefault();
    if (!kc.getContextObject(args.context)) {
        io.err(
            `export: --context ${args.context}: no such context in the kubeconfig (contexts: ${
                kc
                    .getContexts()
                    .map((c) => c.name)
                    .join(", ") || "none"
            })\n`,
        );
        return 2;
    }
    kc.setCurrentContext(args.context);
    let result: { objects: Record<string, unknown>[]; types: number; unread: string[] };
    try {
        result = await exportNamespace(kc, args.namespace);
    } catch (err) {
        const e = err as { code?: number; message?: string };
        io.err(
            `export: reading namespace ${args.namespace} through context ${args.context} failed: ${typeof e.code === "number" ? `HTTP ${e.code} ` : ""}${(e.message ?? String(err)).split("\n")[0]}\n`,
        );
        return 1;
    }
    const list = { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: result.objects };
    fs.writeFileSync(args.out, stringify(list), { mode: 0o600 });
    const secrets = result.objects.filter((o) => o.kind === "Secret").length;
    io.out(
        `export: ${result.objects.length} objects of ${result.types} namespaced types from ${args.namespace} (context ${args.context}) written to ${args.out}\n`,
    );
    if (result.unread.length > 0)
        io.err(
            `export: warning: discovery of ${result.unread.join(", ")} failed, so objects of ${result.unread.length === 1 ? "that group" : "those groups"} in ${args.namespace} are not in the export; check the API service (kubectl get apiservices) and export again if the namespace holds any\n`,
        );
    if (secrets > 0)
        io.err(
            `export: warning: ${args.out} holds ${secrets} Secret${secrets === 1 ? "" : "s"} with their data in clear text (base64): keep it in the git-ignored exports/ folder or outside the repository, never in a commit; the workloads plan shows their keys only\n`,
        );
    return 0;
}

if (require.main === module)
    runAsProcess(
        "export",
        () => main(process.argv.slice(2)),
        (err) => err.message,
    );
