/**
 * The config shape is defined once (config/schema/, zod): the JSON Schemas editors read and the
 * configuration reference are generated from it and must be current; each committed stack file
 * names its role's schema on its first line and validates against it with ajv (draft 2020-12, as
 * the YAML language server validates); a typo the editor flags is one the program refuses too.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { stackFileSchema } from "../config/json-schema";
import { ROLES } from "../config/types";
import { STRUCTURED } from "../config/read";
import { ROLE_BLOCKS } from "../config/schema/roles";
import { generatedFiles } from "../offline/config-reference";
import { configProblems } from "./helpers";

const ROOT = path.join(__dirname, "..");
const STACKS = { dev: "platform", cutover: "cutover", source: "source", workloads: "workloads" } as const;

function validator(role: (typeof ROLES)[number]) {
    return new Ajv2020({ allErrors: true, strict: true }).compile(stackFileSchema(role));
}

/** ajv's errors as `instancePath keyword`, the way an editor underlines them. */
function schemaErrors(role: (typeof ROLES)[number], file: unknown): string[] {
    const validate = validator(role);
    return validate(file)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}${e.params?.pattern ? ` ${e.params.pattern}` : ""}`);
}

const stackFile = (stack: keyof typeof STACKS) =>
    parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };

describe("config defined once: JSON Schemas and the reference come from the schema", () => {
    for (const [file, text] of Object.entries(generatedFiles()))
        it(`${file} is current (npm run docs regenerates it)`, () => {
            const committed = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), "utf8") : "(missing)";
            assert.ok(committed === text, `${file} is stale: run npm run docs and commit the result`);
        });

    for (const [stack, role] of Object.entries(STACKS) as [keyof typeof STACKS, (typeof ROLES)[number]][]) {
        it(`Pulumi.${stack}.yaml names the ${role} schema on its first line and validates against it`, () => {
            const first = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8").split("\n")[0];
            assert.equal(first, `# yaml-language-server: $schema=./schema/${role}.schema.json`);
            assert.deepEqual(schemaErrors(role, stackFile(stack)), []);
        });
    }

    it("every block a role reads is read from the stack (a block missing from config/read.ts would be silently ignored)", () => {
        const blocks = new Set(Object.values(ROLE_BLOCKS).flatMap((b) => Object.keys(b)));
        assert.deepEqual([...blocks].sort(), [...STRUCTURED].sort());
    });

    it("ajv compiles every schema in strict mode (no keyword an editor would ignore)", () => {
        for (const role of ROLES) assert.equal(typeof validator(role), "function");
    });

    it("a typo, another role's key, a bad value and a plain secret are flagged where the editor shows them", () => {
        const cutover = stackFile("cutover");
        const edit = (config: Record<string, unknown>) => ({ ...cutover, config: { ...cutover.config, ...config } });
        const block = cutover.config["migration:cutover"] as Record<string, unknown>;
        assert.deepEqual(schemaErrors("cutover", edit({ "migration:cutover": { ...block, phse: "shift" } })), [
            "/config/migration:cutover additionalProperties",
        ]);
        assert.deepEqual(schemaErrors("cutover", edit({ "migration:ingress": { name: "team1" } })), [
            "/config/migration:ingress false schema",
        ]);
        assert.deepEqual(schemaErrors("cutover", edit({ "migration:cutover": { ...block, phase: "shfit" } })), [
            "/config/migration:cutover/phase enum",
        ]);
        assert.deepEqual(schemaErrors("cutover", edit({ "migration:kongAdminToken": "plain-text" })), [
            "/config/migration:kongAdminToken type",
        ]);
        // Other providers' keys are theirs to check.
        assert.deepEqual(schemaErrors("cutover", edit({ "alicloud:region": "cn-hangzhou" })), []);
    });

    it("what the editor flags, the program refuses with the key path", () => {
        const cutover = stackFile("cutover").config;
        const raw = (block: Record<string, unknown>) => ({
            role: "cutover",
            domains: {
                source: "source-team1.dev.aliyun.cloud.cn.aibang",
                target: "target-team2.dev.aliyun.cloud.cn.aibang",
                short: "dev-01.aliyun.cloud.cn.aibang",
            },
            apis: [{ name: "api01", namespace: "team1-ns", service: "api01-service", port: 80, healthPath: "/health" }],
            cutover: { ...(cutover["migration:cutover"] as Record<string, unknown>), weights: { api01: 20 }, ...block },
            dns: cutover["migration:dns"],
        });
        assert.deepEqual(configProblems(raw({ phse: "shift" }) as never), [
            "migration:cutover.phse: not a key this program reads (its value is not shown); did you mean phase?; known keys: phase, weights, sourceAddress, targetAddress, targetHost, platformStack, completeWith, allowSkippingShift, gate",
        ]);
        assert.deepEqual(configProblems(raw({ phase: "shfit" }) as never), [
            'migration:cutover.phase: "shfit" is not accepted; expected one of prepare | shift | complete',
        ]);
    });

    it("config/ holds no file over 400 lines", () => {
        const files = ["config", "config/schema"].flatMap((d) =>
            fs
                .readdirSync(path.join(ROOT, d))
                .filter((f) => f.endsWith(".ts"))
                .map((f) => `${d}/${f}`),
        );
        const long = files.filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length > 400);
        assert.deepEqual(long, []);
    });
});
