/**
 * One legacy name on either DNS service's loopback double, as the NameRecords provider sees it:
 * the provider's state for a list of records, what the name answers after every call, the
 * calls made. Lets one test body (and the property test) run against both services.
 */
import { NAME_RECORDS_PROVIDER_VERSION, NameRecord, NameRecordsState, nameRecordsProvider } from "../../providers/name-records";
import { A_ADDRESS, ZONE } from "../helpers";
import { AlidnsDouble } from "./alidns";
import { Moment } from "./answers";
import { PrivateZoneDouble } from "./privatezone";

export const RR = "api01.source-team1.dev";
export const STAGING_RR = "api01-staging";
export const NAME = `${RR}.${ZONE}`;
export const ZONE_ID = "zone-fast-1";

/** A record on the name as the service holds it, without its id. */
export interface Held {
    rr: string;
    type: string;
    value: string;
    ttl: number;
    weight: number;
    status: string;
}

export interface NameService {
    kind: "alidns" | "privatezone";
    double: AlidnsDouble | PrivateZoneDouble;
    start(): Promise<void>;
    stop(): Promise<void>;
    /** Forgets every record, call and moment; A's wildcard `*.source-team1.dev` answers again. */
    reset(): void;
    state(records: NameRecord[]): NameRecordsState;
    /** What the legacy name answered after each call since the last reset. */
    moments(): Moment[];
    log(): string[];
    /** Records on the legacy name and the staging name, by id. */
    held(): Map<string, Held>;
    /** Whether weighting is on for the legacy name. */
    weighting(): boolean;
    /** Which side each record seen so far is (A's address is A), kept after the record goes. */
    sides: Map<string, string>;
}

/** Remembers the side of every record on the name or the staging name now. */
export function remember(svc: NameService): void {
    for (const [id, r] of svc.held()) svc.sides.set(id, r.value === A_ADDRESS ? "A" : "B");
}

function wildcardRr(): string {
    return `*.${RR.slice(RR.indexOf(".") + 1)}`;
}

/** What differs between the two services' harnesses; the rest is `nameService`'s. */
interface ServiceParts {
    /** Forgets the double's records and weighting, then adds A's wildcard and starts watching the name. */
    seed(): void;
    /** The state fields only this service has. */
    extra: Partial<NameRecordsState>;
    momentsKey: string;
    held(): Map<string, Held>;
    weighting(): boolean;
}

function nameService(kind: NameService["kind"], d: AlidnsDouble | PrivateZoneDouble, parts: ServiceParts): NameService {
    return {
        kind,
        double: d,
        sides: new Map(),
        start: () => d.start(),
        stop: () => d.stop(),
        reset() {
            this.sides.clear();
            d.calls.length = 0;
            parts.seed();
        },
        state: (records) => ({
            service: kind,
            zone: ZONE,
            rr: RR,
            stagingRr: STAGING_RR,
            records,
            endpoint: d.endpoint,
            retry: { retries: 2, backoffMs: 5 },
            // No pace: these tests count calls, not time (test/rate.test.ts paces).
            perSecond: 0,
            version: NAME_RECORDS_PROVIDER_VERSION,
            ...parts.extra,
        }),
        moments: () => d.moments.get(parts.momentsKey) ?? [],
        log: () => d.log(),
        held: () => parts.held(),
        weighting: () => parts.weighting(),
    };
}

const onName = (rr: string) => rr === RR || rr === STAGING_RR;

export function alidnsName(): NameService {
    const d = new AlidnsDouble();
    return nameService("alidns", d, {
        seed() {
            d.records.clear();
            d.weighting.clear();
            d.addRecord({ zone: ZONE, rr: wildcardRr(), value: A_ADDRESS, ttl: 600 });
            d.watch(NAME);
        },
        extra: {},
        momentsKey: NAME,
        held: () =>
            new Map(
                [...d.records.values()]
                    .filter((r) => onName(r.RR))
                    .map((r) => [r.RecordId, { rr: r.RR, type: r.Type, value: r.Value, ttl: r.TTL, weight: r.Weight, status: r.Status }]),
            ),
        weighting: () => d.weighting.get(NAME) === true,
    });
}

export function privateZoneName(): NameService {
    const d = new PrivateZoneDouble();
    return nameService("privatezone", d, {
        seed() {
            d.records.clear();
            d.lba.clear();
            d.addRecord({ zoneId: ZONE_ID, rr: wildcardRr(), value: A_ADDRESS, ttl: 3600 });
            d.watch(ZONE_ID, RR);
        },
        extra: { zoneId: ZONE_ID },
        momentsKey: `${ZONE_ID}/${RR}`,
        held: () =>
            new Map(
                [...d.records.values()]
                    .filter((r) => onName(r.Rr))
                    .map((r) => [r.RecordId, { rr: r.Rr, type: r.Type, value: r.Value, ttl: r.Ttl, weight: r.Weight, status: r.Status }]),
            ),
        weighting: () => [...d.lba.entries()].some(([k, v]) => v && k.startsWith(`${ZONE_ID}/${RR}/`)),
    });
}

/**
 * One apply of `records` as the engine runs it: Check (old inputs, new), then Create, or Diff
 * and Update. Returns the new outputs, or the Check failures when the provider refuses the step.
 */
export async function applyRecords(
    svc: NameService,
    olds: NameRecordsState | undefined,
    records: NameRecord[],
): Promise<{ state: NameRecordsState; refused?: string[] }> {
    remember(svc);
    const news = svc.state(records);
    const checked = await nameRecordsProvider.check!((olds ?? {}) as NameRecordsState, news);
    if (checked.failures?.length) return { state: olds!, refused: checked.failures.map((f) => `${f.property}: ${f.reason}`) };
    if (!olds) return { state: (await nameRecordsProvider.create!(news)).outs as NameRecordsState };
    const d = await nameRecordsProvider.diff!("id", olds, news);
    if (!d.changes) return { state: olds };
    return { state: (await nameRecordsProvider.update!("id", olds, news)).outs as NameRecordsState };
}

/** The calls since call number `from`, in one vocabulary for both services (records by side: A's address is A). */
export function story(svc: NameService, from = 0): string[] {
    remember(svc);
    return svc.double.calls.slice(from).map(({ action, params: p }) => {
        const side = svc.sides.get(p.RecordId) ?? `record ${p.RecordId}`;
        switch (action) {
            case "DescribeSubDomainRecords":
                return `list ${p.SubDomain.slice(0, p.SubDomain.length - ZONE.length - 1)}`;
            case "DescribeZoneRecords":
                return `list ${p.Keyword}`;
            case "AddDomainRecord":
            case "AddZoneRecord":
                return `add ${p.RR ?? p.Rr} ${p.Type} ${p.Value} ttl ${p.TTL ?? p.Ttl}`;
            case "UpdateDomainRecord":
            case "UpdateZoneRecord":
                return `update ${side}: ${p.RR ?? p.Rr} ${p.Type} ${p.Value} ttl ${p.TTL ?? p.Ttl}`;
            case "SetDomainRecordStatus":
            case "SetZoneRecordStatus":
                return `${p.Status.toUpperCase() === "ENABLE" ? "enable" : "pause"} ${side}`;
            case "UpdateDNSSLBWeight":
            case "UpdateZoneRecordWeight":
                return `weight ${side} ${p.Weight}`;
            case "SetDNSSLBStatus":
            case "SetZoneLbaStatus":
                return `weighting ${p.Open === "true" ? "on" : "off"} (${p.Type})`;
            case "DeleteDomainRecord":
            case "DeleteZoneRecord":
                return `delete ${side}`;
            default:
                return action;
        }
    });
}
