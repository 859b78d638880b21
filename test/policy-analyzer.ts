/**
 * The real policy pack, run as the Pulumi CLI runs it: the nodejs language host starts
 * `node @pulumi/pulumi/cmd/run-policy-pack <engine address> <pack>` in the pack's folder (which
 * registers ts-node with type-checking, then loads index.ts, whose PolicyPack serves the
 * Analyzer gRPC service on 127.0.0.1 and prints its port), and the engine calls it with the
 * generated stubs (`@pulumi/pulumi/proto/analyzer_grpc_pb`): GetAnalyzerInfo, Configure, Analyze
 * for each registration (its inputs), AnalyzeStack once (every registered resource's outputs,
 * providers included, with parents and dependencies; pulumi/pulumi pkg/resource/deploy
 * step_generator.go `AnalyzeResources`). Nothing here calls a policy object: the pack's own
 * process does. The requests are built from the same offline run the plan evaluates, so what
 * this shows is that the pack, loaded and served for real, decides as the offline evaluation does.
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { OfflineRun, RecordedResource } from "../offline/harness";
import { PolicyConfig, PolicyViolation } from "../offline/policies";
import { MigrationPolicy } from "../policy/resources";
import { ROOT } from "./helpers";
import { pluginPort, stopPlugin } from "./plugin-port";

/* eslint-disable @typescript-eslint/no-require-imports */
const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const proto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

type Client = grpc.Client & Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>;
interface Diagnostic {
    getPolicyname(): string;
    getEnforcementlevel(): number;
    getUrn(): string;
    getMessage(): string;
}
/** The setters an AnalyzeRequest and an AnalyzerResource share. */
interface Described {
    setType(v: string): void;
    setUrn(v: string): void;
    setName(v: string): void;
    setProperties(v: unknown): void;
    setOptions(v: unknown): void;
}
const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

/** The pack's process and a client connected to it. */
export class PolicyPackProcess {
    private child?: ChildProcess;
    private client?: Client;
    stderr = "";

    async start(): Promise<void> {
        const runner = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
            cwd: path.join(ROOT, "policy"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.child = child;
        child.stderr!.on("data", (d) => (this.stderr += String(d)));
        const port = await pluginPort(child, "the policy pack", () => this.stderr, 60_000);
        this.client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
        }) as never;
    }

    async stop(): Promise<void> {
        this.client?.close();
        await stopPlugin(this.child);
    }

    private rpc<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) => this.client![method](request, (err, res) => (err ? reject(err) : resolve(res as T))));
    }

    /** The pack's name, version and its policies with their enforcement levels. */
    async info(): Promise<{ name: string; version: string; policies: [string, string][] }> {
        const res = await this.rpc<{
            getName(): string;
            getVersion(): string;
            getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[];
        }>("getAnalyzerInfo", new Empty());
        return {
            name: res.getName(),
            version: res.getVersion(),
            policies: res.getPoliciesList().map((p) => [p.getName(), LEVELS[p.getEnforcementlevel()]]),
        };
    }

    /**
     * Configure, as the engine sends it after reading `--policy-pack-config`: every policy with
     * its effective level (its own entry, else `all`, else the pack's) and its properties.
     */
    async configure(config: PolicyConfig, policies: MigrationPolicy[]): Promise<void> {
        const req = new proto.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        const LEVEL: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2 };
        for (const p of policies) {
            const c = new proto.PolicyConfig();
            c.setEnforcementlevel(LEVEL[config.policies[p.name]?.enforcementLevel ?? config.all ?? p.enforcementLevel ?? "advisory"]);
            c.setProperties(Struct.fromJavaScript(config.policies[p.name]?.properties ?? {}));
            map.set(p.name, c);
        }
        await this.rpc("configure", req);
    }

    /** Every violation the pack reports for an offline run: Analyze per resource, then AnalyzeStack. */
    async violations(run: OfflineRun): Promise<PolicyViolation[]> {
        const found: PolicyViolation[] = [];
        const collect = (res: { getDiagnosticsList(): Diagnostic[] }, urn: string) => {
            for (const d of res.getDiagnosticsList())
                found.push({
                    policy: d.getPolicyname(),
                    level: LEVELS[d.getEnforcementlevel()] as PolicyViolation["level"],
                    urn: d.getUrn() || urn,
                    message: d.getMessage(),
                });
        };
        // What the engine sends (pulumi/pulumi pkg/resource/deploy step_generator.go): Analyze with each
        // registration's inputs as it comes (reads are not registrations; providers are); AnalyzeStack
        // (`AnalyzeResources`) with every new state's outputs — a custom resource to be created shows
        // its inputs, a component what it registered, the stack resource the stack outputs.
        const stackUrn = run.resources.find((r) => !r.parent)!.urn;
        const inputsOf = (r: RecordedResource) => Struct.fromJavaScript(r.wire ?? {});
        const outputsOf = (r: RecordedResource) => Struct.fromJavaScript(r.custom && !r.remote ? (r.wire ?? {}) : (r.outputsWire ?? {}));
        const options = (r: RecordedResource) => {
            const o = new proto.AnalyzerResourceOptions();
            o.setProtect(r.options.protect);
            o.setIgnorechangesList(r.options.ignoreChanges);
            o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
            if (r.parent) o.setParent(r.parent);
            return o;
        };
        // An AnalyzeRequest and a stack's AnalyzerResource carry a resource the same way.
        const described = <M extends Described>(message: M, r: RecordedResource, props: unknown): M => {
            message.setType(r.type);
            message.setUrn(r.urn);
            message.setName(r.name);
            message.setProperties(props);
            message.setOptions(options(r));
            return message;
        };
        const registered = run.resources.filter((r) => !r.read);
        for (const r of registered) collect(await this.rpc("analyze", described(new proto.AnalyzeRequest(), r, inputsOf(r))), r.urn);
        const req = new proto.AnalyzeStackRequest();
        req.setResourcesList(
            registered.map((r) => {
                const a = described(new proto.AnalyzerResource(), r, outputsOf(r));
                if (r.parent) a.setParent(r.parent);
                a.setDependenciesList(r.dependencies);
                return a;
            }),
        );
        collect(await this.rpc("analyzeStack", req), stackUrn);
        return found;
    }
}
