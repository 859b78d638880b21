/**
 * The recording-mock harness: runs the real program under `pulumi.runtime.setMocks` in
 * preview mode and records every resource with its inputs and resource options, and the
 * stack outputs, exactly as the engine would receive them. The offline plan and the tests
 * both run the program through here.
 *
 * Resource options are not part of the public mock API; they are read from the monitor's
 * protobuf requests (SDK internals, kept to this module and tested in test/harness.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";

/** Printed in place of a secret value. */
export const SECRET = "[secret]";
/** Printed in place of a value only the real engine knows after apply (an SLB address). */
export const UNKNOWN = "[known after apply]";

const rt = pulumi.runtime as unknown as {
    specialSigKey: string;
    specialSecretSig: string;
    specialResourceSig: string;
    specialAssetSig: string;
    specialArchiveSig: string;
    unknownValue: string;
    waitForRPCs(): Promise<void>;
    getMonitor(): MonitorLike | undefined;
};

/** The resource options the plan shows for each resource. */
export interface RecordedOptions {
    protect: boolean;
    dependsOn: string[];
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    /** The id given with the `import` option, or null. */
    import: string | null;
    replaceOnChanges: string[];
    retainOnDelete: boolean;
    /** URN of the resource this one is deleted with, or null. */
    deletedWith: string | null;
}

/**
 * One alias as the SDK sends it (monitors that take alias specs, the mocks' included): a URN, or
 * the parts that differ from the resource's own — its name, type, project or stack, and its
 * parent (`parentUrn`, or `noParent` for the stack's root); the engine fills the rest from the
 * resource and derives children's aliases from their parent's.
 */
export type RecordedAlias =
    { urn: string } | { name?: string; type?: string; project?: string; stack?: string; parentUrn?: string; noParent?: true };

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** The parent's URN; undefined only for the stack itself. */
    parent?: string;
    /** true for provider resources, false for components (remote components included). */
    custom: boolean;
    /** A component implemented by a provider (e.g. a Helm v4 Chart): its children are not seen offline. */
    remote: boolean;
    /** true for `.get`/StackReference reads, which adopt nothing and create nothing. */
    read: boolean;
    /** Inputs as sent to the engine: secret leaves as "[secret]", unknowns as "[known after apply]", `__provider` removed. */
    inputs: Record<string, unknown>;
    options: RecordedOptions;
    /**
     * The inputs exactly as the engine receives them (secrets wrapped, unknowns as the
     * engine's sentinel, a dynamic resource's serialised `__provider` included). Kept only
     * when the run is asked to (`keepWire`), for tests that drive providers as the engine does.
     */
    wire?: Record<string, unknown>;
    /** Registration order (0 first): the order the engine receives resources in. */
    seq: number;
    /**
     * Every resource this one depends on, as the engine receives them (the `dependsOn` option and
     * the resources its inputs come from): what a policy pack's stack validation sees as
     * `dependencies`. Not part of the plan document.
     */
    dependencies: string[];
    /** The `additionalSecretOutputs` option (the provider SDKs' own included). Not part of the plan document. */
    additionalSecretOutputs: string[];
    /**
     * A component's registered outputs as the engine receives them (`registerOutputs`; the stack
     * resource's are the stack outputs); kept with `keepWire`.
     */
    outputsWire?: Record<string, unknown>;
    /**
     * The `aliases` option as the engine receives it (the provider SDKs' own type aliases
     * included); absent when there are none.
     */
    aliases?: RecordedAlias[];
    /** The explicit provider reference (`<provider urn>::<id>`), when the resource names one; not part of the plan document. */
    provider?: string;
}

export interface OfflineRun {
    project: string;
    stack: string;
    /** Every resource, the stack root first, then by URN (registration order depends on output timing; this does not). */
    resources: RecordedResource[];
    /** The stack outputs, rendered like inputs. */
    outputs: Record<string, unknown>;
    /** Messages the program logged with `pulumi.log.warn`. */
    warnings: string[];
}

