/**
 * What every stack reads (`migration:domains`, `migration:apis`) and the value shapes the other
 * blocks share: DNS names and labels, IPv4 addresses, stack names.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { int, obj, Rule, str, withRules } from "../checks";

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Kubernetes Service names are RFC 1035 labels: they start with a letter. */
export const DNS_1035_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A PrivateZone zone id as the service issues them: 16 to 32 lower-case letters and digits (e.g. 2c5f0e1d9a7b4f6e). */
export const PRIVATEZONE_ZONE_ID = /^[a-z0-9]{16,32}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

/** True when `name` is a lower-case DNS name of two or more RFC 1123 labels, at most 253 characters. */
export function isDnsName(name: string): boolean {
    if (name.length > 253) return false;
    const labels = name.split(".");
    return labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l));
}

/** True when `label` is one lower-case RFC 1123 label (what Kubernetes calls a DNS label). */
export function isDnsLabel(label: string): boolean {
    return DNS_LABEL.test(label);
}

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(value: string): boolean {
    return IPV4.test(value);
}

/** An IPv4 or IPv6 literal (bracketed or not), or anything dotted-quad-like: never a DNS name. */
export function isIpLiteral(text: string): boolean {
    return isIP(text.replace(/^\[(.*)\]$/, "$1")) !== 0 || /^\d+(\.\d+){3}$/.test(text);
}

/** True for a Pulumi stack name: `stack`, `project/stack` or `org/project/stack`. */
export function isStackName(value: string): boolean {
    return STACK_NAME.test(value);
}

/** Whether a stack name (`stack`, `project/stack`, `org/project/stack`) names this very stack. */
export function namesSelf(name: string, self: { project: string; stack: string } | undefined): boolean {
    if (!self) return false;
    const parts = name.split("/");
    return parts[parts.length - 1] === self.stack && (parts.length < 2 || parts[parts.length - 2] === self.project);
}

/** A lower-case DNS name of two or more labels. */
export const dnsName = (accepted: string) => str(accepted, isDnsName);
/** One lower-case DNS label. */
export const dnsLabel = (accepted: string) => str(accepted, DNS_LABEL);
/** A dotted-quad IPv4 address. */
export const ipv4 = (accepted: string) => str(accepted, IPV4);
/** A Pulumi stack name. */
export const stackName = (accepted: string) => str(accepted, STACK_NAME);
/** A PrivateZone zone id. */
export const zoneId = () =>
    str("the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e", PRIVATEZONE_ZONE_ID);

const SUFFIX = "a lower-case DNS name of two or more labels (a-z, 0-9, '-'), at most 253 characters";

const distinctSuffixes: Rule<{ source: string; target: string }> = {
    name: "A's and B's suffixes differ",
    reads: ["source", "target"],
    check: (d, r) => {
        if (d.source === d.target) r.fail(["target"], d.target, "a suffix different from domains.source");
    },
};

/** `migration:domains`: the three DNS suffixes/hosts of the migration. */
export const domainsSchema = withRules(
    obj({
        source: dnsName(SUFFIX).describe("A's legacy suffix: `<api>.<source>` are the legacy hosts."),
        target: dnsName(SUFFIX).describe("B's long-domain suffix: `<api>.<target>`."),
        short: dnsName(SUFFIX).describe("The short host that routes `/<api>/...` by path."),
    }).describe("The three DNS suffixes/hosts of the migration."),
    [distinctSuffixes],
);

/** `migration:apis[i]`: one migrated HTTP API. */
export const apiSchema = obj({
    name: dnsLabel("a DNS label: 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit").describe(
        "A DNS label: hosts `<name>.<suffix>`, short path `/<name>`.",
    ),
    namespace: dnsLabel("a Kubernetes namespace name (DNS label)").describe(
        "The API's namespace in cluster B (its Service lives there, so its Ingresses do too).",
    ),
    service: str("a Kubernetes Service name (DNS-1035 label: starts with a letter)", DNS_1035_LABEL).describe(
        "The API's Service name in that namespace.",
    ),
    port: int(1, 65535).describe("The Service port, 1..65535."),
    healthPath: str("an HTTP path starting with '/'", /^\/\S*$/).describe("Health check path, starting with `/`."),
});

const APIS = "a non-empty list of APIs ({name, namespace, service, port, healthPath})";

const uniqueNames: Rule<{ name: string }[]> = {
    name: "each API named once",
    reads: [],
    check: (apis, r) => {
        const seen = new Map<string, number>();
        apis.forEach((a, i) => {
            if (typeof a?.name !== "string" || !isDnsLabel(a.name)) return;
            const first = seen.get(a.name);
            if (first !== undefined) r.fail([i, "name"], a.name, `a name not already used by apis[${first}]`);
            else seen.set(a.name, i);
        });
    },
};

/** `migration:apis`: the migrated HTTP APIs. */
export const apisSchema = withRules(z.array(apiSchema, { error: APIS }).min(1, { error: APIS }).describe("The migrated HTTP APIs."), [
    uniqueNames,
]);

export type Domains = z.output<typeof domainsSchema>;
export type Api = z.output<typeof apiSchema>;
