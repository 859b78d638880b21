import * as assert from "node:assert/strict";
import { changedPaths, diffRuns, PlanDiff, renderDiff, REPLACE_ON_CHANGE } from "../offline/diff";
import { OfflineRun, RecordedOptions, RecordedResource } from "../offline/harness";
import { api, DOMAINS, NO_OPTIONS, planConfig, platformConfig } from "./helpers";

const OPTIONS: RecordedOptions = NO_OPTIONS;

function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: Partial<RecordedOptions> = {},
    parent = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s",
): RecordedResource {
    return {
        urn: `urn:pulumi:s::p::${parent.endsWith("::p-s") ? "pulumi:pulumi:Stack$" : "migration:index:C$"}${type}::${name}`,
        type,
        name,
        parent,
        custom: true,
        remote: false,
        read: false,
        inputs,
        options: { ...OPTIONS, ...options },
        seq: 0,
        dependencies: options.dependsOn ?? [],
        additionalSecretOutputs: [],
    };
}

function run(...resources: RecordedResource[]): OfflineRun {
    return { project: "p", stack: "s", resources, outputs: {}, warnings: [] };
}

/** A diff as `kind type name` lines, for exact comparison. */
function summary(d: PlanDiff): string[] {
    return [
        ...d.created.map((e) => `created ${e.type} ${e.name}`),
        ...d.deleted.map((e) => `deleted ${e.type} ${e.name}`),
        ...d.replaced.map((e) => `replaced ${e.type} ${e.name}: ${(e.reasons ?? []).join("; ")}`),
        ...d.updated.map(
            (e) =>
                `updated ${e.type} ${e.name}: ${(e.changes ?? []).map((c) => `${c.path} ${JSON.stringify(c.old)}→${JSON.stringify(c.new)}`).join(", ")}`,
        ),
        `unchanged ${d.unchanged}`,
    ];
}

describe("changedPaths", () => {
    it("names each changed leaf with its path, old and new", () => {
        assert.deepEqual(changedPaths({ a: 1, b: { c: [1, 2], d: "x" } }, { a: 1, b: { c: [1, 3, 4], d: "y" }, e: true }), [
            { path: "b.c[1]", old: 2, new: 3 },
            { path: "b.c[2]", old: null, new: 4 },
            { path: "b.d", old: "x", new: "y" },
            { path: "e", old: null, new: true },
        ]);
        assert.deepEqual(changedPaths({ a: [1] }, { a: [1] }), []);
    });
});

