/**
 * The committed stacks' plans, byte for byte: a restructuring must not change what any stack
 * registers. When a change is meant to alter a plan, regenerate the file it names and review
 * the diff in the commit:
 *   npm run -s plan -- --stack STACK --json --now 2026-11-26T00:00:00Z > test/golden/STACK.json
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { plan } from "./cli-run";
import { ROOT } from "./helpers";

describe("the committed stacks' plans are unchanged (test/golden/)", () => {
    for (const stack of ["dev", "cutover", "source", "workloads"]) {
        it(`${stack}: --json is byte-identical to test/golden/${stack}.json`, async () => {
            const { code, stdout, stderr } = await plan(["--stack", stack, "--json", "--now", "2026-11-26T00:00:00Z"]);
            assert.deepEqual([code, stderr], [0, ""]);
            const golden = fs.readFileSync(path.join(ROOT, "test", "golden", `${stack}.json`), "utf8");
            assert.ok(
                stdout === golden,
                `the ${stack} plan changed; if intended, regenerate test/golden/${stack}.json (see this file's header)`,
            );
            assert.deepEqual(JSON.parse(stdout), JSON.parse(golden));
        });
    }
});
