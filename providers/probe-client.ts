/**
 * Sends the acceptance probes (plan/probes.ts) with Node's own `https`/`tls`, like
 * `curl --resolve`: connect to the probe's address, send the real Host and SNI, and report the
 * status, the latency, the certificate presented (its names, days to expiry, whether it covers
 * the host and verifies against the trust roots in use) and a one-line verdict with its reason.
 * Timeouts and retries are bounded; only failures to get an answer are retried.
 *
 * Used by `npm run verify` and inside the HealthGate provider (serialised into the state:
 * built-in modules only, required inside the functions).
 */
import type { Probe } from "../vocabulary/probes";

/** What the certificate presented says, for the probe's host. */
export interface CertificateFacts {
    subject: string;
    /** Its DNS names (subject alternative names). */
    names: string[];
    notAfter: string;
    daysToExpiry: number;
    /** It is valid for the probe's host name. */
    coversHost: boolean;
    /** Its chain verifies against the trust roots in use (the CA bundle given, else the system's). */
    trusted: boolean;
    /** Why it does not verify (OpenSSL's code), when it does not. */
    trustError?: string;
}

export interface ProbeResult {
    api: string;
    probe: Probe["probe"];
    host: string;
    path: string;
    /** `address:port` connected to. */
    address: string;
    status?: number;
    latencyMs: number;
    contentType?: string;
    /** SHA-256 of the first MiB of the body (parity compares bodies by it). */
    bodySha256?: string;
    certificate?: CertificateFacts;
    verdict: "pass" | "fail";
    reason: string;
}

export interface ProbeOptions {
    /** PEM CA bundle; replaces the system roots when given. */
    ca?: string;
    /** Per attempt, connect to last byte. @default 5000 */
    timeoutMs?: number;
    /** More attempts when no answer came (refused, timed out, reset). @default 1 */
    retries?: number;
    /** A certificate with fewer days left fails. @default 14 */
    minDaysValid?: number;
    /** The clock certificate expiry is measured against. @default now */
    now?: Date;
}

interface Answer {
    status?: number;
    contentType?: string;
    bodySha256?: string;
    certificate?: CertificateFacts;
    error?: { code: string; message: string };
    latencyMs: number;
}

const DAY_MS = 86_400_000;

function attempt(p: Probe, o: Required<Omit<ProbeOptions, "ca">> & { ca?: string }): Promise<Answer> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const https = require("node:https") as typeof import("node:https");
    const crypto = require("node:crypto") as typeof import("node:crypto");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const started = Date.now();
    return new Promise((resolve) => {
        let settled = false;
        // Declared before `done` uses it: Pulumi's closure serialiser cannot capture a const in its dead zone.
        // eslint-disable-next-line prefer-const
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = (a: Omit<Answer, "latencyMs">) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ ...a, latencyMs: Date.now() - started });
        };
        const req = https.request({
            host: p.connect.address,
            port: p.connect.port,
            method: "GET",
            path: p.path,
            headers: { host: p.host, "user-agent": "migration-verify" },
            servername: p.host,
            ...(o.ca ? { ca: o.ca } : {}),
            // The certificate is judged below (names, expiry, trust), so a bad one is reported, not thrown.
            rejectUnauthorized: false,
            agent: false,
        });
        timer = setTimeout(() => {
            done({ error: { code: "ETIMEDOUT", message: `timed out after ${o.timeoutMs / 1000} s` } });
            req.destroy();
        }, o.timeoutMs);
        req.on("response", (res) => {
            const socket = res.socket as import("node:tls").TLSSocket;
            const peer = socket.getPeerCertificate();
            let certificate: CertificateFacts | undefined;
            if (peer?.raw) {
                const x = new crypto.X509Certificate(peer.raw);
                const notAfter = new Date(x.validTo);
                certificate = {
                    subject: x.subject.replace(/\n/g, ", "),
                    names: (x.subjectAltName ?? "")
                        .split(", ")
                        .filter((n) => n.startsWith("DNS:"))
                        .map((n) => n.slice(4)),
                    notAfter: notAfter.toISOString(),
                    daysToExpiry: Math.floor((notAfter.getTime() - o.now.getTime()) / DAY_MS),
                    coversHost: x.checkHost(p.host) !== undefined,
                    trusted: socket.authorized,
                    ...(socket.authorized ? {} : { trustError: String(socket.authorizationError) }),
                };
            }
            const hash = crypto.createHash("sha256");
            let size = 0;
            res.on("data", (chunk: Buffer) => {
                if (size < 1 << 20) hash.update(chunk.subarray(0, (1 << 20) - size));
                size += chunk.length;
            });
            res.on("end", () =>
                done({
                    status: res.statusCode,
                    ...(res.headers["content-type"] ? { contentType: String(res.headers["content-type"]) } : {}),
                    bodySha256: hash.digest("hex"),
                    ...(certificate ? { certificate } : {}),
                }),
            );
            res.on("error", (err: NodeJS.ErrnoException) => done({ error: { code: err.code ?? "ERROR", message: err.message } }));
        });
        req.on("error", (err: NodeJS.ErrnoException) => done({ error: { code: err.code ?? "ERROR", message: err.message } }));
        req.end();
    });
}