describe("diffRuns: what counts as a replacement", () => {
    for (const rule of REPLACE_ON_CHANGE) {
        const type =
            { "^kubernetes:": "kubernetes:core/v1:ConfigMap" }[rule.type.source] ??
            rule.type.source.replace(/^\^|\$$/g, "").replace(/\\/g, "");
        for (const p of rule.paths) {
            it(`${type}: a change of ${p} replaces (${rule.source})`, async () => {
                const set = (v: string) => p.split(".").reduceRight<unknown>((acc, key) => ({ [key]: acc }), v) as Record<string, unknown>;
                const d = await diffRuns(run(resource(type, "r", set("one"))), run(resource(type, "r", set("two"))));
                assert.deepEqual(summary(d), [`replaced ${type} r: ${p}: ${rule.source}`, "unchanged 0"]);
            });
        }
    }

    it("a changed path listed in replaceOnChanges replaces", async () => {
        const d = await diffRuns(
            run(resource("test:index:T", "r", { size: 1 }, { replaceOnChanges: ["size"] })),
            run(resource("test:index:T", "r", { size: 2 }, { replaceOnChanges: ["size"] })),
        );
        assert.deepEqual(summary(d), ["replaced test:index:T r: size is in replaceOnChanges", "unchanged 0"]);
    });

    it("the project's dynamic provider decides for its own resources (called, not guessed)", async () => {
        const marker = (phase: string) => resource("pulumi-nodejs:dynamic/migration:PhaseMarker", "phase", { phase, version: "1" });
        assert.deepEqual(summary(await diffRuns(run(marker("shift")), run(marker("complete")))), [
            "replaced pulumi-nodejs:dynamic/migration:PhaseMarker phase: the PhaseMarker provider replaces on phase",
            "unchanged 0",
        ]);
        const weights = (w: number) =>
            resource("pulumi-nodejs:dynamic/migration:DnsWeights", "w", {
                zone: "z.cn",
                subDomain: "a.z.cn",
                records: [
                    { side: "A", recordId: "1", weight: 100 - w },
                    { side: "B", recordId: "2", weight: w },
                ],
                endpoint: "e",
                version: "1",
            });
        assert.deepEqual(summary(await diffRuns(run(weights(20)), run(weights(50)))), [
            "updated pulumi-nodejs:dynamic/migration:DnsWeights w: records[side=A].weight 80→50, records[side=B].weight 20→50",
            "unchanged 0",
        ]);
    });

    it("a new parent (URN change) replaces; new and gone resources are created and deleted", async () => {
        const before = run(resource("test:index:T", "moved", {}), resource("test:index:T", "gone", {}));
        const after = run(
            resource("test:index:T", "moved", {}, {}, "urn:pulumi:s::p::migration:index:C::c"),
            resource("test:index:T", "new", {}),
        );
        assert.deepEqual(summary(await diffRuns(before, after)), [
            "created test:index:T new",
            "deleted test:index:T gone",
            "replaced test:index:T moved: URN changes from urn:pulumi:s::p::pulumi:pulumi:Stack$test:index:T::moved",
            "unchanged 0",
        ]);
    });

    it("ignoreChanges hides what it names", async () => {
        const d = await diffRuns(
            run(
                resource("test:index:T", "r", { a: 1, b: 1 }, { ignoreChanges: ["*"] }),
                resource("test:index:T", "s", { a: 1, b: 1 }, { ignoreChanges: ["a"] }),
            ),
            run(
                resource("test:index:T", "r", { a: 2, b: 2 }, { ignoreChanges: ["*"] }),
                resource("test:index:T", "s", { a: 2, b: 2 }, { ignoreChanges: ["a"] }),
            ),
        );
        assert.deepEqual(summary(d), ["updated test:index:T s: b 1→2", "unchanged 1"]);
    });
});

