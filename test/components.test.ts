/**
 * The components on their own, as another team would use them: each constructed directly
 * under the mocks with args built here (not through program.ts) — DnsCutover with the records
 * planned from an intent, as the cutover plans them — asserting the exact children, their
 * inputs and options, and the component's outputs.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DnsCutover } from "../components/dns-cutover";
import { IsolatedIngress } from "../components/isolated-ingress";
import { OfflineRun, runOffline } from "../offline/harness";
import { LegacyNameCutover, planLegacyName } from "../plan/cutover";
import { A_ADDRESS, B_ADDRESS, byName, EXAMPLE_CERT, inventory, NO_OPTIONS, T, urnOf, ZONE } from "./helpers";

/** Runs `build` as the whole program: the component alone in a stack. */
function construct(build: () => Record<string, unknown> | void, transformation?: pulumi.ResourceTransformation): Promise<OfflineRun> {
    return runOffline({
        project: "lib",
        stack: "test",
        config: {},
        program: async () => build() ?? {},
        ...(transformation ? { transformation } : {}),
    });
}

describe("IsolatedIngress, constructed directly", () => {
    const args = {
        controller: {
            name: "edge",
            implementation: "ingress-nginx" as const,
            replicas: 3,
            loadBalancer: { kind: "new" as const, addressType: "intranet" as const, chargeType: "PayByCLCU" as const },
        },
        routes: [
            {
                api: "orders",
                namespace: "shop",
                service: "orders-svc",
                port: 8080,
                hosts: ["orders.new.example.cn", "orders.old.example.cn"],
            },
        ],
        tls: { kind: "certificate" as const, certificatePem: EXAMPLE_CERT, key: pulumi.secret("KEY") },
    };

    it("GIVEN a controller, one route and a certificate THEN it registers exactly its children, named from the component", async () => {
        const aliases: unknown[] = [];
        const run = await construct(
            () => {
                const ingress = new IsolatedIngress("edge", args);
                return {
                    hosts: ingress.hostsByApi,
                    className: ingress.className,
                    controllerValue: ingress.controllerValue,
                    ready: ingress.ready.length,
                    ingress: ingress.ingresses.orders.metadata.name,
                };
            },
            (t) => {
                if (t.type === T.chart) aliases.push(...(t.opts.aliases ?? []));
                return undefined;
            },
        );
        assert.deepEqual(inventory(run), [
            `${T.namespace} edge-namespace`,
            `${T.secret} edge-tls-shop`,
            `${T.service} edge-lb`,
            `${T.chart} edge-chart`,
            `${T.ingress} edge-orders`,
            `${T.isolated} edge`,
        ]);
        assert.deepEqual(aliases, [{ name: "edge-controller" }], "the chart keeps its old name as an alias: renaming it replaces nothing");
        assert.deepEqual(byName(run, T.namespace, "edge-namespace").inputs.metadata, { name: "ingress-edge" });
        const chart = byName(run, T.chart, "edge-chart");
        assert.deepEqual(
            [
                chart.inputs.name,
                chart.inputs.version,
                (chart.inputs.values as { controller: { ingressClass: string; replicaCount: number } }).controller.ingressClass,
            ],
            ["ingress-nginx-edge", "4.15.1", "nginx-edge"],
        );
        const ingress = byName(run, T.ingress, "edge-orders");
        assert.deepEqual(ingress.inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: { name: "orders-edge", namespace: "shop" },
            spec: {
                ingressClassName: "nginx-edge",
                tls: [{ hosts: ["orders.new.example.cn", "orders.old.example.cn"], secretName: "edge-tls" }],
                rules: ["orders.new.example.cn", "orders.old.example.cn"].map((host) => ({
                    host,
                    http: {
                        paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "orders-svc", port: { number: 8080 } } } }],
                    },
                })),
            },
        });
        assert.deepEqual(ingress.options, {
            ...NO_OPTIONS,
            dependsOn: [urnOf(run, T.chart, "edge-chart"), urnOf(run, T.secret, "edge-tls-shop")],
        });
        assert.deepEqual(byName(run, T.secret, "edge-tls-shop").inputs.stringData, { "tls.crt": "[secret]", "tls.key": "[secret]" });
        assert.deepEqual(run.outputs, {
            hosts: { orders: ["orders.new.example.cn", "orders.old.example.cn"] },
            className: "nginx-edge",
            controllerValue: "k8s.io/ingress-nginx-edge",
            ready: 1,
            ingress: "orders-edge",
        });
    });

    it("GIVEN routes without TLS THEN it refuses, naming the component", async () => {
        await assert.rejects(
            construct(() => void new IsolatedIngress("edge", { controller: args.controller, routes: args.routes })),
            (err: Error) =>
                /IsolatedIngress edge: tls is required when routes are given/.test(String((err as { cause?: Error }).cause ?? err)),
        );
    });
});

