/**
 * The `platform` role's blocks: the team's isolated ingress controller (`migration:ingress`), the
 * short host's (`migration:shortDomain`), their load balancers, and TLS (`migration:tls`).
 */
import { z } from "zod";
import { albConfigName, controllerNames, ingressNginxNames } from "../../vocabulary/naming";
import { show } from "../errors";
import { absentIsEmpty, bool, int, obj, oneOf, Rule, str, withRules } from "../checks";
import { DNS_LABEL, dnsLabel } from "./common";

/** Cluster B's existing IngressClass: the isolated controllers must never claim it. */
export const RESERVED_CLASS_NAMES = ["nginx"];

const VSWITCH = /^vsw-[a-z0-9]+$/;
const addressType = () =>
    oneOf(["intranet", "internet"])
        .default("intranet")
        .describe("Whether the load balancer is reachable from the VPC only, or from the internet.");

const clbRules: Rule<{ addressType: string; chargeType: string; vswitchId?: string; spec?: string; id?: string }>[] = [
    {
        name: "a vSwitch only for an intranet CLB",
        reads: ["vswitchId", "addressType"],
        check: (c, r) => {
            if (c.vswitchId && c.addressType === "internet")
                r.fail(
                    ["vswitchId"],
                    c.vswitchId,
                    "no vSwitch with addressType internet (the CCM places only an intranet CLB in a vSwitch); use addressType: intranet, or drop vswitchId",
                );
        },
    },
    {
        name: "a spec only on a pay-by-specification CLB",
        reads: ["chargeType"],
        check: (c, r) => {
            if (c.spec !== undefined && c.chargeType !== "PayBySpec")
                r.fail(
                    ["spec"],
                    c.spec,
                    `no spec with chargeType ${c.chargeType}: pay-by-LCU CLBs have no spec (a spec only with chargeType: PayBySpec on an existing instance)`,
                );
        },
    },
    {
        name: "pay-by-specification only for an existing CLB",
        reads: ["chargeType"],
        check: (c, r) => {
            if (c.chargeType === "PayBySpec" && c.id === undefined)
                r.fail(
                    ["chargeType"],
                    c.chargeType,
                    "PayByCLCU for a new CLB (pay-by-specification CLBs are no longer sold since 2025-06-01); PayBySpec only with the id of an existing instance",
                );
        },
    },
];

/** A CLB in front of ingress-nginx (ACK CCM Service annotations; shared/notes/alibaba-cloud.md). */
export const clbSchema = withRules(
    obj({
        addressType: addressType(),
        chargeType: oneOf(["PayByCLCU", "PayBySpec"])
            .default("PayByCLCU")
            .describe("How the CLB is billed: pay-by-LCU (what is sold), or pay-by-specification (existing instances only)."),
        spec: str("a CLB spec such as slb.s1.small", /^slb\.s\d+\.[a-z0-9.]+$/)
            .optional()
            .describe("CLB spec, e.g. `slb.s1.small`: only with `chargeType: PayBySpec` on an existing instance."),
        id: str("a CLB instance id such as lb-xxxx", /^lb-[a-z0-9]+$/)
            .optional()
            .describe("Existing CLB id; its listeners are overridden (force-override-listeners)."),
        vswitchId: str("a vSwitch id such as vsw-xxxx", VSWITCH)
            .optional()
            .describe("With `intranet` only: the vSwitch the CLB is placed in."),
    }),
    clbRules,
).transform(({ id, spec, vswitchId, addressType, chargeType }) =>
    id !== undefined
        ? { kind: "existing" as const, addressType, id, chargeType, ...(spec ? { spec } : {}), ...(vswitchId ? { vswitchId } : {}) }
        : { kind: "new" as const, addressType, chargeType: "PayByCLCU" as const, ...(vswitchId ? { vswitchId } : {}) },
);

/** The region of an Alibaba Cloud zone id: cn-hangzhou-k → cn-hangzhou, ap-southeast-1a → ap-southeast-1. */
export function regionOfZone(zoneId: string): string {
    return zoneId.replace(/-[a-z]$/, "").replace(/(\d)[a-z]$/, "$1");
}

const ZONES =
    "a list of {vSwitchId: vsw-…, zoneId: e.g. cn-hangzhou-h}, one per zone, in at least two zones (an ALB spans two zones; fixed at creation)";

