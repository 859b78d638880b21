/**
 * Weighted answers for one name in an Alibaba Cloud PrivateZone zone, as a Pulumi dynamic
 * provider. There is no PrivateZone SDK package in the registry we reach, so the calls go
 * through Alibaba's official `@alicloud/openapi-core` generic RPC call (`callApi`, pvtz API
 * 2018-01-01), signed by the SDK — the same call shape the generated Alidns SDK uses.
 *
 * PrivateZone, unlike public Alidns (shared/notes/alibaba-cloud.md):
 * - weights apply only in FAST_ZONE (acceleration) zones; a NORMAL zone ignores them;
 * - `UpdateZoneRecordWeight` takes 0..100 and 0 means "not answered" — but when every record
 *   is at 0, every record is answered, unweighted: no state may have all weights at 0;
 * - `SetZoneLbaStatus` is the weighting switch for one name (Rr, Type, Line).
 * Every change raises the gaining records before it lowers the losing ones, so the weights
 * never pass through all-zero; rolling back (delete) pauses B before weighting goes off.
 *
 * Not yet wired into the cutover stack (the DNS-service seam comes with it); tested through
 * the real dynamic-provider host (test/privatezone-host.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { AlibabaCallError, callError, DEFAULT_RETRY, ENGINE_UNKNOWN, withRetries } from "./alibaba-calls";

/** The resource type the engine and the offline side see for PvtzWeights. */
export const PVTZ_WEIGHTS_TYPE = "pulumi-nodejs:dynamic/migration:PvtzWeights";

/** Bump when the provider's behaviour changes: the engine does not see code changes otherwise. */
export const PVTZ_WEIGHTS_PROVIDER_VERSION = "1";

export interface PvtzWeightedRecord {
    side: "A" | "B";
    recordId: string;
    /** 0..100; 0 is not answered (while another record is above 0). */
    weight: number;
}

export interface PvtzWeightsState {
    /** The PrivateZone zone id. */
    zoneId: string;
    /** The name relative to the zone, e.g. `api01.source-team1.dev`. */
    rr: string;
    /** The full name, for messages. */
    subDomain: string;
    /** The weighted record type. @default "A" */
    type: "A" | "AAAA" | "CNAME";
    records: PvtzWeightedRecord[];
    /** The pvtz API host; the test seam `127.0.0.1:<port>` is spoken to over plain HTTP. @default "pvtz.aliyuncs.com" */
    endpoint: string;
    /** Retries of a throttled or unavailable call, and the first backoff in ms. */
    retry: { retries: number; backoffMs: number };
    version: string;
    /** Output: whether this resource switched weighting on. */
    enabledByUs?: boolean;
}

type Call = (action: string, target: string, query: Record<string, string | number | boolean>) => Promise<Record<string, unknown>>;

/** A PrivateZone failure: a plain Error with fields (a class would lose its message in the host). */
export interface PvtzError extends AlibabaCallError {
    name: "PvtzError";
}

export function isPvtzError(err: unknown): err is PvtzError {
    return err instanceof Error && err.name === "PvtzError";
}

/** The signed RPC caller for one resource's settings, with bounded, jittered retries of throttling. */
function connect(state: Pick<PvtzWeightsState, "endpoint" | "retry">): Call {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const core = require("@alicloud/openapi-core");
    const Credential = require("@alicloud/credentials").default;
    const { RuntimeOptions } = require("@darabonba/typescript");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const loopback = state.endpoint.startsWith("127.0.0.1:");
    const Client = core.default;
    const client = new Client(
        new core.$OpenApiUtil.Config({
            credential: new Credential(),
            endpoint: state.endpoint,
            protocol: loopback ? "http" : "https",
            readTimeout: 10_000,
            connectTimeout: 5_000,
        }),
    );
    return async (action, target, query) => {
        const params = new core.$OpenApiUtil.Params({
            action,
            version: "2018-01-01",
            protocol: loopback ? "HTTP" : "HTTPS",
            pathname: "/",
            method: "POST",
            authType: "AK",
            style: "RPC",
            reqBodyType: "formData",
            bodyType: "json",
        });
        const request = new core.$OpenApiUtil.OpenApiRequest({ query: core.OpenApiUtil.query(query) });
        return withRetries(
            async () => ((await client.callApi(params, request, new RuntimeOptions({}))) as { body?: Record<string, unknown> }).body ?? {},
            state.retry,
            (cause, attempts) => callError("PvtzError", "PrivateZone", action, target, cause, attempts),
        );
    };
}

