/** The project's dynamic providers, for the offline diff (it calls their `diff` as the engine would); `pulumi up` never loads this. */
import * as pulumi from "@pulumi/pulumi";
import { alidnsWeightsProvider, DNS_WEIGHTS_TYPE } from "../providers/alidns-weights";
import { KONG_SERVICE_BINDING_TYPE, KONG_UPSTREAM_ENTITY_TYPE, kongServiceBindingProvider, kongUpstreamProvider } from "../providers/kong";
import { PHASE_MARKER_TYPE, phaseMarkerProvider } from "../providers/phase-marker";
import { PVTZ_WEIGHTS_TYPE, pvtzWeightsProvider } from "../providers/privatezone-weights";

/** The project's dynamic providers by the type token their resources register with. */
export const DYNAMIC_PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    [DNS_WEIGHTS_TYPE]: alidnsWeightsProvider,
    [KONG_UPSTREAM_ENTITY_TYPE]: kongUpstreamProvider,
    [KONG_SERVICE_BINDING_TYPE]: kongServiceBindingProvider,
    [PHASE_MARKER_TYPE]: phaseMarkerProvider,
    [PVTZ_WEIGHTS_TYPE]: pvtzWeightsProvider,
};
