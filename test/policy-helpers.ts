/**
 * Calling the pack's policy objects as pulumi-policy's own tests do (pulumi/pulumi-policy
 * sdk/nodejs/policy/tests/util.ts `runResourcePolicy` / `runStackPolicy`; pulumi-policy-aws
 * src/tests/util.ts): hand-built arguments, the reported messages collected. The props go
 * through the analyzer's own deserialisation and unknown-checking proxy (policy/analyzer.ts).
 * PolicyPack is never constructed here: it starts a gRPC server and may exit the process.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { linkedResources } from "../offline/policies";
import { analyzerProps, isUnknownValueError } from "../policy/analyzer";

/** The engine's sentinel for a value only an apply knows (as pulumi-policy's proxy.js reads it). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TestResource {
    type: string;
    name: string;
    props?: Record<string, unknown>;
    protect?: boolean;
    additionalSecretOutputs?: string[];
    /** The name of the parent, among the same list. */
    parent?: string;
    /** Names of the resources this one depends on, among the same list. */
    dependencies?: string[];
}

const urnOf = (r: TestResource) => `urn:pulumi:test::migration::${r.type}::${r.name}`;
const opts = (r: TestResource) => ({
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.additionalSecretOutputs ?? [],
});

/** The messages a resource policy reports for one resource; "can't run … during preview" when it read an unknown. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, r: TestResource, config: object = {}): Promise<string[]> {
    const messages: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const validate of validations) {
        try {
            await validate(
                {
                    type: r.type,
                    props: analyzerProps(r.props ?? {}),
                    urn: urnOf(r),
                    name: r.name,
                    opts: opts(r),
                    stackTags: new Map(),
                    isType: () => false,
                    asType: () => undefined,
                    getConfig: <T extends object>() => config as T,
                    notApplicable: () => {
                        throw new Error("not applicable");
                    },
                },
                (message) => messages.push(message),
            );
        } catch (err) {
            if (!isUnknownValueError(err)) throw err;
            messages.push(`can't run during preview: ${(err as Error).message}`);
        }
    }
    return messages;
}

/** The violations a stack policy reports over `resources`, each as `name: message` (the name of the URN it names). */
export async function runStackPolicy(policy: StackValidationPolicy, resources: TestResource[]): Promise<string[]> {
    const byName = new Map(resources.map((r) => [r.name, r]));
    const linked = linkedResources(
        resources.map((r) => ({
            urn: urnOf(r),
            type: r.type,
            name: r.name,
            props: analyzerProps(r.props ?? {}),
            opts: opts(r),
            ...(r.parent ? { parent: urnOf(byName.get(r.parent)!) } : {}),
            dependencies: (r.dependencies ?? []).map((d) => urnOf(byName.get(d)!)),
        })),
    );
    const urns = new Map(linked.map((r) => [r.urn, r.name]));
    const messages: string[] = [];
    try {
        await policy.validateStack(
            {
                resources: linked,
                getConfig: <T extends object>() => ({}) as T,
                stackTags: new Map(),
                notApplicable: () => {
                    throw new Error("not applicable");
                },
            },
            (message, urn) => messages.push(`${urn ? urns.get(urn) : "(stack)"}: ${message}`),
        );
    } catch (err) {
        if (!isUnknownValueError(err)) throw err;
        messages.push(`can't run during preview: ${(err as Error).message}`);
    }
    return messages;
}
