/**
 * The records of one legacy name, owned from the first record to the last, as a Pulumi dynamic
 * provider: A's record, B's record and the weighting between them, on public Alidns or on
 * PrivateZone (providers/dns-record-apis.ts). One order of calls serves both services, and it
 * is chosen so that at no moment the name answers something the plan never said. Each step
 * rests on a documented vendor fact (shared/notes/alibaba-cloud.md; docs/design.md "Which invariant
 * each step keeps"):
 *
 * - Neither service can add a record paused (`AddDomainRecord`, `AddZoneRecord` have no
 *   status): a record added to a name that already answers is answered at once. So a second
 *   record is **born under a staging name** nobody resolves, paused there, and moved onto the
 *   name while paused (`UpdateDomainRecord` / `UpdateZoneRecord` rewrite a record's name;
 *   PrivateZone's `Weight` is sent again on every update, since it defaults to 1). The first
 *   record of a name is added directly: it replaces the wildcard's answer with the same answer.
 * - Weighting: A and AAAA records have a per-name switch on both services (`SetDNSSLBStatus`,
 *   `SetZoneLbaStatus`, "only A and AAAA"); it goes on only while the name holds two records and
 *   at most one is enabled, and off only once a single record is enabled. PrivateZone CNAMEs
 *   have no switch: in an acceleration zone several CNAMEs on a name are always weighted, so
 *   the same order holds with weighting always on (a single weighted record answers itself).
 * - Gains before losses, A's before B's and B's before A's: the name always answers, and B's
 *   share between two calls never exceeds the larger of its planned shares before and after
 *   (a record enabled at weight 1 beside a partner already at its planned weight 100 − w takes
 *   1 / (101 − w) ≤ w / 100).
 * - A loss is lowered to weight 1, then paused: no weight is ever written as 0, so PrivateZone's
 *   "all at 0 answers every record, unweighted" never arises.
 * - A record leaves only once it is paused and weighting is off; the last record leaves last,
 *   so the name falls back to A's wildcard, never to nothing.
 * - PrivateZone: the zone must be an acceleration zone (`DescribeZoneInfo.DnsGroup` FAST_ZONE:
 *   weights exist only there, and a regular zone holds one CNAME per name); read before the
 *   first write, refused otherwise.
 * - Resumable: every create, update and delete first reads what the service holds. A record on
 *   the name that this resource made is known by id; one a half-done earlier apply left (same
 *   type and value as a wanted record of a side not held) is adopted; anything else on the name
 *   is refused, by id. Records on the staging name are leftovers of a half-done birth and go.
 *   So a run that failed half-way converges on the next run with no manual step.
 *
 * The provider object is serialised into the state and captures nothing; SDK clients are
 * made inside the methods, credentials come from the standard Alibaba Cloud chain.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_LINE, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_RETRY, ENGINE_UNKNOWN, RetrySettings } from "./alibaba-calls";
import { alidnsRecords, LiveRecord, privateZoneRecords, RecordBody, RecordsApi } from "./dns-record-apis";
import { NAME_RECORDS_TYPE } from "../vocabulary/resource-types";
export { NAME_RECORDS_TYPE };

/** Bump when the provider's behaviour changes: the engine does not see code changes otherwise. */
export const NAME_RECORDS_PROVIDER_VERSION = "2";

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
    /** The resolution line of the records. @default "default" */
    line?: string;
    /** Requests per second to the endpoint from the whole provider process. @default 20 */
    perSecond?: number;
    version: string;
    /** Output: the records this resource made, as last applied. */
    owned?: OwnedRecord[];
    /** Output: the record type whose weighting this resource switched on, "" when off. */
    weightedType?: string;
}