const zoneRules: Rule<{ vSwitchId: string; zoneId: string }[]>[] = [
    {
        name: "an ALB spans two zones, each once",
        reads: [],
        check: (list, r) => {
            const zones = new Set(list.map((z) => z.zoneId));
            if (zones.size < 2 || zones.size !== list.length) r.fail([], list, ZONES);
        },
    },
    {
        name: "an ALB lives in one region",
        reads: [],
        check: (list, r) => {
            const regions = [...new Set(list.map((z) => regionOfZone(z.zoneId)))];
            if (regions.length > 1)
                r.fail(
                    [],
                    list,
                    `zones of one region (an ALB lives in one region; these are in ${regions.join(" and ")}), e.g. cn-hangzhou-k and cn-hangzhou-j`,
                );
        },
    },
];

/** The ALB of an ACK ALB Ingress controller, as its AlbConfig spells it (shared/notes/alibaba-cloud.md). */
export const albSchema = obj({
    addressType: addressType(),
    zoneMappings: withRules(
        z.array(obj({ vSwitchId: str(ZONES, VSWITCH), zoneId: str(ZONES, /^[a-z]+-[a-z0-9-]+$/) }), { error: ZONES }),
        zoneRules,
    ).describe("At least two vSwitches in different zones of one region (fixed at creation)."),
    edition: oneOf(["Basic", "Standard", "StandardWithWaf"]).default("Standard").describe("The ALB edition."),
    id: str("an ALB instance id such as alb-xxxx", /^alb-[a-z0-9]+$/)
        .optional()
        .describe("Reuse an existing ALB (its listeners are overridden)."),
    certificateIds: z
        .array(
            str(
                "a non-empty list of Certificate Service ids such as 12345678-cn-hangzhou (the first is the listener's default)",
                /^[0-9]+-[a-z0-9-]+$/,
            ),
            { error: "a non-empty list of Certificate Service ids such as 12345678-cn-hangzhou (the first is the listener's default)" },
        )
        .min(1, { error: "a non-empty list of Certificate Service ids such as 12345678-cn-hangzhou (the first is the listener's default)" })
        .optional()
        .describe(
            "HTTPS listener certificates from Alibaba Certificate Service; absent: the Ingress TLS Secret, uploaded by the controller.",
        ),
}).transform((a) => ({ kind: "alb" as const, ...a }));

const NAME = "a DNS label of at most 40 characters (it prefixes the controller's object names)";