export interface OfflineRunArgs {
    project: string;
    stack: string;
    /** Full config keys to engine-encoded string values. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** The program; its result becomes the stack outputs. */
    program: () => Promise<Record<string, unknown> | void>;
    /**
     * Outputs of another stack, by the name a StackReference gives, in the rendered form
     * ("[known after apply]" becomes unknown again). Without it a StackReference is a fault.
     */
    stackReference?: (name: string) => Promise<Record<string, unknown>>;
    /**
     * Keep each resource's wire inputs (`RecordedResource.wire`) and each component's registered
     * outputs, the stack's included (`RecordedResource.outputsWire`); `"values"` keeps them without a dynamic resource's serialised
     * provider (code, tens of KB a resource), for the policy evaluation of large plans.
     */
    keepWire?: boolean | "values";
    /**
     * A stack transformation applied before resources reach the engine: how tests point a
     * provider at a loopback double (e.g. the Alidns endpoint) without a config value for it.
     */
    transformation?: pulumi.ResourceTransformation;
    /**
     * The id a resource gets (tests that emulate a provider applying it); undefined or "" leaves
     * it unknown, as in a preview of a resource still to be created.
     */
    resourceId?: (resource: { type: string; name: string; inputs: Record<string, unknown> }) => string | undefined;
}

/**
 * Another stack's rendered outputs as the wire value a StackReference reads: outputs not known
 * at all (a discovery run) are unknown again; a value inside them that only an apply would
 * produce stays the printed "[known after apply]", so the rest of those outputs is readable
 * (against a real backend every referenced output is known).
 */
function toWire(value: unknown): unknown {
    return value === UNKNOWN ? rt.unknownValue : value;
}

/** Carries the program's own error (bad config) with what was registered before it. */
export class ProgramError extends Error {
    constructor(
        readonly cause: unknown,
        readonly run: OfflineRun,
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramError";
    }
}

/** A fault of the run itself (duplicate URN, unhandled rejection, unexpected invoke): never a plan. */
export class HarnessError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "HarnessError";
    }
}

/** Another stack's outputs could not be had offline (its config is bad, or none were given). */
export class StackReferenceError extends HarnessError {
    constructor(message: string) {
        super(message);
        this.name = "StackReferenceError";
    }
}

type Callback = (err: Error | null, resp?: unknown) => void;
interface Request {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom?(): boolean;
    getRemote?(): boolean;
    getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProtect?(): boolean | undefined;
    getDeletebeforereplace?(): boolean;
    getIgnorechangesList?(): string[];
    getImportid?(): string;
    getId?(): string;
    getReplaceonchangesList?(): string[];
    getRetainondelete?(): boolean | undefined;
    getDeletedwith?(): string;
    getProvider?(): string;
    getAliasesList?(): AliasMessage[];
    getUrn?(): string;
    getDependenciesList?(): string[];
    getAdditionalsecretoutputsList?(): string[];
    getOutputs?(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface AliasMessage {
    getUrn(): string;
    getSpec():
        | { getName(): string; getType(): string; getProject(): string; getStack(): string; getParenturn(): string; getNoparent(): boolean }
        | undefined;
}
interface MonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: Request, cb: Callback): void;
    readResource(req: Request, cb: Callback): void;
    registerResourceOutputs(req: Request, cb: Callback): void;
}

/** A dynamic resource's wire inputs without its serialised provider. */
function withoutProvider(wire: Record<string, unknown>): Record<string, unknown> {
    if (!("__provider" in wire)) return wire;
    const { __provider: _code, ...values } = wire;
    return values;
}

/**
 * Converts the engine's wire form to plain data for printing and assertions. `secretLeaf` says
 * what a secret's leaf prints as: "[secret]" unless a caller needs to tell two secrets apart
 * without showing them (the diff's opaque tokens).
 */
export function renderWireValue(value: unknown, secretLeaf: (leaf: unknown) => string = () => SECRET): unknown {
    const render = (v: unknown) => renderWireValue(v, secretLeaf);
    if (value === rt.unknownValue) return UNKNOWN;
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        const sig = obj[rt.specialSigKey];
        // Keep a secret's shape (which keys a Secret holds is reviewable), hide every leaf.
        if (sig === rt.specialSecretSig) return hideLeaves(render(obj.value), secretLeaf);
        if (sig === rt.specialResourceSig) return obj.urn;
        if (sig === rt.specialAssetSig || sig === rt.specialArchiveSig) return obj.path ?? obj.uri ?? "[asset]";
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            // The serialised dynamic provider is code, not configuration.
            if (k === "__provider") continue;
            out[k] = render(v);
        }
        return out;
    }
    return value;
}

function hideLeaves(value: unknown, secretLeaf: (leaf: unknown) => string): unknown {
    if (Array.isArray(value)) return value.map((v) => hideLeaves(v, secretLeaf));
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideLeaves(v, secretLeaf)]));
    return value === UNKNOWN ? UNKNOWN : secretLeaf(value);
}

