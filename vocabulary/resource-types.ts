/**
 * The type tokens of the resources this project registers, in one place: the program registers
 * them, and the offline side, the tests and the policy pack (policy/) read resources by them.
 */

/** Components (one per file in components/). */
export const API_CUTOVER_TYPE = "migration:index:ApiCutover";
export const DNS_CUTOVER_TYPE = "migration:index:DnsCutover";
export const ISOLATED_INGRESS_TYPE = "migration:index:IsolatedIngress";
export const KONG_DATA_PLANE_TYPE = "migration:index:KongDataPlane";
export const KONG_UPSTREAM_TYPE = "migration:index:KongUpstream";
export const SHORT_DOMAIN_GATEWAY_TYPE = "migration:index:ShortDomainGateway";
export const SOURCE_FOOTPRINT_TYPE = "migration:index:SourceFootprint";
export const TARGET_NAMES_TYPE = "migration:index:TargetNames";
export const WORKLOAD_TRANSPLANT_TYPE = "migration:index:WorkloadTransplant";

/** Dynamic resources (providers/): the type the engine sees is `pulumi-nodejs:dynamic/<module>:<name>`. */
export const HEALTH_GATE_TYPE = "pulumi-nodejs:dynamic/migration:HealthGate";
export const KONG_SERVICE_BINDING_TYPE = "pulumi-nodejs:dynamic/migration:KongServiceBinding";
export const KONG_UPSTREAM_ENTITY_TYPE = "pulumi-nodejs:dynamic/migration:KongUpstreamEntity";
export const NAME_RECORDS_TYPE = "pulumi-nodejs:dynamic/migration:NameRecords";
export const PHASE_MARKER_TYPE = "pulumi-nodejs:dynamic/migration:PhaseMarker";
