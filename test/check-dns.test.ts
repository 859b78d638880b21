/** `verify --check-dns` (offline/check-dns.ts) against the loopback PrivateZone double. */
import * as assert from "node:assert/strict";
import { DnsSettings } from "../config/types";
import { checkDns } from "../offline/check-dns";
import { PrivateZoneDouble } from "./doubles/privatezone";
import { verifyMain } from "../offline/verify";
import { ROOT, withAlibabaCredentials, ZONE } from "./helpers";

const dns = {
    service: "privatezone",
    zone: ZONE,
    zoneId: "2c5f0e1d9a7b4f6e",
    vpcIds: ["vpc-a1clustera", "vpc-b2clusterb"],
    ttl: { cutover: 60, steady: 3600 },
    endpoint: "pvtz.aliyuncs.com",
    retry: { retries: 1, backoffMs: 5 },
} as Extract<DnsSettings, { service: "privatezone" }>;

describe("verify --check-dns: the zone as the service reports it", () => {
    let pz: PrivateZoneDouble;
    before(async () => {
        pz = new PrivateZoneDouble();
        await pz.start();
    });
    after(() => pz.stop());

    describe("with credentials", () => {
        withAlibabaCredentials();

        it("an acceleration zone bound to every VPC passes; a VPC beyond the list is mentioned", async () => {
            pz.zones.set(dns.zoneId, { name: ZONE, dnsGroup: "FAST_ZONE", vpcIds: ["vpc-a1clustera", "vpc-b2clusterb", "vpc-c3other"] });
            assert.deepEqual(await checkDns(dns, pz.endpoint), {
                lines: [
                    "✓ zone 2c5f0e1d9a7b4f6e: DnsGroup FAST_ZONE (an acceleration zone: weighted records and several CNAMEs per name)",
                    "✓ zone 2c5f0e1d9a7b4f6e: bound to every VPC of dns.vpcIds (vpc-a1clustera, vpc-b2clusterb)",
                    "- zone 2c5f0e1d9a7b4f6e: also bound to vpc-c3other (not in dns.vpcIds; their clients see the cutover too)",
                ],
                ok: true,
                read: true,
            });
            assert.deepEqual(pz.log(), ["DescribeZoneInfo ZoneId=2c5f0e1d9a7b4f6e"]);
        });

        it("a regular zone missing a VPC fails on both, naming ChangeZoneDnsGroup and the VPC", async () => {
            pz.zones.set(dns.zoneId, { name: ZONE, dnsGroup: "NORMAL_ZONE", vpcIds: ["vpc-a1clustera"] });
            const r = await checkDns(dns, pz.endpoint);
            assert.deepEqual(r, {
                lines: [
                    "✗ zone 2c5f0e1d9a7b4f6e: DnsGroup NORMAL_ZONE — weights exist only in acceleration zones (FAST_ZONE) and a regular zone holds one CNAME per name; ChangeZoneDnsGroup switches it (NORMAL_ZONE → FAST_ZONE only; it cannot be undone)",
                    "✗ zone 2c5f0e1d9a7b4f6e: not bound to vpc-b2clusterb (dns.vpcIds): clients there do not resolve the names through this zone; bound: vpc-a1clustera",
                ],
                ok: false,
                read: true,
            });
        });
    });

    it("without credentials nothing is read, and the check says so", async () => {
        const keys = [
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALIBABA_CLOUD_CREDENTIALS_FILE",
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
        ];
        const saved = keys.map((k) => process.env[k]);
        keys.forEach((k) => delete process.env[k]);
        process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = "/nonexistent/credentials";
        // The chain would otherwise ask the ECS metadata service (100.100.100.200): a test sends nothing off this machine.
        process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";
        try {
            const from = pz.calls.length;
            const r = await checkDns(dns, pz.endpoint);
            assert.deepEqual([r.ok, r.read, pz.calls.length - from], [false, false, 0]);
            // Through the command: the committed cutover stack, exit 1 (nothing was checked), one line saying why.
            let out = "";
            const code = await verifyMain(["--stack", "cutover", "--check-dns"], ROOT, ROOT, {
                out: (s) => (out += s),
                err: (s) => (out += s),
            });
            assert.deepEqual([code, out.split("\n")[0]], [1, "Verify stack cutover: DNS zone NOT READ"]);
            assert.match(r.lines[0], /^- zone 2c5f0e1d9a7b4f6e: not read — no Alibaba Cloud credentials found/);
        } finally {
            keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
        }
    });
});
