/**
 * Checks each call an Alibaba Cloud double receives against the vendor's request model:
 * PrivateZone 2018-01-01 from aliyun/alibabacloud-typescript-sdk (pvtz-20180101/src/models) and
 * Alidns 2015-01-09 from the installed @alicloud/alidns20150109 (dist/models), both vendored
 * under test/contracts/vendor/alibaba/ (source, commit and licence in that folder's README).
 * A call of an unknown action, with a parameter the model does not have, without a required one,
 * or with a value outside the documented enum or range is a problem, named with the call.
 */
import pvtz from "./vendor/alibaba/pvtz-2018-01-01.requests.json";
import alidns from "./vendor/alibaba/alidns-2015-01-09.requests.json";

interface Param {
    type: string;
    required?: boolean;
    enum?: (string | number)[];
    minimum?: number;
    maximum?: number;
}

const MODELS: Record<string, { actions: Record<string, { params: Record<string, Param> }> }> = {
    "2018-01-01": pvtz as never,
    "2015-01-09": alidns as never,
};

/** The problems of one call against the model of API `version` (empty: it conforms). */
export function alibabaCallProblems(version: string, action: string, params: Record<string, string>): string[] {
    const model = MODELS[version];
    if (!model) return [`${action}: no vendored model for API version ${version}`];
    const spec = model.actions[action];
    if (!spec) return [`${action}: not an action of the vendored ${version} models (${Object.keys(model.actions).join(", ")})`];
    const problems: string[] = [];
    for (const k of Object.keys(params)) if (!spec.params[k]) problems.push(`${action}: ${k} is not a parameter of ${action}Request`);
    for (const [k, p] of Object.entries(spec.params)) {
        const v = params[k];
        if (v === undefined) {
            if (p.required) problems.push(`${action}: ${k} is required`);
            continue;
        }
        if (p.type === "integer") {
            const n = Number(v);
            if (!/^-?\d+$/.test(v)) problems.push(`${action}: ${k}=${v} is not an integer`);
            else if ((p.minimum !== undefined && n < p.minimum) || (p.maximum !== undefined && n > p.maximum))
                problems.push(`${action}: ${k}=${v} is outside ${p.minimum}..${p.maximum}`);
            else if (p.enum && !p.enum.includes(n)) problems.push(`${action}: ${k}=${v} is not one of ${p.enum.join(", ")}`);
        } else if (p.type === "boolean") {
            if (v !== "true" && v !== "false") problems.push(`${action}: ${k}=${v} is not true or false`);
        } else if (p.enum && !p.enum.includes(v)) problems.push(`${action}: ${k}=${v} is not one of ${p.enum.join(", ")}`);
    }
    return problems;
}
