/**
 * Kong's version rule between a control plane and its data planes (kong/clustering/compat/init.lua
 * @ 22246ef; developer.konghq.com hybrid-mode.md): the control plane refuses a data plane of another
 * major or a newer minor (`kong_version_incompatible`) and pushes it no configuration; an older
 * minor is accepted. Shared by the config check, verify and the health gate.
 */

/** `major.minor` of a version or a versioned image tag (3.9.1, 3.9.1-ubuntu, 3.9.1.2), or undefined. */
export function majorMinor(text: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+)/.exec(text);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether a control plane at `cp` accepts a data plane at `dp` (same major, minor no newer). */
export function versionAccepted(dp: string, cp: string): boolean {
    const [d, c] = [majorMinor(dp), majorMinor(cp)];
    return !!d && !!c && d[0] === c[0] && d[1] <= c[1];
}
