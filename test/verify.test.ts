/**
 * `npm run verify` against loopback HTTPS ingresses with real certificates (test/fixtures/tls):
 * the acceptance table passes when B serves the long, legacy and short hosts, and names the
 * API, the probe and the reason for each way it can be broken.
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import * as path from "node:path";
import { verifyMain } from "../offline/verify";
import { ProbeResult } from "../providers/probe-client";
import { startDnsServer } from "./doubles/dns-server";
import { fixture, FIXTURES, IngressDouble, IngressBehaviour } from "./doubles/ingress";
import { KongDouble } from "./doubles/kong";
import { ROOT } from "./helpers";

const LONG = (a: string) => `${a}.target-team2.dev.aliyun.cloud.cn.aibang`;
const LEGACY = (a: string) => `${a}.source-team1.dev.aliyun.cloud.cn.aibang`;
const SHORT = "dev-01.aliyun.cloud.cn.aibang";
const CA = path.join(FIXTURES, "ca.crt");

/** B as planned: long and legacy hosts served, the short host rewritten, one good certificate. */
const healthyB = (): IngressBehaviour => ({
    serves: ["api01", "api02"].flatMap((a) => [LONG(a), LEGACY(a)]),
    shortHost: SHORT,
    rewrite: true,
    certificate: fixture("good"),
});

