/**
 * ingress-nginx annotations and what ACK's ALB Ingress does instead. Each row reads an
 * ingress-nginx annotation (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/)
 * and gives the ALB setting with the same behaviour, from Alibaba's ALB Ingress configuration
 * dictionary (https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/alb-ingress-configuration-dictionary,
 * "ALB Ingress配置词典"; the same table in the open-source controller, alibaba/alibaba-load-balancer-controller
 * @ c277108 docs/zh/usage.md, whose pkg/controller/ingress/reconcile/ code lower-cases nothing: backend-protocol
 * must be written "https"/"grpc"): an Ingress annotation, or a field of the AlbConfig's listener where ALB
 * sets it per listener, not per Ingress (request timeout: AlbConfig `requestTimeout`, 1–180 s,
 * default 60; source allow-lists: AlbConfig listener `aclConfig`, "Configure ACL-based access control
 * with AlbConfig", https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/configure-acl-access-control-through-albconfig).
 * `translate` returns undefined for a value ALB cannot express; a key not in the table has no
 * equivalent (snippets, connect timeouts, body size, auth, …).
 */
import { ALB_ANNOTATION } from "../alb";

const NGINX = "nginx.ingress.kubernetes.io/";

/** Where an AlbConfig listener field is written in a translation (it is not an Ingress annotation). */
export const ALB_CONFIG_LISTENER = "AlbConfig listener ";

/** The ALB settings one annotation becomes; `{}` when ALB's default already behaves so. */
export type Settings = Record<string, string>;

export interface Equivalent {
    translate(value: string): Settings | undefined;
    /** What ALB cannot say, for the message when `translate` gives up on a value. */
    note: string;
    /**
     * It limits which clients are served (a source allowlist): not reproduced on B, moving would
     * open the API wider, so the transplant refuses it until accepted.
     * @default false
     */
    restrictsClients?: boolean;
}

/** ALB's defaults for the AlbConfig listener fields the table writes (the dictionary's defaults). */
export const ALB_LISTENER_DEFAULTS: Settings = { [`${ALB_CONFIG_LISTENER}requestTimeout`]: "60" };

const bool = (albKey: string): Equivalent => ({
    translate: (v) => (v === "true" ? { [`${ALB_ANNOTATION}${albKey}`]: "true" } : v === "false" ? {} : undefined),
    note: `"true" or "false" only`,
});

const same = (albKey: string, test: (v: string) => boolean = () => true, note = "any value"): Equivalent => ({
    translate: (v) => (test(v) ? { [`${ALB_ANNOTATION}${albKey}`]: v } : undefined),
    note,
});

const intIn = (min: number, max: number) => (v: string) => /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

const requestTimeout: Equivalent = {
    translate: (v) => (intIn(1, 180)(v) ? { [`${ALB_CONFIG_LISTENER}requestTimeout`]: v } : undefined),
    note: "ALB's request timeout is 1 to 180 seconds, per listener (AlbConfig requestTimeout)",
};

/** ingress-nginx annotation → ALB equivalent. */
export const ALB_EQUIVALENTS: Record<string, Equivalent> = {
    // ingress-nginx redirects to HTTPS by default when the Ingress has TLS; ALB does not (ssl-redirect default "false").
    [`${NGINX}ssl-redirect`]: bool("ssl-redirect"),
    [`${NGINX}force-ssl-redirect`]: bool("ssl-redirect"),
    [`${NGINX}backend-protocol`]: {
        translate: (v): Settings | undefined => {
            const protocol = v.toUpperCase();
            if (protocol === "HTTP") return {};
            if (protocol === "HTTPS" || protocol === "GRPC") return { [`${ALB_ANNOTATION}backend-protocol`]: protocol.toLowerCase() };
            return undefined;
        },
        note: 'ALB backends speak "http", "https" or "grpc"',
    },
    [`${NGINX}enable-cors`]: bool("enable-cors"),
    [`${NGINX}cors-allow-origin`]: same("cors-allow-origin"),
    [`${NGINX}cors-allow-methods`]: same("cors-allow-methods"),
    [`${NGINX}cors-allow-headers`]: same("cors-allow-headers"),
    [`${NGINX}cors-expose-headers`]: same("cors-expose-headers"),
    [`${NGINX}cors-allow-credentials`]: same("cors-allow-credentials", (v) => v === "true" || v === "false", `"true" or "false" only`),
    [`${NGINX}cors-max-age`]: same("cors-max-age", intIn(-1, 172800), "ALB's cors-max-age is -1 to 172800 seconds"),
    // ALB's rewrite variables are ${1}..${3}, nginx's $1..$9.
    [`${NGINX}rewrite-target`]: {
        translate: (v) => (/\$([4-9])/.test(v) ? undefined : { [`${ALB_ANNOTATION}rewrite-target`]: v.replace(/\$(\d)/g, "$${$1}") }),
        note: "ALB rewrites with ${1} to ${3} only",
    },
    [`${NGINX}use-regex`]: bool("use-regex"),
    [`${NGINX}proxy-read-timeout`]: requestTimeout,
    [`${NGINX}proxy-send-timeout`]: requestTimeout,
    [`${NGINX}affinity`]: {
        translate: (v) =>
            v === "cookie"
                ? { [`${ALB_ANNOTATION}sticky-session`]: "true", [`${ALB_ANNOTATION}sticky-session-type`]: "Insert" }
                : undefined,
        note: 'only "cookie" affinity (ALB sticky-session-type Insert)',
    },
    [`${NGINX}session-cookie-max-age`]: same("cookie-timeout", intIn(1, 86400), "ALB's cookie-timeout is 1 to 86400 seconds"),
    [`${NGINX}canary`]: bool("canary"),
    [`${NGINX}canary-by-header`]: same("canary-by-header"),
    [`${NGINX}canary-by-header-value`]: same("canary-by-header-value"),
    [`${NGINX}canary-by-cookie`]: same("canary-by-cookie"),
    // Percent on both sides, unless nginx's canary-weight-total changes the base (no ALB counterpart: refused then).
    [`${NGINX}canary-weight`]: same("canary-weight", intIn(0, 100), "ALB's canary-weight is a percentage, 0 to 100"),
    [`${NGINX}whitelist-source-range`]: {
        translate: (v) => ({ [`${ALB_CONFIG_LISTENER}aclConfig`]: `{aclType: White, aclEntries: [${v}]}` }),
        note: "",
        restrictsClients: true,
    },
    [`${NGINX}allowlist-source-range`]: {
        translate: (v) => ({ [`${ALB_CONFIG_LISTENER}aclConfig`]: `{aclType: White, aclEntries: [${v}]}` }),
        note: "",
        restrictsClients: true,
    },
};

/** Annotations whose job B's Ingress does another way, with how. */
export const IGNORED_ANNOTATIONS: Record<string, string> = {
    "kubernetes.io/ingress.class": "B's Ingress names its own class (spec.ingressClassName)",
};

/** The annotation ingress-nginx behaves as if set when an Ingress has TLS (its documented default: redirect to HTTPS). */
export const NGINX_TLS_REDIRECT = `${NGINX}ssl-redirect`;
