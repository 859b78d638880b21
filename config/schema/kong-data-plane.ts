/**
 * The platform's optional `migration:kongDataPlane`: a Kong data plane in cluster B joined to the
 * control plane A's data planes follow (hybrid mode; shared/notes/kong-hybrid.md). Its cluster
 * certificate's key is the secret `migration:kongClusterKey`. The version rule is Kong's own
 * (kong/clustering/compat/init.lua): the control plane refuses a data plane of another major or a
 * newer minor, marks it `kong_version_incompatible` and pushes it no configuration.
 */
import { z } from "zod";
import { int, obj, oneOf, Rule, str, withRules } from "../checks";
import { versionAccepted } from "../../vocabulary/kong-version";
import { controllerNames, dataPlaneNames } from "../../vocabulary/naming";
import { dnsLabel, isDnsName, isIpv4 } from "./common";
import type { ControllerConfig } from "./platform";

/** A Kong version as releases spell it: 3.9, 3.9.1, or Enterprise's 3.9.1.2. */
const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
/** An image tag that starts with the Kong version (3.9.1, 3.9.1-ubuntu, 3.9.1.2-rhel). */
const VERSIONED_TAG = /^(\d+\.\d+(\.\d+){0,2})([-_][A-Za-z0-9._-]+)?$/;

/** `host:port` of the control plane's cluster listener (TCP, default port 8005). */
function isHostPort(text: string): boolean {
    const i = text.lastIndexOf(":");
    if (i <= 0) return false;
    const [host, port] = [text.slice(0, i), text.slice(i + 1)];
    return (isDnsName(host) || isIpv4(host)) && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

const PEM_CERT = (what: string) =>
    str(`${what} as a PEM certificate (-----BEGIN CERTIFICATE-----)`, (s) => s.includes("-----BEGIN CERTIFICATE-----"));

const compatibleImage: Rule<{ controlPlaneVersion: string; image: { tag: string } }> = {
    name: "the data plane's version is one the control plane accepts",
    reads: ["controlPlaneVersion", "image.tag"],
    check: ({ controlPlaneVersion, image }, r) => {
        if (!versionAccepted(image.tag, controlPlaneVersion))
            r.fail(
                ["image", "tag"],
                image.tag,
                `a Kong version the control plane ${controlPlaneVersion} accepts: the same major and a minor no newer (Kong's rule, kong/clustering/compat/init.lua: the control plane refuses another major or a newer minor as kong_version_incompatible and pushes that data plane no configuration; upgrade the control plane first)`,
            );
    },
};

const pkiNeedsCa: Rule<{ mtls: string; clusterCaCertificate?: string }> = {
    name: "pki needs the cluster CA",
    reads: ["mtls", "clusterCaCertificate"],
    check: ({ mtls, clusterCaCertificate }, r) => {
        if (mtls === "pki" && clusterCaCertificate === undefined)
            r.fail(
                ["clusterCaCertificate"],
                undefined,
                "the CA that signed the control plane's cluster certificate, with mtls: pki (cluster_ca_cert)",
            );
        if (mtls === "shared" && clusterCaCertificate !== undefined)
            r.fail(["clusterCaCertificate"], "(set)", "no CA with mtls: shared (both sides present the same certificate); use mtls: pki");
    },
};

/** `migration:kongDataPlane`: a Kong data plane in B, joined to A's control plane. */
export const kongDataPlaneSchema = withRules(
    obj({
        controlPlane: str("the control plane's cluster listener as host:port, e.g. kong-cp.team1.internal:8005", isHostPort).describe(
            "The control plane's cluster listener, `host:port` (TCP; Kong's `cluster_control_plane`, default port 8005).",
        ),
        controlPlaneVersion: str("the Kong version the control plane runs, e.g. 3.9.1", VERSION).describe(
            "The Kong version the control plane runs: the data plane's image must be the same major and no newer minor.",
        ),
        image: obj({
            repository: str(
                "an image repository, e.g. kong or kong/kong-gateway",
                /^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/,
            )
                .default("kong")
                .describe("The image repository."),
            tag: str("an image tag that starts with the Kong version, e.g. 3.9.1 (the version rule reads it)", VERSIONED_TAG).describe(
                "The image tag; it starts with the Kong version.",
            ),
        }).describe("The data plane's image."),
        mtls: oneOf(["shared", "pki"])
            .default("shared")
            .describe("Kong's `cluster_mtls`: one shared certificate, or certificates under a CA."),
        clusterCertificate: PEM_CERT("the cluster certificate").describe(
            "PEM of the cluster certificate (`cluster_cert`); its key is the secret `migration:kongClusterKey`.",
        ),
        clusterCaCertificate: PEM_CERT("the cluster CA")
            .optional()
            .describe("With `mtls: pki`: PEM of the CA that signed the control plane's certificate (`cluster_ca_cert`)."),
        apis: z
            .array(dnsLabel("an API name from migration:apis"), { error: "a list of API names from migration:apis" })
            .default([])
            .describe("APIs whose B ingress routes go through the data plane; the others keep going straight to their Service."),
        replicas: int(2, 20, "an integer from 2 to 20 (one data plane is a single point of failure)")
            .default(2)
            .describe("Data plane pods (at least 2)."),
        namespace: dnsLabel("a namespace name (DNS label)")
            .optional()
            .describe("The data plane's namespace; absent: `kong-dp-<ingress.name>`."),
        hostname: dnsLabel("a DNS label")
            .optional()
            .describe("The name the control plane lists the data plane by (`deployment.hostname`); absent: the namespace."),
    }),
    [compatibleImage, pkiNeedsCa],
).describe("A Kong data plane in B joined to A's control plane; absent: none.");

/** What the rules across blocks read: the platform role's blocks around the data plane. */
interface DataPlaneContext {
    apis: { name: string }[];
    ingress: ControllerConfig;
    shortDomain: { mode: "shared" } | { mode: "dedicated"; controller: ControllerConfig };
    kongDataPlane?: KongDataPlaneSettings;
}

export const dataPlaneApisAreApis: Rule<DataPlaneContext> = {
    name: "the data plane routes APIs defined in apis",
    reads: ["apis", "kongDataPlane"],
    check: ({ apis, kongDataPlane }, r) => {
        kongDataPlane?.apis.forEach((name, i) => {
            if (!apis.some((a) => a.name === name))
                r.fail(["kongDataPlane", "apis", i], name, `API names from migration:apis (${apis.map((a) => a.name).join(", ")})`);
        });
    },
};

export const dataPlaneOwnsItsNamespace: Rule<DataPlaneContext> = {
    // An ingress-nginx controller owns its namespace (its chart, its Service); the data plane's chart must not land in it.
    name: "the data plane's namespace is not a controller's",
    reads: ["ingress", "shortDomain", "kongDataPlane.namespace"],
    check: ({ ingress, shortDomain, kongDataPlane }, r) => {
        if (!kongDataPlane) return;
        const ns = dataPlaneNames(ingress.name, kongDataPlane).namespace;
        const controllers = [ingress, ...(shortDomain.mode === "dedicated" ? [shortDomain.controller] : [])].filter(
            (c) => c.implementation === "ingress-nginx",
        );
        const clash = controllers.find((c) => controllerNames(c).namespace === ns);
        if (clash)
            r.fail(
                ["kongDataPlane", "namespace"],
                ns,
                `a namespace other than the ingress-nginx controller ${clash.name}'s (${ns}): each owns its namespace`,
            );
    },
};

export type KongDataPlaneSettings = z.output<typeof kongDataPlaneSchema>;
