/**
 * A loopback HTTPS ingress, as cluster B's ingress-nginx answers (kubernetes/ingress-nginx docs:
 * a request whose Host has no rule goes to the default backend, which answers 404; a host
 * without its own TLS certificate is served the default certificate; `rewrite-target: /$2`
 * with the path `/<api>(/|$)(.*)` hands the backend the path without `/<api>`). Certificates
 * are chosen by SNI (Node's `tls` SNICallback). The backend answers 200 with a JSON body on the
 * health path only, and records the path it received.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import * as tls from "node:tls";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "tls");

/** A certificate fixture (test/fixtures/tls/<name>.crt/.key). */
export function fixture(name: "good" | "nolegacy" | "expired"): { cert: string; key: string } {
    return {
        cert: fs.readFileSync(path.join(FIXTURES, `${name}.crt`), "utf8"),
        key: fs.readFileSync(path.join(FIXTURES, `${name}.key`), "utf8"),
    };
}

export interface IngressBehaviour {
    /** Hosts with a rule (long and legacy names); any other Host answers 404 from the default backend. */
    serves: string[];
    /** The short host, routed by path `/<api>/…`. */
    shortHost?: string;
    /** Whether the short host's rule rewrites `/<api>/rest` to `/rest` (as the platform plans it). */
    rewrite?: boolean;
    /** The backend's health path. @default "/health" */
    healthPath?: string;
    /** The default certificate, and certificates by SNI. */
    certificate: { cert: string; key: string };
    bySni?: Record<string, { cert: string; key: string }>;
    /** Answer this late (a slow or hung backend). */
    delayMs?: number;
    /** The backend's content type. @default "application/json" */
    contentType?: string;
}

export class IngressDouble {
    /** Paths the backend received, as `host path`. */
    readonly backend: string[] = [];
    /** SNI names the TLS handshakes asked for. */
    readonly sni: string[] = [];
    port = 0;
    private server?: https.Server;

    constructor(readonly b: IngressBehaviour) {}

    async start(): Promise<void> {
        const contexts = new Map(Object.entries(this.b.bySni ?? {}).map(([name, c]) => [name, tls.createSecureContext(c)]));
        this.server = https.createServer(
            {
                ...this.b.certificate,
                SNICallback: (name, cb) => {
                    this.sni.push(name);
                    cb(null, contexts.get(name) ?? tls.createSecureContext(this.b.certificate));
                },
            },
            (req, res) => {
                const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
                const answer = () => this.route(host, req.url ?? "/", res);
                if (this.b.delayMs) setTimeout(answer, this.b.delayMs);
                else answer();
            },
        );
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.port = (this.server.address() as AddressInfo).port;
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    private route(host: string, url: string, res: import("node:http").ServerResponse): void {
        let backendPath: string | undefined;
        if (this.b.serves.includes(host)) backendPath = url;
        else if (host === this.b.shortHost) {
            const m = /^\/([a-z0-9-]+)(\/|$)(.*)$/.exec(url);
            if (m) backendPath = this.b.rewrite ? `/${m[3]}` : url;
        }
        if (backendPath === undefined) {
            res.writeHead(404, { "content-type": "text/html" }).end("<html><body>404 Not Found</body></html>");
            return;
        }
        this.backend.push(`${host} ${backendPath}`);
        if (backendPath !== (this.b.healthPath ?? "/health")) {
            res.writeHead(404, { "content-type": "text/plain" }).end("not found");
            return;
        }
        res.writeHead(200, { "content-type": this.b.contentType ?? "application/json" }).end(JSON.stringify({ status: "UP" }));
    }
}
