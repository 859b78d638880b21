/**
 * Each policy of the pack (policy/), clean and violating, called with hand-built arguments as
 * pulumi-policy's own tests call policies (test/policy-helpers.ts). Exact messages: they are what
 * `pulumi preview --policy-pack policy` and the offline plan print.
 */
import * as assert from "node:assert/strict";
import { kongTargetsCarryWeight } from "../policy/kong-targets";
import { layersReach100Together } from "../policy/layers-agree";
import { ledgerAgrees } from "../policy/ledger-agrees";
import { noLoadBalancerOutsideController } from "../policy/load-balancers";
import { nameRecordsAlwaysAnswer } from "../policy/name-records";
import { noPlaintextCredentials } from "../policy/plaintext-credentials";
import { migrationPolicies } from "../policy/policies";
import { regexPathsMatchController } from "../policy/regex-paths";
import { shareRisesBehindGate } from "../policy/gate-before-share";
import { sourceProtectedUntilAllowed } from "../policy/source-protected";
import { tlsCoversServedHosts } from "../policy/tls-covers-hosts";
import { ttlLoweredBeforeShift } from "../policy/ttl-before-shift";
import {
    API_CUTOVER_TYPE,
    DNS_CUTOVER_TYPE,
    HEALTH_GATE_TYPE,
    ISOLATED_INGRESS_TYPE,
    KONG_UPSTREAM_ENTITY_TYPE,
    NAME_RECORDS_TYPE,
    SOURCE_FOOTPRINT_TYPE,
} from "../vocabulary/resource-types";
import { EXAMPLE_CERT } from "./helpers";
import { runResourcePolicy, runStackPolicy, TestResource, UNKNOWN_STRING } from "./policy-helpers";

const STACK = { type: "pulumi:pulumi:Stack", name: "migration-cutover" };
const records = (...weights: [string, number, number?][]) =>
    weights.map(([side, weight, ttl = 60]) => ({ side, type: "CNAME", value: `api01-${side.toLowerCase()}.example`, ttl, weight }));
const nameRecords = (name: string, props: Record<string, unknown>, extra: Partial<TestResource> = {}): TestResource => ({
    type: NAME_RECORDS_TYPE,
    name,
    props: { service: "privatezone", zone: "aliyun.cloud.cn.aibang", rr: "api01.source-team1.dev", ...props },
    ...extra,
});
const upstream = (
    name: string,
    targets: { side: string; target: string; weight: number }[],
    extra: Partial<TestResource> = {},
): TestResource => ({
    type: KONG_UPSTREAM_ENTITY_TYPE,
    name,
    props: { upstream: { name: "team1-api01" }, targets },
    ...extra,
});
const HOST = "api01.source-team1.dev.aliyun.cloud.cn.aibang";

describe("policy pack: every policy has a name, a description and an enforcement level", () => {
    it("lists eleven policies, nine mandatory and two advisory, with unique names", () => {
        const policies = migrationPolicies();
        assert.deepEqual(
            policies.map((p) => [p.name, p.enforcementLevel]),
            [
                ["name-records-always-answer", "mandatory"],
                ["share-rises-behind-gate", "mandatory"],
                ["kong-targets-carry-weight", "mandatory"],
                ["source-protected-until-allowed", "mandatory"],
                ["regex-paths-match-controller", "mandatory"],
                ["no-load-balancer-outside-controller", "mandatory"],
                ["no-plaintext-credentials", "mandatory"],
                ["tls-covers-served-hosts", "mandatory"],
                ["ledger-agrees", "mandatory"],
                ["ttl-lowered-before-shift", "advisory"],
                ["layers-reach-100-together", "advisory"],
            ],
        );
        for (const p of policies) assert.ok(p.description.length > 40, p.name);
    });
});

