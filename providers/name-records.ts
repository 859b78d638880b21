/**
 * The records of one legacy name, owned from the first record to the last, as a Pulumi dynamic
 * provider: A's record, B's record and the weighting between them, on public Alidns or on
 * PrivateZone (providers/dns-record-apis.ts). One order of calls serves both services, and it
 * is chosen so that at no moment the name answers something the plan never said
 * (shared/notes/alibaba-cloud.md has the vendor facts):
 *
 * - Neither service can add a record paused (`AddDomainRecord`, `AddZoneRecord` have no
 *   status): a record added to a name that already answers is answered at once, unweighted
 *   when weighting is off. So a second record is **born under a staging name** nobody resolves,
 *   paused there, and moved onto the name while paused (`UpdateDomainRecord` /
 *   `UpdateZoneRecord` rewrite the name of a record). The first record of a name is added
 *   directly: it replaces the wildcard's answer with the same address (prepare).
 * - Weighting is switched on only while the name holds two records and at most one of them is
 *   enabled, and off only once a single record is enabled: whatever either service does with a
 *   weighted name of one record (undocumented), the answers are that record.
 * - Gains before losses, A's before B's and B's before A's: the name always answers, and B's
 *   share between two calls never exceeds the larger of its planned shares before and after.
 * - Weight 0 pauses a record, lowered first to weight 1 (a paused record keeps its weight and
 *   answers with it when enabled again; Alidns cannot weight a paused record): no weight is
 *   ever written as 0, so PrivateZone's "all at 0 answers every record, unweighted" never
 *   arises, and a record enabled before it is weighted answers with the least share.
 * - A record leaves only once it is paused and weighting is off; the last record leaves last
 *   (A's, on a rollback), so the name falls back to A's wildcard, never to nothing.
 *
 * The provider object is serialised into the state and captures nothing; SDK clients are
 * made inside the methods, credentials come from the standard Alibaba Cloud chain.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_RETRY, ENGINE_UNKNOWN, RetrySettings } from "./alibaba-calls";
import { alidnsRecords, LiveRecord, privateZoneRecords, RecordBody, RecordsApi } from "./dns-record-apis";

/** The resource type the engine and the offline side see. */
export const NAME_RECORDS_TYPE = "pulumi-nodejs:dynamic/migration:NameRecords";

/** Bump when the provider's behaviour changes: the engine does not see code changes otherwise. */
export const NAME_RECORDS_PROVIDER_VERSION = "1";

/** The TTLs PrivateZone accepts, in seconds (config validates against the same list). */
export const PRIVATEZONE_TTLS = [5, 30, 60, 3600, 43200, 86400];

export type Side = "A" | "B";

/** One record the name should hold. */
export interface NameRecord {
    side: Side;
    type: "A" | "CNAME";
    value: string;
    ttl: number;
    /** Share of answers 0..100 while the name holds two records (0 pauses it); 100 for a name's only record. */
    weight: number;
}

/** A record this resource made, as last applied. */
export interface OwnedRecord extends RecordBody {
    side: Side;
    id: string;
    /** The weight the service holds for it (kept while paused). */
    weight: number;
    status: "ENABLE" | "DISABLE";
}

export interface NameRecordsState {
    service: "alidns" | "privatezone";
    /** The zone (Alidns: the domain; PrivateZone: the zone's name). */
    zone: string;
    /** PrivateZone only: the zone id. */
    zoneId?: string;
    /** The name relative to the zone, e.g. `api01.source-team1.dev`. */
    rr: string;
    /** Where a second record is born (relative to the zone); nobody resolves it. */
    stagingRr: string;
    records: NameRecord[];
    /** The service's API host; the test seam `127.0.0.1:<port>` is spoken to over plain HTTP. */
    endpoint: string;
    retry: RetrySettings;
    version: string;
    /** Output: the records this resource made, as last applied. */
    owned?: OwnedRecord[];
    /** Output: the record type whose weighting this resource switched on, "" when off. */
    weightedType?: string;
}

function connect(s: NameRecordsState): RecordsApi {
    const at = { endpoint: s.endpoint, retry: s.retry ?? DEFAULT_RETRY };
    return s.service === "privatezone" ? privateZoneRecords(s.zoneId!, at) : alidnsRecords(s.zone, at);
}