function label(r: PvtzWeightedRecord, subDomain: string): string {
    return `record ${r.recordId} (side ${r.side}) of ${subDomain}`;
}

/**
 * A's increases, then B's, then B's decreases, then A's: gains before losses (the weights never
 * pass through all-zero), and B's share between two steps never exceeds the larger of its
 * shares before and after.
 */
export function pvtzOrder(records: PvtzWeightedRecord[], before: Map<string, number>): PvtzWeightedRecord[] {
    const delta = (r: PvtzWeightedRecord) => r.weight - (before.get(r.recordId) ?? 0);
    const rank = (r: PvtzWeightedRecord) => (delta(r) > 0 ? (r.side === "A" ? 0 : 1) : r.side === "B" ? 2 : 3);
    return [...records].sort((x, y) => rank(x) - rank(y) || Math.abs(delta(y)) - Math.abs(delta(x)));
}

/** Live weights of the name's records (DescribeZoneRecords, exact match on Rr). */
async function liveWeights(call: Call, s: PvtzWeightsState): Promise<Map<string, { weight: number; status: string }>> {
    const body = await call("DescribeZoneRecords", s.subDomain, { ZoneId: s.zoneId, Keyword: s.rr, SearchMode: "EXACT", PageSize: 100 });
    const list = ((body.Records as { Record?: Record<string, unknown>[] } | undefined)?.Record ?? []).filter((r) => r.Rr === s.rr);
    return new Map(list.map((r) => [String(r.RecordId), { weight: Number(r.Weight ?? 1), status: String(r.Status ?? "ENABLE") }]));
}

/** Writes each changed weight, gaining first; `known` is the applied state. */
async function converge(call: Call, s: PvtzWeightsState, known: Map<string, number>): Promise<void> {
    for (const r of pvtzOrder(s.records, known)) {
        if (known.get(r.recordId) === r.weight) continue;
        await call("UpdateZoneRecordWeight", label(r, s.subDomain), { RecordId: r.recordId, Weight: r.weight });
    }
}

