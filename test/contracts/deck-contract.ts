/**
 * decK's own file schema (draft-04; test/contracts/vendor/deck/, from Kong/go-database-reconciler
 * `pkg/file/kong_json_schema.json`): the errors a decK file has against it, as `path message`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, "vendor", "deck", "kong_json_schema.json"), "utf8")) as object;
let validate: ReturnType<Ajv["compile"]> | undefined;

export function deckSchemaErrors(file: unknown): string[] {
    validate ??= new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(SCHEMA);
    if (validate(file)) return [];
    return (validate.errors ?? []).map(
        (e) =>
            `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
    );
}