/** Why no answer came, in an operator's words. */
function networkReason(e: { code: string; message: string }, address: string): string {
    switch (e.code) {
        case "ECONNREFUSED":
            return `connection refused by ${address}`;
        case "ETIMEDOUT":
            return e.message;
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return `cannot resolve ${address.replace(/:\d+$/, "")}`;
        case "ECONNRESET":
            return `connection reset by ${address}`;
        case "EHOSTUNREACH":
        case "ENETUNREACH":
            return `no route to ${address} (is this machine inside B's network?)`;
        default:
            return `${e.code}: ${e.message}`;
    }
}

/** The verdict on one answer: the first thing wrong, or what passed. */
function judge(p: Probe, a: Answer, address: string, minDaysValid: number): { verdict: "pass" | "fail"; reason: string } {
    const fail = (reason: string) => ({ verdict: "fail" as const, reason });
    if (a.error) return fail(networkReason(a.error, address));
    const c = a.certificate;
    if (!c) return fail(`no certificate presented by ${address}`);
    if (!c.coversHost) return fail(`certificate does not cover ${p.host} (it names ${c.names.join(", ") || "no DNS name"})`);
    if (c.daysToExpiry < 0) return fail(`certificate expired ${-c.daysToExpiry} days ago (${c.notAfter})`);
    if (!c.trusted) return fail(`certificate does not verify against the trust roots in use: ${c.trustError}`);
    if (c.daysToExpiry < minDaysValid)
        return fail(`certificate expires in ${c.daysToExpiry} days (${c.notAfter}); at least ${minDaysValid} wanted`);
    const status = a.status ?? 0;
    if (status >= 200 && status < 300) return { verdict: "pass", reason: `HTTP ${status} in ${a.latencyMs} ms` };
    return fail(`HTTP ${status} from ${address} — ${p.meaning}`);
}

function defaults(o: ProbeOptions) {
    return {
        timeoutMs: o.timeoutMs ?? 5000,
        retries: o.retries ?? 1,
        minDaysValid: o.minDaysValid ?? 14,
        now: o.now ?? new Date(),
        ...(o.ca ? { ca: o.ca } : {}),
    };
}

/** Sends one probe (with bounded retries when no answer came) and judges it. */
export async function sendProbe(p: Probe, options: ProbeOptions = {}): Promise<ProbeResult> {
    const o = defaults(options);
    const address = `${p.connect.address}:${p.connect.port}`;
    let a = await attempt(p, o);
    for (let i = 0; i < o.retries && a.error; i++) {
        await new Promise((r) => setTimeout(r, 200 * (i + 1)));
        a = await attempt(p, o);
    }
    const { error: _error, ...facts } = a;
    return { api: p.api, probe: p.probe, host: p.host, path: p.path, address, ...facts, ...judge(p, a, address, o.minDaysValid) };
}

/**
 * Sends every probe (one at a time: these are a handful per API, and B's ingress should not
 * see a burst from a check) and judges parity against B's legacy answer of the same API.
 */
export async function runProbes(probes: Probe[], options: ProbeOptions = {}): Promise<ProbeResult[]> {
    const results: ProbeResult[] = [];
    for (const p of probes) results.push(await sendProbe(p, options));
    for (const r of results.filter((x) => x.probe === "parity" && x.status !== undefined)) {
        const b = results.find((x) => x.api === r.api && x.probe === "legacy");
        if (!b || b.status === undefined) {
            Object.assign(r, { verdict: "fail", reason: "no answer from B's legacy probe to compare with" });
            continue;
        }
        const same = r.status === b.status && (r.contentType ?? "") === (b.contentType ?? "");
        const bodies = r.bodySha256 === b.bodySha256 ? "bodies equal" : "bodies differ";
        Object.assign(
            r,
            same
                ? { verdict: "pass", reason: `A and B agree: HTTP ${b.status} ${b.contentType ?? "(no content type)"}; ${bodies}` }
                : {
                      verdict: "fail",
                      reason: `A answers HTTP ${r.status} ${r.contentType ?? "(no content type)"}, B answers HTTP ${b.status} ${b.contentType ?? "(no content type)"}; ${bodies}`,
                  },
        );
    }
    return results;
}
