/**
 * What pulumi-policy's analyzer does with a resource's values before a policy sees them
 * (@pulumi/policy 1.21.0 server.js): deserialise the engine's wire values with every secret
 * unwrapped (deserialize.js `deserializeProperties(props, false)`), then wrap them in the proxy
 * that throws `UnknownValueError` on reading a value only an apply knows (proxy.js). The modules
 * are the package's own, pinned; their typings are stripped as internal, hence the requires.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const proxy = require("@pulumi/policy/proxy") as {
    UnknownValueError: abstract new (...args: never[]) => Error;
    unknownCheckingProxy<T extends object>(value: T): T;
};
const deserialize = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean): Record<string, unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Whether `err` is what reading an unknown value throws (the analyzer reports the policy as not run during preview). */
export function isUnknownValueError(err: unknown): boolean {
    return err instanceof proxy.UnknownValueError;
}

/** A resource's `props` as a policy receives them, from the values the engine sent (`wire`). */
export function analyzerProps(wire: Record<string, unknown>): Record<string, unknown> {
    return proxy.unknownCheckingProxy(deserialize.deserializeProperties({ toJavaScript: () => wire }, false));
}

/** `read()`, or undefined when it reads a value only an apply knows (the policy reads around it instead of not running). */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (isUnknownValueError(err)) return undefined;
        throw err;
    }
}
