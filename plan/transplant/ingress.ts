/**
 * Rule 5 — Ingress parity, not copy. B's Ingress for each API is the platform stack's
 * (IsolatedIngress: the long host and the legacy host, `/` Prefix to the API's Service, TLS for
 * both, ALB class). A's Ingress is therefore never copied; it is compared with what B serves,
 * and whatever A did that B does not — a path to another backend, a TLS host, an annotation — is
 * listed. ingress-nginx annotations are translated to ALB's where ALB has the same behaviour
 * (ingress-annotations.ts, each row citing Alibaba's documentation); one with no equivalent is
 * refused until the operator accepts losing it. An Ingress for a host no API moves is refused:
 * it is traffic nobody moves.
 */
import { show } from "../../config/errors";
import { Api, Domains } from "../../config/types";
import { legacyHost, longHost } from "../../vocabulary/naming";
import { albIngressAnnotations } from "../alb";
import {
    ALB_CONFIG_LISTENER,
    ALB_EQUIVALENTS,
    ALB_LISTENER_DEFAULTS,
    IGNORED_ANNOTATIONS,
    NGINX_TLS_REDIRECT,
    Settings,
} from "./ingress-annotations";
import { isRecord, KubeObject } from "./objects";

/** What B's Ingress for one API serves (plan/platform.ts planIsolatedIngress on ALB; test/transplant.test.ts holds them equal). */
export interface Served {
    hosts: string[];
    tlsHosts: string[];
    path: string;
    pathType: string;
    namespace: string;
    service: string;
    port: number;
    annotations: Record<string, string>;
}

export function servedByB(api: Api, domains: Domains): Served {
    const hosts = [longHost(api.name, domains), legacyHost(api.name, domains)];
    return {
        hosts,
        tlsHosts: hosts,
        path: "/",
        pathType: "Prefix",
        namespace: api.namespace,
        service: api.service,
        port: api.port,
        annotations: albIngressAnnotations(),
    };
}

/** One thing A's Ingress did, and whether B does it. */
export interface ParityItem {
    api: string;
    /** A's Ingress, `namespace/name`. */
    ingress: string;
    item: "path" | "tls" | "annotation";
    /** What A does. */
    a: string;
    /** What B does instead (or would with the translated annotation). */
    b: string;
    status: "reproduced" | "translated, not set on B" | "not reproduced" | "accepted as dropped" | "no ALB equivalent";
}

export interface IngressVerdict {
    dropped?: string;
    refused?: string;
    parity: ParityItem[];
}

export interface IngressContext {
    domains: Domains;
    apis: Api[];
    /** A's namespace → B's. */
    namespaces: Record<string, string>;
    /** A's Services, for backends that name a port by name. */
    services: KubeObject[];
    accepted: string[];
}

interface Backend {
    service: string;
    port: number | string;
}

function backendOf(path: Record<string, unknown>): Backend | undefined {
    const b = isRecord(path.backend) && isRecord(path.backend.service) ? path.backend.service : undefined;
    const port = b && isRecord(b.port) ? (b.port.number ?? b.port.name) : undefined;
    return b && typeof b.name === "string" && (typeof port === "number" || typeof port === "string")
        ? { service: b.name, port }
        : undefined;
}

/** A named backend port as the number the Service exposes under that name. */
function portNumber(b: Backend, namespace: string, services: KubeObject[]): number | string {
    if (typeof b.port === "number") return b.port;
    const svc = services.find((s) => s.metadata.namespace === namespace && s.metadata.name === b.service);
    const ports = svc && isRecord(svc.spec) && Array.isArray(svc.spec.ports) ? (svc.spec.ports as Record<string, unknown>[]) : [];
    const named = ports.find((p) => p.name === b.port);
    return typeof named?.port === "number" ? named.port : b.port;
}

