/**
 * Which blocks each role reads (`migration:<key>`), and the secret settings beside them: the one
 * list the parser, the key checks and the stack files' JSON Schemas all read.
 */
import { apisSchema, domainsSchema } from "./common";
import { cutoverSchema } from "./cutover";
import { dnsSchema, platformDnsSchema } from "./dns";
import { kongSchema } from "./kong";
import { kongDataPlaneSchema } from "./kong-data-plane";
import { ingressSchema, shortDomainSchema, tlsSchema } from "./platform";
import { decommissionSchema, sourceSchema } from "./source";
import { transplantSchema } from "./transplant";

/** The blocks each role reads, by key (`migration:<key>`): the one source of the stack files' JSON Schemas too. */
export const ROLE_BLOCKS = {
    platform: {
        domains: domainsSchema,
        apis: apisSchema,
        ingress: ingressSchema,
        shortDomain: shortDomainSchema,
        tls: tlsSchema,
        dns: platformDnsSchema
            .optional()
            .describe("Where B's own names live; absent: no records for B's names (they are managed elsewhere)."),
        kongDataPlane: kongDataPlaneSchema.optional(),
    },
    cutover: { domains: domainsSchema, apis: apisSchema, cutover: cutoverSchema, dns: dnsSchema, kong: kongSchema.optional() },
    source: { domains: domainsSchema, apis: apisSchema, source: sourceSchema, decommission: decommissionSchema },
    workloads: { domains: domainsSchema, apis: apisSchema, transplant: transplantSchema },
} as const;

/** The secret settings each role reads, stored encrypted (`{secure: v1:…}` in the stack file). */
export const ROLE_SECRETS = {
    platform: {
        tlsKey: 'The private key of tls.certificate, a secret: pulumi config set --secret migration:tlsKey -- "$(cat key.pem)"',
        kongClusterKey:
            'The private key of kongDataPlane.clusterCertificate, a secret: pulumi config set --secret migration:kongClusterKey -- "$(cat cluster.key)"',
    },
    cutover: { kongAdminToken: "The Kong Admin API token, a secret: pulumi config set --secret migration:kongAdminToken" },
    source: {},
    workloads: {},
} as const;
