import * as pulumi from "@pulumi/pulumi";
import { RawConfig } from "./types";

/** The project's config namespace: every key path in a message starts with it. */
export const NAMESPACE = "migration";

/** Keys whose values are structured (objects and lists arrive JSON-encoded): every block of every role (a test holds them equal). */
export const STRUCTURED = [
    "domains",
    "apis",
    "ingress",
    "shortDomain",
    "tls",
    "cutover",
    "dns",
    "kong",
    "source",
    "decommission",
    "transplant",
    "kongDataPlane",
] as const;

/**
 * Reads every `migration:*` key once, without interpreting it, from config as the engine hands
 * it to a program (`ns:key` → string). The program reads `pulumi.runtime.allConfig()`; the
 * offline diagram reads a stack file the same way. Secret settings come back as secret Outputs.
 */
export function readRawConfig(
    values: Record<string, string>,
    isSecret: (key: string) => boolean,
    self?: { project: string; stack: string },
): RawConfig {
    const prefix = `${NAMESPACE}:`;
    const get = (key: string): string | undefined => values[`${prefix}${key}`];
    const structured = (key: string): unknown => {
        const text = get(key);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            // A plain string where an object is expected: let validation name the key.
            return text;
        }
    };
    const present = Object.entries(values)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, value]) => ({ key: k.slice(prefix.length), value, secret: isSecret(k) }));
    const tlsKey = get("tlsKey");
    const clusterKey = get("kongClusterKey");
    const kongAdminToken = get("kongAdminToken");
    return {
        present,
        ...(self ? { self } : {}),
        role: get("role"),
        ...Object.fromEntries(STRUCTURED.map((k) => [k, structured(k)])),
        ...(kongAdminToken === undefined
            ? {}
            : { kongAdminToken: pulumi.secret(kongAdminToken), kongAdminTokenIsSecret: isSecret(`${prefix}kongAdminToken`) }),
        ...(tlsKey === undefined ? {} : { tlsKey: pulumi.secret(tlsKey), tlsKeyIsSecret: isSecret(`${prefix}tlsKey`) }),
        ...(clusterKey === undefined
            ? {}
            : { kongClusterKey: pulumi.secret(clusterKey), kongClusterKeyIsSecret: isSecret(`${prefix}kongClusterKey`) }),
    };
}