function fullName(s: Pick<NameRecordsState, "rr" | "zone">): string {
    return s.rr === "@" ? s.zone : `${s.rr}.${s.zone}`;
}

function label(s: NameRecordsState, side: Side, id?: string): string {
    return `${side}'s record${id ? ` ${id}` : ""} of ${fullName(s)}`;
}

function body(r: RecordBody): RecordBody {
    return { type: r.type, value: r.value, ttl: r.ttl };
}

/**
 * Order of the weight steps: A's gains, B's gains, B's losses, A's losses (larger first within
 * each). `before` is each record's share weight now (0 when paused).
 */
export function weightOrder<T extends { side: Side; id: string }>(records: T[], target: (r: T) => number, before: (r: T) => number): T[] {
    const delta = (r: T) => target(r) - before(r);
    const rank = (r: T) => (delta(r) > 0 ? (r.side === "A" ? 0 : 1) : r.side === "B" ? 2 : 3);
    return [...records].sort((x, y) => rank(x) - rank(y) || Math.abs(delta(y)) - Math.abs(delta(x)));
}

interface Known {
    owned: OwnedRecord[];
    weightedType: string;
}

/** Brings the name from `start` (what is applied) to `s.records`, in the order this file's header gives. */
async function converge(api: RecordsApi, s: NameRecordsState, start: Known): Promise<Known> {
    const k: Known = { owned: start.owned.map((o) => ({ ...o })), weightedType: start.weightedType };
    const mine = (side: Side) => k.owned.find((o) => o.side === side);
    const wanted = [...s.records].sort((x, y) => (x.side < y.side ? -1 : 1));

    // 1. Births. A half-born record of an earlier, failed apply may sit on the staging name: it goes first.
    const births = wanted.filter((r) => !mine(r.side));
    if (births.length > 0 && (k.owned.length > 0 || births.length > 1)) {
        for (const l of await api.list(s.stagingRr, `the staging name ${s.stagingRr}`))
            await api.remove(l.id, `leftover ${l.id} on ${s.stagingRr}`);
    }
    for (const r of births) {
        if (k.owned.length === 0) {
            const id = await api.add(s.rr, body(r), label(s, r.side));
            k.owned.push({ side: r.side, id, ...body(r), weight: 1, status: "ENABLE" });
            continue;
        }
        const id = await api.add(s.stagingRr, body(r), `${label(s, r.side)} (born on ${s.stagingRr})`);
        await api.setStatus(id, false, label(s, r.side, id));
        await api.update(id, s.rr, body(r), label(s, r.side, id));
        k.owned.push({ side: r.side, id, ...body(r), weight: 1, status: "DISABLE" });
    }

    // 2. Weighting on while the name holds two records: at this point at most one of them is enabled.
    if (k.owned.length > 1 && !k.weightedType) {
        await api.setWeighting(s.rr, k.owned[0].type, true, fullName(s));
        k.weightedType = k.owned[0].type;
    }

    // 3. Weights: gains before losses; a loss is lowered to 1, then paused.
    const target = (o: OwnedRecord) => {
        const r = s.records.find((x) => x.side === o.side);
        return !r ? 0 : s.records.length > 1 ? r.weight : 100;
    };
    const now = (o: OwnedRecord) => (o.status === "DISABLE" ? 0 : o.weight);
    for (const o of weightOrder(k.owned, target, now)) {
        const w = target(o);
        if (w > 0) {
            if (o.status === "DISABLE") {
                await api.setStatus(o.id, true, label(s, o.side, o.id));
                o.status = "ENABLE";
            }
            if (k.weightedType && o.weight !== w) {
                await api.setWeight(o.id, w, label(s, o.side, o.id));
                o.weight = w;
            }
        } else if (o.status === "ENABLE") {
            if (k.weightedType && o.weight !== 1) {
                await api.setWeight(o.id, 1, label(s, o.side, o.id));
                o.weight = 1;
            }
            await api.setStatus(o.id, false, label(s, o.side, o.id));
            o.status = "DISABLE";
        }
    }

    // 4. Weighting off once one record is wanted: it is the only one enabled now.
    if (s.records.length === 1 && k.weightedType) {
        await api.setWeighting(s.rr, k.weightedType, false, fullName(s));
        k.weightedType = "";
    }

    // 5. Records no longer wanted (paused, unweighted) go.
    for (const o of k.owned.filter((x) => !s.records.some((r) => r.side === x.side))) {
        await api.remove(o.id, label(s, o.side, o.id));
        k.owned = k.owned.filter((x) => x !== o);
    }

    // 6. In place: TTL, value, and type (the check allows a type change only on a name's single record).
    for (const r of wanted) {
        const o = mine(r.side)!;
        if (o.type === r.type && o.value === r.value && o.ttl === r.ttl) continue;
        await api.update(o.id, s.rr, body(r), label(s, o.side, o.id));
        Object.assign(o, body(r));
    }
    return k;
}

