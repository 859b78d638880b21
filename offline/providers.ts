/** The project's dynamic providers, for the offline diff (it calls their `diff` as the engine would); `pulumi up` never loads this. */
import * as pulumi from "@pulumi/pulumi";
import { alidnsWeightsProvider } from "../providers/alidns-weights";
import { kongServiceBindingProvider, kongUpstreamProvider } from "../providers/kong";
import { phaseMarkerProvider } from "../providers/phase-marker";

/** The project's dynamic providers by the type token their resources register with. */
export const DYNAMIC_PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    "pulumi-nodejs:dynamic/migration:DnsWeights": alidnsWeightsProvider,
    "pulumi-nodejs:dynamic/migration:KongUpstreamEntity": kongUpstreamProvider,
    "pulumi-nodejs:dynamic/migration:KongServiceBinding": kongServiceBindingProvider,
    "pulumi-nodejs:dynamic/migration:PhaseMarker": phaseMarkerProvider,
};
