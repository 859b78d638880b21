import * as pulumi from "@pulumi/pulumi";
import { alidnsWeightsProvider } from "./alidns-weights";
import { kongServiceBindingProvider, kongUpstreamProvider } from "./kong";
import { phaseMarkerProvider } from "./phase-marker";

/** The project's dynamic providers by the type token their resources register with. */
export const DYNAMIC_PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    "pulumi-nodejs:dynamic/migration:DnsWeights": alidnsWeightsProvider,
    "pulumi-nodejs:dynamic/migration:KongUpstreamEntity": kongUpstreamProvider,
    "pulumi-nodejs:dynamic/migration:KongServiceBinding": kongServiceBindingProvider,
    "pulumi-nodejs:dynamic/migration:PhaseMarker": phaseMarkerProvider,
};