async function verify(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await verifyMain(argv, ROOT, ROOT, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
}

describe("npm run verify: the acceptance table against a loopback HTTPS ingress", function () {
    this.timeout(20_000);
    const running: IngressDouble[] = [];
    async function ingress(b: IngressBehaviour): Promise<IngressDouble> {
        const d = new IngressDouble(b);
        await d.start();
        running.push(d);
        return d;
    }
    afterEach(async () => {
        await Promise.all(running.splice(0).map((d) => d.stop()));
    });
    const on = (d: IngressDouble) => [
        "--stack",
        "dev",
        "--connect",
        `127.0.0.1:${d.port}`,
        "--connect-short",
        `127.0.0.1:${d.port}`,
        "--ca",
        CA,
    ];
    const rows = async (argv: string[]) => {
        const r = await verify([...argv, "--json"]);
        return { code: r.code, rows: (JSON.parse(r.out) as { rows: ProbeResult[] }).rows };
    };
    const verdicts = (rs: ProbeResult[]) =>
        rs.map((r) => `${r.api} ${r.probe}: ${r.verdict} — ${r.reason.replace(/in \d+ ms/, "in … ms")}`);

    it("B serving the long, legacy and short hosts with a certificate for all of them: every probe passes, exit 0", async () => {
        const b = await ingress(healthyB());
        const text = await verify(on(b));
        assert.equal(text.code, 0, text.err);
        const lines = text.out.split("\n");
        assert.equal(lines[0], "Verify stack dev: 6 probes, 6 passed, 0 failed");
        assert.match(
            lines[3],
            new RegExp(
                `^api01  long    ${LONG("api01").replace(/\./g, "\\.")}/health\\s+127\\.0\\.0\\.1:${b.port}  200     ok, \\d+ d\\s+PASS     HTTP 200 in \\d+ ms$`,
            ),
        );
        // The short probe proved the rewrite: the backend received /health for /api01/health.
        assert.deepEqual(
            b.backend.filter((x) => x.startsWith(SHORT)),
            [`${SHORT} /health`, `${SHORT} /health`],
        );
        assert.deepEqual(new Set(b.sni), new Set([LONG("api01"), LEGACY("api01"), SHORT, LONG("api02"), LEGACY("api02")]));
    });

    it("the dev stack's short host has its own load balancer: without --connect-short its probes are skipped, listed, and the run fails", async () => {
        const b = await ingress(healthyB());
        const text = await verify(["--stack", "dev", "--connect", `127.0.0.1:${b.port}`, "--ca", CA]);
        assert.equal(text.code, 1);
        const lines = text.out.split("\n");
        assert.deepEqual(lines.slice(0, 2), [
            "Verify stack dev: 6 probes, 4 passed, 0 failed, 2 skipped",
            "note: short probes not run: the short host has its own load balancer (shortDomain.mode: dedicated); give --connect-short ADDRESS[:PORT]",
        ]);
        const why =
            "not run: the short host has its own load balancer (shortDomain.mode: dedicated); give --connect-short ADDRESS[:PORT] (or --skip short)";
        assert.deepEqual(
            lines.filter((l) => l.includes("SKIP")).map((l) => l.replace(/ +/g, " ")),
            [`api01 short ${SHORT}/api01/health - - - SKIP ${why}`, `api02 short ${SHORT}/api02/health - - - SKIP ${why}`],
        );
    });

    it("--skip short says the skip is on purpose: the rows stay, the summary names it, exit 0; an unknown kind is bad usage", async () => {
        const b = await ingress(healthyB());
        const text = await verify(["--stack", "dev", "--connect", `127.0.0.1:${b.port}`, "--ca", CA, "--skip", "short"]);
        assert.equal(text.code, 0, text.out);
        assert.deepEqual(text.out.split("\n").slice(0, 2), [
            "Verify stack dev: 6 probes, 4 passed, 0 failed, 2 skipped (--skip short)",
            "",
        ]);
        const bad = await verify(["--stack", "dev", "--connect", `127.0.0.1:${b.port}`, "--skip", "shrt"]);
        assert.deepEqual([bad.code, bad.err.split("\n")[0]], [2, 'verify: --skip "shrt": one of long, legacy, short, kong, parity']);
    });

    it("--dns-server: each of B's names must resolve to the load balancer given (CNAME to a name, A record to an address)", async () => {
        const b = await ingress(healthyB());
        const ALB = "alb-team1.cn-hangzhou.alb.aliyuncsslb.com";
        const dns = await startDnsServer({
            [LONG("api01")]: { CNAME: ALB },
            // Still B's wildcard's answer: B's existing load balancer.
            [LONG("api02")]: { A: ["127.0.0.8"] },
            [SHORT]: { A: ["127.0.0.1"] },
        });
        try {
            const text = await verify([
                "--stack",
                "dev",
                "--connect",
                `${ALB}:443`,
                "--connect-short",
                `127.0.0.1:${b.port}`,
                "--ca",
                CA,
                "--probe",
                "short",
                "--dns-server",
                `127.0.0.1:${dns.port}`,
            ]);
            assert.equal(text.code, 1);
            const lines = text.out.split("\n");
            assert.equal(lines[0], "Verify stack dev: 2 probes, 2 passed, 0 failed; 3 names, 2 resolve to B");
            assert.deepEqual(
                lines.filter((l) => l.startsWith("-  ")).map((l) => l.replace(/ +/g, " ")),
                [
                    `- name ${LONG("api01")} DNS 127.0.0.1:${dns.port} - - PASS CNAME ${ALB}`,
                    `- name ${LONG("api02")} DNS 127.0.0.1:${dns.port} - - FAIL A 127.0.0.8 (no CNAME), not ${ALB}`,
                    `- name ${SHORT} DNS 127.0.0.1:${dns.port} - - PASS A 127.0.0.1`,
                ],
            );
        } finally {
            await dns.close();
        }
    });

    it("--kong-admin: a route with preserve_host forwarding a Host B does not serve fails, naming the route and what to set", async () => {
        const b = await ingress(healthyB());
        const kong = new KongDouble();
        await kong.start();
        try {
            kong.addService({ name: "api01", host: "team1-api01", port: 443, protocol: "https" });
            kong.addService({ name: "api02", host: "team1-api02", port: 443, protocol: "https" });
            kong.addRoute("api01", { name: "api01-legacy", hosts: [LEGACY("api01")] });
            kong.addRoute("api01", { name: "api01-vanity", hosts: ["api01.example.cn"], preserve_host: true });
            kong.addRoute("api02", { name: "api02-legacy", hosts: [LEGACY("api02")], preserve_host: true });
            const text = await verify([
                "--stack",
                "cutover",
                "--connect",
                `127.0.0.1:${b.port}`,
                "--ca",
                CA,
                "--probe",
                "legacy",
                "--kong-admin",
                kong.url,
            ]);
            assert.equal(text.code, 1);
            const lines = text.out.split("\n");
            assert.equal(lines[0], "Verify stack cutover: 2 probes, 2 passed, 0 failed; 3 Kong routes, 2 send a Host B serves");
            assert.deepEqual(
                lines.filter((l) => l.includes("Kong Admin")).map((l) => l.replace(/ +/g, " ")),
                [
                    `api01 route api01-legacy (hosts ${LEGACY("api01")}) Kong Admin - - PASS preserve_host false: Kong sends the upstream's host_header ${LEGACY("api01")}`,
                    `api01 route api01-vanity (hosts api01.example.cn) Kong Admin - - FAIL preserve_host true forwards the client's Host (api01.example.cn), which B's ingress does not serve; set preserve_host: false (Kong then sends ${LEGACY("api01")})`,
                    `api02 route api02-legacy (hosts ${LEGACY("api02")}) Kong Admin - - PASS preserve_host true: the client's Host, one of ${LEGACY("api02")}, which B's ingress serves`,
                ],
            );
            assert.deepEqual(kong.log(), ["GET /services/api01/routes → 200", "GET /services/api02/routes → 200"]);
        } finally {
            await kong.stop();
        }
    });

    it("--json rows carry api, probe, host, address, status, certificate facts, verdict and reason", async () => {
        const b = await ingress(healthyB());
        const { code, rows: rs } = await rows([...on(b), "--api", "api01", "--probe", "legacy"]);
        assert.equal(code, 0);
        assert.equal(rs.length, 1);
        const { latencyMs, bodySha256, certificate, reason, ...rest } = rs[0];
        assert.ok(latencyMs >= 0 && /^[0-9a-f]{64}$/.test(bodySha256!) && /^HTTP 200 in \d+ ms$/.test(reason));
        assert.deepEqual(rest, {
            api: "api01",
            probe: "legacy",
            host: LEGACY("api01"),
            path: "/health",
            address: `127.0.0.1:${b.port}`,
            status: 200,
            contentType: "application/json",
            verdict: "pass",
        });
        assert.deepEqual(
            { ...certificate, daysToExpiry: certificate!.daysToExpiry > 8000 },
            {
                subject: "CN=good.migration.test",
                names: [LONG("api01"), LONG("api02"), LEGACY("api01"), LEGACY("api02"), SHORT],
                notAfter: certificate!.notAfter,
                daysToExpiry: true,
                coversHost: true,
                trusted: true,
            },
        );
    });

    it("B's ingress without rules for the legacy hosts: the legacy probes fail with HTTP 404 and why, exit 1", async () => {
        const b = await ingress({ ...healthyB(), serves: [LONG("api01"), LONG("api02")] });
        const { code, rows: rs } = await rows(on(b));
        assert.equal(code, 1);
        assert.deepEqual(verdicts(rs), [
            "api01 long: pass — HTTP 200 in … ms",
            `api01 legacy: fail — HTTP 404 from 127.0.0.1:${b.port} — B's ingress does not serve this Host`,
            "api01 short: pass — HTTP 200 in … ms",
            "api02 long: pass — HTTP 200 in … ms",
            `api02 legacy: fail — HTTP 404 from 127.0.0.1:${b.port} — B's ingress does not serve this Host`,
            "api02 short: pass — HTTP 200 in … ms",
        ]);
    });

    it("a certificate without the legacy names: the legacy probes fail naming the host and what the certificate names", async () => {
        const b = await ingress({ ...healthyB(), certificate: fixture("nolegacy") });
        const { code, rows: rs } = await rows([...on(b), "--api", "api01"]);
        assert.equal(code, 1);
        assert.deepEqual(
            verdicts(rs)[1],
            `api01 legacy: fail — certificate does not cover ${LEGACY("api01")} (it names ${LONG("api01")}, ${LONG("api02")}, ${SHORT})`,
        );
    });

    it("an expired certificate fails every probe, with the date; one not from the CA given fails as untrusted", async () => {
        const b = await ingress({ ...healthyB(), certificate: fixture("expired") });
        const { rows: rs } = await rows([...on(b), "--api", "api01", "--probe", "legacy"]);
        assert.match(rs[0].reason, /^certificate expired \d+ days ago \(2021-01-01T00:00:00\.000Z\)$/);
        const good = await ingress(healthyB());
        const { rows: untrusted } = await rows([
            "--stack",
            "dev",
            "--connect",
            `127.0.0.1:${good.port}`,
            "--connect-short",
            `127.0.0.1:${good.port}`,
            "--api",
            "api01",
            "--probe",
            "legacy",
        ]);
        assert.equal(untrusted[0].reason, "certificate does not verify against the trust roots in use: UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    });

    it("a slow backend times out, a closed port is refused: bounded, named", async () => {
        const slow = await ingress({ ...healthyB(), delayMs: 2_000 });
        const { rows: rs } = await rows([...on(slow), "--api", "api01", "--probe", "long", "--timeout-ms", "300"]);
        assert.equal(rs[0].reason, "timed out after 0.3 s");
        const port = await new Promise<number>((resolve) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const p = (s.address() as net.AddressInfo).port;
                s.close(() => resolve(p));
            });
        });
        const refused = await rows([
            "--stack",
            "dev",
            "--connect",
            `127.0.0.1:${port}`,
            "--connect-short",
            `127.0.0.1:${port}`,
            "--api",
            "api01",
            "--probe",
            "legacy",
        ]);
        assert.deepEqual(verdicts(refused.rows), [`api01 legacy: fail — connection refused by 127.0.0.1:${port}`]);
    });

    it("a short host that does not rewrite: the backend receives /api01/health and the short probe fails saying so", async () => {
        const b = await ingress({ ...healthyB(), rewrite: false });
        const { rows: rs } = await rows([...on(b), "--api", "api01", "--probe", "short"]);
        assert.deepEqual(verdicts(rs), [
            `api01 short: fail — HTTP 404 from 127.0.0.1:${b.port} — the short path is not routed, or not rewritten to /health`,
        ]);
        assert.deepEqual(b.backend, [`${SHORT} /api01/health`]);
    });

    it("parity: the same legacy request to A; a different content type is reported, equal answers pass", async () => {
        const b = await ingress(healthyB());
        const a = await ingress({ ...healthyB(), contentType: "text/plain" });
        const parity = (source: IngressDouble) =>
            rows([...on(b), "--api", "api01", "--probe", "legacy", "--probe", "parity", "--source", `127.0.0.1:${source.port}`]);
        const { rows: rs } = await parity(a);
        assert.deepEqual(
            verdicts(rs)[1],
            "api01 parity: fail — A answers HTTP 200 text/plain, B answers HTTP 200 application/json; bodies equal",
        );
        const same = await ingress(healthyB());
        const { code, rows: ok } = await parity(same);
        assert.equal(code, 0);
        assert.deepEqual(verdicts(ok)[1], "api01 parity: pass — A and B agree: HTTP 200 application/json; bodies equal");
    });

    it("bad usage exits 2 with one message: no address for B on dev, an unknown API, a CA file that is not PEM", async () => {
        const noAddress = await verify(["--stack", "dev"]);
        assert.equal(noAddress.code, 2);
        assert.equal(
            noAddress.err.split("\n")[0],
            "verify: B's team load balancer is known only after the platform stack applies: give --connect ADDRESS[:PORT]",
        );
        const unknown = await verify(["--stack", "dev", "--connect", "127.0.0.1:1", "--connect-short", "127.0.0.1:1", "--api", "api09"]);
        assert.equal(unknown.err.split("\n")[0], "verify: --api api09: not in migration:apis (api01, api02)");
        const ca = await verify(["--stack", "dev", "--connect", "127.0.0.1:1", "--ca", path.join(FIXTURES, "ext-good.cnf")]);
        assert.equal(ca.err.split("\n")[0], `verify: --ca ${path.join(FIXTURES, "ext-good.cnf")}: not a PEM bundle of certificates`);
        const dedicated = await verify(["--stack", "dev", "--connect", "127.0.0.1:1", "--probe", "short"]);
        assert.equal(
            dedicated.err.split("\n")[0],
            "verify: the short host has its own load balancer (shortDomain.mode: dedicated): give --connect-short ADDRESS[:PORT]",
        );
    });
});
