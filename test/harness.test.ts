import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { HarnessError, ProgramError, runOffline } from "../offline/harness";
import { loadStackConfig, SECRET_PLACEHOLDER, StackFileError } from "../offline/stack-files";
import { ROOT } from "./helpers";

/** A plain custom resource type for exercising the harness; the mocks answer any type. */
class Thing extends pulumi.CustomResource {
    declare readonly value: pulumi.Output<unknown>;
    declare readonly status: pulumi.Output<unknown>;
    constructor(name: string, args: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, { ...args, status: undefined }, opts);
    }
}

function offline(program: () => Promise<Record<string, unknown> | void>) {
    return runOffline({ project: "p", stack: "s", config: { "p:greeting": "hello" }, secretKeys: [], program });
}

describe("the offline harness", () => {
    it("records each resource option as the engine receives it", async () => {
        const run = await offline(async () => {
            const a = new Thing("a", { value: 1 });
            new Thing(
                "b",
                { value: a.value },
                {
                    dependsOn: [a],
                    protect: true,
                    deleteBeforeReplace: true,
                    ignoreChanges: ["value"],
                    import: "b-123",
                    replaceOnChanges: ["value"],
                    retainOnDelete: true,
                },
            );
            new Thing("c", { value: a.value });
        });
        const [stack, a, b, c] = run.resources;
        assert.deepEqual([stack.type, a.name, b.name, c.name], ["pulumi:pulumi:Stack", "a", "b", "c"]);
        assert.deepEqual(b.options, {
            protect: true,
            dependsOn: [a.urn],
            deleteBeforeReplace: true,
            ignoreChanges: ["value"],
            import: "b-123",
            replaceOnChanges: ["value"],
            retainOnDelete: true,
            deletedWith: null,
        });
        assert.deepEqual(c.options.dependsOn, [], "a dependency carried by an input is not a dependsOn option");
        assert.equal(b.parent, stack.urn);
    });

    it("prints secrets as [secret], values unknown until apply as [known after apply], and strips __provider", async () => {
        const run = await offline(async () => {
            const a = new Thing("a", { value: pulumi.secret("s3cr3t"), __provider: "serialised code" });
            new Thing("b", { value: { user: "u", password: pulumi.secret("pw") } });
            return { fromStatus: a.status, secret: a.value, plain: "x", config: new pulumi.Config().require("greeting") };
        });
        assert.deepEqual(run.resources[1].inputs, { value: "[secret]" });
        assert.deepEqual(run.resources[2].inputs, { value: { user: "u", password: "[secret]" } }, "only the secret leaf is hidden");
        assert.deepEqual(run.outputs, { config: "hello", fromStatus: "[known after apply]", plain: "x", secret: "[secret]" });
        assert.equal(JSON.stringify(run).includes("s3cr3t"), false);
        assert.equal(JSON.stringify(run).includes("pw"), false);
    });

    it("collects warnings the program logs", async () => {
        const run = await offline(async () => {
            void pulumi.log.warn("careful");
        });
        assert.deepEqual(run.warnings, ["careful"]);
    });

    it("fails loudly on a duplicate URN", async () => {
        await assert.rejects(
            offline(async () => {
                new Thing("same", {});
                new Thing("same", {});
            }),
            (err: Error) =>
                err instanceof HarnessError &&
                err.message.includes("duplicate URN urn:pulumi:s::p::pulumi:pulumi:Stack$test:index:Thing::same"),
        );
    });

    it("fails loudly on an unhandled rejection inside apply", async () => {
        await assert.rejects(
            offline(async () => {
                const a = new Thing("a", { value: 1 });
                a.value.apply(() => {
                    throw new Error("boom in apply");
                });
            }),
            (err: Error) => err instanceof HarnessError && err.message.includes("unhandled rejection: Error: boom in apply"),
        );
    });

    it("fails loudly on an invoke it has no answer for", async () => {
        await assert.rejects(
            offline(async () => {
                await pulumi.runtime.invoke("test:index:lookup", {});
            }),
            (err: Error) => err.message.includes("unexpected invoke test:index:lookup"),
        );
    });

    it("returns the program's own error with what was registered before it", async () => {
        await assert.rejects(
            offline(async () => {
                throw new Error("bad config");
            }),
            (err: Error) => err instanceof ProgramError && err.message === "bad config" && err.run.resources.length === 1,
        );
    });

    it("captures no stacks during a run (PLAN_STACK_TRACES=1 keeps them), keeps a program bug's message, and restores every setting", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
        const resourceClass = pulumi.Resource as unknown as { callsites(): unknown[] };
        const settings = () => [
            (Error as { prepareStackTrace?: unknown }).prepareStackTrace,
            Error.stackTraceLimit,
            resourceClass.callsites,
            debuggable.debuggablePromise,
        ];
        const before = settings();
        let during: { callsites: number; wrapped: boolean } | undefined;
        await offline(async () => {
            const p = Promise.resolve(1);
            during = {
                callsites: resourceClass.callsites().length,
                wrapped: (debuggable.debuggablePromise as (p: Promise<number>, ctx: string) => Promise<number>)(p, "x") !== p,
            };
        });
        assert.deepEqual(during, { callsites: 0, wrapped: false });
        assert.ok(resourceClass.callsites().length > 0, "the SDK's own callsites are back after the run");
        const bug = () =>
            offline(async () => {
                throw new TypeError("a bug in the program");
            });
        await assert.rejects(
            bug(),
            (err: Error) =>
                err instanceof ProgramError &&
                err.cause instanceof TypeError &&
                (err.cause as Error).stack === "TypeError: a bug in the program",
        );
        process.env.PLAN_STACK_TRACES = "1";
        try {
            await assert.rejects(bug(), (err: Error) =>
                /^TypeError: a bug in the program\n\s+at /.test(((err as ProgramError).cause as Error).stack ?? ""),
            );
        } finally {
            delete process.env.PLAN_STACK_TRACES;
        }
        assert.deepEqual(settings(), before);
    });

    it("answers a registration as the mock monitor does: outputs are the inputs, the id is the import id or unknown", async () => {
        const run = await offline(async () => {
            const a = new Thing("a", { value: { n: 1, list: ["x", pulumi.secret("s")] } });
            const b = new Thing("b", { value: 2 }, { import: "b-123" });
            return { aValue: a.value, aId: a.id, bValue: b.value, bId: b.id };
        });
        assert.deepEqual(run.outputs, {
            // A secret inside a value makes the whole output secret, as with the mock monitor.
            aValue: { n: "[secret]", list: ["[secret]", "[secret]"] },
            aId: "[known after apply]",
            bValue: 2,
            bId: "b-123",
        });
        assert.deepEqual(run.resources[1].inputs, { value: { n: 1, list: ["x", "[secret]"] } });
    });

    it("runs again cleanly in the same process", async () => {
        const first = await offline(async () => void new Thing("a", {}));
        const second = await offline(async () => void new Thing("b", {}));
        assert.deepEqual(
            [first.resources.map((r) => r.name), second.resources.map((r) => r.name)],
            [
                ["p-s", "a"],
                ["p-s", "b"],
            ],
        );
    });
});

