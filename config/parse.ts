/**
 * Parses and validates the stack's raw config into one typed object, once, at the entry. Each
 * block's shape, defaults and messages are its schema's (config/schema/); here are the role
 * schemas that put the blocks together, the named rules across blocks, and the checks that need
 * what no block holds (the secrets, this stack's own name).
 */
import { z } from "zod";
import { cutoverOwnNames, inZone, legacyHost, legacyWildcard, longHost } from "../vocabulary/naming";
import { failure, isObject, problemsOf, Rule, withRules } from "./checks";
import { ConfigError, ConfigProblem } from "./errors";
import { checkPlainSecrets, checkPrivateKeys, checkTopLevelKeys } from "./keys";
import { NAMESPACE } from "./read";
import { Api, namesSelf } from "./schema/common";
import { distinctControllers } from "./schema/platform";
import { checkKongToken, secretSetting, tlsWithKey } from "./secrets";
import { dataPlaneApisAreApis, dataPlaneOwnsItsNamespace } from "./schema/kong-data-plane";
import { ROLE_BLOCKS } from "./schema/roles";
import {
    CutoverConfig,
    CutoverSettings,
    PlatformConfig,
    RawConfig,
    Role,
    ROLES,
    SourceConfig,
    StackConfig,
    TargetAddress,
    WorkloadsConfig,
} from "./types";

export { NAMESPACE } from "./read";
export { ROLE_BLOCKS } from "./schema/roles";
export { COMMON_KEYS, ROLE_KEYS } from "./keys";
export { editDistance } from "./checks";
export { isDnsLabel, isDnsName, isIpv4, isStackName, namesSelf } from "./schema/common";
export { COMPLETE_WITH_B_BY_NAME, MAX_WEIGHTED_RECORDS, TTL_FLOOR, weightedRecordLimitProblem } from "./schema/cutover";
export { RESERVED_CLASS_NAMES, regionOfZone } from "./schema/platform";

type Platform = z.output<z.ZodObject<(typeof ROLE_BLOCKS)["platform"]>>;

const zoneHoldsTargetNames: Rule<Platform> = {
    name: "the zone holds B's names",
    reads: ["apis", "domains", "dns.zone"],
    check: ({ apis, domains, dns }, r) => {
        if (!dns) return;
        const outside = [...apis.map((a) => longHost(a.name, domains)), domains.short].filter((h) => !inZone(h, dns.zone));
        if (outside.length > 0) r.fail(["dns", "zone"], dns.zone, `a zone that contains B's names (${outside.join(", ")})`);
    },
};

type Blocks<R extends Role> = z.output<z.ZodObject<(typeof ROLE_BLOCKS)[R]>>;
type Cutover = Blocks<"cutover">;
const names = (apis: Api[]) => apis.map((a) => a.name);

const weightsOnlyForApis: Rule<Cutover> = {
    name: "weights only for APIs defined in apis",
    reads: ["apis"],
    check: ({ apis, cutover }, r) => {
        const weights = isObject(cutover) && isObject(cutover.weights) ? cutover.weights : {};
        for (const [name, w] of Object.entries(weights))
            if (!names(apis).includes(name))
                r.fail(["cutover", "weights", name], w, `weights only for APIs defined in migration:apis (${names(apis).join(", ")})`);
    },
};

const completeMeansAllOnB: Rule<Cutover> = {
    name: "complete: every API at 100",
    reads: ["apis", "cutover.phase", "cutover.weights"],
    check: ({ apis, cutover }, r) => {
        if (cutover.phase !== "complete") return;
        for (const name of names(apis))
            if ((cutover.weights[name] ?? 0) < 100)
                r.fail(
                    ["cutover", "weights", name],
                    cutover.weights[name] ?? 0,
                    "100 for every API in phase complete (shift them all to 100 first)",
                );
    },
};