/** The records on the name at create: those equal to a wanted one are adopted (a create that failed half-way); others refuse. */
function adopt(api: RecordsApi, s: NameRecordsState, live: LiveRecord[]): OwnedRecord[] {
    const owned: OwnedRecord[] = [];
    for (const l of live) {
        const r = s.records.find((x) => x.type === l.type && x.value === l.value && !owned.some((o) => o.side === x.side));
        if (!r) {
            throw new Error(
                `${api.service}: ${fullName(s)} already holds ${l.type === "A" ? "an" : "a"} ${l.type} record ${l.id} (${l.value}) this stack did not make; ` +
                    `remove it, or leave the name out of the cutover, before the cutover manages the name`,
            );
        }
        owned.push({ side: r.side, id: l.id, type: l.type, value: l.value, ttl: l.ttl, weight: l.weight, status: l.status });
    }
    return owned;
}

const known = (v: unknown) => v !== ENGINE_UNKNOWN && v !== undefined;

export const nameRecordsProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: NameRecordsState, news: NameRecordsState): Promise<pulumi.dynamic.CheckResult> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const records = Array.isArray(news.records) ? news.records : [];
        if (records.length < 1 || records.length > 2)
            failures.push({ property: "records", reason: "one record (A's or B's) or two (A's and B's)" });
        if (new Set(records.map((r) => r.side)).size !== records.length)
            failures.push({ property: "records", reason: "each side at most once" });
        records.forEach((r, i) => {
            if (known(r.weight) && (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100))
                failures.push({
                    property: `records[${i}].weight`,
                    reason: `${JSON.stringify(r.weight)} is not a whole percentage 0..100 (0 pauses the record)`,
                });
            if (records.length === 1 && known(r.weight) && r.weight !== 100)
                failures.push({ property: `records[${i}].weight`, reason: `${r.weight}: a name's only record answers everything (100)` });
            if (news.service === "privatezone" && known(r.ttl) && !PRIVATEZONE_TTLS.includes(r.ttl))
                failures.push({
                    property: `records[${i}].ttl`,
                    reason: `${r.ttl} is not a PrivateZone TTL (one of ${PRIVATEZONE_TTLS.join(", ")})`,
                });
        });
        if (records.length === 2 && records.every((r) => r.weight === 0))
            failures.push({
                property: "records",
                reason: "every weight is 0: the name would answer nothing (PrivateZone: every record, unweighted); keep one above 0",
            });
        if (new Set(records.map((r) => r.type)).size > 1)
            failures.push({ property: "records", reason: "a name cannot hold an A record and a CNAME at once" });
        // A name holds A records or one CNAME: the type changes only as its single record, in place.
        const before = Array.isArray(olds?.records) ? olds.records : [];
        const types = (rs: NameRecord[]) => [...new Set(rs.map((r) => r.type))].join("/");
        const inPlace = before.length === 1 && records.length === 1 && before[0].side === records[0].side;
        if (before.length > 0 && records.length > 0 && types(before) !== types(records) && !inPlace) {
            failures.push({
                property: "records",
                reason: `the name's records would change type (${types(before)} → ${types(records)}) while it holds two records: the service refuses a name with both; change the type of the name's single record first (complete), then add or remove records`,
            });
        }
        if (news.service === "privatezone" && !news.zoneId) failures.push({ property: "zoneId", reason: "the PrivateZone zone id" });
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: NameRecordsState, news: NameRecordsState): Promise<pulumi.dynamic.DiffResult> {
        // A different name or zone is a different resource; everything else is an update in place.
        const replaces = (["service", "zone", "zoneId", "rr", "stagingRr"] as const).filter(
            (k) => news[k] !== ENGINE_UNKNOWN && (olds[k] ?? "") !== (news[k] ?? ""),
        );
        const shape = (rs: NameRecord[]) => JSON.stringify((rs ?? []).map((r) => [r.side, r.type, r.value, r.ttl, r.weight]));
        const changes =
            replaces.length > 0 ||
            shape(olds.records) !== shape(news.records) ||
            olds.endpoint !== news.endpoint ||
            JSON.stringify(olds.retry) !== JSON.stringify(news.retry) ||
            olds.version !== news.version;
        return { changes, replaces, deleteBeforeReplace: true, stables: ["zone", "rr"] };
    },

    async create(inputs: NameRecordsState): Promise<pulumi.dynamic.CreateResult> {
        const api = connect(inputs);
        const owned = adopt(api, inputs, await api.list(inputs.rr, fullName(inputs)));
        const k = await converge(api, inputs, { owned, weightedType: "" });
        return { id: `${inputs.zoneId ?? inputs.zone}/${inputs.rr}`, outs: { ...inputs, owned: k.owned, weightedType: k.weightedType } };
    },

    async update(_id: string, olds: NameRecordsState, news: NameRecordsState): Promise<pulumi.dynamic.UpdateResult> {
        const k = await converge(connect(news), news, { owned: olds.owned ?? [], weightedType: olds.weightedType ?? "" });
        return { outs: { ...news, owned: k.owned, weightedType: k.weightedType } };
    },

    async read(id: string, props: NameRecordsState): Promise<pulumi.dynamic.ReadResult> {
        const live = new Map((await connect(props).list(props.rr, fullName(props))).map((l) => [l.id, l]));
        const owned = (props.owned ?? []).filter((o) => live.has(o.id)).map((o) => ({ ...o, ...pick(live.get(o.id)!) }));
        if (owned.length === 0) return { id: "", props: {} };
        // What the service holds, so `pulumi refresh` shows drift and the next `up` converges it.
        const records = props.records
            .map((r) => ({ r, o: owned.find((x) => x.side === r.side) }))
            .filter(({ o }) => o !== undefined)
            .map(({ r, o }) => ({
                ...r,
                ...body(o!),
                weight: o!.status === "DISABLE" ? 0 : props.records.length > 1 ? o!.weight : r.weight,
            }));
        return { id, props: { ...props, records, owned } };
    },

    async delete(_id: string, props: NameRecordsState): Promise<void> {
        const api = connect(props);
        let k: Known = { owned: props.owned ?? [], weightedType: props.weightedType ?? "" };
        // B leaves first, exactly as a rollback to A's record alone; the last record leaves last.
        const a = k.owned.find((o) => o.side === "A");
        if (a && k.owned.length > 1)
            k = await converge(api, { ...props, records: [{ side: "A", ...body(a), type: a.type as "A", weight: 100 }] }, k);
        for (const o of k.owned) await api.remove(o.id, label(props, o.side, o.id));
    },
};

