/**
 * A host is served with a certificate that covers it: for every `spec.tls` entry of an Ingress,
 * the `kubernetes.io/tls` Secret it names (same namespace, in this stack) holds a certificate
 * whose subjectAltName DNS names cover each of its hosts — RFC 6125 matching, wildcards one label
 * deep, the subject's CN never, as Node's `crypto.X509Certificate.checkHost(host, { subject: "never" })` does it. A client would refuse the handshake otherwise.
 * The certificate is read from `stringData` or `data` (base64), whichever the Secret carries.
 */
import { X509Certificate } from "node:crypto";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

const INGRESS_TYPE = "kubernetes:networking.k8s.io/v1:Ingress";
const SECRET_TYPE = "kubernetes:core/v1:Secret";

/** The PEM certificate chain of a TLS Secret, or undefined when it carries none. */
function certificateOf(secret: PolicyResource): string | undefined {
    const text = secret.props.stringData?.["tls.crt"];
    if (typeof text === "string") return text;
    const encoded = secret.props.data?.["tls.crt"];
    return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

export const tlsCoversServedHosts: StackValidationPolicy = {
    name: "tls-covers-served-hosts",
    description: "Every kubernetes.io/tls Secret an Ingress serves a host with holds a certificate that covers that host.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const secrets = new Map<string, PolicyResource>();
        for (const r of args.resources)
            if (r.type === SECRET_TYPE && r.props.type === "kubernetes.io/tls")
                secrets.set(`${r.props.metadata?.namespace ?? "default"}/${r.props.metadata?.name}`, r);
        for (const ingress of args.resources) {
            if (ingress.type !== INGRESS_TYPE) continue;
            const namespace = ingress.props.metadata?.namespace ?? "default";
            for (const tls of (ingress.props.spec?.tls ?? []) as { hosts?: string[]; secretName?: string }[]) {
                const secret = tls.secretName ? secrets.get(`${namespace}/${tls.secretName}`) : undefined;
                // A Secret this stack does not hold (cert-manager's, another stack's) is not this stack's to read.
                if (!secret) continue;
                const where = `Ingress ${namespace}/${ingress.props.metadata?.name ?? ingress.name}: Secret ${namespace}/${tls.secretName}`;
                const pem = certificateOf(secret);
                let cert: X509Certificate;
                try {
                    if (pem === undefined) throw new Error("no tls.crt");
                    cert = new X509Certificate(pem);
                } catch {
                    reportViolation(`${where} holds no readable certificate in tls.crt`, ingress.urn);
                    continue;
                }
                // Names from the subjectAltName only: clients ignore a certificate's CN since RFC 6125 (browsers, Go, Node's tls).
                for (const host of tls.hosts ?? [])
                    if (cert.checkHost(host, { subject: "never" }) === undefined)
                        reportViolation(
                            `${where}: its certificate (${cert.subjectAltName ?? cert.subject}) does not cover ${host}`,
                            ingress.urn,
                        );
            }
        }
    },
};