describe("policy name-records-always-answer", () => {
    it("passes a weighted pair and a single record", async () => {
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { records: records(["A", 80], ["B", 20]) })]), []);
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { records: records(["B", 100]) })]), []);
    });
    it("refuses an empty set and a set whose weights sum to 0", async () => {
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { records: [] })]), [
            `r: ${HOST}: the record set is empty, so the name would stop answering`,
        ]);
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { records: records(["A", 0], ["B", 0]) })]), [
            `r: ${HOST}: the weights of its records (A 0, B 0) sum to 0: a loss written before a gain; PrivateZone answers every record unweighted at all 0`,
        ]);
    });
    it("refuses an A and a B record both enabled with weighting off (Alidns), not where CNAMEs are always weighted (PrivateZone)", async () => {
        const owned = [
            { side: "A", type: "A", status: "ENABLE" },
            { side: "B", type: "A", status: "ENABLE" },
        ];
        const alidns = { service: "alidns", zone: "example.com", rr: "api01", records: records(["A", 50], ["B", 50]), owned };
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { ...alidns, weightedType: "" })]), [
            "r: api01.example.com: an A and a B record are both enabled with the weighting switch off: the service answers both in round robin",
        ]);
        assert.deepEqual(await runStackPolicy(nameRecordsAlwaysAnswer, [nameRecords("r", { ...alidns, weightedType: "A" })]), []);
        const cnames = owned.map((o) => ({ ...o, type: "CNAME" }));
        assert.deepEqual(
            await runStackPolicy(nameRecordsAlwaysAnswer, [
                nameRecords("r", { records: records(["A", 50], ["B", 50]), owned: cnames, weightedType: "" }),
            ]),
            [],
        );
    });
});

describe("policy share-rises-behind-gate", () => {
    const cutover = (
        dependencies: string[],
        outputs: Record<string, unknown> = { gate: { enabled: true } },
        gateShare = 20,
    ): TestResource[] => [
        { ...STACK, props: outputs },
        { type: API_CUTOVER_TYPE, name: "api-api01" },
        { type: API_CUTOVER_TYPE, name: "api-api02" },
        {
            type: HEALTH_GATE_TYPE,
            name: "gate-api01",
            parent: "api-api01",
            props: { api: "api01", shares: { dns: gateShare, kong: gateShare } },
        },
        { type: HEALTH_GATE_TYPE, name: "gate-api02", parent: "api-api02", props: { api: "api02", shares: { dns: 20, kong: 20 } } },
        { type: DNS_CUTOVER_TYPE, name: "dns-api01", parent: "api-api01" },
        nameRecords("dns-api01-records", { records: records(["A", 80], ["B", 20]) }, { parent: "dns-api01", dependencies }),
    ];
    it("passes a share toward B that depends on its API's gate", async () => {
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, cutover(["gate-api01"])), []);
    });
    it("refuses a share toward B without a gate, or behind another API's gate", async () => {
        const message = `dns-api01-records: DNS ${HOST} sends 20 % to B without depending on api-api01's HealthGate: B's share would rise before B proved itself`;
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, cutover([])), [message]);
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, cutover(["gate-api02"])), [message]);
    });
    it("refuses a share the gate was not passed for (the gate probes again only when its shares change)", async () => {
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, cutover(["gate-api01"], { gate: { enabled: true } }, 5)), [
            `dns-api01-records: DNS ${HOST} sends 20 % to B, and its HealthGate gate-api01 was passed for 5 % on dns: the rise would not be probed`,
        ]);
    });
    it("refuses a Kong upstream with weight on B and no gate", async () => {
        const kong = upstream("kong-api01-upstream", [
            { side: "A", target: "api01-a.example:443", weight: 50 },
            { side: "B", target: "api01.example:443", weight: 50 },
        ]);
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, [{ ...STACK, props: {} }, kong]), [
            "kong-api01-upstream: Kong upstream team1-api01 sends 50 % to B without depending on a HealthGate: B's share would rise before B proved itself",
        ]);
    });
    it("stable-hostname mode: the record of Kong's one target (its CNAME switches sides) is what must wait for the gate", async () => {
        const stable = (dependencies: string[]): TestResource[] => [
            { ...STACK, props: { gate: { enabled: true } } },
            { type: API_CUTOVER_TYPE, name: "api-api01" },
            { type: HEALTH_GATE_TYPE, name: "gate-api01", parent: "api-api01", props: { shares: { dns: 100, kong: 100 } } },
            {
                type: "alicloud:pvtz/zoneRecord:ZoneRecord",
                name: "dns-api01-origin",
                parent: "api-api01",
                props: { rr: "origin-api01.source-team1.dev", type: "CNAME", value: "api01.target-team2.dev.aliyun.cloud.cn.aibang" },
                dependencies,
            },
            upstream(
                "kong-api01-upstream",
                [{ side: "B", target: "origin-api01.source-team1.dev.aliyun.cloud.cn.aibang:443", weight: 100 }],
                {
                    parent: "api-api01",
                    dependencies: ["gate-api01"],
                },
            ),
        ];
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, stable(["gate-api01"])), []);
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, stable([])), [
            "dns-api01-origin: Kong upstream team1-api01's stable host name origin-api01.source-team1.dev.aliyun.cloud.cn.aibang (its CNAME) sends 100 % to B without depending on api-api01's HealthGate: B's share would rise before B proved itself",
        ]);
    });
    it("passes when nothing goes to B, and when the stack says the gate is off", async () => {
        const noShare = cutover([]);
        noShare[6] = nameRecords("dns-api01-records", { records: records(["A", 100]) }, { parent: "dns-api01" });
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, noShare), []);
        assert.deepEqual(await runStackPolicy(shareRisesBehindGate, cutover([], { gate: { enabled: false } })), []);
    });
});