export const pvtzWeightsProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: PvtzWeightsState, news: PvtzWeightsState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const ids = new Set<string>();
        (news.records ?? []).forEach((r, i) => {
            if (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100) {
                failures.push({ property: `records[${i}].weight`, reason: `${JSON.stringify(r.weight)} is not a weight 0..100` });
            }
            if (r.recordId === ENGINE_UNKNOWN) return;
            if (ids.has(r.recordId)) failures.push({ property: `records[${i}].recordId`, reason: `record ${r.recordId} is listed twice` });
            ids.add(r.recordId);
        });
        if ((news.records ?? []).length > 0 && news.records.every((r) => r.weight === 0)) {
            failures.push({
                property: "records",
                reason: "every weight is 0: PrivateZone then answers every record, unweighted; keep at least one above 0",
            });
        }
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: PvtzWeightsState, news: PvtzWeightsState): Promise<pulumi.dynamic.DiffResult> {
        const replaces = (["zoneId", "rr", "type"] as const).filter((k) => news[k] !== ENGINE_UNKNOWN && olds[k] !== news[k]);
        const same = (a: PvtzWeightedRecord[], b: PvtzWeightedRecord[]) =>
            JSON.stringify(a.map((r) => [r.side, r.recordId, r.weight])) === JSON.stringify(b.map((r) => [r.side, r.recordId, r.weight]));
        const changes =
            replaces.length > 0 ||
            !same(olds.records ?? [], news.records) ||
            olds.endpoint !== news.endpoint ||
            olds.version !== news.version;
        return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: PvtzWeightsState): Promise<pulumi.dynamic.CreateResult> {
        const call = connect(inputs);
        const live = await liveWeights(call, inputs);
        for (const r of inputs.records) {
            if (!live.has(r.recordId))
                throw new Error(`PrivateZone: ${label(r, inputs.subDomain)} is not a record of that name in zone ${inputs.zoneId}`);
        }
        // Weights first (records answer as planned the moment weighting is on), then the switch,
        // then the records born paused (B) are enabled: they answer at their weight from the start.
        await converge(call, inputs, new Map([...live].map(([id, l]) => [id, l.weight])));
        await call("SetZoneLbaStatus", inputs.subDomain, { ZoneId: inputs.zoneId, Rr: inputs.rr, Type: inputs.type, Open: true });
        for (const r of inputs.records.filter((x) => x.weight > 0 && live.get(x.recordId)?.status === "DISABLE")) {
            await call("SetZoneRecordStatus", label(r, inputs.subDomain), { RecordId: r.recordId, Status: "ENABLE" });
        }
        return { id: `${inputs.zoneId}/${inputs.rr}`, outs: { ...inputs, enabledByUs: true } };
    },

    async update(_id: string, olds: PvtzWeightsState, news: PvtzWeightsState): Promise<pulumi.dynamic.UpdateResult> {
        await converge(connect(news), news, new Map((olds.records ?? []).map((r) => [r.recordId, r.weight])));
        return { outs: { ...news, enabledByUs: olds.enabledByUs ?? true } };
    },

    async read(id: string, props: PvtzWeightsState): Promise<pulumi.dynamic.ReadResult> {
        const live = await liveWeights(connect(props), props);
        const records = props.records.filter((r) => live.has(r.recordId)).map((r) => ({ ...r, weight: live.get(r.recordId)!.weight }));
        return { id, props: { ...props, records } };
    },

    async delete(_id: string, props: PvtzWeightsState): Promise<void> {
        const call = connect(props);
        const live = await liveWeights(call, props);
        // Rolling back: with weighting off every enabled record answers, so B is paused first.
        const aAlive = props.records.some((r) => r.side === "A" && live.has(r.recordId));
        if (aAlive) {
            for (const r of props.records.filter((x) => x.side === "B" && live.get(x.recordId)?.status === "ENABLE")) {
                await call("SetZoneRecordStatus", label(r, props.subDomain), { RecordId: r.recordId, Status: "DISABLE" });
            }
        }
        if (props.enabledByUs)
            await call("SetZoneLbaStatus", props.subDomain, { ZoneId: props.zoneId, Rr: props.rr, Type: props.type, Open: false });
    },
};

export interface PvtzWeightsArgs {
    zoneId: pulumi.Input<string>;
    rr: pulumi.Input<string>;
    subDomain: pulumi.Input<string>;
    /** @default "A" */
    type?: "A" | "AAAA" | "CNAME";
    records: pulumi.Input<pulumi.Input<{ side: pulumi.Input<"A" | "B">; recordId: pulumi.Input<string>; weight: pulumi.Input<number> }>[]>;
    /** @default "pvtz.aliyuncs.com" */
    endpoint?: pulumi.Input<string>;
    /** @default { retries: 5, backoffMs: 250 } */
    retry?: { retries: number; backoffMs: number };
}

/** Weights of the records under one PrivateZone name. */
export class PvtzWeights extends pulumi.dynamic.Resource {
    declare readonly enabledByUs: pulumi.Output<boolean>;

    constructor(name: string, args: PvtzWeightsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            pvtzWeightsProvider,
            name,
            {
                ...args,
                type: args.type ?? "A",
                endpoint: args.endpoint ?? "pvtz.aliyuncs.com",
                retry: args.retry ?? DEFAULT_RETRY,
                version: PVTZ_WEIGHTS_PROVIDER_VERSION,
                enabledByUs: undefined,
            },
            opts,
            "migration",
            "PvtzWeights",
        );
    }
}
