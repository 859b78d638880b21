/**
 * The real dynamic-provider host that ships in `@pulumi/pulumi`, started as the engine starts
 * it (`node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs <engine address>`, working
 * directory = the project), and a gRPC client that calls it with the SDK's generated stubs
 * (`@pulumi/pulumi/proto/provider_grpc_pb`) the way the engine's provider plugin does. Nothing
 * here calls a provider object: the host rebuilds each provider from the `__provider` string.
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../helpers";
import { pluginPort, stopPlugin } from "../plugin-port";

/* eslint-disable @typescript-eslint/no-require-imports */
const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
const proto = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export type Props = Record<string, unknown>;

/** An error the host returned, as the engine receives it. */
export interface HostError extends Error {
    /** gRPC status code (2 = UNKNOWN). */
    code: number;
    /** The message the engine shows the operator. */
    details: string;
}

export interface CheckResult {
    inputs: Props;
    failures: { property: string; reason: string }[];
}

export interface DiffResult {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

const DIFF_CHANGES: Record<number, DiffResult["changes"]> = { 0: "unknown", 1: "none", 2: "some" };

/** The host process and a client connected to it. */
export class ProviderHost {
    private child?: ChildProcess;
    private client?: grpc.Client & Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>;
    /** Everything the host wrote to stderr (the engine would show it as diagnostics). */
    stderr = "";

    constructor(private readonly env: Record<string, string> = {}) {}

    async start(): Promise<void> {
        const script = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
        // The engine passes its own address; the host does not call back for these methods.
        // Its own process group: the script starts node as a child, and both must go at stop.
        const child = spawn(script, ["127.0.0.1:1"], {
            cwd: ROOT,
            env: { ...process.env, ...this.env },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        this.child = child;
        child.stderr!.on("data", (d) => (this.stderr += String(d)));
        const port = await pluginPort(child, "the provider host", () => this.stderr);
        this.client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as never;
    }

    async stop(): Promise<void> {
        this.client?.close();
        await stopPlugin(this.child, true);
    }

    private rpc<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) =>
            this.client![method](request, (err, res) => {
                if (err) {
                    const e = new Error(err.message) as HostError;
                    e.code = err.code;
                    e.details = err.details;
                    reject(e);
                } else resolve(res as T);
            }),
        );
    }

    /** Configure, as the engine sends it first. Returns what the host says it accepts. */
    async configure(): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
        const req = new proto.ConfigureRequest();
        req.setArgs(Struct.fromJavaScript({}));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        const res = await this.rpc<{ getAcceptsecrets(): boolean; getSupportspreview(): boolean }>("configure", req);
        return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
    }

    async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
        const req = new proto.CheckRequest();
        req.setUrn(urn);
        req.setOlds(Struct.fromJavaScript(olds));
        req.setNews(Struct.fromJavaScript(news));
        const res = await this.rpc<{
            getInputs(): { toJavaScript(): Props };
            getFailuresList(): { getProperty(): string; getReason(): string }[];
        }>("check", req);
        return {
            inputs: res.getInputs().toJavaScript(),
            failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffResult> {
        const req = new proto.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(Struct.fromJavaScript(olds));
        req.setNews(Struct.fromJavaScript(news));
        const res = await this.rpc<{ getChanges(): number; getReplacesList(): string[]; getDeletebeforereplace(): boolean }>("diff", req);
        return {
            changes: DIFF_CHANGES[res.getChanges()],
            replaces: res.getReplacesList(),
            deleteBeforeReplace: res.getDeletebeforereplace(),
        };
    }

    async create(urn: string, properties: Props): Promise<{ id: string; outputs: Props }> {
        const req = new proto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(Struct.fromJavaScript(properties));
        req.setTimeout(300);
        const res = await this.rpc<{ getId(): string; getProperties(): { toJavaScript(): Props } }>("create", req);
        return { id: res.getId(), outputs: res.getProperties().toJavaScript() };
    }

    async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
        const req = new proto.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(Struct.fromJavaScript(olds));
        req.setNews(Struct.fromJavaScript(news));
        req.setTimeout(300);
        const res = await this.rpc<{ getProperties(): { toJavaScript(): Props } }>("update", req);
        return res.getProperties().toJavaScript();
    }

    async read(urn: string, id: string, properties: Props): Promise<{ id: string; outputs: Props }> {
        const req = new proto.ReadRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(Struct.fromJavaScript(properties));
        const res = await this.rpc<{ getId(): string; getProperties(): { toJavaScript(): Props } | undefined }>("read", req);
        return { id: res.getId(), outputs: res.getProperties()?.toJavaScript() ?? {} };
    }

    async delete(urn: string, id: string, properties: Props): Promise<void> {
        const req = new proto.DeleteRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(Struct.fromJavaScript(properties));
        req.setTimeout(300);
        await this.rpc("delete", req);
    }
}