/** What rule 5 says of one of A's Ingresses (stripped, in A's namespace). Pure. */
export function ingressVerdict(ing: KubeObject, ctx: IngressContext): IngressVerdict {
    const ns = ing.metadata.namespace ?? "";
    const id = `${ns}/${ing.metadata.name}`;
    const spec = isRecord(ing.spec) ? ing.spec : {};
    const rules = Array.isArray(spec.rules) ? (spec.rules as Record<string, unknown>[]).filter(isRecord) : [];
    const byLegacy = new Map(ctx.apis.map((a) => [legacyHost(a.name, ctx.domains), a]));
    const unmoved = [
        ...(spec.defaultBackend ? ["(any host: a default backend)"] : []),
        ...rules.map((r) => (typeof r.host === "string" ? r.host : "(any host)")).filter((h) => !byLegacy.has(h)),
    ];
    if (unmoved.length > 0 || rules.length === 0)
        return {
            refused: `serves ${unmoved.length ? [...new Set(unmoved)].join(", ") : "no host"}, which no API in migration:apis moves: traffic nobody moves to B; add the API to migration:apis, or leave this Ingress in A and remove it from the export`,
            parity: [],
        };

    const parity: ParityItem[] = [];
    const apis = [...new Set(rules.map((r) => byLegacy.get(r.host as string)!))];
    for (const rule of rules) {
        const api = byLegacy.get(rule.host as string)!;
        const served = servedByB(api, ctx.domains);
        const paths =
            isRecord(rule.http) && Array.isArray(rule.http.paths) ? (rule.http.paths as Record<string, unknown>[]).filter(isRecord) : [];
        for (const p of paths) {
            const backend = backendOf(p);
            const port = backend ? portNumber(backend, ns, ctx.services) : undefined;
            const same =
                backend !== undefined &&
                ctx.namespaces[ns] === served.namespace &&
                backend.service === served.service &&
                port === served.port;
            parity.push({
                api: api.name,
                ingress: id,
                item: "path",
                a: `${rule.host as string}${String(p.path ?? "/")} (${String(p.pathType ?? "ImplementationSpecific")}) → ${backend ? `${ns}/${backend.service}:${String(port)}` : "(no service backend)"}`,
                b: `${served.hosts.join(", ")} ${served.path} (${served.pathType}) → ${served.namespace}/${served.service}:${served.port}`,
                status: same ? "reproduced" : "not reproduced",
            });
        }
    }
    const tls = Array.isArray(spec.tls) ? (spec.tls as Record<string, unknown>[]).filter(isRecord) : [];
    for (const host of tls.flatMap((t) => (Array.isArray(t.hosts) ? (t.hosts as string[]) : []))) {
        const api = byLegacy.get(host);
        const servedTls = api ? servedByB(api, ctx.domains).tlsHosts : [];
        parity.push({
            api: api?.name ?? apis[0].name,
            ingress: id,
            item: "tls",
            a: `TLS for ${host}`,
            b: servedTls.includes(host) ? `TLS for ${servedTls.join(", ")} (the platform stack's certificate)` : "no TLS for this host",
            status: servedTls.includes(host) ? "reproduced" : "not reproduced",
        });
    }
    const refusedKeys: string[] = [];
    const restrictionsLost: string[] = [];
    const bAnnotations = servedByB(apis[0], ctx.domains).annotations;
    // What B does for a translated setting: its Ingress annotations, and ALB's listener defaults (the platform's AlbConfig sets none of those fields).
    const onB = (settings: Settings) =>
        Object.entries(settings).every(([k, v]) =>
            k.startsWith(ALB_CONFIG_LISTENER) ? ALB_LISTENER_DEFAULTS[k] === v : bAnnotations[k] === v,
        );
    // Shown as column A is (quoted, cut, redacted): a translated value is A's value reworded, and may carry what A's did.
    const shown = (settings: Settings) =>
        Object.entries(settings)
            .map(([k, v]) => `${k}: ${show(v)}`)
            .join(", ") || "ALB's default";
    const annotations = { ...(ing.metadata.annotations ?? {}) };
    // ingress-nginx redirects HTTP to HTTPS whenever the Ingress has TLS, unless told not to; ALB only when asked.
    const implicitRedirect =
        tls.length > 0 &&
        annotations[NGINX_TLS_REDIRECT] === undefined &&
        annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] === undefined;
    const entries = Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b));
    if (implicitRedirect) entries.unshift([NGINX_TLS_REDIRECT, "true"]);
    for (const [key, value] of entries) {
        const api = apis.map((a) => a.name).join(", ");
        // Shown as config values are: quoted, cut, redacted (a snippet may carry a header with a credential).
        const a =
            implicitRedirect && key === NGINX_TLS_REDIRECT && annotations[key] === undefined
                ? `${key}: "true" (ingress-nginx's default for an Ingress with TLS)`
                : `${key}: ${show(value)}`;
        const base = { api, ingress: id, item: "annotation" as const, a };
        const ignored = IGNORED_ANNOTATIONS[key];
        if (ignored) {
            parity.push({ ...base, b: ignored, status: "reproduced" });
            continue;
        }
        const equivalent = ALB_EQUIVALENTS[key];
        const translated = equivalent?.translate(value);
        if (equivalent && translated) {
            const reproduced = onB(translated);
            parity.push({ ...base, b: shown(translated), status: reproduced ? "reproduced" : "translated, not set on B" });
            // A source allowlist B does not apply opens the API to every client that reaches B's
            // load balancer: not a difference to warn about, a widening to decide on.
            if (!reproduced && equivalent.restrictsClients && !ctx.accepted.includes(key)) restrictionsLost.push(key);
            continue;
        }
        if (ctx.accepted.includes(key)) {
            parity.push({ ...base, b: "dropped (transplant.acceptDroppedAnnotations)", status: "accepted as dropped" });
            continue;
        }
        parity.push({
            ...base,
            b: equivalent ? `no ALB equivalent for this value: ${equivalent.note}` : "no ALB equivalent",
            status: "no ALB equivalent",
        });
        refusedKeys.push(key);
    }
    if (restrictionsLost.length > 0)
        return {
            refused: `${restrictionsLost.join(", ")} limits which clients A's Ingress serves, and B's Ingress for ${apis.map((a) => a.name).join(", ")} applies no such limit (the platform stack sets no ALB listener ACL): moving would open the API to every client that reaches B; set the ACL on B's listener, or accept the wider access by listing ${restrictionsLost.length === 1 ? "it" : "them"} in transplant.acceptDroppedAnnotations`,
            parity,
        };
    if (refusedKeys.length > 0)
        return {
            refused: `annotation${refusedKeys.length === 1 ? "" : "s"} ${refusedKeys.join(", ")} ${refusedKeys.length === 1 ? "has" : "have"} no ALB Ingress equivalent: B's Ingress cannot do what A's did; to go without, list ${refusedKeys.length === 1 ? "it" : "them"} in transplant.acceptDroppedAnnotations`,
            parity,
        };
    return {
        dropped: `B's Ingress for ${apis.map((a) => a.name).join(", ")} is the platform stack's (IsolatedIngress serves the long and the legacy host); A's is compared, not copied (parity below)`,
        parity,
    };
}