function connect(s: NameRecordsState): RecordsApi {
    const at = {
        endpoint: s.endpoint,
        retry: s.retry ?? DEFAULT_RETRY,
        perSecond: s.perSecond ?? DEFAULT_REQUESTS_PER_SECOND,
        line: s.line ?? DEFAULT_LINE,
    };
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

/** Refuses a zone that cannot weight (PrivateZone's regular zones), before anything is written. */
async function checkZone(api: RecordsApi, s: NameRecordsState): Promise<void> {
    const zone = await api.zoneInfo(`zone ${s.zoneId}`);
    if (!zone) return;
    if (zone.changing)
        throw new Error(
            `PrivateZone zone ${s.zoneId} (${s.zone}) is changing its DNS group (DnsGroupChanging): apply again once DescribeZoneInfo reports FAST_ZONE`,
        );
    if (zone.dnsGroup !== "FAST_ZONE")
        throw new Error(
            `PrivateZone zone ${s.zoneId} (${s.zone}) is a regular zone (DnsGroup ${zone.dnsGroup || "not reported"}): weights exist only in ` +
                `acceleration zones (FAST_ZONE), and a regular zone holds one CNAME per name; switch it with ChangeZoneDnsGroup ` +
                `(NORMAL_ZONE → FAST_ZONE; it cannot be switched back), then apply again. Nothing was written to ${fullName(s)}`,
        );
}

/**
 * What the service holds now for the name, as the provider's view: records this resource made
 * (by id, with their live weight and status), records a half-done apply left that equal a
 * wanted one (adopted), and the weighting switch as far as it can be known (no documented call
 * reports it). Anything else on the name is refused by id. `stagingRrs`: staging names whose records are leftovers (removed).
 */
async function reconcile(api: RecordsApi, s: NameRecordsState, start: Known, stagingRrs: string[]): Promise<Known> {
    const live = await api.list(s.rr, fullName(s));
    const owned: OwnedRecord[] = [];
    for (const o of start.owned) {
        const l = live.find((x) => x.id === o.id);
        if (l) owned.push({ side: o.side, id: l.id, ...pick(l) });
    }
    for (const l of live.filter((x) => !owned.some((o) => o.id === x.id))) {
        const r = s.records.find((x) => x.type === l.type && x.value === l.value && !owned.some((o) => o.side === x.side));
        if (!r) {
            throw new Error(
                `${api.service}: ${fullName(s)} holds ${l.type === "A" ? "an" : "a"} ${l.type} record ${l.id} (${l.value}, ${l.status === "ENABLE" ? "enabled" : "paused"}) that this stack does not own and no record of this step equals; ` +
                    `if an earlier apply stopped half-way, apply that same config again (it adopts the record) before this one, or remove record ${l.id} by hand`,
            );
        }
        owned.push({ side: r.side, id: l.id, ...pick(l) });
    }
    for (const rr of [...new Set(stagingRrs)]) {
        for (const l of await api.list(rr, `the staging name ${rr}`)) await api.remove(l.id, `leftover ${l.id} on ${rr}`);
    }
    // PrivateZone reports no name's weighting switch. What the last apply recorded holds while the
    // name is as it left it; after a half-done apply the switch is asserted again before anything is
    // enabled (on is idempotent, and by this order the switch is only ever on while two records are held).
    const asLeft =
        live.length === start.owned.length &&
        start.owned.every((o) => live.some((l) => l.id === o.id && l.status === o.status && l.weight === o.weight));
    const weightedType = owned.length === 0 ? "" : asLeft || owned.length === 1 ? start.weightedType : "";
    return { owned, weightedType };
}

/** Brings the name from what it holds (`start`, read by `reconcile`) to `s.records`, in the order this file's header gives. */
async function converge(api: RecordsApi, s: NameRecordsState, start: Known): Promise<Known> {
    const k: Known = { owned: start.owned.map((o) => ({ ...o })), weightedType: start.weightedType };
    const mine = (side: Side) => k.owned.find((o) => o.side === side);
    const wanted = [...s.records].sort((x, y) => (x.side < y.side ? -1 : 1));
    // A name holds one type of record at a time (Check refuses a change of type while it holds two).
    const weighted = () => k.weightedType !== "" || (k.owned.length > 0 && api.alwaysWeighted(k.owned[0].type));

    // 1. Births: the name's first record directly (it answers what the wildcard answered); any
    //    other on the staging name, paused there, moved on paused (weight 1: the least share).
    for (const r of wanted.filter((x) => !mine(x.side))) {
        if (k.owned.length === 0) {
            const { id, weight } = await api.add(s.rr, body(r), 100, label(s, r.side));
            k.owned.push({ side: r.side, id, ...body(r), weight, status: "ENABLE" });
            continue;
        }
        const { id } = await api.add(s.stagingRr, body(r), 1, `${label(s, r.side)} (born on ${s.stagingRr})`);
        await api.setStatus(id, false, label(s, r.side, id));
        await api.update(id, s.rr, body(r), 1, label(s, r.side, id));
        k.owned.push({ side: r.side, id, ...body(r), weight: 1, status: "DISABLE" });
    }

    // 2. Weighting switched on while the name holds two records: at this point at most one of them is enabled.
    if (k.owned.length > 1 && !k.weightedType && api.hasSwitch(k.owned[0].type)) {
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
            if (weighted() && o.weight !== w) {
                await api.setWeight(o.id, w, label(s, o.side, o.id));
                o.weight = w;
            }
        } else if (o.status === "ENABLE") {
            if (weighted() && o.weight !== 1) {
                await api.setWeight(o.id, 1, label(s, o.side, o.id));
                o.weight = 1;
            }
            await api.setStatus(o.id, false, label(s, o.side, o.id));
            o.status = "DISABLE";
        }
    }

    // 4. Weighting switched off once one record is wanted: it is the only one enabled now.
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
        await api.update(o.id, s.rr, body(r), o.weight, label(s, o.side, o.id));
        Object.assign(o, body(r));
    }
    return k;
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
        if (news.service === "alidns" && records.length > 1 && records.every((r) => r.type === "CNAME"))
            failures.push({
                property: "records",
                reason: "Alidns holds one CNAME per name and weights A and AAAA records only: B addressed by a host name needs dns.service privatezone",
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
        // A different name, zone or line is a different resource; everything else is an update in place
        // (the staging name too: it only says where the next record is born).
        const replaces: string[] = (["service", "zone", "zoneId", "rr"] as const).filter(
            (k) => news[k] !== ENGINE_UNKNOWN && (olds[k] ?? "") !== (news[k] ?? ""),
        );
        if ((olds.line ?? DEFAULT_LINE) !== (news.line ?? DEFAULT_LINE)) replaces.push("line");
        const shape = (rs: NameRecord[]) => JSON.stringify((rs ?? []).map((r) => [r.side, r.type, r.value, r.ttl, r.weight]));
        const changes =
            replaces.length > 0 ||
            shape(olds.records) !== shape(news.records) ||
            olds.endpoint !== news.endpoint ||
            (olds.stagingRr ?? "") !== (news.stagingRr ?? "") ||
            JSON.stringify(olds.retry) !== JSON.stringify(news.retry) ||
            olds.version !== news.version;
        return { changes, replaces, deleteBeforeReplace: true, stables: ["zone", "rr"] };
    },

    async create(inputs: NameRecordsState): Promise<pulumi.dynamic.CreateResult> {
        const api = connect(inputs);
        await checkZone(api, inputs);
        // Records equal to wanted ones are a create that failed half-way: adopted. Others refuse.
        // A staging leftover is possible only where a create births a second record.
        const start = await reconcile(api, inputs, { owned: [], weightedType: "" }, inputs.records.length > 1 ? [inputs.stagingRr] : []);
        const k = await converge(api, inputs, start);
        return { id: `${inputs.zoneId ?? inputs.zone}/${inputs.rr}`, outs: { ...inputs, owned: k.owned, weightedType: k.weightedType } };
    },

    async update(_id: string, olds: NameRecordsState, news: NameRecordsState): Promise<pulumi.dynamic.UpdateResult> {
        const api = connect(news);
        // Staging names are read when a record is to be born or the staging name moved (leftovers of a half-done birth go).
        const births = news.records.some((r) => !(olds.owned ?? []).some((o) => o.side === r.side));
        const staging = births || olds.stagingRr !== news.stagingRr ? [news.stagingRr, olds.stagingRr ?? news.stagingRr] : [];
        const start = await reconcile(api, news, { owned: olds.owned ?? [], weightedType: olds.weightedType ?? "" }, staging);
        const k = await converge(api, news, start);
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
        let k = await reconcile(api, props, { owned: props.owned ?? [], weightedType: props.weightedType ?? "" }, [props.stagingRr]);
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
    /** @default "default" */
    line?: string;
    /** Requests per second to the endpoint from the whole provider process. @default 20 */
    perSecond?: number;
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
                line: args.line ?? DEFAULT_LINE,
                perSecond: args.perSecond ?? DEFAULT_REQUESTS_PER_SECOND,
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