describe("policy kong-targets-carry-weight", () => {
    it("passes targets with weight, refuses all at 0 and none", async () => {
        const t = (a: number, b: number) => [
            { side: "A", target: "api01-a.example:443", weight: a },
            { side: "B", target: "api01.example:443", weight: b },
        ];
        assert.deepEqual(await runResourcePolicy(kongTargetsCarryWeight, upstream("u", t(0, 100))), []);
        assert.deepEqual(await runResourcePolicy(kongTargetsCarryWeight, upstream("u", t(0, 0))), [
            "upstream team1-api01: its targets (api01-a.example:443 0, api01.example:443 0) total weight 0, so Kong has no peer for any request",
        ]);
        assert.deepEqual(await runResourcePolicy(kongTargetsCarryWeight, upstream("u", [])), ["upstream team1-api01 has no target"]);
    });
});

describe("policy source-protected-until-allowed", () => {
    const source = (protect: boolean, decommission?: Record<string, unknown>): TestResource[] => [
        { ...STACK, name: "migration-source", props: decommission ? { role: "source", decommission } : { role: "source" } },
        { type: SOURCE_FOOTPRINT_TYPE, name: "source-a" },
        { type: "kubernetes:core/v1:Namespace", name: "source-a-namespace-team1-ns", parent: "source-a", protect },
    ];
    it("passes protected resources, and unprotected ones once the verdict allows", async () => {
        assert.deepEqual(await runStackPolicy(sourceProtectedUntilAllowed, source(true, { allowed: false })), []);
        assert.deepEqual(await runStackPolicy(sourceProtectedUntilAllowed, source(false, { allowed: true })), []);
    });
    it("refuses an unprotected adopted resource while the verdict says not allowed, or without a verdict", async () => {
        assert.deepEqual(await runStackPolicy(sourceProtectedUntilAllowed, source(false, { allowed: false })), [
            "source-a-namespace-team1-ns: kubernetes:core/v1:Namespace source-a-namespace-team1-ns of cluster A is not protected, and the decommission verdict says not allowed: pulumi destroy could delete it while traffic still reaches A",
        ]);
        assert.deepEqual(await runStackPolicy(sourceProtectedUntilAllowed, source(false)), [
            "source-a-namespace-team1-ns: kubernetes:core/v1:Namespace source-a-namespace-team1-ns of cluster A is not protected, and the stack publishes no decommission verdict: pulumi destroy could delete it while traffic still reaches A",
        ]);
    });
});

