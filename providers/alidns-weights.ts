/**
 * Weighted round robin for one Alidns sub-domain, as a Pulumi dynamic provider:
 * `alicloud.dns.AlidnsRecord` has no weight, so weights go through the Alidns API
 * (SetDNSSLBStatus, UpdateDNSSLBWeight, SetDomainRecordStatus) with Alibaba's official SDK.
 *
 * Alidns accepts weights 1..100 and refuses to weight a paused record, so weight 0 means
 * "paused": the record stays (a rollback is one edit) but is not answered. Every change
 * enables and raises the gaining records before it lowers or pauses the losing ones, so the
 * name never answers with nothing.
 *
 * The provider object is serialised into the state: it captures nothing; SDK modules are
 * required inside the methods and credentials come from the standard Alibaba Cloud
 * environment (ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, or the
 * credentials file / RAM role chain), never from inputs or state.
 */
import * as pulumi from "@pulumi/pulumi";
import { relativeName } from "../plan/naming";
import { AlibabaCallError, callError, DEFAULT_RETRY, ENGINE_UNKNOWN, RetrySettings, withRetries } from "./alibaba-calls";

/** The resource type the engine and the offline side see for DnsWeights. */
export const DNS_WEIGHTS_TYPE = "pulumi-nodejs:dynamic/migration:DnsWeights";

/** Bump when the provider's behaviour changes: the engine does not see code changes otherwise. */
export const ALIDNS_WEIGHTS_PROVIDER_VERSION = "1";

export interface WeightedRecord {
    /** Which cluster the record points at (A is re-enabled when weighting is removed). */
    side: "A" | "B";
    recordId: string;
    /** 0..100; 0 pauses the record. */
    weight: number;
}

export interface DnsWeightsState {
    /** The Alidns domain (zone), e.g. aliyun.cloud.cn.aibang. */
    zone: string;
    /** The full weighted name, e.g. api01.source-team1.dev.aliyun.cloud.cn.aibang. */
    subDomain: string;
    records: WeightedRecord[];
    /**
     * Alidns API host. The test seam: `127.0.0.1:<port>` (a loopback double) is spoken to over
     * plain HTTP; config never accepts it — tests set it with a stack transformation.
     */
    endpoint: string;
    /** Retries of a throttled or unavailable call, and the first backoff in ms. @default {retries: 5, backoffMs: 250} */
    retry?: { retries: number; backoffMs: number };
    version: string;
    /** Outputs: whether this resource switched weighting on (then delete switches it off). */
    enabledByUs?: boolean;
    /** Outputs: weighting status as last seen. */
    weightingOpen?: boolean;
}

type Client = {
    describeDNSSLBSubDomains(
        req: unknown,
    ): Promise<{ body?: { slbSubDomains?: { slbSubDomain?: { subDomain?: string; open?: boolean }[] } } }>;
    setDNSSLBStatus(req: unknown): Promise<unknown>;
    describeSubDomainRecords(
        req: unknown,
    ): Promise<{ body?: { domainRecords?: { record?: { recordId?: string; weight?: number; status?: string }[] } } }>;
    updateDNSSLBWeight(req: unknown): Promise<unknown>;
    setDomainRecordStatus(req: unknown): Promise<unknown>;
};

type Models = Record<string, new (m: Record<string, unknown>) => unknown>;
type Call = <T>(action: string, target: string, fn: () => Promise<T>) => Promise<T>;
interface Api {
    client: Client;
    models: Models;
    /** `call` with this resource's retry settings. */
    call: Call;
}

/** The SDK client and the retrying call for one resource's settings. */
function connect(state: Pick<DnsWeightsState, "endpoint" | "retry">): Api {
    const { client, models } = sdk(state.endpoint);
    return { client, models, call: (action, target, fn) => call(action, target, fn, state.retry) };
}

/** Creates the SDK client inside a provider method (nothing is captured by the serialiser). */
function sdk(endpoint: string): { client: Client; models: Models } {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const alidns = require("@alicloud/alidns20150109");
    const { $OpenApiUtil } = require("@alicloud/openapi-core");
    const Credential = require("@alicloud/credentials").default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const loopback = endpoint.startsWith("127.0.0.1:");
    const Client = alidns.default;
    const client = new Client(
        new $OpenApiUtil.Config({
            credential: new Credential(),
            endpoint,
            protocol: loopback ? "http" : "https",
            readTimeout: 10_000,
            connectTimeout: 5_000,
        }),
    );
    return { client, models: alidns };
}

