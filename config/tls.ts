import { X509Certificate } from "node:crypto";
import { ConfigProblem } from "./errors";
import { NAMESPACE } from "./read";

/** A certificate must stay valid at least this long past the plan, or the plan refuses it. */
export const MIN_REMAINING_VALIDITY_DAYS = 14;

/** What the plan shows about a checked certificate. */
export interface CertificateSummary {
    subject: string;
    dnsNames: string[];
    notAfter: string;
    /** Whole days from the check to expiry. */
    daysLeft: number;
}

/** The DNS names of the certificate's subjectAltName, lower-cased. */
/** Every certificate of a PEM bundle, or undefined when it holds none or one Node cannot read. */
export function pemCertificates(pem: string): X509Certificate[] | undefined {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    try {
        return blocks.length > 0 ? blocks.map((b) => new X509Certificate(b)) : undefined;
    } catch {
        return undefined;
    }
}

export function certificateDnsNames(cert: X509Certificate): string[] {
    return (cert.subjectAltName ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.startsWith("DNS:"))
        .map((s) => s.slice(4).toLowerCase());
}

/** RFC 6125 matching: exact, or a left-most `*` label standing for exactly one label. */
export function sanCovers(san: string, host: string): boolean {
    if (!san.startsWith("*.")) return san === host;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot + 1) === san.slice(2);
}

/**
 * Checks that the certificate covers every served host and outlives the safety margin.
 * Pure: the clock is a parameter. Returns the summary, or the problems under `tls.certificate`.
 */
export function checkCertificate(
    pem: string,
    hosts: readonly string[],
    now: Date,
): { summary?: CertificateSummary; problems: ConfigProblem[] } {
    const path = `${NAMESPACE}:tls.certificate`;
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(pem);
    } catch (err) {
        return {
            problems: [
                {
                    path,
                    message: `is not a readable PEM certificate (${(err as Error).message}); expected the PEM of the serving certificate`,
                },
            ],
        };
    }
    const dnsNames = certificateDnsNames(cert);
    const problems: ConfigProblem[] = [];
    const uncovered = hosts.filter((h) => !dnsNames.some((san) => sanCovers(san, h)));
    if (uncovered.length > 0) {
        problems.push({
            path,
            message: `does not cover ${uncovered.join(", ")}; its SANs are ${dnsNames.length ? dnsNames.join(", ") : "(none)"} (a wildcard covers exactly one label); expected a certificate whose SANs cover every served host`,
        });
    }
    const notAfter = new Date(cert.validTo);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
    if (daysLeft < MIN_REMAINING_VALIDITY_DAYS) {
        problems.push({
            path,
            message: `expires ${notAfter.toISOString()} (${daysLeft < 0 ? "already expired" : `in ${daysLeft} days`}) for ${hosts.join(", ")}; expected at least ${MIN_REMAINING_VALIDITY_DAYS} days of validity left`,
        });
    }
    if (new Date(cert.validFrom).getTime() > now.getTime()) {
        problems.push({ path, message: `is not valid before ${new Date(cert.validFrom).toISOString()}; expected a certificate valid now` });
    }
    return { summary: { subject: cert.subject.replace(/\n/g, ", "), dnsNames, notAfter: notAfter.toISOString(), daysLeft }, problems };
}
