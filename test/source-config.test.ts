import * as assert from "node:assert/strict";
import { RawConfig } from "../config/types";
import { api, configProblems, DOMAINS } from "./helpers";

function problems(source: Record<string, unknown>, decommission?: unknown): string[] {
    const raw: RawConfig = {
        role: "source",
        domains: DOMAINS,
        apis: [api("api01"), api("api02")],
        source: {
            kubeContext: "cluster-a",
            address: "10.72.10.88",
            ingress: { kind: "objects", ingresses: ["team1-ns/api01"] },
            ...source,
        },
        ...(decommission !== undefined ? { decommission } : {}),
    };
    return configProblems(raw);
}

describe("source config", () => {
    const cases: [string, Record<string, unknown>, unknown, string[]][] = [
        ["a valid config", {}, { confirm: ["api01", "api02"], observationHours: 72 }, []],
        [
            "an Ingress not given as namespace/name",
            { ingress: { kind: "objects", ingresses: ["api01"] } },
            undefined,
            [
                'migration:source.ingress.ingresses[0]: "api01" is not accepted; expected an Ingress of cluster A as namespace/name, e.g. team1-ns/api01',
            ],
        ],
        [
            "a Helm release not given as namespace/name",
            { ingress: { kind: "helm-release", release: "ingress-nginx" } },
            undefined,
            [
                'migration:source.ingress.release: "ingress-nginx" is not accepted; expected the Helm release as namespace/name, e.g. ingress-nginx/ingress-nginx',
            ],
        ],
        [
            "A's address not IPv4",
            { address: "slb-a" },
            undefined,
            ['migration:source.address: "slb-a" is not accepted; expected A\'s SLB address as IPv4, e.g. 10.72.10.88'],
        ],
        [
            "a wildcard record outside its zone",
            { wildcardRecord: { id: "87", zone: "example.cn" } },
            undefined,
            [
                'migration:source.wildcardRecord.zone: "example.cn" is not accepted; expected a zone that contains *.source-team1.dev.aliyun.cloud.cn.aibang',
            ],
        ],
        [
            "a PrivateZone wildcard record without its zone id, or with a zone id that is not one",
            { wildcardRecord: { service: "privatezone", id: "87", zone: "aliyun.cloud.cn.aibang", zoneId: "Zone-1" } },
            undefined,
            [
                'migration:source.wildcardRecord.zoneId: "Zone-1" is not accepted; expected the PrivateZone zone id: 16 to 32 lower-case letters and digits, e.g. 2c5f0e1d9a7b4f6e',
            ],
        ],
        [
            "a wildcard record given PrivateZone's zone id without its service",
            { wildcardRecord: { id: "87", zone: "aliyun.cloud.cn.aibang", zoneId: "2c5f0e1d9a7b4f6e" } },
            undefined,
            [
                "migration:source.wildcardRecord.service: (missing) is not accepted; expected privatezone, since source.wildcardRecord.zoneId is set (a PrivateZone setting; without service the wildcard is taken to be a public Alidns record), or no zoneId for Alidns",
            ],
        ],
        [
            "a load balancer id that is not a CLB id",
            { loadBalancerId: "alb-123" },
            undefined,
            ['migration:source.loadBalancerId: "alb-123" is not accepted; expected a CLB instance id such as lb-xxxx'],
        ],
        [
            "confirming an API that is not defined",
            {},
            { confirm: ["api01", "api09"] },
            ['migration:decommission.confirm: "api09" is not accepted; expected API names from migration:apis (api01, api02)'],
        ],
        [
            "a negative observation window",
            {},
            { observationHours: -1 },
            ["migration:decommission.observationHours: -1 is not accepted; expected an integer from 0 to 720"],
        ],
    ];
    for (const [what, source, decommission, expected] of cases) it(what, () => assert.deepEqual(problems(source, decommission), expected));
});