const shortProbeHasAnAddress: Rule<Cutover> = {
    name: "the short probe knows where the short host is",
    reads: ["cutover.gate", "cutover.targetAddress", "cutover.targetHost"],
    check: ({ cutover: { gate, targetAddress, targetHost } }, r) => {
        const fromStack = targetAddress === undefined && targetHost === undefined;
        if (gate.enabled && gate.probes.includes("short") && !gate.shortAddress && !fromStack)
            r.fail(
                ["cutover", "gate", "probes"],
                gate.probes,
                `"short" only with cutover.gate.shortAddress or cutover.platformStack (where the short host's load balancer is)`,
            );
    },
};

const targetHostIsNotOurs: Rule<Cutover> = {
    // A name this stack writes itself would point the legacy names back at themselves: a CNAME loop.
    name: "B's host is not a name this stack writes",
    reads: ["apis", "domains", "cutover.targetHost"],
    check: ({ apis, domains, cutover: { targetHost } }, r) => {
        const own = apis.flatMap((a) => [legacyHost(a.name, domains), ...cutoverOwnNames(a.name, domains)]).find((n) => n === targetHost);
        if (own)
            r.fail(
                ["cutover", "targetHost"],
                targetHost,
                `B's own load balancer name, not a name this stack writes: ${own} would become a CNAME chain back to itself (a loop that answers nothing)`,
            );
    },
};

const zoneHoldsLegacyNames: Rule<Cutover> = {
    name: "the zone holds the legacy names",
    reads: ["apis", "domains", "dns.zone"],
    check: ({ apis, domains, dns }, r) => {
        const outside = apis.map((a) => legacyHost(a.name, domains)).filter((h) => !inZone(h, dns.zone));
        if (outside.length > 0) r.fail(["dns", "zone"], dns.zone, `a zone that contains the legacy hosts (${outside.join(", ")})`);
    },
};

const bByNameNeedsPrivateZone: Rule<Cutover> = {
    name: "B by name only on PrivateZone",
    reads: ["cutover.targetHost", "dns.service"],
    check: ({ cutover: { targetHost }, dns }, r) => {
        if (targetHost !== undefined && dns.service === "alidns")
            r.fail(
                ["cutover", "targetHost"],
                targetHost,
                "B's IPv4 in cutover.targetAddress on public Alidns: Alidns weights only A/AAAA records, and a name cannot hold an A record and a CNAME at once, so a B addressed by a host name cannot be weighted against A's address there; use dns.service: privatezone (weighted CNAMEs through <api>-a/<api>-b intermediate names), or pin an IPv4 of B",
            );
    },
};

const kongOnlyForApis: Rule<Cutover> = {
    name: "Kong settings only for APIs defined in apis",
    reads: ["apis"],
    check: ({ apis, kong }, r) => {
        const entries = isObject(kong) && isObject(kong.apis) ? kong.apis : {};
        for (const [name, value] of Object.entries(entries))
            if (!names(apis).includes(name))
                r.fail(["kong", "apis", name], value, `Kong settings only for APIs defined in migration:apis (${names(apis).join(", ")})`);
    },
};

const kongAgreesWithCutover: Rule<Cutover> = {
    name: "Kong's weights and origin hosts agree with the cutover and the zone",
    reads: ["apis", "kong", "cutover.phase", "cutover.weights", "dns.zone"],
    check: ({ apis, kong, cutover, dns }, r) => {
        if (!kong) return;
        for (const [name, a] of Object.entries(kong.apis)) {
            if (!names(apis).includes(name)) continue;
            if (kong.mode === "stable-hostname") {
                const effective = a.weight ?? cutover.weights[name] ?? 0;
                if (effective !== 0 && effective !== 100)
                    r.fail(
                        a.weight === undefined ? ["cutover", "weights", name] : ["kong", "apis", name, "weight"],
                        effective,
                        "0 or 100 in kong.mode stable-hostname (one CNAME points at A or at B; it cannot split traffic)",
                    );
                if (a.originHost && !inZone(a.originHost, dns.zone))
                    r.fail(
                        ["kong", "apis", name, "originHost"],
                        a.originHost,
                        `a name inside dns.zone ${dns.zone} (DnsCutover manages its CNAME)`,
                    );
            }
            if (cutover.phase === "complete" && a.weight !== undefined && a.weight < 100)
                r.fail(["kong", "apis", name, "weight"], a.weight, "100 in phase complete (or no override)");
        }
    },
};