function pick(l: LiveRecord): Omit<OwnedRecord, "side" | "id"> {
    return { type: l.type, value: l.value, ttl: l.ttl, weight: l.weight, status: l.status };
}

export interface NameRecordsArgs {
    service: "alidns" | "privatezone";
    zone: string;
    /** PrivateZone only. */
    zoneId?: string;
    rr: string;
    stagingRr: string;
    records: pulumi.Input<pulumi.Input<{ side: Side; type: "A" | "CNAME"; value: pulumi.Input<string>; ttl: number; weight: number }>[]>;
    /** @default "alidns.aliyuncs.com" or "pvtz.aliyuncs.com" */
    endpoint?: pulumi.Input<string>;
    /** @default { retries: 5, backoffMs: 250 } */
    retry?: RetrySettings;
}

/** The records of one legacy name and their weights, owned from first to last. */
export class NameRecords extends pulumi.dynamic.Resource {
    declare readonly owned: pulumi.Output<OwnedRecord[]>;

    constructor(name: string, args: NameRecordsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            nameRecordsProvider,
            name,
            {
                ...args,
                endpoint: args.endpoint ?? (args.service === "privatezone" ? "pvtz.aliyuncs.com" : "alidns.aliyuncs.com"),
                retry: args.retry ?? DEFAULT_RETRY,
                version: NAME_RECORDS_PROVIDER_VERSION,
                owned: undefined,
                weightedType: undefined,
            },
            opts,
            "migration",
            "NameRecords",
        );
    }
}
