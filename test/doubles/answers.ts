/**
 * What a DNS name answers, as the loopback doubles record it after every API call, and the
 * invariants a weight change must keep at every such moment.
 */
import * as assert from "node:assert/strict";

/** What one name answers at one moment: each value with its share of answers (0..1). */
export interface Moment {
    after: string;
    weighted: boolean;
    shares: Record<string, number>;
}

/** Each value's share among `records`: by weight when weighted, else one share each. */
export function sharesOf(records: { Value: string; Weight: number }[], weighted: boolean): Record<string, number> {
    const total = weighted ? records.reduce((n, r) => n + r.Weight, 0) : records.length;
    const shares: Record<string, number> = {};
    for (const r of records) shares[r.Value] = (shares[r.Value] ?? 0) + (weighted ? r.Weight : 1) / total;
    return shares;
}

/**
 * The records that answer a name: its own, or — when it has none — those of the wildcard one
 * label up (`*.<parent>`), as DNS answers a name that does not exist. `nameOf` gives a record's
 * name in the caller's terms (full sub-domain, or name relative to the zone).
 */
export function answeringRecords<R>(records: Iterable<R>, name: string, nameOf: (r: R) => string): { own: R[]; named: R[] } {
    const all = [...records];
    const own = all.filter((r) => nameOf(r) === name);
    const wildcard = `*.${name.slice(name.indexOf(".") + 1)}`;
    return { own, named: own.length > 0 ? own : all.filter((r) => nameOf(r) === wildcard) };
}

/**
 * At every moment the name answers something, never answers several values unweighted, and
 * gives B (`bValues`: B's address, or the name B's CNAME points at) at most `maxB` of the
 * answers. `where` names the step in the failure.
 */
export function assertSafeAnswers(moments: Moment[], maxB: number, bValues: string | string[], where = "the name"): void {
    const bs = Array.isArray(bValues) ? bValues : [bValues];
    for (const m of moments) {
        const values = Object.keys(m.shares);
        const b = bs.reduce((n, v) => n + (m.shares[v] ?? 0), 0);
        assert.ok(values.length > 0, `${where}: answered nothing after ${m.after}`);
        assert.ok(m.weighted || values.length === 1, `${where}: A and B answered unweighted after ${m.after}: ${JSON.stringify(m.shares)}`);
        assert.ok(b <= maxB + 1e-9, `${where}: B got ${b} (planned at most ${maxB}) after ${m.after}`);
    }
}
