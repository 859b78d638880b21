/**
 * The policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`)
 * from the project folder. The policies live one concern per module; see policies.ts and the
 * README's "Policies". Never constructed in tests: PolicyPack starts a gRPC server and may exit
 * the process (test/policy-*.test.ts call the policy objects themselves).
 */
import { PolicyPack } from "@pulumi/policy";
import { migrationPolicies, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies: migrationPolicies() });