type Source = Blocks<"source">;

const wildcardInZone: Rule<Source> = {
    name: "A's wildcard is in the zone named",
    reads: ["domains", "source.wildcardRecord"],
    check: ({ domains, source }, r) => {
        const w = source.wildcardRecord;
        if (w && !inZone(legacyWildcard(domains), w.zone))
            r.fail(["source", "wildcardRecord", "zone"], w.zone, `a zone that contains ${legacyWildcard(domains)}`);
    },
};

const confirmNamesApis: Rule<Source> = {
    name: "decommission confirms APIs defined in apis",
    reads: ["apis", "decommission"],
    check: ({ apis, decommission }, r) => {
        for (const name of decommission.confirm)
            if (!names(apis).includes(name))
                r.fail(["decommission", "confirm"], name, `API names from migration:apis (${names(apis).join(", ")})`);
    },
};

const ROLE_SCHEMAS = {
    platform: withRules(z.object(ROLE_BLOCKS.platform), [
        distinctControllers,
        zoneHoldsTargetNames,
        dataPlaneApisAreApis,
        dataPlaneOwnsItsNamespace,
    ]),
    cutover: withRules(z.object(ROLE_BLOCKS.cutover), [
        weightsOnlyForApis,
        completeMeansAllOnB,
        shortProbeHasAnAddress,
        targetHostIsNotOurs,
        zoneHoldsLegacyNames,
        bByNameNeedsPrivateZone,
        kongOnlyForApis,
        kongAgreesWithCutover,
    ]),
    source: withRules(z.object(ROLE_BLOCKS.source), [wildcardInZone, confirmNamesApis]),
    workloads: z.object(ROLE_BLOCKS.workloads),
};

/**
 * Parses and validates the stack's raw config into one typed object. Pure: no I/O, no
 * resources; throws ConfigError listing every problem found.
 */
export function parseConfig(raw: RawConfig): StackConfig {
    const problems: ConfigProblem[] = [];
    const role = ROLES.find((r) => r === raw.role);
    if (!role) problems.push(failure("role", raw.role, `one of ${ROLES.join(" | ")}`));
    if (raw.present) {
        if (role) checkTopLevelKeys(problems, role, raw.present);
        checkPrivateKeys(problems, raw.present);
    }
    if (!role) {
        // The role itself is bad: the blocks it would read are unknown, its message is the one that matters.
        throwIfProblems(problems, raw);
        throw new Error("unreachable: an invalid role always reports a problem");
    }
    const input: Record<string, unknown> = { ...raw };
    const parsed = ROLE_SCHEMAS[role].safeParse(input, { reportInput: true });
    if (!parsed.success) problems.push(...problemsOf(parsed.error.issues));
    const data = parsed.data;
    if (role === "platform") {
        const tls = tlsWithKey(problems, raw);
        const clusterKey = isObject(raw.kongDataPlane)
            ? secretSetting(problems, raw, "kongClusterKey", "kongDataPlane.clusterCertificate")
            : undefined;
        throwIfProblems(problems, raw);
        const { kongDataPlane, ...d } = data as Blocks<"platform">;
        const config: PlatformConfig = {
            role,
            ...d,
            tls: tls!,
            ...(kongDataPlane && clusterKey ? { kongDataPlane: { ...kongDataPlane, clusterKey } } : {}),
        };
        return config;
    }
    if (role === "cutover") {
        const platformStack = isObject(raw.cutover) ? raw.cutover.platformStack : undefined;
        if (typeof platformStack === "string" && namesSelf(platformStack, raw.self))
            problems.push(
                failure(
                    "cutover.platformStack",
                    platformStack,
                    "the platform stack (role platform) that publishes B's address, not this stack itself (a stack referencing itself is a reference cycle)",
                ),
            );
        checkKongToken(problems, raw);
        throwIfProblems(problems, raw);
        const d = data as Cutover;
        const config: CutoverConfig = {
            role,
            domains: d.domains,
            apis: d.apis,
            cutover: settleCutover(d.cutover, d.apis),
            dns: d.dns,
            ...(d.kong ? { kong: { ...d.kong, ...(raw.kongAdminToken ? { token: raw.kongAdminToken } : {}) } } : {}),
        };
        return config;
    }
    if (role === "workloads") {
        throwIfProblems(problems, raw);
        const d = data as Blocks<"workloads">;
        const config: WorkloadsConfig = { role, domains: d.domains, apis: d.apis, transplant: d.transplant };
        return config;
    }
    const cutoverStack =
        isObject(raw.source) && raw.source.cutoverStack !== undefined ? raw.source.cutoverStack : "organization/migration/cutover";
    if (typeof cutoverStack === "string" && namesSelf(cutoverStack, raw.self))
        problems.push(
            failure(
                "source.cutoverStack",
                cutoverStack,
                "the cutover stack (role cutover) whose outputs show where traffic goes, not this stack itself (a stack referencing itself is a reference cycle)",
            ),
        );
    throwIfProblems(problems, raw);
    const d = data as Source;
    const namespaces = d.source.namespaces ?? [...new Set(d.apis.map((a) => a.namespace))].sort();
    const config: SourceConfig = {
        role,
        domains: d.domains,
        apis: d.apis,
        source: { ...d.source, namespaces },
        decommission: d.decommission,
    };
    return config;
}