/** The request's aliases, each with only the parts it sets. */
function aliasesOf(req: Request): RecordedAlias[] {
    return (req.getAliasesList?.() ?? []).map((a) => {
        const spec = a.getSpec();
        if (!spec) return { urn: a.getUrn() };
        const parts: [string, string][] = [
            ["name", spec.getName()],
            ["type", spec.getType()],
            ["project", spec.getProject()],
            ["stack", spec.getStack()],
            ["parentUrn", spec.getParenturn()],
        ];
        return { ...Object.fromEntries(parts.filter(([, v]) => v)), ...(spec.getNoparent() ? { noParent: true as const } : {}) };
    });
}

function optionsOf(req: Request, read: boolean): RecordedOptions {
    return {
        protect: req.getProtect?.() ?? false,
        // Filled from the `dependsOn` option after the run: the request only has all dependencies mixed together.
        dependsOn: [],
        deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
        ignoreChanges: [...(req.getIgnorechangesList?.() ?? [])],
        // A read's id names what is read; only registrations carry the `import` option.
        import: read ? null : req.getImportid?.() || null,
        replaceOnChanges: [...(req.getReplaceonchangesList?.() ?? [])],
        retainOnDelete: req.getRetainondelete?.() ?? false,
        deletedWith: req.getDeletedwith?.() || null,
    };
}

/** An Output's value; `promise()` is public in the SDK's JavaScript but not in its types. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** URNs of a `dependsOn` option: a resource, a list of them, or Inputs of either. */
async function dependencyUrns(dependsOn: unknown): Promise<string[]> {
    const value = pulumi.Output.isInstance(dependsOn) ? await valueOf(dependsOn as pulumi.Output<unknown>) : await dependsOn;
    const list = Array.isArray(value) ? value : [value];
    const urns: string[] = [];
    for (const item of list) {
        const resource = pulumi.Output.isInstance(item) ? await valueOf(item as pulumi.Output<unknown>) : await item;
        if (pulumi.Resource.isInstance(resource)) urns.push(await valueOf(resource.urn));
    }
    return urns;
}

/**
 * Turns off, for one offline run, what the SDK captures for debugging a live deployment, and
 * returns what restores it. None of it is shown offline, and it was most of a large plan's time:
 * - every Resource takes a full stack trace (`Resource.callsites`, the limit raised to Infinity)
 *   for the source position it sends the engine;
 * - every promise the SDK makes is wrapped (`runtime/debuggable` `debuggablePromise`) with an id,
 *   a stack trace and a leak-candidate entry, for the "promise leaked" report at exit;
 * - every stack is formatted by ts-node's source-mapping formatter.
 * At 1,000 APIs the stack-trace limit alone took the cutover plan from 46 s to 25 s, the rest of
 * this and the direct answer below to 16 s. A program bug then carries its message only:
 * PLAN_STACK_TRACES=1 keeps all of it.
 */
function withoutDebugCapture(): () => void {
    if (process.env.PLAN_STACK_TRACES === "1") return () => undefined;
    const errorClass = Error as { prepareStackTrace?: ErrorConstructor["prepareStackTrace"] };
    const resourceClass = pulumi.Resource as unknown as { callsites(): unknown[] };
    // SDK internals with no typed export; the SDK's modules call them through these objects.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> };
    const saved = {
        prepareStackTrace: errorClass.prepareStackTrace,
        stackTraceLimit: Error.stackTraceLimit,
        callsites: resourceClass.callsites,
        debuggablePromise: debuggable.debuggablePromise,
    };
    errorClass.prepareStackTrace = undefined;
    Error.stackTraceLimit = 0;
    resourceClass.callsites = () => [];
    debuggable.debuggablePromise = (p) => p;
    return () => {
        errorClass.prepareStackTrace = saved.prepareStackTrace;
        Error.stackTraceLimit = saved.stackTraceLimit;
        resourceClass.callsites = saved.callsites;
        debuggable.debuggablePromise = saved.debuggablePromise;
    };
}

/** What a stalled run is reported as. */
const STALLED = "the program never finished: an Output it waits on never settled (for example a StackReference output that does not exist)";

let running = false;

/**
 * Runs `program` under mocks and returns what it registered. Throws ProgramError when the
 * program itself fails (for example a ConfigError), HarnessError when the run is unsound.
 * Runs are process-global (the Pulumi runtime is a singleton): one at a time.
 */