describe("policy regex-paths-match-controller", () => {
    const ingress = (annotations: Record<string, string>, path: string, pathType: string): TestResource => ({
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        name: "i",
        props: {
            metadata: { name: "i", annotations },
            spec: { rules: [{ host: "dev-01.example", http: { paths: [{ path, pathType }] } }] },
        },
    });
    const ALB = { "alb.ingress.kubernetes.io/use-regex": "true" };
    const NGINX = { "nginx.ingress.kubernetes.io/use-regex": "true" };
    it("passes ALB regexes on Prefix, ingress-nginx regexes on ImplementationSpecific, and plain paths", async () => {
        assert.deepEqual(await runResourcePolicy(regexPathsMatchController, ingress(ALB, "/api01/(.*)", "Prefix")), []);
        assert.deepEqual(
            await runResourcePolicy(regexPathsMatchController, ingress(NGINX, "/api01(/|$)(.*)", "ImplementationSpecific")),
            [],
        );
        assert.deepEqual(await runResourcePolicy(regexPathsMatchController, ingress({}, "/", "Prefix")), []);
    });
    it("refuses each controller's regex on the other's pathType, and a regex without use-regex", async () => {
        assert.deepEqual(await runResourcePolicy(regexPathsMatchController, ingress(ALB, "/api01/(.*)", "ImplementationSpecific")), [
            'dev-01.example/api01/(.*): alb.ingress.kubernetes.io/use-regex is "true" and pathType is ImplementationSpecific; the ALB Ingress controller applies regexes only to Prefix paths',
        ]);
        assert.deepEqual(await runResourcePolicy(regexPathsMatchController, ingress(NGINX, "/api01(/|$)(.*)", "Prefix")), [
            'dev-01.example/api01(/|$)(.*): nginx.ingress.kubernetes.io/use-regex is "true" and pathType is Prefix; ingress-nginx reads regex paths only with ImplementationSpecific',
        ]);
        assert.deepEqual(await runResourcePolicy(regexPathsMatchController, ingress({}, "/api01$", "Prefix")), [
            "dev-01.example/api01$: a regex path without nginx.ingress.kubernetes.io/use-regex or alb.ingress.kubernetes.io/use-regex is matched literally and never matches a request",
        ]);
    });
});

describe("policy no-load-balancer-outside-controller", () => {
    const service = (namespace: string, type: string): TestResource => ({
        type: "kubernetes:core/v1:Service",
        name: `svc-${namespace}`,
        props: { metadata: { name: "lb", namespace }, spec: { type } },
    });
    // The controller namespace the isolated ingress registers (its Helm Chart's props are not readable under the engine).
    const controller: TestResource = { type: ISOLATED_INGRESS_TYPE, name: "team1" };
    const controllerNamespace: TestResource = {
        type: "kubernetes:core/v1:Namespace",
        name: "team1-namespace",
        parent: "team1",
        props: { metadata: { name: "team1-ingress" } },
    };
    it("passes the isolated ingress's load balancer in its controller's namespace, and ClusterIP Services anywhere", async () => {
        assert.deepEqual(
            await runStackPolicy(noLoadBalancerOutsideController, [
                controller,
                controllerNamespace,
                service("team1-ingress", "LoadBalancer"),
                service("team1-ns", "ClusterIP"),
            ]),
            [],
        );
    });
    it("refuses a ServicePatch that makes a Service a LoadBalancer in a workload namespace", async () => {
        const patch: TestResource = { ...service("team1-ns", "LoadBalancer"), type: "kubernetes:core/v1:ServicePatch", name: "patch" };
        assert.equal((await runStackPolicy(noLoadBalancerOutsideController, [controller, controllerNamespace, patch])).length, 1);
    });
    it("refuses a LoadBalancer Service in a workload namespace", async () => {
        assert.deepEqual(
            await runStackPolicy(noLoadBalancerOutsideController, [controller, controllerNamespace, service("team1-ns", "LoadBalancer")]),
            [
                "svc-team1-ns: Service team1-ns/lb is of type LoadBalancer outside the ingress controller namespace team1-ingress: it would buy a load balancer of its own; traffic enters B through the isolated ingress",
            ],
        );
        assert.deepEqual(await runStackPolicy(noLoadBalancerOutsideController, [service("team1-ns", "LoadBalancer")]), [
            "svc-team1-ns: Service team1-ns/lb is of type LoadBalancer outside any ingress controller namespace of this stack: it would buy a load balancer of its own; traffic enters B through the isolated ingress",
        ]);
    });
});

