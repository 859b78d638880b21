/**
 * A regex path is honoured only where its controller reads it as one:
 * - ingress-nginx reads `nginx.ingress.kubernetes.io/use-regex: "true"` paths as regexes only
 *   with `pathType: ImplementationSpecific` (Prefix and Exact paths are validated as plain paths
 *   and refused with a regex in them by the controller's strict path validation, 1.12+);
 * - the ACK ALB Ingress controller applies `alb.ingress.kubernetes.io/use-regex: "true"` only to
 *   `pathType: Prefix` paths (Alibaba Cloud, "ALB Ingress annotations", custom forwarding with
 *   regular expressions) — plan/alb.ts writes them so;
 * - a path with regex characters and neither annotation is matched literally by both: the rule
 *   would never match a request.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

const INGRESS_TYPE = "kubernetes:networking.k8s.io/v1:Ingress";
const NGINX_REGEX = "nginx.ingress.kubernetes.io/use-regex";
const ALB_REGEX = "alb.ingress.kubernetes.io/use-regex";
/** Characters a literal URL path does not carry, and regexes do. */
const REGEX_CHARS = /[()[\]^$|*+?\\{}]/;

interface IngressPath {
    path?: string;
    pathType?: string;
}

export const regexPathsMatchController: ResourceValidationPolicy = {
    name: "regex-paths-match-controller",
    description:
        "An ingress-nginx Ingress with use-regex uses pathType ImplementationSpecific, an ALB Ingress with use-regex uses Prefix, and no regex path goes without its controller's use-regex.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== INGRESS_TYPE) return;
        const annotations = (args.props.metadata?.annotations ?? {}) as Record<string, string>;
        const rules = (args.props.spec?.rules ?? []) as { host?: string; http?: { paths?: IngressPath[] } }[];
        const paths = rules.flatMap((r) => (r.http?.paths ?? []).map((p) => ({ host: r.host ?? "*", ...p })));
        const where = (p: { host: string; path?: string }) => `${p.host}${p.path ?? ""}`;
        const nginx = annotations[NGINX_REGEX] === "true";
        const alb = annotations[ALB_REGEX] === "true";
        for (const p of paths) {
            if (nginx && p.pathType !== "ImplementationSpecific")
                reportViolation(
                    `${where(p)}: ${NGINX_REGEX} is "true" and pathType is ${p.pathType}; ingress-nginx reads regex paths only with ImplementationSpecific`,
                );
            if (alb && p.pathType !== "Prefix")
                reportViolation(
                    `${where(p)}: ${ALB_REGEX} is "true" and pathType is ${p.pathType}; the ALB Ingress controller applies regexes only to Prefix paths`,
                );
            if (!nginx && !alb && REGEX_CHARS.test(p.path ?? ""))
                reportViolation(
                    `${where(p)}: a regex path without ${NGINX_REGEX} or ${ALB_REGEX} is matched literally and never matches a request`,
                );
        }
    },
};
