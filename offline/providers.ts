/** The project's dynamic providers, for the offline diff (it calls their `diff` as the engine would); `pulumi up` never loads this. */
import * as pulumi from "@pulumi/pulumi";
import { KONG_SERVICE_BINDING_TYPE, KONG_UPSTREAM_ENTITY_TYPE, kongServiceBindingProvider, kongUpstreamProvider } from "../providers/kong";
import { PHASE_MARKER_TYPE, phaseMarkerProvider } from "../providers/phase-marker";
import { HEALTH_GATE_TYPE, healthGateProvider } from "../providers/health-gate";
import { NAME_RECORDS_TYPE, nameRecordsProvider } from "../providers/name-records";

/** The project's dynamic providers by the type token their resources register with. */
export const DYNAMIC_PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    [KONG_UPSTREAM_ENTITY_TYPE]: kongUpstreamProvider,
    [KONG_SERVICE_BINDING_TYPE]: kongServiceBindingProvider,
    [PHASE_MARKER_TYPE]: phaseMarkerProvider,
    [NAME_RECORDS_TYPE]: nameRecordsProvider,
    [HEALTH_GATE_TYPE]: healthGateProvider,
};