/** `migration:cutover` as the plan reads it: where B is, as one value; a weight for every API (left out: 0). */
function settleCutover(block: Cutover["cutover"], apis: Api[]): CutoverSettings {
    const { targetAddress, targetHost, platformStack, allowSkippingShift, weights, ...rest } = block;
    const target: TargetAddress =
        targetHost !== undefined
            ? { kind: "host", host: targetHost }
            : targetAddress !== undefined
              ? { kind: "address", address: targetAddress }
              : { kind: "stack", stack: platformStack ?? "organization/migration/dev" };
    const all = Object.fromEntries(apis.map((a) => [a.name, weights[a.name] ?? 0]));
    return {
        phase: rest.phase,
        weights: all,
        sourceAddress: rest.sourceAddress,
        target,
        completeWith: rest.completeWith,
        ...(allowSkippingShift ? { allowSkippingShift } : {}),
        gate: rest.gate,
    };
}

/** Throws every problem found; with the stack's keys at hand, after the sweep for plain-text secrets. */
function throwIfProblems(problems: ConfigProblem[], raw?: RawConfig): void {
    if (raw?.present) checkPlainSecrets(problems, raw.present);
    if (problems.length > 0) throw new ConfigError(problems);
}

/** The stack a role reads through a StackReference: the key that names it, and the role that stack must have. */
export const REFERENCE_OF_ROLE: Partial<Record<Role, { key: string; role: Role }>> = {
    cutover: { key: "cutover.platformStack", role: "platform" },
    source: { key: "source.cutoverStack", role: "cutover" },
};

/**
 * A referenced stack whose `role` output is not the one its key expects: a guard reading a
 * platform stack's outputs would find no traffic rows and judge on nothing. Used by the program
 * (on the stack's outputs) and by the offline plan (on its file, before planning it).
 */
export function wrongRoleProblem(key: string, stack: string, expected: Role, seen: unknown): ConfigProblem {
    const said = typeof seen === "string" ? `its outputs say role ${JSON.stringify(seen)}` : "its outputs carry no role";
    return {
        path: `${NAMESPACE}:${key}`,
        message: `${JSON.stringify(stack)} is not accepted; expected a stack of role ${expected} (${said})`,
    };
}
