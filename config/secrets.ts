/**
 * The secret settings read beside their blocks: the TLS key (`migration:tlsKey`), the Kong data
 * plane's cluster key (`migration:kongClusterKey`) and the Kong Admin token
 * (`migration:kongAdminToken`) — each required with its block, stored as a secret, never shown.
 */
import { failure, isObject } from "./checks";
import { ConfigProblem } from "./errors";
import { NAMESPACE } from "./read";
import { isLoopbackHost } from "./schema/kong";
import { PlatformConfig, RawConfig } from "./types";

/** The TLS block with its secret key: a certificate needs `migration:tlsKey`, stored as a secret. */
export function tlsWithKey(problems: ConfigProblem[], raw: RawConfig): PlatformConfig["tls"] | undefined {
    const tls = isObject(raw.tls) ? raw.tls : undefined;
    if (!tls || tls.existingSecret !== undefined)
        return typeof tls?.existingSecret === "string" ? { kind: "existingSecret", secretName: tls.existingSecret } : undefined;
    if (raw.tlsKey === undefined) {
        problems.push(
            failure(
                "tlsKey",
                undefined,
                'the certificate\'s private key as a secret: pulumi config set --secret migration:tlsKey -- "$(cat key.pem)"',
            ),
        );
        return undefined;
    }
    if (raw.tlsKeyIsSecret === false) {
        problems.push({
            path: `${NAMESPACE}:tlsKey`,
            message:
                '"[plain text private key]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:tlsKey',
        });
        return undefined;
    }
    return typeof tls.certificate === "string" ? { kind: "certificate", certificatePem: tls.certificate, key: raw.tlsKey } : undefined;
}

/** A private key that belongs to a block (`migration:<setting>`): required with it, stored as a secret. */
export function secretSetting(
    problems: ConfigProblem[],
    raw: RawConfig,
    setting: "kongClusterKey",
    of: string,
): RawConfig["kongClusterKey"] {
    if (raw[setting] === undefined) {
        problems.push(
            failure(
                setting,
                undefined,
                `the private key of ${of} as a secret: pulumi config set --secret migration:${setting} -- "$(cat cluster.key)"`,
            ),
        );
        return undefined;
    }
    if (raw[`${setting}IsSecret`] === false) {
        problems.push({
            path: `${NAMESPACE}:${setting}`,
            message: `"[plain text private key]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:${setting}`,
        });
        return undefined;
    }
    return raw[setting];
}

/** The Kong Admin token: a secret, and never sent over plain http:// beyond this machine unless allowed. */
export function checkKongToken(problems: ConfigProblem[], raw: RawConfig): void {
    if (raw.kongAdminToken === undefined || !isObject(raw.kong)) return;
    const { adminUrl, allowPlainHttpWithToken } = raw.kong;
    let url: URL | undefined;
    try {
        url = typeof adminUrl === "string" ? new URL(adminUrl) : undefined;
    } catch {
        url = undefined;
    }
    if (
        url &&
        url.protocol === "http:" &&
        !url.username &&
        !url.password &&
        !isLoopbackHost(url.hostname) &&
        allowPlainHttpWithToken !== true
    )
        problems.push(
            failure(
                "kong.adminUrl",
                adminUrl,
                "an https:// Admin API URL while migration:kongAdminToken is set (over http:// the token travels in clear text); http:// only on a loopback address, or with kong.allowPlainHttpWithToken: true",
            ),
        );
    if (raw.kongAdminTokenIsSecret === false)
        problems.push({
            path: `${NAMESPACE}:kongAdminToken`,
            message:
                '"[plain text token]" is not accepted; expected a secret value: re-set it with pulumi config set --secret migration:kongAdminToken',
        });
}