describe("blast radius: one edit updates only what carries it", () => {
    const cutover = (cutoverOverrides: Record<string, unknown>, dns: Record<string, unknown> = {}, kong: Record<string, unknown> = {}) => ({
        role: "cutover",
        domains: DOMAINS,
        apis: [api("api01"), api("api02")],
        cutover: {
            phase: "shift",
            weights: { api01: 20 },
            sourceAddress: "10.72.10.88",
            targetAddress: "10.72.11.99",
            ...cutoverOverrides,
        },
        dns: { zone: "aliyun.cloud.cn.aibang", edition: "standard", ttl: { cutover: 60, steady: 600 }, ...dns },
        kong: {
            adminUrl: "https://kong.example.internal:8444",
            upstreamPrefix: "team1",
            migrationSettings: { retries: 10 },
            apis: { api01: { service: "api01" }, api02: { service: "api02" } },
            ...kong,
        },
    });

    async function between(a: Record<string, unknown>, b: Record<string, unknown>) {
        return summary(await diffRuns(await planConfig(a), await planConfig(b)));
    }

    // The cutover stack here (api01 at 20 %, api02 at 0 %) has 15 resources: per API a health
    // gate, a DnsCutover, its NameRecords (A's and B's records while its weight is above 0; A's
    // alone at 0), the record of `<api>-a` (Kong's A target: B is by address here), a
    // KongUpstream, its upstream and service; and the phase marker.
    // Each also updates the API's health gate: the preview says the gate will run (B's shares rise).
    it("a canary edit on api01 (0 → 5 %) changes api01's resources only: its B record appears, its Kong weights move", async () => {
        assert.deepEqual(await between(cutover({ weights: { api01: 0, api02: 0 } }), cutover({ weights: { api01: 5, api02: 0 } })), [
            'updated pulumi-nodejs:dynamic/migration:NameRecords dns-api01-records: records[side=A].weight 100→95, records[side=B] null→{"side":"B","ttl":60,"type":"A","value":"10.72.11.99","weight":5}',
            "updated pulumi-nodejs:dynamic/migration:KongUpstreamEntity kong-api01-upstream: targets[side=A].weight 100→95, targets[side=B].weight 0→5",
            "updated pulumi-nodejs:dynamic/migration:HealthGate gate-api01: shares.dns 0→5, shares.kong 0→5",
            "unchanged 14",
        ]);
    });

    it("DNS and Kong: a weight edit updates the two weight resources of that API, nothing else", async () => {
        assert.deepEqual(await between(cutover({ weights: { api01: 20 } }), cutover({ weights: { api01: 50 } })), [
            "updated pulumi-nodejs:dynamic/migration:NameRecords dns-api01-records: records[side=A].weight 80→50, records[side=B].weight 20→50",
            "updated pulumi-nodejs:dynamic/migration:KongUpstreamEntity kong-api01-upstream: targets[side=A].weight 80→50, targets[side=B].weight 20→50",
            "updated pulumi-nodejs:dynamic/migration:HealthGate gate-api01: shares.dns 20→50, shares.kong 20→50",
            "unchanged 14",
        ]);
    });

    it("the wait after an edit is counted from the config before it: only the hosts it changes, a rollback from complete waits the steady TTL", async () => {
        const edit = async (a: Record<string, unknown>, b: Record<string, unknown>) =>
            (await diffRuns(await planConfig(a), await planConfig(b))).convergence;
        const api01 = "api01.source-team1.dev.aliyun.cloud.cn.aibang";
        const api02 = "api02.source-team1.dev.aliyun.cloud.cn.aibang";
        assert.deepEqual(await edit(cutover({ weights: { api01: 20 } }), cutover({ weights: { api01: 50 } })), {
            hosts: [
                {
                    host: api01,
                    before: "DNS A 80 · B 20 (TTL 60 s) | Kong A 80 · B 20",
                    after: "DNS A 50 · B 50 (TTL 60 s) | Kong A 50 · B 50",
                    dnsSeconds: 60,
                    kongSeconds: 61,
                    worstCaseSeconds: 61,
                    observeSeconds: 60,
                },
            ],
            unchanged: 1,
        });
        // complete → shift: clients hold complete's answers under the steady TTL (600 s), not shift's 60 s.
        const complete = cutover({ phase: "complete", weights: { api01: 100, api02: 100 } });
        const rollback = await edit(complete, cutover({ weights: { api01: 50, api02: 0 } }));
        assert.deepEqual(
            rollback?.hosts.map((h) => [h.host, h.before, h.after, h.dnsSeconds, h.worstCaseSeconds, h.observeSeconds]),
            [
                [api01, "DNS B 100 (TTL 600 s) | Kong A 0 · B 100", "DNS A 50 · B 50 (TTL 60 s) | Kong A 50 · B 50", 600, 601, 60],
                [api02, "DNS B 100 (TTL 600 s) | Kong A 0 · B 100", "DNS A 100 (TTL 60 s) | Kong A 100 · B 0", 600, 601, 0],
            ],
        );
        assert.deepEqual(await edit(cutover({}), cutover({})), { hosts: [], unchanged: 2 }, "an edit that moves nothing waits for nothing");
        const text = renderDiff(
            await diffRuns(await planConfig(complete), await planConfig(cutover({ weights: { api01: 50, api02: 0 } }))),
            "a",
            "b",
        );
        assert.ok(
            text.includes(
                `Wait after this edit (counted from the config before it; unchanged legacy hosts, which wait for nothing: 0):\n  - ${api01}: wait 601 s, then observe at least 60 s (clients may hold the previous answer for 600 s; Kong re-resolves 0.5 s after that)\n      DNS B 100 (TTL 600 s) | Kong A 0 · B 100\n    → DNS A 50 · B 50 (TTL 60 s) | Kong A 50 · B 50\n  - ${api02}: wait 601 s (clients may hold the previous answer for 600 s; Kong re-resolves 0.5 s after that)`,
            ),
            text,
        );
    });

    it("an existing stack moves to Kong targets only A or only B answers by its next edit: A's target and the Host header change in place, weights kept, <api>-a created", async () => {
        // The state the code before issue 22 item 2 left: A's target the legacy name, no Host header,
        // no <api>-a record. Its targets are what that code defaulted to, which config can still name
        // (sourceTarget); its host_header (then null, now the legacy host by default) is set back by hand.
        const legacy = (a: string) => `${a}.source-team1.dev.aliyun.cloud.cn.aibang`;
        const old = await planConfig(
            cutover(
                {},
                {},
                { apis: Object.fromEntries(["api01", "api02"].map((a) => [a, { service: a, sourceTarget: `${legacy(a)}:443` }])) },
            ),
        );
        for (const r of old.resources.filter((x) => x.type === "pulumi-nodejs:dynamic/migration:KongUpstreamEntity"))
            r.inputs = { ...r.inputs, upstream: { ...(r.inputs.upstream as object), host_header: null } };
        const now = await planConfig(cutover({}));
        const d = await diffRuns(old, now);
        assert.deepEqual(summary(d), [
            "created alicloud:dns/alidnsRecord:AlidnsRecord dns-api01-to-a",
            "created alicloud:dns/alidnsRecord:AlidnsRecord dns-api02-to-a",
            ...["api01", "api02"].map(
                (a) =>
                    `updated pulumi-nodejs:dynamic/migration:KongUpstreamEntity kong-${a}-upstream: targets[side=A].target "${legacy(a)}:443"→"${a}-a.source-team1.dev.aliyun.cloud.cn.aibang:443", upstream.host_header null→"${legacy(a)}"`,
            ),
            "unchanged 13",
        ]);
        // Through the provider's own diff: an update in place, never a replacement (providers/kong.ts adds the new target before deleting the old).
        assert.deepEqual(d.replaced, []);
    });

    it("DNS: a TTL edit updates the records' TTL in place, nothing else", async () => {
        assert.deepEqual(await between(cutover({}), cutover({}, { ttl: { cutover: 120, steady: 600 } })), [
            "updated alicloud:dns/alidnsRecord:AlidnsRecord dns-api01-to-a: ttl 60→120",
            "updated alicloud:dns/alidnsRecord:AlidnsRecord dns-api02-to-a: ttl 60→120",
            "updated pulumi-nodejs:dynamic/migration:NameRecords dns-api01-records: records[side=A].ttl 60→120, records[side=B].ttl 60→120",
            "updated pulumi-nodejs:dynamic/migration:NameRecords dns-api02-records: records[side=A].ttl 60→120",
            "unchanged 13",
        ]);
    });

    it("Kong: a per-layer weight override updates only that upstream", async () => {
        assert.deepEqual(
            await between(cutover({}), cutover({}, {}, { apis: { api01: { service: "api01", weight: 35 }, api02: { service: "api02" } } })),
            [
                "updated pulumi-nodejs:dynamic/migration:KongUpstreamEntity kong-api01-upstream: targets[side=A].weight 80→65, targets[side=B].weight 20→35",
                "updated pulumi-nodejs:dynamic/migration:HealthGate gate-api01: shares.kong 20→35",
                "unchanged 15",
            ],
        );
    });

    it("Platform: a replica edit updates only the controller's chart values", async () => {
        assert.deepEqual(
            await between(
                platformConfig(),
                platformConfig({
                    ingress: {
                        name: "team1",
                        implementation: "ingress-nginx",
                        className: "team1-nginx",
                        loadBalancer: {},
                        replicas: 3,
                    },
                }),
            ),
            ["updated kubernetes:helm.sh/v4:Chart team1-chart: values.controller.replicaCount 2→3", "unchanged 8"],
        );
    });
});