/** An Alidns failure, named after the call, the record and the sub-domain, with the vendor's code. */
export interface AlidnsError extends AlibabaCallError {
    name: "AlidnsError";
}

/** Builds an AlidnsError (a plain Error with fields; see providers/alibaba-calls.ts). */
export function alidnsError(action: string, target: string, cause: unknown, attempts = 1): AlidnsError {
    return callError("AlidnsError", "Alidns", action, target, cause, attempts) as AlidnsError;
}

export function isAlidnsError(err: unknown): err is AlidnsError {
    return err instanceof Error && err.name === "AlidnsError";
}

/** One SDK call with the resource's retry settings (providers/alibaba-calls.ts); named after the call and the record. */
function call<T>(action: string, target: string, fn: () => Promise<T>, retry: RetrySettings = DEFAULT_RETRY): Promise<T> {
    return withRetries(fn, retry, (cause, attempts) => alidnsError(action, target, cause, attempts));
}

function recordLabel(record: WeightedRecord, subDomain: string): string {
    return `record ${record.recordId} (side ${record.side}) of ${subDomain}`;
}

/** Order of application: gaining records (enable + raise) before losing ones (lower + pause). */
export function applicationOrder(records: WeightedRecord[], before: Map<string, number>): WeightedRecord[] {
    // A's increases, then B's, then B's decreases, then A's: the name always answers (gains
    // before losses), and B's share between two steps never exceeds the larger of its shares
    // before and after (A is raised before B, B is lowered before A). Larger changes first.
    const delta = (r: WeightedRecord) => r.weight - (before.get(r.recordId) ?? 0);
    const rank = (r: WeightedRecord) => (delta(r) > 0 ? (r.side === "A" ? 0 : 1) : r.side === "B" ? 2 : 3);
    return [...records].sort((x, y) => rank(x) - rank(y) || Math.abs(delta(y)) - Math.abs(delta(x)));
}

interface Live {
    open: boolean;
    records: Map<string, { weight: number; status: string }>;
}

async function readLive({ client, models, call }: Api, zone: string, subDomain: string): Promise<Live> {
    const rr = relativeName(subDomain, zone);
    const slb = await call("DescribeDNSSLBSubDomains", subDomain, () =>
        client.describeDNSSLBSubDomains(new models.DescribeDNSSLBSubDomainsRequest({ domainName: zone, rr, pageSize: 100 })),
    );
    const open = (slb.body?.slbSubDomains?.slbSubDomain ?? []).some((s) => s.subDomain === subDomain && s.open === true);
    const recs = await call("DescribeSubDomainRecords", subDomain, () =>
        client.describeSubDomainRecords(new models.DescribeSubDomainRecordsRequest({ domainName: zone, subDomain, pageSize: 100 })),
    );
    const records = new Map<string, { weight: number; status: string }>();
    for (const r of recs.body?.domainRecords?.record ?? [])
        if (r.recordId) records.set(r.recordId, { weight: r.weight ?? 0, status: r.status ?? "ENABLE" });
    return { open, records };
}

/**
 * Brings each record to its target: weight w > 0 is ENABLE + weight w, 0 is DISABLE. Calls the
 * API only where the known state differs; `known` is what the caller believes is applied.
 */
async function converge(
    { client, models, call }: Api,
    subDomain: string,
    records: WeightedRecord[],
    known: Map<string, { weight: number; status: string }>,
): Promise<void> {
    const before = new Map([...known].map(([id, s]) => [id, s.status === "DISABLE" ? 0 : s.weight]));
    for (const record of applicationOrder(records, before)) {
        const current = known.get(record.recordId);
        const target = recordLabel(record, subDomain);
        if (record.weight > 0) {
            if (current?.status !== "ENABLE") {
                await call("SetDomainRecordStatus", target, () =>
                    client.setDomainRecordStatus(new models.SetDomainRecordStatusRequest({ recordId: record.recordId, status: "ENABLE" })),
                );
            }
            if (current?.weight !== record.weight) {
                await call("UpdateDNSSLBWeight", target, () =>
                    client.updateDNSSLBWeight(new models.UpdateDNSSLBWeightRequest({ recordId: record.recordId, weight: record.weight })),
                );
            }
        } else if (current?.status !== "DISABLE") {
            // A paused record keeps its weight, and answers with it the moment it is enabled
            // again (weights cannot be set on a paused record): lowered to the least weight
            // first, a later re-enable gives it at most 1/(1 + the others) until it is weighted.
            if (current?.weight !== 1) {
                await call("UpdateDNSSLBWeight", target, () =>
                    client.updateDNSSLBWeight(new models.UpdateDNSSLBWeightRequest({ recordId: record.recordId, weight: 1 })),
                );
            }
            await call("SetDomainRecordStatus", target, () =>
                client.setDomainRecordStatus(new models.SetDomainRecordStatusRequest({ recordId: record.recordId, status: "DISABLE" })),
            );
        }
    }
}

