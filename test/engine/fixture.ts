/**
 * What the host-driven suites share: the real provider host, loopback Kong and Alidns doubles,
 * the committed cutover stack edited as a runbook step would edit it (and pointed at the
 * doubles), and a compact view of what the doubles hold after each step.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SECRET_PLACEHOLDER } from "../../offline/stack-files";
import { AlidnsDouble } from "../doubles/alidns";
import { fixture, FIXTURES, IngressDouble } from "../doubles/ingress";
import { DnsDouble, startDnsServer } from "../doubles/dns-server";
import { KongDouble } from "../doubles/kong";
import { api, editedStackFile } from "../helpers";
import { Engine, EngineOptions } from "./engine";
import { ProviderHost } from "./host";

export const ZONE = "aliyun.cloud.cn.aibang";
export const HOST = (a: string) => `${a}.source-team1.dev.${ZONE}`;
/** Kong's A target: `<api>-a.<source>:443`, a name only A answers (plan/kong.ts), never the legacy name DNS is moving. */
export const A_TARGET = (a: string) => `${a}-a.source-team1.dev.${ZONE}:443`;
export const B_TARGET = (a: string) => `${a}.target-team2.dev.${ZONE}:443`;
/** The gate's settings in the engine suites: one passing round is enough, waits are short. */
export const FAST_GATE = { successes: 1, intervalMs: 100, deadlineMs: 3000, timeoutMs: 2000 };

/** Credentials the host finds in its environment (the standard Alibaba Cloud chain); the double expects this key. */
export const HOST_ENV = { ALIBABA_CLOUD_ACCESS_KEY_ID: "test-access-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret" };

/** The real provider host, started and configured as the engine starts it (every host-driven suite's `before`). */
export async function startHost(): Promise<ProviderHost> {
    const host = new ProviderHost(HOST_ENV);
    await host.start();
    await host.configure();
    return host;
}

export class World {
    readonly dns = new AlidnsDouble();
    /** The committed stack's token is a `secure:` value; offline it is the placeholder, which this Kong expects. */
    readonly kong = new KongDouble({ token: SECRET_PLACEHOLDER });
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-"));
    /**
     * B's ingress, healthy: the health gate's probes are pointed here by the engine (never at the
     * 10.72.x.x addresses of the stack files). Its certificate covers api01 and api02 only, so
     * worlds of other APIs run with the gate off.
     */
    readonly ingress = new IngressDouble({
        serves: ["api01", "api02"].flatMap((a) => [`${a}.target-team2.dev.${ZONE}`, HOST(a)]),
        shortHost: `dev-01.${ZONE}`,
        rewrite: true,
        certificate: fixture("good"),
    });
    /**
     * What the VPC's resolver answers for Kong's B targets: B's long names point at B (the pinned
     * 10.72.11.99 of the stack files — data, never contacted), as the platform stack's records make them.
     */
    resolver!: DnsDouble;
    engine!: Engine;
    private files = 0;

    constructor(
        readonly host: ProviderHost,
        private readonly apis = ["api01", "api02"],
    ) {}

    async start(options: EngineOptions = {}): Promise<this> {
        await this.dns.start();
        await this.kong.start();
        await this.ingress.start();
        this.resolver = await startDnsServer(
            Object.fromEntries(this.apis.map((a) => [`${a}.target-team2.dev.${ZONE}`, { A: ["10.72.11.99"] }])),
        );
        for (const a of this.apis) this.kong.addService({ name: a, host: HOST(a), port: 443, protocol: "https" });
        this.engine = new Engine(this.host, {
            dns: this.dns,
            ingress: { port: this.ingress.port },
            resolver: { port: this.resolver.port },
            ...options,
        });
        return this;
    }

    async stop(): Promise<void> {
        await this.dns.stop();
        await this.kong.stop();
        await this.ingress.stop();
        await this.resolver?.close();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    /**
     * The committed Pulumi.cutover.yaml with `cutover` keys replaced, pointed at the Kong double
     * (the Alidns endpoint is set by the engine's transformation; short retry waits so fault
     * tests stay fast), B's address pinned
     * (so B's record can be applied) unless `platformStack` is kept, and `extra` edits.
     */
    stackFile(
        cutover: Record<string, unknown>,
        extra: (c: Record<string, Record<string, unknown>>) => void = () => undefined,
        keepPlatformStack = false,
    ): string {
        return editedStackFile(
            "cutover",
            this.dir,
            (c) => {
                const cut = { ...c["migration:cutover"], ...cutover };
                if (!keepPlatformStack) {
                    delete cut.platformStack;
                    cut.targetAddress = "10.72.11.99";
                }
                const twoApis = this.apis.length === 2 && this.apis[0] === "api01";
                cut.gate = twoApis
                    ? {
                          ...FAST_GATE,
                          caBundle: fs.readFileSync(path.join(FIXTURES, "ca.crt"), "utf8"),
                          ...(cut.gate as object | undefined),
                      }
                    : { enabled: false };
                c["migration:cutover"] = cut;
                // These suites speak to the Alidns double (the committed stack is on PrivateZone).
                c["migration:dns"] = {
                    zone: ZONE,
                    edition: "standard",
                    ttl: { cutover: 60, steady: 600 },
                    retries: 3,
                    retryBackoffMs: 5,
                    // The doubles answer in a millisecond; the pace itself is tested in test/rate.test.ts and the scale test.
                    requestsPerSecond: 1000,
                };
                c["migration:kong"] = {
                    ...c["migration:kong"],
                    adminUrl: this.kong.url,
                    retries: 2,
                    retryBackoffMs: 5,
                    requestTimeoutMs: 500,
                };
                if (!twoApis) {
                    (c as Record<string, unknown>)["migration:apis"] = this.apis.map((a) => api(a));
                    c["migration:kong"].apis = Object.fromEntries(this.apis.map((a) => [a, { service: a }]));
                }
                extra(c);
            },
            `step-${this.files++}.yaml`,
        );
    }

    /** Per API: what its legacy name's records hold (`A 10.72.10.88 on 80`, `B … off`) and whether weighting is on. */
    dnsView(): Record<string, string> {
        const out: Record<string, string> = {};
        for (const a of this.apis) {
            const rr = HOST(a).slice(0, -ZONE.length - 1);
            const records = [...this.dns.records.values()]
                .filter((r) => r.RR === rr)
                .sort((x, y) => Number(x.RecordId) - Number(y.RecordId));
            const side = (v: string) => (v === "10.72.10.88" ? "A" : v === "10.72.11.99" ? "B" : v);
            const parts = records.map((r) => `${side(r.Value)} ${r.Status === "ENABLE" ? `on ${r.Weight}` : "off"} ttl ${r.TTL}`);
            out[a] = `${parts.join(", ") || "(no record)"}; weighting ${this.dns.weighting.get(HOST(a)) ? "on" : "off"}`;
        }
        return out;
    }

    /** Per API: Kong targets as `A 80 B 20` and where the service points. */
    kongView(): Record<string, string> {
        const out: Record<string, string> = {};
        for (const a of this.apis) {
            const w = this.kong.weights(`team1-${a}`);
            const targets = Object.keys(w).length
                ? Object.entries(w)
                      .map(([t, n]) => `${t === A_TARGET(a) ? "A" : t === B_TARGET(a) ? "B" : t} ${n}`)
                      .join(" ")
                : "(no upstream)";
            const service = [...this.kong.services.values()].find((s) => s.name === a)!;
            out[a] = `${targets}; service → ${String(service.host)} retries ${String(service.retries)}`;
        }
        return out;
    }
}