export async function runOffline(args: OfflineRunArgs): Promise<OfflineRun> {
    if (running) throw new HarnessError("runOffline: another offline run is in progress in this process");
    running = true;
    // Each run starts from a collected heap when the process allows it (`npm run plan` runs with
    // --expose-gc): a plan runs the program two to four times (discovery, referenced stacks, the
    // --against file), and without this V8 grows the heap over the previous run's garbage (a
    // one-edit diff at 1,000 APIs peaked at 1.5 GB; 0.94 GB with it, in the same time).
    (globalThis as { gc?: () => void }).gc?.();
    const resources: RecordedResource[] = [];
    const byUrn = new Map<string, RecordedResource>();
    const faults: string[] = [];
    const referenceFaults: string[] = [];
    const warnings: string[] = [];
    let outputs: Record<string, unknown> = {};
    let stackUrn: string | undefined;

    await pulumi.runtime.setMocks(
        {
            newResource: async (a: pulumi.runtime.MockResourceArgs) => {
                if (a.type === "pulumi:pulumi:StackReference") {
                    const name = String(a.inputs.name);
                    // A failed read never settles in the SDK (the run would hang): record the
                    // failure and answer with no outputs; the failure is what gets reported.
                    let outputs: Record<string, unknown> = {};
                    try {
                        if (!args.stackReference)
                            throw new Error(`StackReference ${name}: the offline run was given no outputs for other stacks`);
                        outputs = await args.stackReference(name);
                    } catch (err) {
                        referenceFaults.push(err instanceof Error ? err.message : String(err));
                    }
                    return { id: name, state: { name, outputs: toWire(outputs), secretOutputNames: [] } };
                }
                // An empty id is how a preview says "assigned at create": ids of new resources print as unknown.
                return { id: a.id || args.resourceId?.({ type: a.type, name: a.name, inputs: a.inputs }) || "", state: a.inputs };
            },
            call: (a: pulumi.runtime.MockCallArgs) => {
                const message = `unexpected invoke ${a.token}: the offline harness has no answer for it`;
                faults.push(message);
                throw new Error(message);
            },
        },
        args.project,
        args.stack,
        true,
    );
    pulumi.runtime.setAllConfig(args.config, args.secretKeys ?? []);

    const monitor = rt.getMonitor();
    if (!monitor) throw new HarnessError("runOffline: setMocks installed no monitor");
    const record = (req: Request, read: boolean, urn: string, wire: Record<string, unknown>) => {
        if (byUrn.has(urn)) {
            const message = `duplicate URN ${urn}: two resources share type and name (the engine would refuse this)`;
            faults.push(message);
            return new Error(message);
        }
        const parent = req.getParent();
        const aliases = read ? [] : aliasesOf(req);
        const resource: RecordedResource = {
            urn,
            type: req.getType(),
            name: req.getName(),
            ...(parent ? { parent } : {}),
            custom: read ? true : (req.getCustom?.() ?? false),
            remote: req.getRemote?.() ?? false,
            read,
            inputs: renderWireValue(wire) as Record<string, unknown>,
            options: optionsOf(req, read),
            ...(args.keepWire ? { wire: args.keepWire === "values" ? withoutProvider(wire) : wire } : {}),
            seq: resources.length,
            dependencies: [...new Set(req.getDependenciesList?.() ?? [])],
            additionalSecretOutputs: [...(req.getAdditionalsecretoutputsList?.() ?? [])],
            ...(aliases.length ? { aliases } : {}),
            ...(req.getProvider?.() ? { provider: req.getProvider?.() } : {}),
        };
        if (!parent && resource.type === "pulumi:pulumi:Stack") stackUrn = urn;
        byUrn.set(urn, resource);
        resources.push(resource);
        return null;
    };
    // Reads (StackReferences) go through the mock monitor and `newResource` above.
    const readResource = monitor.readResource.bind(monitor);
    monitor.readResource = (req: Request, cb: Callback) =>
        readResource(req, (err, resp) => {
            if (err) return cb(err, resp);
            const fault = record(req, true, (resp as { getUrn(): string }).getUrn(), req.getProperties?.()?.toJavaScript() ?? {});
            cb(fault, fault ? undefined : resp);
        });
    // A registration is answered here, as the mock monitor would answer it (the state is the
    // inputs, the id empty unless imported or given by `resourceId`), without its round trip:
    // the mock monitor decodes the request, encodes the same values again into a new message,
    // and the SDK's debug log then formats that whole message as text; at 1,000 APIs that was
    // a fifth of the run. The SDK decodes the answer with `toJavaScript()`: it gets the values
    // already decoded once for the record.
    monitor.registerResource = (req: Request, cb: Callback) => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        const wire = req.getObject?.()?.toJavaScript() ?? {};
        const fault = record(req, false, urn, wire);
        if (fault) return cb(fault);
        const object = { toJavaScript: () => wire };
        const id =
            req.getImportid?.() ||
            args.resourceId?.({
                type: req.getType(),
                name: req.getName(),
                inputs: pulumi.runtime.deserializeProperties(
                    object as unknown as Parameters<typeof pulumi.runtime.deserializeProperties>[0],
                ),
            }) ||
            "";
        const answer = {
            getUrn: () => urn,
            getId: () => id,
            getObject: () => object,
            getPropertydependenciesMap: () => undefined,
            getResult: () => 0,
        };
        cb(null, answer);
    };
    monitor.registerResourceOutputs = (req: Request, cb: Callback) => {
        const wire = req.getOutputs?.()?.toJavaScript() ?? {};
        if (req.getUrn?.() === stackUrn) outputs = renderWireValue(wire) as Record<string, unknown>;
        const component = byUrn.get(req.getUrn?.() ?? "");
        if (component && args.keepWire) component.outputsWire = wire;
        cb(null, {});
    };

    const restoreDebugging = withoutDebugCapture();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    const log = pulumi.log as { warn: typeof pulumi.log.warn };
    const originalWarn = log.warn;
    log.warn = (msg: string) => {
        warnings.push(msg);
        return Promise.resolve();
    };

    // A stack transformation sees each resource's options as written, so it is where the
    // explicit `dependsOn` (as opposed to dependencies implied by inputs) can be read.
    const explicitDeps: { resource: pulumi.Resource; dependsOn: unknown }[] = [];
    let programError: unknown;
    // The SDK never settles a run whose inputs wait on a rejected Output (under mocks nothing
    // reports it): when the event loop drains before the run settles, the run has stalled.
    let stalled = false;
    let onBeforeExit: (() => void) | undefined;
    const stall = new Promise<never>((_, reject) => {
        onBeforeExit = () => {
            stalled = true;
            reject(new HarnessError(STALLED));
        };
        process.once("beforeExit", onBeforeExit);
    });
    stall.catch(() => undefined);
    try {
        const finished = pulumi.runtime.runInPulumiStack(async () => {
            if (args.transformation) pulumi.runtime.registerStackTransformation(args.transformation);
            pulumi.runtime.registerStackTransformation((t) => {
                if (t.opts.dependsOn !== undefined) explicitDeps.push({ resource: t.resource, dependsOn: t.opts.dependsOn });
                return undefined;
            });
            try {
                return (await args.program()) ?? {};
            } catch (err) {
                programError = err;
                throw err;
            }
        });
        await Promise.race([finished, stall]);
    } catch (err) {
        if (!stalled) programError ??= err;
    }
    try {
        if (!stalled) {
            try {
                await Promise.race([rt.waitForRPCs(), stall]);
            } catch {
                // stalled while draining: reported below
            }
        }
        if (stalled) {
            // Its own leak notice would only repeat, less clearly, what is reported here.
            // An SDK internal with no typed export: loaded here only, for this one call.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
            faults.push(STALLED);
        }
        // After a stall, a resource's URN may never resolve: its options are not read then.
        for (const { resource, dependsOn } of stalled ? [] : explicitDeps) {
            const recorded = byUrn.get(await valueOf(resource.urn));
            if (recorded) recorded.options.dependsOn = await dependencyUrns(dependsOn);
        }
        // Let rejections raised by the last RPCs reach the handler before it is removed.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        restoreDebugging();
        process.off("beforeExit", onBeforeExit!);
        process.off("unhandledRejection", onRejection);
        log.warn = originalWarn;
        running = false;
    }

    resources.sort((a, b) => (a.urn === stackUrn ? -1 : b.urn === stackUrn ? 1 : a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    const run: OfflineRun = {
        project: args.project,
        stack: args.stack,
        resources,
        outputs,
        warnings,
    };
    // Everything after a failed StackReference is its consequence: report the cause alone.
    if (referenceFaults.length > 0) throw new StackReferenceError(referenceFaults.join("\n"));
    // The program's own error resurfaces through the stack's output promises: not another fault.
    for (const reason of rejections) {
        if (reason !== programError)
            faults.push(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
    }
    // A fault of the run explains any program error it caused, so it is reported first.
    if (faults.length > 0) throw new HarnessError(faults.join("\n"));
    if (programError !== undefined) throw new ProgramError(programError, run);
    return run;
}