function knownFrom(records: WeightedRecord[]): Map<string, { weight: number; status: string }> {
    // A paused record keeps its last Alidns weight; re-enabling it sets the weight again anyway.
    return new Map(
        records.map((r) => [r.recordId, r.weight > 0 ? { weight: r.weight, status: "ENABLE" } : { weight: -1, status: "DISABLE" }]),
    );
}

export const alidnsWeightsProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: DnsWeightsState, news: DnsWeightsState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        if (!Array.isArray(news.records) || news.records.length === 0)
            failures.push({ property: "records", reason: "at least one record to weight" });
        const ids = new Set<string>();
        (news.records ?? []).forEach((r, i) => {
            if ((r.weight as unknown) !== ENGINE_UNKNOWN && (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100)) {
                failures.push({
                    property: `records[${i}].weight`,
                    reason: `${JSON.stringify(r.weight)} is not a whole percentage 0..100 (0 pauses the record)`,
                });
            }
            // An unknown id is a record still to be created: never a duplicate of another one.
            if (r.recordId === ENGINE_UNKNOWN) return;
            if (ids.has(r.recordId)) failures.push({ property: `records[${i}].recordId`, reason: `record ${r.recordId} is listed twice` });
            ids.add(r.recordId);
        });
        const known = news.subDomain !== ENGINE_UNKNOWN && news.zone !== ENGINE_UNKNOWN;
        if (known && (typeof news.subDomain !== "string" || typeof news.zone !== "string" || !news.subDomain.endsWith(`.${news.zone}`))) {
            failures.push({
                property: "subDomain",
                reason: `${JSON.stringify(news.subDomain)} is not a name inside zone ${JSON.stringify(news.zone)}`,
            });
        }
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: DnsWeightsState, news: DnsWeightsState): Promise<pulumi.dynamic.DiffResult> {
        // An unknown name may turn out the same: only a known, different name replaces.
        const replaces = (["zone", "subDomain"] as const).filter((k) => news[k] !== ENGINE_UNKNOWN && olds[k] !== news[k]);
        const same = (a: WeightedRecord[], b: WeightedRecord[]) =>
            JSON.stringify(a.map((r) => [r.side, r.recordId, r.weight])) === JSON.stringify(b.map((r) => [r.side, r.recordId, r.weight]));
        // An unknown record id (a record being replaced) differs from the known one: an update.
        const changes =
            replaces.length > 0 ||
            !same(olds.records ?? [], news.records) ||
            olds.endpoint !== news.endpoint ||
            JSON.stringify(olds.retry) !== JSON.stringify(news.retry) ||
            olds.version !== news.version ||
            olds.weightingOpen === false;
        // A weight change is an update in place; only a different name is a different resource.
        return { changes, replaces, deleteBeforeReplace: false, stables: ["zone", "subDomain"] };
    },

    async create(inputs: DnsWeightsState): Promise<pulumi.dynamic.CreateResult> {
        const api = connect(inputs);
        const { client, models, call } = api;
        const live = await readLive(api, inputs.zone, inputs.subDomain);
        for (const r of inputs.records) {
            if (!live.records.has(r.recordId))
                throw alidnsError("DescribeSubDomainRecords", recordLabel(r, inputs.subDomain), {
                    message: "the record is not under this sub-domain",
                });
        }
        let enabledByUs = false;
        if (!live.open) {
            await call("SetDNSSLBStatus", inputs.subDomain, () =>
                client.setDNSSLBStatus(
                    new models.SetDNSSLBStatusRequest({ domainName: inputs.zone, subDomain: inputs.subDomain, open: true }),
                ),
            );
            enabledByUs = true;
        }
        await converge(api, inputs.subDomain, inputs.records, live.records);
        return { id: inputs.subDomain, outs: { ...inputs, enabledByUs, weightingOpen: true } };
    },

    async update(_id: string, olds: DnsWeightsState, news: DnsWeightsState): Promise<pulumi.dynamic.UpdateResult> {
        const api = connect(news);
        const { client, models, call } = api;
        if (olds.weightingOpen === false) {
            await call("SetDNSSLBStatus", news.subDomain, () =>
                client.setDNSSLBStatus(new models.SetDNSSLBStatusRequest({ domainName: news.zone, subDomain: news.subDomain, open: true })),
            );
        }
        await converge(api, news.subDomain, news.records, knownFrom(olds.records ?? []));
        return { outs: { ...news, enabledByUs: olds.enabledByUs ?? false, weightingOpen: true } };
    },

    async read(id: string, props: DnsWeightsState): Promise<pulumi.dynamic.ReadResult> {
        const live = await readLive(connect(props), props.zone, props.subDomain);
        // Report what Alidns holds, so `pulumi refresh` shows drift and the next `up` converges it.
        const records = props.records
            .filter((r) => live.records.has(r.recordId))
            .map((r) => {
                const l = live.records.get(r.recordId)!;
                return { ...r, weight: l.status === "DISABLE" ? 0 : l.weight };
            });
        return { id, props: { ...props, records, weightingOpen: live.open } };
    },

    async delete(_id: string, props: DnsWeightsState): Promise<void> {
        const api = connect(props);
        const { client, models, call } = api;
        const live = await readLive(api, props.zone, props.subDomain);
        // Without weighting the name answers with every enabled record. Rolling back (A's record
        // still there): A answers again, and B is paused *before* weighting goes off, so the name
        // never answers A and B unweighted (B's record is deleted after this resource).
        const aAlive = props.records.filter((x) => x.side === "A" && live.records.has(x.recordId));
        for (const r of aAlive) {
            if (live.records.get(r.recordId)?.status === "DISABLE") {
                await call("SetDomainRecordStatus", recordLabel(r, props.subDomain), () =>
                    client.setDomainRecordStatus(new models.SetDomainRecordStatusRequest({ recordId: r.recordId, status: "ENABLE" })),
                );
            }
        }
        const bLive =
            aAlive.length > 0 ? props.records.filter((x) => x.side === "B" && live.records.get(x.recordId)?.status === "ENABLE") : [];
        for (const r of bLive) {
            // Lowered first (weighting is still on), so a later re-enable answers with weight 1, not the old share.
            if (live.open && live.records.get(r.recordId)?.weight !== 1) {
                await call("UpdateDNSSLBWeight", recordLabel(r, props.subDomain), () =>
                    client.updateDNSSLBWeight(new models.UpdateDNSSLBWeightRequest({ recordId: r.recordId, weight: 1 })),
                );
            }
            await call("SetDomainRecordStatus", recordLabel(r, props.subDomain), () =>
                client.setDomainRecordStatus(new models.SetDomainRecordStatusRequest({ recordId: r.recordId, status: "DISABLE" })),
            );
        }
        if (props.enabledByUs && live.open) {
            await call("SetDNSSLBStatus", props.subDomain, () =>
                client.setDNSSLBStatus(
                    new models.SetDNSSLBStatusRequest({ domainName: props.zone, subDomain: props.subDomain, open: false }),
                ),
            );
        }
    },
};

export interface DnsWeightsArgs {
    zone: pulumi.Input<string>;
    subDomain: pulumi.Input<string>;
    records: pulumi.Input<pulumi.Input<{ side: pulumi.Input<"A" | "B">; recordId: pulumi.Input<string>; weight: pulumi.Input<number> }>[]>;
    /** @default "alidns.aliyuncs.com" */
    endpoint?: pulumi.Input<string>;
    /** @default { retries: 5, backoffMs: 250 } */
    retry?: { retries: number; backoffMs: number };
}

/** Weights of the records under one Alidns name. */
export class DnsWeights extends pulumi.dynamic.Resource {
    declare readonly enabledByUs: pulumi.Output<boolean>;
    declare readonly records: pulumi.Output<WeightedRecord[]>;

    constructor(name: string, args: DnsWeightsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            alidnsWeightsProvider,
            name,
            {
                ...args,
                endpoint: args.endpoint ?? "alidns.aliyuncs.com",
                version: ALIDNS_WEIGHTS_PROVIDER_VERSION,
                enabledByUs: undefined,
                weightingOpen: undefined,
            },
            opts,
            "migration",
            "DnsWeights",
        );
    }
}
