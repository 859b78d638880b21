/**
 * The text plan's summary, read before its detail: resources per type, legacy hosts grouped by
 * the state their traffic is in (so 1,000 APIs in five states read as five lines), the longest
 * wait, the number of warnings.
 */
import * as assert from "node:assert/strict";
import { renderSummary, renderText } from "../offline/render";
import { plan } from "./cli-run";
import { cutoverOfMany, planConfig } from "./helpers";

const WEIGHTS = [0, 5, 20, 50, 100];

describe("the text plan's summary", () => {
    it("groups 40 APIs in five states into five lines, with resources per type, the longest wait and the warnings count", async () => {
        const run = await planConfig(cutoverOfMany(40, "shift", (i) => WEIGHTS[i % 5]));
        const count = run.resources.length - 1;
        assert.deepEqual(renderSummary(run, count), [
            "Summary: 321 resources",
            // Each API's <api>-a record (B by address): Kong's A target, a name only A answers.
            "  40  alicloud:dns/alidnsRecord:AlidnsRecord",
            "  40  migration:index:ApiCutover  (component)",
            "  40  migration:index:DnsCutover  (component)",
            "  40  migration:index:KongUpstream  (component)",
            "  40  pulumi-nodejs:dynamic/migration:HealthGate",
            "  40  pulumi-nodejs:dynamic/migration:KongServiceBinding",
            "  40  pulumi-nodejs:dynamic/migration:KongUpstreamEntity",
            "  40  pulumi-nodejs:dynamic/migration:NameRecords",
            "   1  pulumi-nodejs:dynamic/migration:PhaseMarker",
            "Traffic: 40 legacy hosts, by state (hosts in it):",
            "  8  shift  DNS A 0 · B 100 | Kong A 0 · B 100  → on B: 100% direct, 100% via Kong",
            "  8  shift  DNS A 100 | Kong A 100 · B 0  → on B: 0% direct, 0% via Kong",
            // Via Kong exactly Kong's weight: its targets are names only A or B answer.
            "  8  shift  DNS A 50 · B 50 | Kong A 50 · B 50  → on B: 50% direct, 50% via Kong",
            "  8  shift  DNS A 80 · B 20 | Kong A 80 · B 20  → on B: 20% direct, 20% via Kong",
            "  8  shift  DNS A 95 · B 5 | Kong A 95 · B 5  → on B: 5% direct, 5% via Kong",
            "Longest wait: 61s, then observe at least 60s (per host under Convergence)",
            `Warnings: ${run.warnings.length} (listed at the end)`,
        ]);
        const text = renderText(run, "cutover").split("\n");
        assert.deepEqual(text.slice(3, 4), ["Summary: 321 resources"], "the summary comes first, before the detail");
        assert.equal(text.indexOf("Resources (321):"), 22);
    });

    it("the committed dev stack: resources per type, no traffic, no wait", async () => {
        const { code, stdout } = await plan(["--stack", "dev"]);
        assert.equal(code, 0);
        const lines = stdout.split("\n");
        assert.deepEqual(lines.slice(3, 18), [
            "Summary: 25 resources",
            "  6  kubernetes:networking.k8s.io/v1:Ingress",
            "  5  kubernetes:core/v1:Secret",
            "  3  alicloud:pvtz/zoneRecord:ZoneRecord",
            "  2  kubernetes:alibabacloud.com/v1:AlbConfig",
            "  2  kubernetes:networking.k8s.io/v1:IngressClass",
            "  2  migration:index:IsolatedIngress  (component)",
            "  1  kubernetes:core/v1:Namespace",
            "  1  kubernetes:helm.sh/v4:Chart  (component, rendered by the provider at apply)",
            "  1  migration:index:KongDataPlane  (component)",
            "  1  migration:index:ShortDomainGateway  (component)",
            "  1  migration:index:TargetNames  (component)",
            "Kong data plane in B (kong-dp-team1): api01 through it",
            "",
            "Resources (25):",
        ]);
        const names = lines.indexOf("B's names (explicit records; B's wildcard keeps answering every other name):");
        assert.deepEqual(lines.slice(names, names + 4), [
            "B's names (explicit records; B's wildcard keeps answering every other name):",
            "  api01.target-team2.dev.aliyun.cloud.cn.aibang  CNAME → [known after apply]",
            "  api02.target-team2.dev.aliyun.cloud.cn.aibang  CNAME → [known after apply]",
            "  dev-01.aliyun.cloud.cn.aibang  CNAME → [known after apply]",
        ]);
    });
});
