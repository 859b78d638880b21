/**
 * The `cutover` role's traffic switch (`migration:cutover`, its health gate) and the DNS service
 * that answers the legacy names (`migration:dns`). Rules across blocks (weights vs apis, the zone
 * holds the legacy names, B by name vs the service) sit on the role's schema (config/parse.ts).
 */
import { z } from "zod";
import { DEFAULT_LINE, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_RETRY } from "../../providers/alibaba-calls";
import { PRIVATEZONE_TTLS } from "../../providers/name-records";
import { parseEndpoint } from "../../vocabulary/probes";
import { absentIsEmpty, bool, editDistance, int, obj, oneOf, problemIssue, Report, Rule, str, withRules } from "../checks";
import { pemCertificates } from "../tls";
import { dnsName, ipv4, isDnsName, isIpLiteral, stackName, zoneId } from "./common";

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

/** Alibaba Cloud DNS editions. */
export const DNS_EDITIONS = ["free", "basic", "standard", "ultimate", "exclusive"] as const;
export type DnsEdition = (typeof DNS_EDITIONS)[number];
/** TTL floors of the Alidns editions; below them the API answers QuotaExceeded.TTL. */
export const TTL_FLOOR: Record<DnsEdition, number> = { free: 600, basic: 120, standard: 60, ultimate: 10, exclusive: 1 };
/** Weighted records one name (and line) may hold per edition. */
export const MAX_WEIGHTED_RECORDS: Record<DnsEdition, number> = { free: 10, basic: 90, standard: 90, ultimate: 90, exclusive: 90 };
/** Records each legacy name carries while weighted: one to A, one to B. */
export const WEIGHTED_RECORDS_PER_NAME = 2;
const TTL_CEILING = 86400;

/** What is accepted when a name would carry more weighted records than the edition allows, or undefined. */
export function weightedRecordLimitProblem(edition: DnsEdition, recordsPerName: number): string | undefined {
    const max = MAX_WEIGHTED_RECORDS[edition];
    return recordsPerName > max
        ? `an edition that allows ${recordsPerName} weighted records per name (${edition} allows ${max})`
        : undefined;
}

/** A resolution line: "default", or a line identifier such as telecom, unicom, cn_mobile_anhui. */
const DNS_LINE = /^[a-z0-9_]{1,32}$/;

/** What both services read. */
function dnsCommon(service: "PrivateZone" | "Alidns", endpoint: string, ttl: z.ZodType<number>) {
    return {
        zone: dnsName(`the ${service} zone (domain) that holds the legacy names, e.g. aliyun.cloud.cn.aibang`).describe(
            "The zone (domain) that holds the legacy names.",
        ),
        ttl: obj({ cutover: ttl, steady: ttl }).describe(
            "Record TTLs in seconds: `cutover` while the names move, `steady` once they have.",
        ),
        line: str(
            'the resolution line of the records: "default", or a line identifier of a-z, 0-9 and _, at most 32 characters (e.g. telecom)',
            DNS_LINE,
        )
            .default(DEFAULT_LINE)
            .describe("The DNS resolution line the records are written on (the `Line` of Alibaba's record calls)."),
        endpoint: dnsName(`an API host name, e.g. ${endpoint} or a regional/VPC endpoint`)
            .default(endpoint)
            .describe("The service's API endpoint."),
        retries: int(0, 10).default(DEFAULT_RETRY.retries).describe("Retries of a throttled or unavailable call."),
        retryBackoffMs: int(1, 10_000)
            .default(DEFAULT_RETRY.backoffMs)
            .describe("The first backoff between retries, ms (doubling, jittered)."),
        // Alibaba Cloud's quotas are per API and account (Alidns: 60/s for record writes, 300/s for
        // DescribeSubDomainRecords; shared/notes/alibaba-cloud.md): one pace per endpoint under the smallest leaves room for other callers.
        requestsPerSecond: int(1, 1000)
            .default(DEFAULT_REQUESTS_PER_SECOND)
            .describe(
                "Requests per second to the API from the whole provider process (every name together), kept under the service's per-API quota.",
            ),
    };
}

const alidnsTtl = int(1, TTL_CEILING, `an integer number of seconds from 1 to ${TTL_CEILING}`);
const pvtzTtl = z
    .number({ error: `one of ${PRIVATEZONE_TTLS.join(", ")} (the TTLs PrivateZone accepts, in seconds)` })
    .refine((v) => PRIVATEZONE_TTLS.includes(v), {
        error: `one of ${PRIVATEZONE_TTLS.join(", ")} (the TTLs PrivateZone accepts, in seconds)`,
    });

