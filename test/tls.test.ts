import * as assert from "node:assert/strict";
import { ConfigError } from "../config/errors";
import { checkCertificate, sanCovers } from "../config/tls";
import { ProgramError } from "../offline/harness";
import { DOMAINS, EXAMPLE_CERT, EXAMPLE_NOT_AFTER, api, planConfig, platformConfig } from "./helpers";

const DAY = 86_400_000;

describe("sanCovers", () => {
    const table: [string, string, boolean][] = [
        ["dev-01.aliyun.cloud.cn.aibang", "dev-01.aliyun.cloud.cn.aibang", true],
        ["*.target-team2.dev.aliyun.cloud.cn.aibang", "api01.target-team2.dev.aliyun.cloud.cn.aibang", true],
        ["*.target-team2.dev.aliyun.cloud.cn.aibang", "a.api01.target-team2.dev.aliyun.cloud.cn.aibang", false],
        ["*.target-team2.dev.aliyun.cloud.cn.aibang", "target-team2.dev.aliyun.cloud.cn.aibang", false],
        ["*.aliyun.cloud.cn.aibang", "dev-01.aliyun.cloud.cn.aibang", true],
        ["api01.example.cn", "api02.example.cn", false],
    ];
    for (const [san, host, expected] of table)
        it(`${san} ${expected ? "covers" : "does not cover"} ${host}`, () => assert.equal(sanCovers(san, host), expected));
});

describe("checkCertificate", () => {
    const now = new Date(EXAMPLE_NOT_AFTER.getTime() - 3000 * DAY);

    it("summarises a certificate that covers every host", () => {
        const result = checkCertificate(
            EXAMPLE_CERT,
            ["api01.target-team2.dev.aliyun.cloud.cn.aibang", "dev-01.aliyun.cloud.cn.aibang"],
            now,
        );
        assert.deepEqual(result, {
            problems: [],
            summary: {
                subject: "O=EXAMPLE - NOT FOR PRODUCTION, CN=dev-01.aliyun.cloud.cn.aibang",
                dnsNames: [
                    "dev-01.aliyun.cloud.cn.aibang",
                    "*.target-team2.dev.aliyun.cloud.cn.aibang",
                    "*.source-team1.dev.aliyun.cloud.cn.aibang",
                ],
                notAfter: "2036-11-18T16:15:42.000Z",
                daysLeft: 3000,
            },
        });
    });

    it("names every host its SANs miss (a wildcard covers one label only)", () => {
        const result = checkCertificate(
            EXAMPLE_CERT,
            [
                "api01.target-team2.dev.aliyun.cloud.cn.aibang",
                "v2.api01.target-team2.dev.aliyun.cloud.cn.aibang",
                "api01.legacy.example.cn",
            ],
            now,
        );
        assert.deepEqual(result.problems, [
            {
                path: "migration:tls.certificate",
                message:
                    "does not cover v2.api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.legacy.example.cn; its SANs are dev-01.aliyun.cloud.cn.aibang, *.target-team2.dev.aliyun.cloud.cn.aibang, *.source-team1.dev.aliyun.cloud.cn.aibang (a wildcard covers exactly one label); expected a certificate whose SANs cover every served host",
            },
        ]);
    });

    it("refuses a certificate that expires within 14 days, naming the hosts", () => {
        const result = checkCertificate(EXAMPLE_CERT, ["dev-01.aliyun.cloud.cn.aibang"], new Date(EXAMPLE_NOT_AFTER.getTime() - 13 * DAY));
        assert.deepEqual(result.problems, [
            {
                path: "migration:tls.certificate",
                message:
                    "expires 2036-11-18T16:15:42.000Z (in 13 days) for dev-01.aliyun.cloud.cn.aibang; expected at least 14 days of validity left",
            },
        ]);
    });

    it("accepts exactly 14 days left", () => {
        assert.deepEqual(
            checkCertificate(EXAMPLE_CERT, ["dev-01.aliyun.cloud.cn.aibang"], new Date(EXAMPLE_NOT_AFTER.getTime() - 14 * DAY)).problems,
            [],
        );
    });

    it("refuses an expired certificate", () => {
        const result = checkCertificate(EXAMPLE_CERT, ["dev-01.aliyun.cloud.cn.aibang"], new Date(EXAMPLE_NOT_AFTER.getTime() + 2 * DAY));
        assert.equal(
            result.problems[0].message,
            "expires 2036-11-18T16:15:42.000Z (already expired) for dev-01.aliyun.cloud.cn.aibang; expected at least 14 days of validity left",
        );
    });

    it("refuses text that is not a certificate", () => {
        const result = checkCertificate("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", ["a.example"], now);
        assert.equal(result.problems.length, 1);
        assert.match(result.problems[0].message, /^is not a readable PEM certificate \(.+\); expected the PEM of the serving certificate$/);
    });
});

