/**
 * Checks Admin API exchanges against Kong's published OpenAPI description
 * (vendored from shared/contracts/ into test/contracts/vendor/kong/admin-oss-3.9.openapi.yaml,
 * source and licence in test/contracts/vendor/README.md): the operation must exist, a JSON
 * request body must match the operation's request schema, and the response its status's
 * schema. Where Kong's code and the spec disagree the code wins; those gaps are listed
 * here, each with where the behaviour is documented.
 */
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const KONG_OSS_SPEC = path.resolve(__dirname, "vendor", "kong", "admin-oss-3.9.openapi.yaml");

export interface Exchange {
    method: string;
    /** Path without the workspace prefix or query. */
    path: string;
    requestBody?: unknown;
    status: number;
    responseBody?: unknown;
}

/** Kong's error body (kong/db/errors.lua), which the spec leaves undocumented for 409. */
const KONG_ERROR = {
    type: "object",
    required: ["message"],
    properties: { code: { type: "integer" }, name: { type: "string" }, message: { type: "string" }, fields: { type: "object" } },
};

/** Statuses Kong's code answers that the spec does not list, and what they are checked against instead. */
export const SPEC_GAPS: { method: string; template: string; status: string; checkedAs: string; why: string }[] = [
    {
        method: "post",
        template: "/upstreams/{upstream_id_or_name}/targets",
        status: "201",
        checkedAs: "200",
        why: "Kong answers 201 Created; the spec lists the body under 200",
    },
    {
        method: "post",
        template: "/upstreams/{upstream_id_or_name}/targets",
        status: "409",
        checkedAs: "kong-error",
        why: "duplicate target: unique constraint violation (shared/notes/kong-admin-api.md)",
    },
    {
        method: "put",
        template: "/upstreams/{upstream_id_or_name}/targets/{target_id_or_target}",
        status: "404",
        checkedAs: "kong-error",
        why: "PUT on a missing target is a partial update in Kong 3.x and answers 404 (contracts README)",
    },
    {
        method: "*",
        template: "*",
        status: "5xx",
        checkedAs: "kong-error",
        why: "server errors carry Kong's error body on every endpoint; the spec documents none",
    },
];

/**
 * PATCH is a partial update in Kong (kong/api/endpoints.lua), but the spec reuses each
 * entity's full request schema, `required` list included: for PATCH only missing required
 * properties are not violations; every property sent is still checked.
 */
export const PARTIAL_METHODS = ["patch"];

type Spec = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
type Operation = { requestBody?: { $ref?: string; content?: Content }; responses?: Record<string, { $ref?: string; content?: Content }> };
type Content = Record<string, { schema?: unknown }>;

let loaded: { spec: Spec; ajv: Ajv; templates: { template: string; pattern: RegExp }[] } | undefined;
const compiled = new Map<string, ValidateFunction>();

function load() {
    if (loaded) return loaded;
    if (!fs.existsSync(KONG_OSS_SPEC))
        throw new Error(
            `Kong's OpenAPI contract is not at ${KONG_OSS_SPEC}: it is vendored in the repository (test/contracts/vendor/README.md)`,
        );
    const spec = parseYaml(fs.readFileSync(KONG_OSS_SPEC, "utf8")) as Spec;
    // The document is OpenAPI, not JSON Schema: no meta-schema check, unknown keywords (example, x-*) ignored.
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
    ajv.addSchema(spec as object, "kong");
    ajv.addSchema(KONG_ERROR, "kong-error");
    const templates = Object.keys(spec.paths).map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }));
    loaded = { spec, ajv, templates };
    return loaded;
}

function resolve<T>(spec: Spec, node: T & { $ref?: string }): T {
    if (!node?.$ref) return node;
    const [, kind, name] = node.$ref.split("/").slice(1);
    return spec.components[kind][name] as T;
}

function validator(ref: string): ValidateFunction {
    let v = compiled.get(ref);
    if (!v) {
        v = load().ajv.compile({ $ref: ref });
        compiled.set(ref, v);
    }
    return v;
}

function jsonSchemaRef(content: Content | undefined, pointer: string): string | undefined {
    return content?.["application/json"]?.schema !== undefined ? `kong#${pointer}/content/application~1json/schema` : undefined;
}

function errorsOf(v: ValidateFunction): string {
    return (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
}

/** Every way the exchange departs from the contract; empty when it conforms. */
export function contractViolations(x: Exchange): string[] {
    const { spec, templates } = load();
    const method = x.method.toLowerCase();
    const match = templates.find((t) => t.pattern.test(x.path) && spec.paths[t.template][method]);
    const where = `${x.method} ${x.path}`;
    if (!match) return [`${where}: no such operation in the contract`];
    const op = spec.paths[match.template][method];
    const opPointer = `/paths/${match.template.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}`;
    const out: string[] = [];

    if (x.requestBody !== undefined) {
        const rb = op.requestBody;
        if (!rb) out.push(`${where}: the operation takes no request body`);
        else {
            const ref = rb.$ref
                ? `kong#/components/requestBodies/${rb.$ref.split("/").pop()}/content/application~1json/schema`
                : jsonSchemaRef(rb.content, `${opPointer}/requestBody`);
            if (!ref) out.push(`${where}: the operation documents no JSON request body`);
            else {
                const v = validator(ref);
                v(x.requestBody);
                const errors = (v.errors ?? []).filter(
                    (e) => !(PARTIAL_METHODS.includes(method) && e.keyword === "required" && e.instancePath === ""),
                );
                if (errors.length)
                    out.push(`${where}: request body: ${errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`);
            }
        }
    }

    const status = String(x.status);
    let response = op.responses?.[status];
    let ref: string | undefined;
    if (response) {
        const resolved = resolve(spec, response);
        ref = response.$ref
            ? jsonSchemaRef(resolved.content, `/components/responses/${response.$ref.split("/").pop()}`)
            : jsonSchemaRef(resolved.content, `${opPointer}/responses/${status}`);
    } else {
        const gap = SPEC_GAPS.find(
            (g) =>
                (g.method === method && g.template === match.template && g.status === status) ||
                (g.template === "*" && g.status === "5xx" && x.status >= 500),
        );
        if (!gap) return [...out, `${where}: status ${status} is not documented for this operation`];
        if (gap.checkedAs === "kong-error") ref = "kong-error";
        else {
            response = op.responses?.[gap.checkedAs];
            ref = jsonSchemaRef(response?.content, `${opPointer}/responses/${gap.checkedAs}`);
        }
    }
    if (ref && x.responseBody !== undefined && !validator(ref)(x.responseBody))
        out.push(`${where} → ${status}: response body: ${errorsOf(validator(ref))}`);
    return out;
}
