import { ControllerConfig } from "../config/types";
import { controllerNames } from "../vocabulary/naming";

/** A controller with every name it will have: config's, or the derived default. */
export type ResolvedController = ControllerConfig & { namespace: string; className: string };

/** Fills in what config left to defaults (namespace `ingress-<name>`, class `alb-<name>` or `nginx-<name>`). Pure. */
export function resolveController(c: ControllerConfig): ResolvedController {
    return { ...c, ...controllerNames(c) };
}
