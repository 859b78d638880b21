/**
 * `npm run verify -- --stack dev --kong-admin URL --kong-dp-status URL` on a platform stack with a
 * Kong data plane: B's data plane proven connected and in sync against a loopback control-plane
 * stand-in (test/doubles/kong-cp.ts), B's ingress a loopback HTTPS double. Never a real Kong.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifyMain } from "../offline/verify";
import { fixture, FIXTURES, IngressDouble } from "./doubles/ingress";
import { KongControlPlaneDouble, row } from "./doubles/kong-cp";
import { editedStackFile, ROOT } from "./helpers";

const CA = path.join(FIXTURES, "ca.crt");
const HOST = (a: string, s: string) => `${a}.${s}.dev.aliyun.cloud.cn.aibang`;
const B_DP = "kong-dp-team1";

describe("npm run verify: B's Kong data plane against a loopback control plane", function () {
    this.timeout(20_000);
    let dir: string;
    let file: string;
    let ingress: IngressDouble;
    let cp: KongControlPlaneDouble;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-dp-"));
        file = editedStackFile("dev", dir, (c) => {
            c["migration:kongDataPlane"] = {
                controlPlane: "kong-cp.team1.internal:8005",
                controlPlaneVersion: "3.9.1",
                image: { tag: "3.9.1" },
                clusterCertificate: fs.readFileSync(path.join(ROOT, "examples/kong/cluster-example.crt"), "utf8"),
                apis: ["api01"],
            };
            c["migration:kongClusterKey"] = { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAA" };
        });
        ingress = new IngressDouble({
            serves: ["api01", "api02"].flatMap((a) => [HOST(a, "target-team2"), HOST(a, "source-team1")]),
            shortHost: "dev-01.aliyun.cloud.cn.aibang",
            rewrite: true,
            certificate: fixture("good"),
        });
        await ingress.start();
        cp = new KongControlPlaneDouble();
        await cp.start();
    });
    after(async () => {
        await ingress.stop();
        await cp.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A's two data planes in sync, then B's as `b` says; `ready` what B's status listener answers. */
    async function verify(b: Parameters<typeof row>[2] | null, ready = { status: 200, message: "ready" }) {
        const now = new Date();
        cp.rows = [row("kong-dp-a-1", now), row("kong-dp-a-2", now), ...(b === null ? [] : [row(B_DP, now, b)])];
        cp.ready = ready;
        let out = "";
        let err = "";
        const argv = [
            "--stack",
            "dev",
            "--config",
            file,
            "--connect",
            `127.0.0.1:${ingress.port}`,
            "--connect-short",
            `127.0.0.1:${ingress.port}`,
            "--ca",
            CA,
        ];
        const code = await verifyMain([...argv, "--kong-admin", cp.url, "--kong-dp-status", cp.url], ROOT, ROOT, {
            out: (t) => (out += t),
            err: (t) => (err += t),
        });
        let jsonOut = "";
        const json = await verifyMain([...argv, "--kong-admin", cp.url, "--kong-dp-status", cp.url, "--json"], ROOT, ROOT, {
            out: (t) => (jsonOut += t),
            err: () => undefined,
        });
        assert.equal(json, code);
        const dpJson = (JSON.parse(jsonOut) as { kongDataPlane: Record<string, unknown> }).kongDataPlane;
        assert.deepEqual(Object.keys(dpJson), [
            "hostname",
            "listed",
            "syncStatus",
            "version",
            "lastSeenSeconds",
            "configHash",
            "expectedConfigHash",
            "certDaysLeft",
            "ok",
            "reasons",
            "ready",
            "readyAnswer",
        ]);
        assert.equal(dpJson.ready, ready.status === 200);
        assert.deepEqual(cp.violations, [], "every answer of the stand-in is Kong's");
        return {
            code,
            out,
            err,
            dp: out
                .split("\n")
                .filter((l) => l.startsWith("kong-dp "))
                .map((l) => l.replace(/\s{2,}/g, " | ")),
        };
    }

    it("listed, normal, a compatible version, seen 5 s ago, A's config hash, a year of certificate, ready: every check passes, exit 0", async () => {
        const r = await verify({});
        assert.equal(r.code, 0, r.out + r.err);
        assert.match(r.out.split("\n")[0], /; Kong data plane kong-dp-team1: in sync$/);
        // Seen 5 s before the rows were written; the probes before the check take a moment more.
        const seen = Number(/last seen (\d+) s ago/.exec(r.out)![1]);
        assert.ok(seen >= 5 && seen <= 8, `last seen ${seen} s`);
        assert.deepEqual(
            r.dp.map((l) => l.replace(/last seen \d+ s ago/, "last seen 5 s ago")),
            [
                "kong-dp | dp-listed | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | listed by the control plane",
                "kong-dp | dp-sync | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | sync_status normal",
                "kong-dp | dp-version | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | version 3.9.1, accepted by the control plane",
                "kong-dp | dp-seen | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | last seen 5 s ago (under 45 s)",
                `kong-dp | dp-config | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | config_hash ${"a".repeat(32)}, as A's data planes`,
                "kong-dp | dp-cert | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | cluster certificate: 365 days left (30 or more)",
                "kong-dp | dp-ready | data plane kong-dp-team1 | Kong Admin (CP) | - | - | PASS | /status/ready answered 200: ready",
            ],
        );
    });

    it("each way B's data plane is not ready fails with its one-line reason, exit 1", async () => {
        const failing = async (b: Parameters<typeof row>[2] | null, ready?: { status: number; message: string }) => {
            const r = await verify(b, ready);
            assert.equal(r.code, 1, r.out);
            return r.dp.filter((l) => l.includes("| FAIL |")).map((l) => l.split(" | ").pop());
        };
        assert.deepEqual(await failing(null), [
            "not listed: the control plane lists 2 data planes, none named kong-dp-team1 (it never connected: check cluster_control_plane and the cluster certificate)",
        ]);
        assert.deepEqual(await failing({ sync_status: "kong_version_incompatible", version: "3.10.0" }), [
            "sync_status kong_version_incompatible: its Kong version is one the control plane refuses; it is pushed no configuration",
            "version 3.10.0: the control plane 3.9.1 accepts the same major and no newer minor",
        ]);
        assert.deepEqual(await failing({ sync_status: "plugin_set_incompatible" }), [
            "sync_status plugin_set_incompatible: it lacks a plugin the configuration uses; it is pushed no configuration",
        ]);
        assert.deepEqual(
            (await failing({ secondsAgo: 90 })).map((l) => l!.replace(/last seen 9\d s ago/, "last seen 9x s ago")),
            ["last seen 9x s ago: over 45 s the control plane counts it gone (1.5 × its 30 s ping)"],
        );
        assert.deepEqual(await failing({ config_hash: "b".repeat(32) }), [
            `config_hash ${"b".repeat(32)} differs from A's data planes' ${"a".repeat(32)}: not the control plane's current configuration yet`,
        ]);
        assert.deepEqual(await failing({ config_hash: "0".repeat(32) }), ["config_hash is all zeros: it holds no configuration"]);
        assert.deepEqual(await failing({ certDays: 12 }), ["cluster certificate expires in 12 days (under 30)"]);
        assert.deepEqual(await failing({}, { status: 503, message: "no configuration available (empty configuration present)" }), [
            "/status/ready answered 503: no configuration available (empty configuration present)",
        ]);
    });

    it("--kong-dp-status without a data plane in the stack is bad usage, exit 2", async () => {
        let err = "";
        const plain = editedStackFile(
            "dev",
            dir,
            (c) => {
                delete c["migration:kongDataPlane"];
                delete c["migration:kongClusterKey"];
            },
            "dev-without-dp.yaml",
        );
        const code = await verifyMain(
            ["--stack", "dev", "--config", plain, "--connect", "127.0.0.1:1", "--kong-admin", cp.url],
            ROOT,
            ROOT,
            {
                out: () => undefined,
                err: (t) => (err += t),
            },
        );
        assert.equal(code, 2);
        assert.match(
            err,
            /^verify: --kong-admin on a platform stack checks its Kong data plane \(migration:kongDataPlane\), which this stack has not\n/,
        );
    });
});
