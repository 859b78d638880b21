/**
 * The offline plan runs the policy pack (policy/): the same policy objects, called with the
 * arguments pulumi-policy's analyzer builds (@pulumi/policy 1.21.0 server.js) from what the
 * engine sends in a preview (pulumi/pulumi pkg/resource/deploy step_generator.go):
 * - resource policies, once per registered resource (providers included; reads are not
 *   registrations), over its inputs — the stack's own resource has none;
 * - stack policies, once, over every registered resource's outputs (`AnalyzeResources` ranges
 *   over all of the deployment's new states, providers included): a custom resource about to be
 *   created shows its inputs as outputs, a component what it registered (the stack's outputs for
 *   the stack resource), and a component a provider implements (a Helm v4 Chart) only what that
 *   provider registers, which offline is nothing; parents and dependencies as resources.
 * Secrets arrive unwrapped and unknowns behind the proxy that throws, by pulumi-policy's own
 * modules (policy/analyzer.ts). A policy that reads a value only an apply knows is reported as
 * the analyzer reports it: not run during preview, advisory. Offline every resource is new:
 * a preview of an existing stack would give an unchanged resource its last outputs instead.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { analyzerProps, isUnknownValueError } from "../policy/analyzer";
import { migrationPolicies, POLICY_PACK_NAME, POLICY_PACK_VERSION } from "../policy/policies";
import { MigrationPolicy } from "../policy/resources";
import Ajv from "ajv";
import { OfflineRun, RecordedResource } from "./harness";

export interface PolicyViolation {
    policy: string;
    level: "mandatory" | "advisory";
    urn: string;
    message: string;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

/**
 * Evaluates `policies` (the pack's, by default) on an offline run kept with its wire values
 * (`keepWire`). Violations in the order the policies are listed, then by resource.
 */
export async function evaluatePolicies(
    run: OfflineRun,
    policies: MigrationPolicy[] = migrationPolicies(),
    config: PolicyConfig = readPolicyConfig("{}", policies),
): Promise<PolicyViolation[]> {
    const violations: PolicyViolation[] = [];
    const inputsOf = (r: RecordedResource): Record<string, unknown> => {
        if (!r.wire) throw new Error(`evaluatePolicies: ${r.urn} was recorded without its wire values (run the plan with keepWire)`);
        return r.wire;
    };
    // A custom resource to be created shows its inputs; a component (the stack resource included) what it registered.
    const outputsOf = (r: RecordedResource): Record<string, unknown> => (r.custom && !r.remote ? inputsOf(r) : (r.outputsWire ?? {}));
    const optsOf = (r: RecordedResource) => ({
        protect: r.options.protect,
        ignoreChanges: r.options.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs,
        ...(r.parent ? { parent: r.parent } : {}),
    });
    // What the analyzer says of a policy that read an unknown value, and of a failure.
    const guarded = async (p: MigrationPolicy, urn: string, body: () => Promise<void> | void) => {
        try {
            await body();
        } catch (err) {
            if (err instanceof NotApplicable) return;
            if (!isUnknownValueError(err)) throw err;
            violations.push({
                policy: p.name,
                level: "advisory",
                urn,
                // pulumi-policy's own words (server.js), so a reader sees the same line offline and under the CLI.
                message: `can't run policy '${p.name}' from policy pack '${POLICY_PACK_NAME}@v${POLICY_PACK_VERSION}' during preview: ${(err as Error).message}`,
            });
        }
    };
    // As pulumi-policy's server takes them: the policy's configured level, else the pack-wide one, else its own.
    const levelOf = (p: MigrationPolicy) => config.policies[p.name]?.enforcementLevel ?? config.all ?? p.enforcementLevel ?? "advisory";
    const level = (p: MigrationPolicy) => (levelOf(p) === "advisory" ? "advisory" : "mandatory");

    const stackUrn = run.resources.find((r) => !r.parent)?.urn ?? "";
    for (const p of policies) {
        if (levelOf(p) === "disabled") continue;
        const getConfig = <T extends object>() => (config.policies[p.name]?.properties ?? {}) as T;
        if ("validateResource" in p && p.validateResource) {
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const r of run.resources) {
                if (r.read) continue;
                const report: ReportViolation = (message) => violations.push({ policy: p.name, level: level(p), urn: r.urn, message });
                for (const validate of validations)
                    await guarded(p, r.urn, () => {
                        const args: ResourceValidationArgs = {
                            type: r.type,
                            props: analyzerProps(inputsOf(r)),
                            urn: r.urn,
                            name: r.name,
                            opts: optsOf(r),
                            stackTags: new Map(),
                            isType: () => false,
                            asType: () => undefined,
                            getConfig,
                            notApplicable,
                        };
                        return validate(args, report);
                    });
            }
        }
        if ("validateStack" in p && p.validateStack) {
            const validateStack = p.validateStack;
            const report: ReportViolation = (message, urn) =>
                violations.push({ policy: p.name, level: level(p), urn: urn ?? stackUrn, message });
            await guarded(p, stackUrn, () => {
                const args: StackValidationArgs = {
                    resources: stackResources(run, outputsOf, optsOf),
                    getConfig,
                    notApplicable,
                    stackTags: new Map(),
                };
                return validateStack(args, report);
            });
        }
    }
    return violations;
}

/** One resource of a stack validation before its parent and dependencies are linked (by URN). */
export interface StackEntry {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    opts: PolicyResource["opts"];
    parent?: string;
    dependencies: string[];
}