/** What both implementations' controllers read (the implementation's own keys go between, in this order). */
const controllerName = {
    name: str(NAME, /^(?=.{1,40}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/).describe("The controller's name; it prefixes its object names."),
};
const controllerNaming = {
    namespace: dnsLabel("a Kubernetes namespace name (DNS label)")
        .optional()
        .describe('The controller\'s own namespace. @default "ingress-<name>" (derived in vocabulary/naming.ts)'),
    className: dnsLabel("an IngressClass name (DNS label)")
        .optional()
        .describe('Its IngressClass. @default "alb-<name>" or "nginx-<name>" (derived in vocabulary/naming.ts)'),
};

const reservedClass: Rule<{ className?: string }> = {
    name: "never cluster B's existing IngressClass",
    reads: ["className"],
    check: (c, r) => {
        if (c.className !== undefined && RESERVED_CLASS_NAMES.includes(c.className))
            r.fail(
                ["className"],
                c.className,
                `a class other than ${RESERVED_CLASS_NAMES.join(", ")} (cluster B's existing controller owns it)`,
            );
    },
};

const ALB_REPLICAS =
    "no replicas with implementation alb: an ALB is a load balancer Alibaba runs, with no controller pods of this stack to count (replicas sizes ingress-nginx's controller)";

/** One dedicated ingress controller, as configured (the plan derives what is left out): ALB Ingress or ingress-nginx. */
function controllerUnion<S extends z.core.$ZodLooseShape>(extra: S, missing: string) {
    return z.discriminatedUnion(
        "implementation",
        [
            obj({
                ...controllerName,
                implementation: z
                    .literal("alb", { error: "one of alb | ingress-nginx" })
                    .default("alb")
                    .describe("ACK ALB Ingress (the default; Alibaba runs it) or ingress-nginx (retired)."),
                ...controllerNaming,
                // ALB Ingress runs no controller pods of this stack: a replica count there would be read by nothing.
                replicas: z.undefined({ error: ALB_REPLICAS }).optional().describe("Only with ingress-nginx."),
                loadBalancer: absentIsEmpty(albSchema).describe("The ALB in front of the controller."),
                ...extra,
            }),
            obj({
                ...controllerName,
                implementation: z.literal("ingress-nginx").describe("ingress-nginx (retired; selectable)."),
                ...controllerNaming,
                replicas: int(1, 50).default(2).describe("Controller pods."),
                loadBalancer: absentIsEmpty(clbSchema).describe("The CLB in front of the controller (through the CCM)."),
                ...extra,
            }),
        ],
        {
            error: (iss) =>
                iss.input === undefined
                    ? missing
                    : typeof iss.input !== "object" || iss.input === null
                      ? "an object"
                      : "one of alb | ingress-nginx",
        },
    );
}

/** `migration:ingress`: the team's isolated controller. */
export const ingressSchema = withRules(
    controllerUnion(
        { acceptLegacyHosts: bool(true).describe("Whether each API's Ingress also serves its legacy host `<api>.<source>`.") },
        "an object",
    ),
    [reservedClass],
) // An ALB controller has no replicas to count; the plan reads a number all the same.
    .transform((c) => ({ ...c, replicas: c.replicas ?? 2 }));

/** `migration:shortDomain.controller`: the short host's own controller. */
export const controllerOnlySchema = withRules(
    controllerUnion({}, "a controller spec ({name, className, loadBalancer, ...}) with mode dedicated"),
    [reservedClass],
) // An ALB controller has no replicas to count; the plan reads a number all the same.
    .transform((c) => ({ ...c, replicas: c.replicas ?? 2 }));

/** `migration:shortDomain`: which controller serves the short host. */
export const shortDomainSchema = absentIsEmpty(
    z.discriminatedUnion(
        "mode",
        [
            obj({
                mode: z.literal("shared").default("shared").describe("The team's isolated controller serves the short host."),
                controller: z
                    .undefined({
                        error: "no controller with mode shared (the team's isolated controller serves the short host); set mode: dedicated to give it its own",
                    })
                    .optional(),
            }),
            obj({
                mode: z.literal("dedicated").describe("The short host gets a controller of its own."),
                controller: controllerOnlySchema,
            }),
        ],
        { error: "one of shared | dedicated" },
    ),
).transform((s) => (s.mode === "shared" ? { mode: "shared" as const } : s));

export type ControllerConfig = z.output<typeof controllerOnlySchema>;

/**
 * Two controllers in one cluster must differ in class, controller value and namespace/election
 * id. Compared as the plan will derive them (a default class of one may equal the other's
 * explicit one); what a name claims is the implementation's to say.
 */
export const distinctControllers: Rule<{ ingress: ControllerConfig; shortDomain: z.output<typeof shortDomainSchema> }> = {
    name: "the two controllers claim different names",
    reads: ["ingress", "shortDomain"],
    check: ({ ingress: team, shortDomain }, r) => {
        if (shortDomain.mode !== "dedicated") return;
        const short = shortDomain.controller;
        const [t, s] = [controllerNames(team), controllerNames(short)];
        const at = (key: string) => ["shortDomain", "controller", key];
        if (team.name === short.name) {
            const claims =
                short.implementation === "alb"
                    ? `AlbConfig ${albConfigName(short.name)}`
                    : `controller value ${ingressNginxNames.controllerValue(short.name)} and election id ${ingressNginxNames.electionId(short.name)}`;
            r.fail(at("name"), short.name, `a name other than ingress.name ${show(team.name)}: both would claim ${claims}`);
        }
        if (t.className === s.className)
            r.fail(
                at("className"),
                s.className,
                `a class other than ingress.className ${show(t.className)}: two controllers cannot share an IngressClass`,
            );
        // ALB controllers run no pods of ours: no namespace of their own to share.
        if (t.namespace === s.namespace && team.implementation === "ingress-nginx" && short.implementation === "ingress-nginx")
            r.fail(
                at("namespace"),
                s.namespace,
                `a namespace other than ingress.namespace ${show(t.namespace)}: each controller owns its namespace`,
            );
    },
};

/** `migration:tls`: TLS material for every served host (the private key is the secret `migration:tlsKey`). */
export const tlsSchema = withRules(
    obj({
        certificate: str("a PEM certificate (-----BEGIN CERTIFICATE-----) or, instead, tls.existingSecret", (s) =>
            s.includes("-----BEGIN CERTIFICATE-----"),
        )
            .optional()
            .describe("PEM of the certificate (chain allowed; the first is the leaf); its key is the secret `migration:tlsKey`."),
        existingSecret: dnsLabel("a Kubernetes Secret name (DNS label)")
            .optional()
            .describe("A `kubernetes.io/tls` Secret that must exist in every namespace that serves a host."),
    }),
    [
        {
            name: "one source of TLS material",
            reads: [],
            check: (t, r) => {
                if (t.certificate !== undefined && t.existingSecret !== undefined)
                    r.fail(
                        ["existingSecret"],
                        t.existingSecret,
                        "either tls.certificate (with secret migration:tlsKey) or tls.existingSecret, not both",
                    );
                else if (t.existingSecret === undefined && t.certificate === undefined)
                    r.fail(["certificate"], undefined, "a PEM certificate (-----BEGIN CERTIFICATE-----) or, instead, tls.existingSecret");
            },
        },
    ],
);

export { DNS_LABEL };