describe("policy no-plaintext-credentials", () => {
    /** A Deployment whose pod template is `template`. */
    const deployment = (template: Record<string, unknown>): TestResource => ({
        type: "kubernetes:apps/v1:Deployment",
        name: "d",
        props: { spec: { template } },
    });
    const KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
    const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZWFtMSJ9.c2lnbmF0dXJl";
    it("passes credentials in the properties the resource declares secret", async () => {
        const secret: TestResource = {
            type: "kubernetes:core/v1:Secret",
            name: "s",
            props: { stringData: { "tls.key": KEY } },
            additionalSecretOutputs: ["data", "stringData"],
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, secret), []);
        const gate: TestResource = {
            type: HEALTH_GATE_TYPE,
            name: "g",
            props: { kongAdminToken: "t0ken-example-9f8e", kongAdminAuth: "kong-admin-token" },
            additionalSecretOutputs: ["kongAdminToken"],
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, gate), []);
    });
    it("refuses a private key, a token or a credential-named value anywhere else, naming the path and never the value", async () => {
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "c",
            props: { data: { "key.pem": KEY, note: "hello" } },
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, configMap), [
            "data.key.pem holds a private key in plain text: pass it as a Pulumi secret in a property the resource declares secret",
        ]);
        assert.deepEqual(
            await runResourcePolicy(
                noPlaintextCredentials,
                deployment({ spec: { containers: [{ env: [{ name: "AUTH", value: JWT }] }] } }),
            ),
            [
                "spec.template.spec.containers[0].env[0].value holds a token in plain text: pass it as a Pulumi secret in a property the resource declares secret",
            ],
        );
        const gate: TestResource = { type: HEALTH_GATE_TYPE, name: "g", props: { kongAdminToken: "t0ken-example-9f8e" } };
        const messages = await runResourcePolicy(noPlaintextCredentials, gate);
        assert.deepEqual(messages, [
            "kongAdminToken holds a credential (by its name kongAdminToken) in plain text: pass it as a Pulumi secret in a property the resource declares secret",
        ]);
        assert.ok(!messages.join("").includes("t0ken-example") && !messages.join("").includes("MIIEvQ"));
    });
    it("passes a switch, a header's name and a placeholder that only sound like credentials", async () => {
        const switched = deployment({
            metadata: { annotations: { "vault.hashicorp.com/agent-inject-token": "true" } },
            spec: { containers: [{ env: [{ name: "DB_PASSWORD", value: "$(DB_PASSWORD_FROM_VAULT)" }] }] },
        });
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, switched), []);
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "c",
            props: { data: { "csrf.token": "X-CSRF-Token" } },
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, configMap), []);
    });

    it("refuses an env var named as a credential, a --password= argument and a password= line, each by its path", async () => {
        const plain = deployment({
            spec: {
                containers: [
                    {
                        args: ["--db-password=hunter2-plain"],
                        env: [
                            { name: "API_TOKEN", value: "tok_live_9f8e7d6c5b4a3210" },
                            { name: "DB_PASS", value: "hunter2-plain" },
                        ],
                    },
                ],
            },
        });
        const messages = await runResourcePolicy(noPlaintextCredentials, plain);
        assert.deepEqual(messages, [
            "spec.template.spec.containers[0].args[0] holds a credential (a db-password assignment in its text) in plain text: pass it as a Pulumi secret in a property the resource declares secret",
            "spec.template.spec.containers[0].env[0].value holds a credential (env API_TOKEN) in plain text: pass it as a Pulumi secret in a property the resource declares secret",
            "spec.template.spec.containers[0].env[1].value holds a credential (env DB_PASS) in plain text: pass it as a Pulumi secret in a property the resource declares secret",
        ]);
        assert.ok(!messages.join("").includes("hunter2") && !messages.join("").includes("tok_live"));
        const configMap: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "c",
            props: { data: { "app.properties": "db.url=jdbc:mysql://db:3306/app\ndb.password=hunter2-plain\n" } },
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, configMap), [
            "data.app.properties holds a credential (a db.password assignment in its text) in plain text: pass it as a Pulumi secret in a property the resource declares secret",
        ]);
    });

    it("refuses a flag's next argument, a password in a URL, and JSON or quoted YAML text; passes Secret references and files' paths", async () => {
        const forms = deployment({
            spec: {
                containers: [
                    {
                        args: ["--db-password", "S3cr3t!pw", "--default-tls-secret=team1-ns/tls-2024"],
                        env: [
                            { name: "DATABASE_URL", value: "postgres://app:S3cr3t!pw@db:5432/app" },
                            { name: "SPRING_APPLICATION_JSON", value: '{"spring.datasource.password":"S3cr3t!pw9"}' },
                            { name: "SECRET", value: "team1-db-secret-2" },
                            { name: "DB_PASSWORD", value: "/run/secrets/db-password-v2" },
                        ],
                    },
                ],
            },
        });
        assert.deepEqual(
            (await runResourcePolicy(noPlaintextCredentials, forms)).map((m) => m.split(" in plain text")[0]),
            [
                "spec.template.spec.containers[0].args[1] holds a credential (argument --db-password)",
                "spec.template.spec.containers[0].env[0].value holds a credential (a password in a URL)",
                "spec.template.spec.containers[0].env[1].value holds a credential (a spring.datasource.password assignment in its text)",
            ],
        );
        const yaml: TestResource = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "c",
            props: { data: { "app.yaml": 'db:\n  password: "S3cr3t!pw"\n' } },
        };
        assert.deepEqual((await runResourcePolicy(noPlaintextCredentials, yaml)).length, 1);
        const ingress: TestResource = {
            type: "kubernetes:networking.k8s.io/v1:Ingress",
            name: "i",
            props: {
                metadata: {
                    annotations: {
                        "nginx.ingress.kubernetes.io/auth-secret": "team1-ns/basic-auth-2",
                        "nginx.ingress.kubernetes.io/auth-tls-secret": "team1-ns/ca-v2",
                    },
                },
            },
        };
        assert.deepEqual(await runResourcePolicy(noPlaintextCredentials, ingress), []);
    });

    it("reads around a value only an apply knows instead of failing", async () => {
        assert.deepEqual(
            await runResourcePolicy(noPlaintextCredentials, { type: "x:y:Z", name: "z", props: { value: UNKNOWN_STRING } }),
            [],
        );
    });
});

