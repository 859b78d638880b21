/**
 * providers/name-check.ts through Node's own dns.Resolver against a loopback DNS server
 * (test/doubles/dns-server.ts, dns-packet): B's names must answer B's load balancers.
 */
import * as assert from "node:assert/strict";
import { checkNames } from "../providers/name-check";
import { DnsDouble, startDnsServer } from "./doubles/dns-server";

const ALB = "alb-team1.cn-hangzhou.alb.aliyuncsslb.com";

describe("checkNames: each name resolves to the load balancer it should", () => {
    let dns: DnsDouble;
    before(async () => {
        dns = await startDnsServer({
            "api01.target-team2.dev.aliyun.cloud.cn.aibang": { CNAME: ALB },
            [ALB]: { A: ["127.0.0.9"] },
            // Still on B's existing wildcard's answer: an A record to B's old load balancer.
            "api02.target-team2.dev.aliyun.cloud.cn.aibang": { A: ["127.0.0.8"] },
            "dev-01.aliyun.cloud.cn.aibang": { A: ["127.0.0.7"] },
            "other.aliyun.cloud.cn.aibang": { CNAME: "alb-other.cn-hangzhou.alb.aliyuncsslb.com" },
        });
    });
    after(() => dns.close());

    it("passes a CNAME to the ALB and an A record to the CLB; fails a wrong CNAME, an A where a CNAME belongs, and a missing name", async () => {
        const server = { address: "127.0.0.1", port: dns.port };
        const verdicts = await checkNames(
            [
                { host: "api01.target-team2.dev.aliyun.cloud.cn.aibang", expected: ALB },
                { host: "dev-01.aliyun.cloud.cn.aibang", expected: "127.0.0.7" },
                { host: "other.aliyun.cloud.cn.aibang", expected: ALB },
                { host: "api02.target-team2.dev.aliyun.cloud.cn.aibang", expected: ALB },
                { host: "dev-01.aliyun.cloud.cn.aibang", expected: "127.0.0.6" },
                { host: "api03.target-team2.dev.aliyun.cloud.cn.aibang", expected: ALB },
            ],
            { server, timeoutMs: 2000 },
        );
        assert.deepEqual(
            verdicts.map((v) => [v.host, v.ok, v.answered]),
            [
                ["api01.target-team2.dev.aliyun.cloud.cn.aibang", true, `CNAME ${ALB}`],
                ["dev-01.aliyun.cloud.cn.aibang", true, "A 127.0.0.7"],
                ["other.aliyun.cloud.cn.aibang", false, "CNAME alb-other.cn-hangzhou.alb.aliyuncsslb.com"],
                ["api02.target-team2.dev.aliyun.cloud.cn.aibang", false, "A 127.0.0.8 (no CNAME)"],
                ["dev-01.aliyun.cloud.cn.aibang", false, "A 127.0.0.7"],
                ["api03.target-team2.dev.aliyun.cloud.cn.aibang", false, "no such name (NXDOMAIN)"],
            ],
        );
        assert.ok(dns.asked.includes("CNAME api01.target-team2.dev.aliyun.cloud.cn.aibang"), dns.asked.join(", "));
    });

    it("a server that does not answer is a failed verdict within the timeout, not a hang", async () => {
        const started = Date.now();
        const [v] = await checkNames([{ host: "api01.target-team2.dev.aliyun.cloud.cn.aibang", expected: ALB }], {
            // A loopback port nothing listens on.
            server: { address: "127.0.0.1", port: 9 },
            timeoutMs: 300,
        });
        assert.equal(v.ok, false);
        assert.match(v.answered, /^(no answer from the DNS server|the DNS server refused the connection|no answer \(.*\))$/);
        assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    });
});
