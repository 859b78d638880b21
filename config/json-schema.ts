/**
 * The stack files' JSON Schemas, made from the same zod schemas that validate the config
 * (`z.toJSONSchema`, draft 2020-12): one per role, describing `Pulumi.<stack>.yaml` as the YAML
 * language server reads it (`# yaml-language-server: $schema=…` on the file's first line), so an
 * editor completes keys, shows their descriptions and defaults, and flags a typo as it is typed.
 * Cross-field rules are code (config/parse.ts) and are not in the schema: the plan still checks them.
 */
import { z } from "zod";
import { NAMESPACE } from "./read";
import { ROLE_BLOCKS, ROLE_SECRETS } from "./schema/roles";
import { Role, ROLES } from "./types";

export type JsonSchema = Record<string, unknown>;

/** Blocks a stack file of the role must set itself (`domains` and `apis` usually come from Pulumi.yaml). */
const REQUIRED: Record<Role, string[]> = {
    platform: ["ingress", "tls"],
    cutover: ["cutover", "dns"],
    source: ["source"],
    workloads: ["transplant"],
};

/** One block's schema as the operator writes it (defaults optional), without its own `$schema`. */
export function blockSchema(schema: z.ZodType): JsonSchema {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, {
        io: "input",
        unrepresentable: "any",
        // A key a branch refuses outright (replicas on ALB, a controller with mode shared): nothing is valid there.
        override: (ctx) => {
            if (ctx.zodSchema._zod.def.type === "undefined") ctx.jsonSchema.not = {};
        },
    }) as JsonSchema;
    return rest;
}

/** The JSON Schema of a stack file of `role`. */
export function stackFileSchema(role: Role): JsonSchema {
    const blocks = ROLE_BLOCKS[role] as Record<string, z.ZodType>;
    const keys = ["role", ...Object.keys(blocks), ...Object.keys(ROLE_SECRETS[role])];
    const properties: Record<string, JsonSchema> = {
        [`${NAMESPACE}:role`]: { const: role, description: "What this stack composes; fixes which keys it reads." },
    };
    for (const [key, schema] of Object.entries(blocks)) properties[`${NAMESPACE}:${key}`] = blockSchema(schema);
    for (const [key, description] of Object.entries(ROLE_SECRETS[role]))
        properties[`${NAMESPACE}:${key}`] = {
            description,
            type: "object",
            properties: { secure: { type: "string" } },
            required: ["secure"],
            additionalProperties: false,
        };
    return {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: `Pulumi stack file of a ${role} stack (migration:role: ${role})`,
        description: `Generated from the config schemas (config/schema/) by npm run docs; do not edit.`,
        type: "object",
        properties: {
            config: {
                type: "object",
                properties,
                required: [`${NAMESPACE}:role`, ...REQUIRED[role].map((k) => `${NAMESPACE}:${k}`)],
                // Other providers' keys (alicloud:region, kubernetes:context) are theirs; a migration: key this role does not read is a typo or another role's.
                patternProperties: { [`^${NAMESPACE}:(?!(${keys.join("|")})$)`]: false },
            },
            encryptionsalt: { type: "string" },
            secretsprovider: { type: "string" },
            encryptedkey: { type: "string" },
        },
        required: ["config"],
    };
}

/** Every role's stack-file schema, by the file it is committed as under schema/. */
export function stackFileSchemas(): Record<string, JsonSchema> {
    return Object.fromEntries(ROLES.map((role) => [`${role}.schema.json`, stackFileSchema(role)]));
}
