/**
 * The `cutover` role's traffic switch (`migration:cutover`, its health gate) and the DNS service
 * that answers the legacy names (`migration:dns`). Rules across blocks (weights vs apis, the zone
 * holds the legacy names, B by name vs the service) sit on the role's schema (config/parse.ts).
 */
import { z } from "zod";
import { parseEndpoint } from "../../vocabulary/probes";
import { absentIsEmpty, bool, int, obj, oneOf, Rule, str, withRules } from "../checks";
import { pemCertificates } from "../tls";
import { ipv4, isDnsName, isIpLiteral, stackName } from "./common";

/** Cutover phases, in order. */
export const PHASES = ["prepare", "shift", "complete"] as const;
export type Phase = (typeof PHASES)[number];

/**
 * What `completeWith` accepts when B is a DNS name (pinned in cutover.targetHost, or an ALB's
 * published by the platform stack): complete already leaves each legacy name a CNAME to
 * `<api>-b`, which CNAMEs to B's load balancer; "cname" (the long host) is a step for B by address.
 */
export const COMPLETE_WITH_B_BY_NAME =
    '"address" while B is a DNS name: complete then leaves each legacy name a CNAME to <api>-b, which points at B\'s load balancer (completeWith: cname replaces an A record, which B by name never has)';

const PROBES = `a list of probes, each once, with "legacy" (the check that matters most): ["legacy"] or ["legacy", "short"]`;

/** Every PEM block is a certificate Node can read, there is at least one, and no private key rides along. */
function isCaBundle(pem: string): boolean {
    return pemCertificates(pem) !== undefined && !/PRIVATE KEY/.test(pem);
}

const gateRules: Rule<{ successes: number; intervalMs: number; deadlineMs: number; timeoutMs: number }>[] = [
    {
        name: "the gate can pass before its deadline",
        reads: ["successes", "intervalMs", "deadlineMs"],
        check: ({ successes, intervalMs, deadlineMs }, r) => {
            if (successes > 1 && intervalMs * (successes - 1) >= deadlineMs)
                r.fail(
                    ["deadlineMs"],
                    deadlineMs,
                    `more than intervalMs × (successes − 1) = ${intervalMs * (successes - 1)} ms, or the gate can never pass`,
                );
        },
    },
    {
        // One request allowed to outlast the whole gate means the deadline, not the probe, decides its verdict.
        name: "a request never outlasts the gate",
        reads: ["timeoutMs", "deadlineMs"],
        check: ({ timeoutMs, deadlineMs }, r) => {
            if (timeoutMs > deadlineMs)
                r.fail(
                    ["timeoutMs"],
                    timeoutMs,
                    `at most cutover.gate.deadlineMs (${deadlineMs} ms): a single request cannot be allowed longer than the whole gate`,
                );
        },
    },
];

/** `migration:cutover.gate`: B proves itself before any share toward it rises (providers/health-gate.ts). */
export const gateSchema = withRules(
    obj({
        enabled: bool(true).describe("Off is explicit, and the plan warns."),
        probes: z
            .array(z.enum(["legacy", "short"], { error: PROBES }), { error: PROBES })
            .refine((l) => l.includes("legacy") && new Set(l).size === l.length, { error: PROBES })
            .default(["legacy"])
            .describe("Which probes must pass: the legacy Host through B's team load balancer, and the short path."),
        successes: int(1, 20).default(3).describe("Consecutive passes of every probe."),
        intervalMs: int(100, 60_000).default(2000).describe("Between two rounds, ms."),
        deadlineMs: int(1000, 1_800_000).default(120_000).describe("Give up after this long, ms: the apply fails before anything moves."),
        timeoutMs: int(100, 60_000).default(5000).describe("Per request, ms."),
        caBundle: str("a PEM bundle of CA certificates (-----BEGIN CERTIFICATE----- …)", isCaBundle)
            .optional()
            .describe("PEM CA bundle B's certificate must verify against. @default the system roots where `pulumi up` runs"),
        kongControlPlaneAdmin: str(
            "the Kong control plane's Admin API as an http(s):// URL, e.g. https://kong-cp-admin.team1.internal:8444",
            (v) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v),
        )
            .optional()
            .describe(
                "The Kong control plane's Admin API, for the gate's data-plane check of the APIs routed through B's Kong data plane. @default kong.adminUrl",
            ),
        shortAddress: str("ADDRESS[:PORT] of B's short-domain load balancer, e.g. 10.72.11.100:443", (v) => parseEndpoint(v) !== undefined)
            .optional()
            .describe(
                "B's short-domain load balancer (`ADDRESS[:PORT]`), for the short probe. @default the platform stack's `shortDomain.loadBalancerAddress`",
            ),
    }),
    gateRules,
);