describe("DnsCutover, constructed directly", () => {
    const intent: LegacyNameCutover = {
        api: "orders",
        host: `orders.legacy.${ZONE}`,
        sourceDomain: `legacy.${ZONE}`,
        zone: ZONE,
        phase: "shift",
        weight: 30,
        sourceAddress: A_ADDRESS,
        ttl: { cutover: 60, steady: 600 },
        longHost: `orders.new.${ZONE}`,
    };

    it("GIVEN shift at 30 % THEN one NameRecords with A's and B's records weighted 70 / 30, named from the component", async () => {
        const run = await construct(() => ({
            traffic: new DnsCutover("legacy-orders", { plan: planLegacyName(intent), targetAddress: B_ADDRESS }).traffic,
        }));
        assert.deepEqual(inventory(run), [`${T.names} legacy-orders-records`, `${T.cutover} legacy-orders`]);
        const names = byName(run, T.names, "legacy-orders-records");
        assert.deepEqual(names.inputs, {
            service: "alidns",
            zone: ZONE,
            rr: "orders.legacy",
            stagingRr: "orders-staging.legacy",
            records: [
                { side: "A", type: "A", value: A_ADDRESS, ttl: 60, weight: 70 },
                { side: "B", type: "A", value: B_ADDRESS, ttl: 60, weight: 30 },
            ],
            endpoint: "alidns.aliyuncs.com",
            retry: { retries: 5, backoffMs: 250 },
            line: "default",
            perSecond: 20,
            version: "2",
        });
        assert.deepEqual(names.options, NO_OPTIONS);
        assert.equal(names.parent, byName(run, T.cutover, "legacy-orders").urn);
        assert.deepEqual(run.outputs.traffic, {
            api: "orders",
            host: `orders.legacy.${ZONE}`,
            layer: "dns",
            phase: "shift",
            ttl: 60,
            targets: [
                { side: "A", address: A_ADDRESS, weight: 70 },
                { side: "B", address: B_ADDRESS, weight: 30 },
            ],
        });
    });

    it("GIVEN complete with a CNAME THEN one CNAME to the long host at the steady TTL, and no weights", async () => {
        const run = await construct(
            () =>
                void new DnsCutover("legacy-orders", {
                    plan: planLegacyName({ ...intent, phase: "complete", weight: 100, completeWith: "cname" }),
                    targetAddress: B_ADDRESS,
                }),
        );
        assert.deepEqual(inventory(run), [`${T.names} legacy-orders-records`, `${T.cutover} legacy-orders`]);
        assert.deepEqual(byName(run, T.names, "legacy-orders-records").inputs.records, [
            { side: "B", type: "CNAME", value: `orders.new.${ZONE}`, ttl: 600, weight: 100 },
        ]);
        // What clients may still hold is B's A record, cached under the steady TTL since complete.
        assert.deepEqual(planLegacyName({ ...intent, phase: "complete", weight: 100, completeWith: "cname" }).wait, {
            seconds: 600,
            reason: "answers of the A record the CNAME replaces expire within the steady TTL (600 s); both point at B, so nothing moves meanwhile",
        });
    });
});
