/**
 * The DNS services the names live on (`migration:dns`): public Alidns or PrivateZone, with the
 * same keys for the cutover stack (the legacy names, a TTL while moving and a steady one) and the
 * platform stack (B's own names, one TTL).
 */
import { z } from "zod";
import { DEFAULT_LINE, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_RETRY } from "../../providers/alibaba-calls";
import { PRIVATEZONE_TTLS } from "../../providers/name-records";
import { editDistance, int, obj, oneOf, problemIssue, Report, Rule, str, withRules } from "../checks";
import { dnsName, zoneId } from "./common";

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

/** What both services read (besides the TTL, which the cutover and the platform read differently). */
function dnsCommon(service: "PrivateZone" | "Alidns", endpoint: string, holds: string) {
    return {
        zone: dnsName(`the ${service} zone (domain) that holds ${holds}, e.g. aliyun.cloud.cn.aibang`).describe(
            `The zone (domain) that holds ${holds}.`,
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

/** What a TTL below the Alidns edition's floor is told it may be. */
function floorAccepted(edition: DnsEdition): string {
    return `an integer number of seconds from ${TTL_FLOOR[edition]} to ${TTL_CEILING} (the ${edition} edition's floor is ${TTL_FLOOR[edition]} s)`;
}

const editionFloor: Rule<{ edition: DnsEdition; ttl: { cutover: number; steady: number } }> = {
    name: "TTLs at or above the edition's floor, the cutover one the shorter",
    reads: ["edition", "ttl"],
    check: ({ edition, ttl }, r) => {
        const floor = TTL_FLOOR[edition];
        const low = (["cutover", "steady"] as const).filter((key) => ttl[key] < floor);
        for (const key of low) r.fail(["ttl", key], ttl[key], floorAccepted(edition));
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

/**
 * Which service holds the names decides what every other key may be: when it is misspelt, or
 * missing beside PrivateZone's own keys, that is the one problem reported — the rest would only
 * be its echoes. Returns the value unchanged; reports through `ctx`.
 */
function serviceFirst(v: unknown, ctx: z.RefinementCtx): unknown {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    if (o.service !== undefined) return v;
    const typo = Object.keys(o).find((k) => k !== "service" && editDistance(k.toLowerCase(), "service") <= 2);
    if (typo) {
        ctx.addIssue(
            problemIssue(
                [typo],
                "not a key this program reads (its value is not shown); did you mean service? (without dns.service the names are taken to be public Alidns records)",
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
            message: `privatezone, since ${keys} ${pvtzKeys.length === 1 ? "is" : "are"} set (PrivateZone settings; without dns.service the names are taken to be public Alidns records), or no ${keys} for Alidns`,
        });
    }
    return v;
}

/** The retry keys as the providers read them (distributed over the services, so each keeps its own keys). */
type WithRetry<T> = T extends unknown ? Omit<T, "retries" | "retryBackoffMs"> & { retry: { retries: number; backoffMs: number } } : never;
function withRetry<T extends { retries: number; retryBackoffMs: number }>(settings: T): WithRetry<T> {
    const { retries, retryBackoffMs, ...rest } = settings;
    return { ...rest, retry: { retries, backoffMs: retryBackoffMs } } as WithRetry<T>;
}

const vpcIds = () =>
    z
        .array(str(VPCS, /^vpc-[a-z0-9]+$/), { error: VPCS })
        .min(1, { error: VPCS })
        .refine((l) => new Set(l).size === l.length, { error: "each VPC listed once" })
        .describe("The VPCs whose clients resolve the names: the zone must be bound to each (printed for review).");

/** The keys that say which service, and the service's own, as both roles' blocks declare them. */
const keys = {
    alidns: () => z.literal("alidns").default("alidns").describe("Public Alidns (the default)."),
    edition: () => oneOf(DNS_EDITIONS).describe("The Alidns edition of the zone: it sets the TTL floor."),
    privatezone: () => z.literal("privatezone").describe("PrivateZone: internal zones bound to VPCs."),
    zoneId: () => zoneId().describe("The PrivateZone zone id."),
};

// Each service's keys in the order its messages list them: service, zone, the service's own, the rest.
const legacy = "the legacy names";
const { zone: alidnsZone, ...alidns } = dnsCommon("Alidns", "alidns.aliyuncs.com", legacy);
const { zone: privateZoneZone, ...privateZone } = dnsCommon("PrivateZone", "pvtz.aliyuncs.com", legacy);
const cutoverTtl = <T extends z.ZodType<number>>(ttl: T) =>
    obj({ cutover: ttl, steady: ttl }).describe("Record TTLs in seconds: `cutover` while the names move, `steady` once they have.");

/** `migration:dns` of a cutover stack: the service that answers the legacy names. */
export const dnsSchema = z
    .preprocess(
        serviceFirst,
        z.discriminatedUnion(
            "service",
            [
                withRules(
                    obj({
                        service: keys.alidns(),
                        zone: alidnsZone,
                        edition: keys.edition(),
                        ttl: cutoverTtl(alidnsTtl),
                        ...alidns,
                    }),
                    [editionFloor],
                ),
                withRules(
                    obj({
                        service: keys.privatezone(),
                        zone: privateZoneZone,
                        zoneId: keys.zoneId(),
                        vpcIds: vpcIds(),
                        ttl: cutoverTtl(pvtzTtl),
                        ...privateZone,
                    }),
                    [privateZoneTtlOrder],
                ),
            ],
            { error: "one of alidns | privatezone" },
        ),
    )
    .transform(withRetry)
    .describe("The service that answers the legacy names: public Alidns, or PrivateZone.");

const bNames = "B's names (<api>.<target> and the short host)";
const { zone: alidnsZoneB, ...alidnsB } = dnsCommon("Alidns", "alidns.aliyuncs.com", bNames);
const { zone: privateZoneZoneB, ...privateZoneB } = dnsCommon("PrivateZone", "pvtz.aliyuncs.com", bNames);

const platformEditionFloor: Rule<{ edition: DnsEdition; ttl: number }> = {
    name: "the TTL at or above the edition's floor",
    reads: ["edition", "ttl"],
    check: ({ edition, ttl }, r) => {
        const floor = TTL_FLOOR[edition];
        if (ttl < floor) r.fail(["ttl"], ttl, floorAccepted(edition));
    },
};

/**
 * `migration:dns` of a platform stack: where B's own names live, so `<api>.<target>` and the
 * short host point at B's new load balancers by explicit records (never B's existing wildcard).
 * The same services, keys and adapter as the cutover's; one TTL, the records being steady.
 */
export const platformDnsSchema = z
    .preprocess(
        serviceFirst,
        z.discriminatedUnion(
            "service",
            [
                withRules(
                    obj({
                        service: keys.alidns(),
                        zone: alidnsZoneB,
                        edition: keys.edition(),
                        ttl: alidnsTtl.default(600).describe("The records' TTL in seconds."),
                        ...alidnsB,
                    }),
                    [platformEditionFloor],
                ),
                obj({
                    service: keys.privatezone(),
                    zone: privateZoneZoneB,
                    zoneId: keys.zoneId(),
                    vpcIds: vpcIds(),
                    ttl: pvtzTtl.default(3600).describe("The records' TTL in seconds."),
                    ...privateZoneB,
                }),
            ],
            { error: "one of alidns | privatezone" },
        ),
    )
    .transform(withRetry)
    .describe("Where B's own names live: public Alidns, or PrivateZone.");

export type DnsSettings = z.output<typeof dnsSchema>;
export type PlatformDnsSettings = z.output<typeof platformDnsSchema>;