describe("policy tls-covers-served-hosts", () => {
    const stack = (hosts: string[], crt: string): TestResource[] => [
        {
            type: "kubernetes:core/v1:Secret",
            name: "s",
            props: { type: "kubernetes.io/tls", metadata: { name: "team1-tls", namespace: "team1-ns" }, stringData: { "tls.crt": crt } },
        },
        {
            type: "kubernetes:networking.k8s.io/v1:Ingress",
            name: "i",
            props: { metadata: { name: "api01-team1", namespace: "team1-ns" }, spec: { tls: [{ hosts, secretName: "team1-tls" }] } },
        },
    ];
    it("passes hosts the certificate covers (its wildcards one label deep)", async () => {
        assert.deepEqual(
            await runStackPolicy(tlsCoversServedHosts, stack([HOST, "api01.target-team2.dev.aliyun.cloud.cn.aibang"], EXAMPLE_CERT)),
            [],
        );
    });
    it("refuses a host it does not cover, and a Secret without a readable certificate", async () => {
        const [violation] = await runStackPolicy(
            tlsCoversServedHosts,
            stack(["x.api01.source-team1.dev.aliyun.cloud.cn.aibang"], EXAMPLE_CERT),
        );
        assert.match(
            violation,
            /^i: Ingress team1-ns\/api01-team1: Secret team1-ns\/team1-tls: its certificate \(DNS:.*\) does not cover x\.api01\.source-team1\.dev\.aliyun\.cloud\.cn\.aibang$/,
        );
        assert.deepEqual(await runStackPolicy(tlsCoversServedHosts, stack([HOST], "not a certificate")), [
            "i: Ingress team1-ns/api01-team1: Secret team1-ns/team1-tls holds no readable certificate in tls.crt",
        ]);
    });
});

describe("policy ttl-lowered-before-shift (advisory)", () => {
    it("flags a shift at a long TTL, not a lowered one, and not a name all on one side", async () => {
        assert.deepEqual(
            await runResourcePolicy(ttlLoweredBeforeShift, nameRecords("r", { records: records(["A", 80, 3600], ["B", 20, 3600]) })),
            [`${HOST} sends 20 % to B with a TTL of 3600 s (above 600 s): the TTL was not lowered before the shift`],
        );
        assert.deepEqual(await runResourcePolicy(ttlLoweredBeforeShift, nameRecords("r", { records: records(["A", 80], ["B", 20]) })), []);
        assert.deepEqual(await runResourcePolicy(ttlLoweredBeforeShift, nameRecords("r", { records: records(["B", 100, 3600]) })), []);
        assert.deepEqual(
            await runResourcePolicy(ttlLoweredBeforeShift, nameRecords("r", { records: records(["A", 80, 120], ["B", 20, 120]) }), {
                maxShiftTtlSeconds: 60,
            }),
            [`${HOST} sends 20 % to B with a TTL of 120 s (above 60 s): the TTL was not lowered before the shift`],
        );
    });
});

