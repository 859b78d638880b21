/**
 * The cutover runbook's step table is the committed stacks' own plans (offline/runbook-table.ts,
 * `npm run -s runbook`): planned again here and compared with the page's copy, so a change of
 * the committed stack or of the program that moves a weight, a TTL or a wait fails until the
 * page is regenerated. Every command in it is an `npm run -s` offline review.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { copiedTable, RUNBOOK_PAGE, runbookTable } from "../offline/runbook-table";
import { ROOT } from "./helpers";

describe("the cutover runbook's step table comes from the plan", function () {
    this.timeout(60_000);

    it("the page's table is what the committed stacks plan, step by step (npm run -s runbook regenerates it)", async () => {
        const generated = await runbookTable();
        const copy = copiedTable(fs.readFileSync(path.join(ROOT, RUNBOOK_PAGE), "utf8"));
        assert.ok(copy !== undefined, `${RUNBOOK_PAGE} has no runbook-table markers`);
        assert.ok(copy === generated, `${RUNBOOK_PAGE}'s step table is stale: run npm run -s runbook and commit the result`);
        const rows = generated.trim().split("\n").slice(2);
        assert.deepEqual(
            rows.map((r) => r.split(" | ")[0].replace(/^\| /, "")),
            ["1. prepare", "2. canary", "3. ramp", "3. ramp", "3. ramp", "4. every API", "5. complete"],
        );
        // The committed stack's numbers: 60 s while moving, the steady 3600 s after complete and before the first shift.
        assert.match(rows[0], /`api01`: wait 3601 s, then observe at least 0 s/);
        assert.match(
            rows[1],
            /`api01`: DNS A 95 · B 5 \(TTL 60 s\) \\\| Kong A 95 · B 5 \| `api01`: wait 61 s, then observe at least 60 s \|$/,
        );
        assert.match(rows[6], /`api01`: DNS B 100 \(TTL 3600 s\)/);
    });

    it("every command in the table is an npm run -s offline review", async () => {
        const commands = [...(await runbookTable()).matchAll(/`((?:npm|pulumi|kubectl)[^`]*)`/g)].map((m) => m[1]);
        assert.equal(commands.length, 7);
        assert.deepEqual(
            commands.filter((c) => !c.startsWith("npm run -s plan -- --stack cutover --config ")),
            [],
        );
    });
});