describe("the program refuses bad TLS before registering anything", () => {
    async function refusal(values: Record<string, unknown>, now?: Date): Promise<{ message: string; registered: string[] }> {
        try {
            await planConfig(values, now ? { now } : {});
        } catch (err) {
            assert.ok(err instanceof ProgramError, `expected ProgramError, got ${err}`);
            assert.ok(ConfigError.isConfigError(err.cause));
            return { message: err.cause.message, registered: err.run.resources.map((r) => r.type) };
        }
        assert.fail("expected the program to refuse");
    }

    it("a legacy host the certificate does not cover", async () => {
        const result = await refusal(
            platformConfig({ domains: { ...DOMAINS, source: "legacy.example.cn" }, apis: [api("api01"), api("api02")] }),
        );
        assert.deepEqual(result, {
            message:
                "invalid stack configuration (1 problem):\n  migration:tls.certificate: does not cover api01.legacy.example.cn, api02.legacy.example.cn; its SANs are dev-01.aliyun.cloud.cn.aibang, *.target-team2.dev.aliyun.cloud.cn.aibang, *.source-team1.dev.aliyun.cloud.cn.aibang (a wildcard covers exactly one label); expected a certificate whose SANs cover every served host",
            registered: ["pulumi:pulumi:Stack"],
        });
    });

    it("a certificate that expires in 5 days", async () => {
        const result = await refusal(platformConfig(), new Date(EXAMPLE_NOT_AFTER.getTime() - 5 * DAY));
        assert.deepEqual(result, {
            message:
                "invalid stack configuration (1 problem):\n  migration:tls.certificate: expires 2036-11-18T16:15:42.000Z (in 5 days) for api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.source-team1.dev.aliyun.cloud.cn.aibang, dev-01.aliyun.cloud.cn.aibang; expected at least 14 days of validity left",
            registered: ["pulumi:pulumi:Stack"],
        });
    });

    it("legacy hosts are not required when they are not served", async () => {
        const run = await planConfig(
            platformConfig({
                domains: { ...DOMAINS, source: "legacy.example.cn" },
                ingress: { name: "team1", implementation: "ingress-nginx", acceptLegacyHosts: false },
            }),
        );
        assert.deepEqual(run.outputs.ingress, {
            className: "nginx-team1",
            controllerValue: "k8s.io/ingress-nginx-team1",
            hosts: { api01: ["api01.target-team2.dev.aliyun.cloud.cn.aibang"] },
            loadBalancerAddress: "[known after apply]",
            addressKind: "ip",
        });
    });

    it("an existing Secret is not checked, and the plan says so", async () => {
        const run = await planConfig(
            platformConfig({ tls: { existingSecret: "wildcard-tls" }, apis: [api("api01"), api("api02", "team2-ns")] }),
            { secrets: {} },
        );
        assert.deepEqual(run.warnings, [
            "TLS coverage not checked: existing Secret wildcard-tls must exist in team1-ns, team2-ns and cover api01.target-team2.dev.aliyun.cloud.cn.aibang, api01.source-team1.dev.aliyun.cloud.cn.aibang, api02.target-team2.dev.aliyun.cloud.cn.aibang, api02.source-team1.dev.aliyun.cloud.cn.aibang, dev-01.aliyun.cloud.cn.aibang",
            "ingress-nginx is retired (archived 2026-03-24; chart 4.15.1 / controller 1.15.1 is the last release, pinned here): CVE-2026-3288 (rewrite-target) and CVE-2026-24512 (paths.path) are in exactly what the short host uses, and later nginx fixes (CVE-2026-42945) get no release; each release also installs a cluster-wide, fail-closed admission webhook (ValidatingWebhookConfiguration, failurePolicy Fail) on every Ingress write. Prefer implementation: alb",
            "B's names are not managed here (no migration:dns): api01.target-team2.dev.aliyun.cloud.cn.aibang and dev-01.aliyun.cloud.cn.aibang must be pointed at the new load balancers by hand, or they answer B's existing wildcard",
        ]);
        assert.equal(run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret").length, 0);
        assert.deepEqual(run.outputs.tls, { managed: false, secretName: "wildcard-tls" });
    });
});

describe("checkCertificate validity start", () => {
    it("refuses a certificate not valid yet", () => {
        const result = checkCertificate(EXAMPLE_CERT, ["dev-01.aliyun.cloud.cn.aibang"], new Date("2026-11-01T00:00:00Z"));
        assert.deepEqual(result.problems, [
            {
                path: "migration:tls.certificate",
                message: "is not valid before 2026-11-21T16:15:42.000Z; expected a certificate valid now",
            },
        ]);
    });
});
