/**
 * A mocha root hook: a test fails when any Alibaba Cloud double it used received a call that
 * breaks the vendor's request model (test/contracts/alibaba-contract.ts). Registered in every
 * mocha config's `require`, so every suite that talks to a double is a contract test.
 */
import * as assert from "node:assert/strict";
import { liveDoubles } from "./doubles/alibaba-rpc";

export const mochaHooks = {
    afterEach(this: { currentTest?: { state?: string } }): void {
        const violations = [...liveDoubles].flatMap((d) => d.violations.splice(0));
        if (this.currentTest?.state === "passed") assert.deepEqual(violations, [], "calls that break Alibaba's request models");
    },
};
