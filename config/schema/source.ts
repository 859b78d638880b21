/**
 * The `source` role's blocks: A's footprint, adopted by id (`migration:source`), and when A may go
 * (`migration:decommission`). Rules that read `apis` or `domains` sit on the role's schema.
 */
import { z } from "zod";
import { absentIsEmpty, bool, int, obj, Rule, str, withRules } from "../checks";
import { dnsLabel, dnsName, ipv4, stackName, zoneId } from "./common";

const NAMESPACED = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;
const INGRESSES = "a non-empty list of A's Ingresses as namespace/name";

/** A's ingress for the legacy hosts: a Helm release, or IngressClass and Ingress objects. */
export const sourceIngressSchema = z.discriminatedUnion(
    "kind",
    [
        obj({
            kind: z.literal("helm-release"),
            release: str("the Helm release as namespace/name, e.g. ingress-nginx/ingress-nginx", NAMESPACED).describe(
                "The Helm release as namespace/name.",
            ),
            chart: str("the release's chart name", /^.+$/).default("ingress-nginx").describe("The release's chart name."),
        }).transform(({ kind, release, chart }) => ({ kind, namespace: release.split("/")[0], name: release.split("/")[1], chart })),
        obj({
            kind: z.literal("objects"),
            ingresses: z
                .array(str("an Ingress of cluster A as namespace/name, e.g. team1-ns/api01", NAMESPACED), { error: INGRESSES })
                .min(1, { error: INGRESSES })
                .describe("A's Ingresses as namespace/name."),
            ingressClass: dnsLabel("an IngressClass used only by the migrated APIs in cluster A")
                .optional()
                .describe("An IngressClass used only by the migrated APIs in cluster A."),
        }).transform(({ kind, ingresses, ingressClass }) => ({
            kind,
            ingresses: ingresses.map((x) => ({ namespace: x.split("/")[0], name: x.split("/")[1] })),
            ...(ingressClass ? { ingressClass } : {}),
        })),
    ],
    { error: (iss) => (typeof iss.input === "object" && iss.input !== null ? "one of helm-release | objects" : "an object") },
);

/**
 * A's legacy wildcard `*.<source>` where the legacy names live: public Alidns (the default), or a
 * PrivateZone zone — where intranet `.aibang` names usually are. The decommission guard checks
 * the two stacks agree. PrivateZone's own key without the service says which one was meant.
 */
export const wildcardRecordSchema = z.preprocess(
    (v, ctx) => {
        const o = v as Record<string, unknown> | null;
        if (typeof o === "object" && o !== null && o.service === undefined && o.zoneId !== undefined)
            ctx.addIssue({
                code: "custom",
                path: ["service"],
                input: undefined,
                message:
                    "privatezone, since source.wildcardRecord.zoneId is set (a PrivateZone setting; without service the wildcard is taken to be a public Alidns record), or no zoneId for Alidns",
            });
        return v;
    },
    z.discriminatedUnion(
        "service",
        [
            obj({
                service: z.literal("alidns").default("alidns"),
                id: str("the Alidns record id (digits) of *.<domains.source>", /^\d+$/),
                zone: dnsName("the name of the Alidns zone holding it"),
            }),
            obj({
                service: z.literal("privatezone"),
                id: str("the PrivateZone record id (digits) of *.<domains.source>", /^\d+$/),
                zone: dnsName("the name of the PrivateZone zone holding it"),
                zoneId: zoneId(),
            }),
        ],
        { error: (iss) => (typeof iss.input === "object" && iss.input !== null ? "one of alidns | privatezone" : "an object") },
    ),
);

/** `migration:source`: A's footprint, adopted by id. */
export const sourceSchema = obj({
    kubeContext: str("the kubeconfig context of cluster A", /\S/).describe("kubeconfig context of cluster A."),
    cutoverStack: stackName("a stack name such as organization/migration/cutover")
        .default("organization/migration/cutover")
        .describe("The cutover stack whose outputs the guard reads."),
    address: ipv4("A's SLB address as IPv4, e.g. 10.72.10.88").describe("A's SLB address (IPv4)."),
    namespaces: z
        .array(dnsLabel("a list of namespace names in cluster A"), { error: "a list of namespace names in cluster A" })
        .optional()
        .describe("The migrated namespaces in cluster A. @default the namespaces of `apis`"),
    ingress: sourceIngressSchema.describe("A's ingress for the legacy hosts."),
    loadBalancerId: str("a CLB instance id such as lb-xxxx", /^lb-[a-z0-9]+$/)
        .optional()
        .describe("A's CLB, when it was not created by a Service (else it goes with the Service)."),
    wildcardRecord: wildcardRecordSchema
        .optional()
        .describe("The legacy wildcard record `*.<source>`, on the DNS service the legacy names live on."),
});

const windowRules: Rule<{ observationHours: number; acceptNoObservationWindow: boolean; confirm: string[] }>[] = [
    {
        name: "an observation window, or its explicit waiver",
        reads: ["observationHours", "acceptNoObservationWindow"],
        check: ({ observationHours, acceptNoObservationWindow }, r) => {
            if (observationHours === 0 && !acceptNoObservationWindow)
                r.fail(
                    ["observationHours"],
                    0,
                    "at least 1 hour of observation after complete, or 0 together with decommission.acceptNoObservationWindow: true (A may then go as soon as complete is applied)",
                );
            if (acceptNoObservationWindow && observationHours !== 0)
                r.fail(
                    ["acceptNoObservationWindow"],
                    true,
                    `no override with a window of ${observationHours} h (it only allows observationHours: 0)`,
                );
        },
    },
    {
        name: "each API confirmed once",
        reads: ["confirm"],
        check: ({ confirm }, r) => {
            const repeated = confirm.filter((n, i, all) => all.indexOf(n) !== i);
            for (const name of new Set(repeated)) r.fail(["confirm"], name, "each API listed once");
        },
    },
];

/** `migration:decommission`: when A may go. */
export const decommissionSchema = absentIsEmpty(
    withRules(
        obj({
            observationHours: int(0, 24 * 30)
                .default(24)
                .describe("Hours `complete` must have been applied before A may be deleted."),
            acceptNoObservationWindow: bool(false).describe("The explicit waiver that allows observationHours: 0."),
            confirm: z
                .array(z.string({ error: "a list of API names" }), { error: "a list of API names" })
                .default([])
                .describe("Must list exactly the APIs being retired."),
        }),
        windowRules,
    ),
).transform(({ observationHours, confirm }) => ({ observationHours, confirm }));

export type SourceIngress = z.output<typeof sourceIngressSchema>;
export type WildcardRecord = z.output<typeof wildcardRecordSchema>;
export type DecommissionSettings = z.output<typeof decommissionSchema>;
