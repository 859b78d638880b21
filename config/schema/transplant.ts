/**
 * The `workloads` role's block, `migration:transplant`: which exports of cluster A move, into
 * which namespaces of B, and the acknowledgements a transplant needs before it moves something a
 * blind copy would break (plan/transplant/). What the files hold is read at the entry, not here.
 */
import * as path from "node:path";
import { z } from "zod";
import { bool, obj, Rule, str, withRules } from "../checks";
import { dnsLabel } from "./common";

const EXPORTS = "a non-empty list of export files (kubectl get -o yaml output), paths relative to the project";
const NAMESPACES = "a mapping of A's namespace to B's, at least one";
/** A relative path inside the project: the export is reviewed with the stack file, on any machine. */
const isProjectPath = (p: string) => !path.isAbsolute(p) && !p.split(/[\\/]/).includes("..") && /\.(ya?ml|json)$/.test(p);
/** `registry[:port]/path` without tag or digest: a prefix of image references. */
const REGISTRY_PREFIX = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._/-]*[a-z0-9])?)*$/;
/** A Kubernetes annotation key: an optional DNS-subdomain prefix, `/`, a name of up to 63 characters. */
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A PersistentVolumeClaim name (a DNS subdomain). */
const CLAIM = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** How a volume whose data does not follow is acknowledged: B gets an empty volume. */
export const STORAGE_ACKNOWLEDGEMENTS = ["recreate-empty"] as const;

const distinctTargets: Rule<Record<string, string>> = {
    // Two of A's namespaces into one of B's: objects of the same name would overwrite each other.
    name: "each of B's namespaces receives one of A's",
    reads: [],
    check: (map, r) => {
        const seen = new Map<string, string>();
        for (const [from, to] of Object.entries(map)) {
            const first = seen.get(to);
            if (first !== undefined) r.fail([from], to, `a namespace of B not already receiving ${first}`);
            else seen.set(to, from);
        }
    },
};

/** `migration:transplant`: A's namespace workloads, moved into B as reviewed, typed objects. */
export const transplantSchema = obj({
    exports: z
        .array(
            str(
                "a path relative to the project (no '..', not absolute) of a .yaml, .yml or .json export, e.g. examples/a-export/team1-ns.yaml",
                isProjectPath,
            ),
            { error: EXPORTS },
        )
        .min(1, { error: EXPORTS })
        .describe("Exports of cluster A (`kubectl get … -o yaml`, a v1 List or multi-document YAML), paths relative to the project."),
    namespaces: withRules(
        z
            .record(dnsLabel("a namespace of A (DNS label)"), dnsLabel("a namespace of B (DNS label)"), { error: NAMESPACES })
            .refine((m) => Object.keys(m).length > 0, { error: NAMESPACES }),
        [distinctTargets],
    ).describe("A's namespace → B's. Only listed namespaces move; objects of others are ignored and counted."),
    kubeContext: str("a kubeconfig context name", /^\S+$/)
        .optional()
        .describe("The kubeconfig context of cluster B; absent: the default provider (ambient kubeconfig)."),
    imageRegistries: z
        .record(
            str("an image registry prefix such as registry-vpc.cn-hangzhou.aliyuncs.com/team1 (no tag)", REGISTRY_PREFIX),
            str("an image registry prefix such as registry-vpc.cn-shanghai.aliyuncs.com/team1 (no tag)", REGISTRY_PREFIX),
            { error: "a mapping of A's image registry prefix to B's" },
        )
        .default({})
        .describe("Image registry prefix in A → in B. Images are rewritten only through this map."),
    acceptDroppedAnnotations: z
        .array(str("an annotation key, e.g. nginx.ingress.kubernetes.io/configuration-snippet", ANNOTATION_KEY), {
            error: "a list of annotation keys",
        })
        .default([])
        .describe("Annotations of A's Ingresses with no ALB equivalent that may be left behind (each is listed in the plan)."),
    keepLoadBalancers: z
        .array(dnsLabel("a Service name"), { error: "a list of Service names" })
        .default([])
        .describe("`type: LoadBalancer` Services that keep their own load balancer in B (a second, paid one each)."),
    storage: z
        .record(
            str("a PersistentVolumeClaim name, or <template>-<statefulset> for a StatefulSet's volumeClaimTemplates", CLAIM),
            z.enum(STORAGE_ACKNOWLEDGEMENTS, { error: `one of ${STORAGE_ACKNOWLEDGEMENTS.join(" | ")}` }),
            { error: "a mapping of claim name to recreate-empty" },
        )
        .default({})
        .describe(
            "Volumes whose data does not follow, acknowledged: B gets an empty volume (`recreate-empty`). Move the data with ACK backup center or Velero first.",
        ),
    rewriteHosts: bool(false).describe(
        "Rewrite A's domain to B's in ConfigMap data, env values and annotations (each rewrite shown); default: report them only.",
    ),
}).describe("A's namespace workloads, moved into B: exported, cleaned, rewritten where asked, refused where a copy breaks.");

export type TransplantSettings = z.output<typeof transplantSchema>;