/** The resources as a stack validation receives them: parent and dependencies as the resources themselves (pulumi-policy server.js). */
export function linkedResources(entries: StackEntry[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const e of entries)
        byUrn.set(e.urn, {
            type: e.type,
            props: e.props,
            urn: e.urn,
            name: e.name,
            opts: e.opts,
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as PolicyResource);
    for (const e of entries) {
        const resource = byUrn.get(e.urn)!;
        if (e.parent && byUrn.has(e.parent)) resource.parent = byUrn.get(e.parent);
        resource.dependencies = e.dependencies.flatMap((d) => (byUrn.has(d) ? [byUrn.get(d)!] : []));
    }
    return [...byUrn.values()];
}

/** The stack's registered resources (providers included, reads not) as a stack validation receives them. */
function stackResources(
    run: OfflineRun,
    wireOf: (r: RecordedResource) => Record<string, unknown>,
    optsOf: (r: RecordedResource) => PolicyResource["opts"],
): PolicyResource[] {
    return linkedResources(
        run.resources
            .filter((r) => !r.read)
            .map((r) => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                props: analyzerProps(wireOf(r)),
                opts: optsOf(r),
                ...(r.parent ? { parent: r.parent } : {}),
                dependencies: r.dependencies,
            })),
    );
}

/** The plan's "Policies" section: every violation, mandatory first, each with the resource it names. */
export function renderPolicies(violations: PolicyViolation[], evaluated: number): string[] {
    const mandatory = violations.filter((v) => v.level === "mandatory");
    const head = `Policies (pack ${POLICY_PACK_NAME}, ${evaluated} policies, as \`pulumi preview --policy-pack policy\` runs them):`;
    if (violations.length === 0) return [`${head} no violation`];
    const out = [`${head} ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory`];
    for (const v of [...mandatory, ...violations.filter((x) => x.level !== "mandatory")]) {
        const [, type = "", name = v.urn] = /^urn:pulumi:[^:]*::[^:]*::(?:.*\$)?([^$]+)::(.+)$/.exec(v.urn) ?? [];
        out.push(`  [${v.level}] ${v.policy}  ${type} ${name}`);
        out.push(`      ${v.message}`);
    }
    return out;
}

/** A policy pack configuration, as `pulumi preview --policy-pack-config FILE` reads it. */
export interface PolicyConfig {
    /** The level every policy takes (`"all"`), before a policy's own entry. */
    all?: EnforcementLevel;
    /** Per policy: its level, and the properties its `getConfig()` returns (schema defaults filled in). */
    policies: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;
}

type EnforcementLevel = "advisory" | "mandatory" | "disabled";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled"];

/** A policy configuration file that cannot be used, with what is wrong in it. */
export class PolicyConfigError extends Error {}

/**
 * Reads a policy pack configuration (Pulumi's format: `{"all": LEVEL, "<policy>": LEVEL |
 * {"enforcementLevel": LEVEL, "<property>": value, …}}`), each policy's properties checked
 * against its `configSchema` with ajv (defaults filled in, unknown properties refused) as the
 * engine checks them before a preview.
 */
export function readPolicyConfig(text: string, policies: MigrationPolicy[] = migrationPolicies()): PolicyConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new PolicyConfigError(`not JSON: ${(err as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new PolicyConfigError(
            'expected an object such as {"all": "mandatory", "ttl-lowered-before-shift": {"maxShiftTtlSeconds": 60}}',
        );
    const level = (key: string, v: unknown): EnforcementLevel => {
        if (!LEVELS.includes(v as EnforcementLevel))
            throw new PolicyConfigError(`${key}: ${JSON.stringify(v)} is not an enforcement level; expected one of ${LEVELS.join(", ")}`);
        return v as EnforcementLevel;
    };
    const config: PolicyConfig = { policies: {} };
    const ajv = new Ajv({ useDefaults: true, allErrors: true });
    for (const [key, value] of Object.entries(raw)) {
        if (key === "all") {
            config.all = level(
                "all",
                typeof value === "object" && value !== null ? (value as { enforcementLevel?: unknown }).enforcementLevel : value,
            );
            continue;
        }
        const policy = policies.find((p) => p.name === key);
        if (!policy)
            throw new PolicyConfigError(
                `${key}: no policy of that name in the pack; its policies: ${policies.map((p) => p.name).join(", ")}`,
            );
        const { enforcementLevel, ...properties } = (typeof value === "string" ? { enforcementLevel: value } : value) as Record<
            string,
            unknown
        >;
        const schema = {
            type: "object",
            properties: policy.configSchema?.properties ?? {},
            required: policy.configSchema?.required ?? [],
            additionalProperties: false,
        };
        const validate = ajv.compile(schema);
        if (!validate(properties))
            throw new PolicyConfigError(
                `${key}: ${(validate.errors ?? []).map((e) => `${e.instancePath || "(properties)"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`).join("; ")}`,
            );
        config.policies[key] = {
            ...(enforcementLevel !== undefined ? { enforcementLevel: level(`${key}.enforcementLevel`, enforcementLevel) } : {}),
            properties,
        };
    }
    // The engine hands every configurable policy its schema's defaults, configured or not.
    for (const p of policies)
        if (p.configSchema && !config.policies[p.name]) {
            const properties: Record<string, unknown> = {};
            ajv.compile({ type: "object", properties: p.configSchema.properties })(properties);
            config.policies[p.name] = { properties };
        }
    return config;
}