const whereIsB: Rule<{ targetHost?: unknown; targetAddress?: unknown; platformStack?: unknown }> = {
    name: "B is said to be in one place",
    reads: [],
    check: (c, r) => {
        const alongsideHost = (["targetAddress", "platformStack"] as const).filter((k) => c[k] !== undefined);
        if (c.targetHost !== undefined && alongsideHost.length > 0)
            r.fail(
                ["targetHost"],
                c.targetHost,
                `either cutover.targetHost or cutover.${alongsideHost[0]} (both say where B is), not both`,
            );
        else if (c.targetAddress !== undefined && c.platformStack !== undefined)
            r.fail(
                ["targetAddress"],
                c.targetAddress,
                "either cutover.targetAddress or cutover.platformStack (B's address from that stack's outputs), not both",
            );
    },
};

const completeWithBByName: Rule<{ targetHost?: string; completeWith: string }> = {
    name: "complete leaves a CNAME while B is a name",
    reads: ["targetHost", "completeWith"],
    check: (c, r) => {
        if (c.targetHost !== undefined && c.completeWith === "cname") r.fail(["completeWith"], "cname", COMPLETE_WITH_B_BY_NAME);
    },
};

const HOST_IS_NAME =
    "B's load balancer as a DNS name, not an IP address: the legacy names become CNAMEs to it, and a CNAME points at a name; B by IPv4 goes in cutover.targetAddress";

/** `migration:cutover`: the traffic switch. */
export const cutoverSchema = withRules(
    obj({
        phase: oneOf(PHASES).describe("prepare (TTL lowered, all on A), shift (weights), complete (all on B; TTL restored)."),
        weights: z
            .record(z.string(), int(0, 100, "a whole percentage from 0 to 100 (the share of traffic on B)"), { error: "an object" })
            .default({})
            .describe("Percent of each API's traffic on B, 0..100, for every API in `apis` (left out means 0)."),
        sourceAddress: ipv4("A's SLB address as IPv4, e.g. 10.72.10.88").describe("A's SLB address (IPv4)."),
        targetAddress: ipv4("B's SLB address as IPv4, e.g. 10.72.11.99").optional().describe("B pinned by its IPv4."),
        targetHost: z
            .string({ error: "B's load balancer as a DNS name, e.g. alb-xxxx.cn-hangzhou.alb.aliyuncs.com" })
            // An address passes as a DNS name (digits are labels): the legacy names would become CNAMEs to an address.
            .refine((s) => !isIpLiteral(s), { error: HOST_IS_NAME, abort: true })
            .refine(isDnsName, { error: "B's load balancer as a DNS name, e.g. alb-xxxx.cn-hangzhou.alb.aliyuncs.com" })
            .optional()
            .describe("B's load balancer by DNS name (ALB, NLB): weighted CNAMEs through intermediate names (PrivateZone only)."),
        platformStack: stackName("a stack name such as organization/migration/dev")
            .optional()
            .describe(
                'The platform stack whose `ingress.loadBalancerAddress` output is B. @default "organization/migration/dev" (when neither targetAddress nor targetHost is set)',
            ),
        completeWith: oneOf(["address", "cname"])
            .default("address")
            .describe("What `complete` leaves on the legacy name: an A record to B's address, or a CNAME to `<api>.<target>`."),
        allowSkippingShift: bool(false).describe(
            "The explicit override that lets prepare go straight to complete (0 → 100 % in one apply).",
        ),
        gate: absentIsEmpty(gateSchema).describe("The health gate."),
    }),
    [whereIsB, completeWithBByName],
);

export type GateSettings = z.output<typeof gateSchema>;
export { dnsSchema, DNS_EDITIONS, MAX_WEIGHTED_RECORDS, TTL_FLOOR, weightedRecordLimitProblem } from "./dns";
export type { DnsEdition, DnsSettings } from "./dns";