describe("policy layers-reach-100-together (advisory)", () => {
    const stack = (direct: number, viaKong: number, sharesSince?: string): TestResource[] => [
        {
            ...STACK,
            props: {
                convergence: [{ host: HOST, observeSeconds: 60 }],
                traffic: [
                    { api: "api01", host: HOST, layer: "dns", effective: { direct, viaKong } },
                    { api: "api01", host: HOST, layer: "kong", effective: { direct, viaKong } },
                ],
            },
        },
        { type: HEALTH_GATE_TYPE, name: "gate-api01", props: { api: "api01", ...(sharesSince ? { sharesSince } : {}) } },
    ];
    const policy = layersReach100Together(() => new Date("2026-12-01T00:10:00Z"));
    it("flags a host fully on B on one path longer than the observation window since the shares were applied (a fall included), not within it, not when both paths agree", async () => {
        assert.deepEqual(await runStackPolicy(policy, stack(100, 50, "2026-12-01T00:00:00Z")), [
            `gate-api01: ${HOST}: its clients reach B fully directly (DNS) but only through Kong 50 %, as the shares have stood since 2026-12-01T00:00:00Z, longer than the observation window (60 s)`,
        ]);
        assert.deepEqual(await runStackPolicy(policy, stack(20, 100, "2026-12-01T00:00:00Z")), [
            `gate-api01: ${HOST}: its clients reach B fully through Kong but only directly (DNS) 20 %, as the shares have stood since 2026-12-01T00:00:00Z, longer than the observation window (60 s)`,
        ]);
        assert.deepEqual(await runStackPolicy(policy, stack(100, 50, "2026-12-01T00:09:30Z")), []);
        assert.deepEqual(await runStackPolicy(policy, stack(100, 100, "2026-12-01T00:00:00Z")), []);
    });
    it("does not judge a split this apply brings (the gate's time is not known yet), nor one without a gate", async () => {
        assert.deepEqual(await runStackPolicy(policy, stack(100, 50, UNKNOWN_STRING)), []);
        assert.deepEqual(await runStackPolicy(policy, stack(100, 50)), []);
        assert.deepEqual(await runStackPolicy(policy, stack(100, 50).slice(0, 1)), []);
    });
});

describe("policy ledger-agrees", () => {
    const ledger = (direct: number, viaKong: number, dnsB: number, kongB: number, extra: TestResource[] = []): TestResource[] => [
        {
            ...STACK,
            props: {
                traffic: [
                    { host: HOST, layer: "dns", effective: { direct, viaKong } },
                    { host: HOST, layer: "kong", upstream: "team1-api01", effective: { direct, viaKong } },
                ],
            },
        },
        { type: DNS_CUTOVER_TYPE, name: "dns-api01" },
        nameRecords("dns-api01-records", { records: records(["A", 100 - dnsB], ["B", dnsB]) }, { parent: "dns-api01" }),
        upstream("kong-api01-upstream", [
            { side: "A", target: "api01-a.source-team1.dev.aliyun.cloud.cn.aibang:443", weight: 100 - kongB },
            { side: "B", target: "api01.target-team2.dev.aliyun.cloud.cn.aibang:443", weight: kongB },
        ]),
        ...extra,
    ];
    it("passes rows that say what the records and targets do", async () => {
        assert.deepEqual(await runStackPolicy(ledgerAgrees, ledger(20, 20, 20, 20)), []);
    });
    it("refuses a ledger that disagrees with the DNS records or with Kong's targets", async () => {
        assert.deepEqual(await runStackPolicy(ledgerAgrees, ledger(20, 20, 50, 20)), [
            `dns-api01-records: ${HOST}: the ledger says 20 % reaches B directly; its DNS records send 50 %`,
        ]);
        assert.deepEqual(await runStackPolicy(ledgerAgrees, ledger(20, 20, 20, 5)), [
            `kong-api01-upstream: ${HOST}: the ledger says 20 % reaches B through Kong; upstream team1-api01's targets send 5 %`,
        ]);
    });
    it("refuses a legacy host with two DnsCutover owners", async () => {
        const second: TestResource[] = [
            { type: DNS_CUTOVER_TYPE, name: "dns-legacy01" },
            nameRecords("dns-legacy01-records", { records: records(["A", 80], ["B", 20]) }, { parent: "dns-legacy01" }),
        ];
        assert.deepEqual(await runStackPolicy(ledgerAgrees, ledger(20, 20, 20, 20, second)), [
            `dns-legacy01-records: ${HOST} has 2 DnsCutover owners (dns-api01, dns-legacy01): each would undo the other's weights`,
        ]);
    });
});