describe("loadStackConfig", () => {
    it("applies Pulumi.yaml's project config under the stack file, and keeps secure values secret", () => {
        const config = loadStackConfig(ROOT, "dev");
        assert.equal(config.project, "migration");
        assert.deepEqual(Object.keys(config.values).sort(), [
            "migration:apis",
            "migration:dns",
            "migration:domains",
            "migration:ingress",
            "migration:kongClusterKey",
            "migration:kongDataPlane",
            "migration:role",
            "migration:shortDomain",
            "migration:tls",
            "migration:tlsKey",
        ]);
        assert.deepEqual(JSON.parse(config.values["migration:domains"]), {
            source: "source-team1.dev.aliyun.cloud.cn.aibang",
            target: "target-team2.dev.aliyun.cloud.cn.aibang",
            short: "dev-01.aliyun.cloud.cn.aibang",
        });
        assert.equal(JSON.parse(config.values["migration:apis"]).length, 2);
        assert.equal(config.values["migration:role"], "platform");
        assert.equal(config.values["migration:tlsKey"], SECRET_PLACEHOLDER);
        assert.equal(config.values["migration:kongClusterKey"], SECRET_PLACEHOLDER);
        assert.deepEqual(config.secretKeys, ["migration:kongClusterKey", "migration:tlsKey"]);
    });

    describe("with a file in place of the stack file", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("lets the file override project config, including nested secure values", () => {
            const file = path.join(dir, "override.yaml");
            fs.writeFileSync(
                file,
                "config:\n  migration:role: cutover\n  migration:domains:\n    source: a.example\n    target: b.example\n    short: c.example\n  migration:tls:\n    key:\n      secure: v1:abc:def\n",
            );
            const config = loadStackConfig(ROOT, "dev", file);
            assert.deepEqual(JSON.parse(config.values["migration:domains"]), {
                source: "a.example",
                target: "b.example",
                short: "c.example",
            });
            assert.equal(config.values["migration:role"], "cutover");
            assert.equal(config.values["migration:tlsKey"], undefined);
            assert.deepEqual(JSON.parse(config.values["migration:tls"]), { key: SECRET_PLACEHOLDER });
            assert.deepEqual(config.secretKeys, ["migration:tls"]);
        });

        it("names a file that is missing or not YAML", () => {
            assert.throws(
                () => loadStackConfig(ROOT, "dev", path.join(dir, "absent.yaml")),
                (err: Error) => err instanceof StackFileError && err.message === `${path.join(dir, "absent.yaml")}: cannot be read`,
            );
            const bad = path.join(dir, "bad.yaml");
            fs.writeFileSync(bad, "config: [unclosed\n");
            assert.throws(
                () => loadStackConfig(ROOT, "dev", bad),
                (err: Error) => err instanceof StackFileError && err.message.startsWith(`${bad}: not valid YAML (`),
            );
        });
    });
});
