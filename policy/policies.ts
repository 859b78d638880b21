/**
 * The pack's policies, in one list: index.ts builds the PolicyPack from it, and the offline plan
 * (offline/policies.ts) evaluates the same objects on the planned resources.
 */
import { shareRisesBehindGate } from "./gate-before-share";
import { kongTargetsCarryWeight } from "./kong-targets";
import { layersReach100Together } from "./layers-agree";
import { ledgerAgrees } from "./ledger-agrees";
import { noLoadBalancerOutsideController } from "./load-balancers";
import { nameRecordsAlwaysAnswer } from "./name-records";
import { noPlaintextCredentials } from "./plaintext-credentials";
import { regexPathsMatchController } from "./regex-paths";
import { MigrationPolicy } from "./resources";
import { sourceProtectedUntilAllowed } from "./source-protected";
import { tlsCoversServedHosts } from "./tls-covers-hosts";
import { ttlLoweredBeforeShift } from "./ttl-before-shift";

/** The name `pulumi preview --policy-pack policy` reports violations under. */
export const POLICY_PACK_NAME = "migration-invariants";

/** The pack's version: PolicyPack reads it from the pack's package.json (@pulumi/policy policy.js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const POLICY_PACK_VERSION: string = require("./package.json").version;

/** Every policy of the pack; `now` is the clock of the time-bound advisory (the offline plan's `--now`). */
export function migrationPolicies(now: () => Date = () => new Date()): MigrationPolicy[] {
    return [
        nameRecordsAlwaysAnswer,
        shareRisesBehindGate,
        kongTargetsCarryWeight,
        sourceProtectedUntilAllowed,
        regexPathsMatchController,
        noLoadBalancerOutsideController,
        noPlaintextCredentials,
        tlsCoversServedHosts,
        ledgerAgrees,
        ttlLoweredBeforeShift,
        layersReach100Together(now),
    ];
}