/** The cutover TTL is the short one; judged once each TTL passed its own checks (and the edition's floor). */
function ttlOrder(ttl: { cutover: number; steady: number }, r: Report): void {
    if (ttl.cutover > ttl.steady)
        r.fail(["ttl", "cutover"], ttl.cutover, `a TTL no longer than dns.ttl.steady (${ttl.steady}): the cutover TTL is the short one`);
}

const editionFloor: Rule<{ edition: DnsEdition; ttl: { cutover: number; steady: number } }> = {
    name: "TTLs at or above the edition's floor, the cutover one the shorter",
    reads: ["edition", "ttl"],
    check: ({ edition, ttl }, r) => {
        const floor = TTL_FLOOR[edition];
        const low = (["cutover", "steady"] as const).filter((key) => ttl[key] < floor);
        for (const key of low)
            r.fail(
                ["ttl", key],
                ttl[key],
                `an integer number of seconds from ${floor} to ${TTL_CEILING} (the ${edition} edition's floor is ${floor} s)`,
            );
        if (low.length === 0) ttlOrder(ttl, r);
        const tooMany = weightedRecordLimitProblem(edition, WEIGHTED_RECORDS_PER_NAME);
        if (tooMany) r.fail(["edition"], edition, tooMany);
    },
};

const privateZoneTtlOrder: Rule<{ ttl: { cutover: number; steady: number } }> = {
    name: "the cutover TTL is the shorter",
    reads: ["ttl"],
    check: ({ ttl }, r) => ttlOrder(ttl, r),
};

const VPCS = "a non-empty list of VPC ids (vpc-…) whose clients resolve the legacy names (cluster A's, B's, Kong's)";
/** Keys of `migration:dns` that only PrivateZone reads. */
const PRIVATEZONE_KEYS = ["zoneId", "vpcIds"] as const;

// Each service's keys in the order its messages list them: service, zone, the service's own, the rest.
const { zone: alidnsZone, ...alidns } = dnsCommon("Alidns", "alidns.aliyuncs.com", alidnsTtl);
const { zone: privateZoneZone, ...privateZone } = dnsCommon("PrivateZone", "pvtz.aliyuncs.com", pvtzTtl);

const services = z.discriminatedUnion(
    "service",
    [
        withRules(
            obj({
                service: z.literal("alidns").default("alidns").describe("Public Alidns (the default)."),
                zone: alidnsZone,
                edition: oneOf(DNS_EDITIONS).describe("The Alidns edition of the zone: it sets the TTL floor."),
                ...alidns,
            }),
            [editionFloor],
        ),
        withRules(
            obj({
                service: z.literal("privatezone").describe("PrivateZone: internal zones bound to VPCs."),
                zone: privateZoneZone,
                zoneId: zoneId().describe("The PrivateZone zone id."),
                vpcIds: z
                    .array(str(VPCS, /^vpc-[a-z0-9]+$/), { error: VPCS })
                    .min(1, { error: VPCS })
                    .refine((l) => new Set(l).size === l.length, { error: "each VPC listed once" })
                    .describe("The VPCs whose clients resolve the names: the zone must be bound to each (printed for review)."),
                ...privateZone,
            }),
            [privateZoneTtlOrder],
        ),
    ],
    { error: "one of alidns | privatezone" },
);

/**
 * `migration:dns`: the service that answers the legacy names. Which service holds them decides
 * what every other key may be: when it is misspelt, or missing beside PrivateZone's own keys,
 * that is the one problem reported — the rest would only be its echoes.
 */
export const dnsSchema = z
    .preprocess((v, ctx) => {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
        const o = v as Record<string, unknown>;
        if (o.service !== undefined) return v;
        const typo = Object.keys(o).find((k) => k !== "service" && editDistance(k.toLowerCase(), "service") <= 2);
        if (typo) {
            ctx.addIssue(
                problemIssue(
                    [typo],
                    "not a key this program reads (its value is not shown); did you mean service? (without dns.service the legacy names are taken to be public Alidns records)",
                ),
            );
            return v;
        }
        const pvtzKeys = PRIVATEZONE_KEYS.filter((k) => o[k] !== undefined);
        if (pvtzKeys.length > 0) {
            const keys = pvtzKeys.map((k) => `dns.${k}`).join(" and ");
            ctx.addIssue({
                code: "custom",
                path: ["service"],
                input: undefined,
                message: `privatezone, since ${keys} ${pvtzKeys.length === 1 ? "is" : "are"} set (PrivateZone settings; without dns.service the legacy names are taken to be public Alidns records), or no ${keys} for Alidns`,
            });
        }
        return v;
    }, services)
    .transform(({ retries, retryBackoffMs, ...rest }) => ({ ...rest, retry: { retries, backoffMs: retryBackoffMs } }))
    .describe("The service that answers the legacy names: public Alidns, or PrivateZone.");

export type GateSettings = z.output<typeof gateSchema>;
export type DnsSettings = z.output<typeof dnsSchema>;
