/**
 * The transplant's rules, each alone, with exact kept / dropped / refused entries: on the
 * committed export of cluster A (examples/a-export/team1-ns.yaml) and on objects built here.
 */
import * as assert from "node:assert/strict";
import { dropContext, dropReason } from "../plan/transplant/drop";
import { KubeObject } from "../plan/transplant/objects";
import { serverFieldsIn, strip } from "../plan/transplant/strip";
import { transplantService } from "../plan/transplant/services";
import { WAY_OUT } from "../plan/transplant/storage";
import { edited, fixture, keptObject, obj, plan } from "./transplant-helpers";

const ref = (kind: string, name: string) => ({ kind, namespace: "team1-ns", name });
const find = (kind: string, name: string) => fixture().find((o) => o.kind === kind && o.metadata.name === name)!;

describe("transplant rule 1: what the API server owns is stripped", () => {
    it("a Deployment keeps only what the team wrote: no status, identity, versions, managedFields, revision or last-applied", () => {
        const d = strip(find("Deployment", "api01"));
        assert.deepEqual(d.metadata, { labels: { app: "api01" }, name: "api01", namespace: "team1-ns" });
        assert.equal("status" in d, false);
        assert.deepEqual((d.spec as { template: { metadata: unknown } }).template.metadata, { labels: { app: "api01", tier: "api" } });
    });

    it("a Job loses A's controller-uid: the selector the API server generated and the uid/job-name labels", () => {
        const job = strip(find("Job", "nightly-report-29406840"));
        const spec = job.spec as { selector?: unknown; template: { metadata: { labels?: unknown } } };
        assert.equal(spec.selector, undefined);
        assert.deepEqual(spec.template.metadata, {});
        assert.deepEqual(job.metadata, { name: "nightly-report-29406840", namespace: "team1-ns" });
    });

    it("a Namespace loses its kubernetes.io/metadata.name label (B sets it to B's name) and its status; claim templates their status", () => {
        assert.deepEqual(strip(find("Namespace", "team1-ns")), {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { labels: { team: "team1" }, name: "team1-ns" },
            spec: { finalizers: ["kubernetes"] },
        });
        const sts = strip(find("StatefulSet", "cache")).spec as { volumeClaimTemplates: Record<string, unknown>[] };
        assert.deepEqual(Object.keys(sts.volumeClaimTemplates[0]), ["apiVersion", "kind", "metadata", "spec"]);
    });

    it("empty maps the team wrote stay (kubectl-neat's trap, issue #18: emptyDir: {} means a volume)", () => {
        const volumes = (strip(find("Deployment", "api01")).spec as { template: { spec: { volumes: unknown[] } } }).template.spec.volumes;
        assert.deepEqual(volumes[1], { emptyDir: {}, name: "scratch" });
    });

    it("no kept object carries any field rule 1 strips, nested `creationTimestamp: null` included", () => {
        const p = plan();
        assert.equal(p.kept.length, 18);
        for (const k of p.kept) assert.deepEqual(serverFieldsIn(k.object), [], `${k.kind} ${k.name}`);
        for (const k of p.kept) assert.equal(JSON.stringify(k.object).includes("last-applied-configuration"), false, `${k.kind} ${k.name}`);
    });
});

describe("transplant rule 2: what B makes for itself is dropped, each with its reason", () => {
    it("the committed export: exactly these 14 objects stay behind", () => {
        assert.deepEqual(
            plan().dropped.map((d) => [d.kind, d.name, d.reason]),
            [
                ["ServiceAccount", "default", "the default ServiceAccount: every namespace in B gets its own"],
                ["Secret", "api01-token-x7k2p", "a service-account token of cluster A: signed by A, worthless in B, which mints its own"],
                ["ConfigMap", "kube-root-ca.crt", "cluster A's root CA, published into every namespace: B publishes its own"],
                [
                    "Endpoints",
                    "api01-service",
                    "the Endpoints of Service api01-service, which has a selector: B's endpoints controller fills them with B's Pods",
                ],
                ["EndpointSlice", "api01-service-8wz4k", "owned by Service api01-service: its controller recreates it in B from the owner"],
                ["ReplicaSet", "api01-7d9f8c6b5d", "owned by Deployment api01: its controller recreates it in B from the owner"],
                ["Pod", "api01-7d9f8c6b5d-q2x8m", "owned by ReplicaSet api01-7d9f8c6b5d: its controller recreates it in B from the owner"],
                [
                    "Ingress",
                    "api01",
                    "B's Ingress for api01 is the platform stack's (IsolatedIngress serves the long and the legacy host); A's is compared, not copied (parity below)",
                ],
                [
                    "Ingress",
                    "api02",
                    "B's Ingress for api02 is the platform stack's (IsolatedIngress serves the long and the legacy host); A's is compared, not copied (parity below)",
                ],
                ["Job", "nightly-report-29406840", "owned by CronJob nightly-report: its controller recreates it in B from the owner"],
                ["ControllerRevision", "cache-5f6d7c8b9a", "owned by StatefulSet cache: its controller recreates it in B from the owner"],
                [
                    "PersistentVolumeClaim",
                    "data-cache-0",
                    "a claim StatefulSet cache created from its volumeClaimTemplates: B's StatefulSet creates its own (see the StatefulSet's entry)",
                ],
                ["Pod", "cache-0", "owned by StatefulSet cache: its controller recreates it in B from the owner"],
                ["Event", "nightly-report-29406840.187c2e9f3a1b4c5d", "an Event: cluster A's history, not state"],
            ],
        );
    });

    it("Endpoints without a selector Service and a dockercfg Secret the team made are kept; the cluster's own dockercfg is not", () => {
        const manual = obj("Endpoints", "external-db", { subsets: [{ addresses: [{ ip: "10.72.40.5" }], ports: [{ port: 5432 }] }] });
        const ctx = dropContext([...fixture(), manual]);
        assert.equal(dropReason(manual, ctx), undefined);
        const team = obj("Secret", "pull", { type: "kubernetes.io/dockercfg", data: { ".dockercfg": "e30=" } });
        assert.equal(dropReason(team, ctx), undefined);
        const minted = { ...team, metadata: { ...team.metadata, annotations: { "kubernetes.io/service-account.name": "builder" } } };
        assert.equal(dropReason(minted, ctx), "a pull Secret created for a ServiceAccount by the cluster: B creates its own");
    });

    it("an owner reference that is no controller's (a garbage-collection link) drops nothing: the object is kept", () => {
        const p = plan(
            edited((o) => {
                if (o.kind === "ConfigMap" && o.metadata.name === "api01-config")
                    o.metadata.ownerReferences = [
                        { apiVersion: "apps/v1", kind: "Deployment", name: "api02", uid: "5a6b7c8d-0000-4000-8000-000000007c91" },
                    ];
                return o;
            }),
        );
        assert.ok(p.kept.some((k) => k.kind === "ConfigMap" && k.name === "api01-config"));
        assert.equal("ownerReferences" in keptObject(p, "ConfigMap", "api01-config").metadata, false, "rule 1 strips the reference");
    });

    it("an object whose owner is not in the export is refused, not dropped: nothing in B would recreate it", () => {
        const rollout = {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Rollout",
            name: "api01",
            uid: "5b1e0c1a-0000-4000-8000-00000000a001",
            controller: true,
        };
        const p = plan(
            edited((o) => {
                if (o.kind === "Deployment" && o.metadata.name === "api01") o.metadata.ownerReferences = [rollout];
                return o;
            }),
        );
        assert.deepEqual(
            p.refused.filter((r) => r.kind === "Deployment"),
            [
                {
                    kind: "Deployment",
                    namespace: "team1-ns",
                    name: "api01",
                    reason: "owned by Rollout api01 (argoproj.io/v1alpha1), which is not in the export: nothing in B would recreate it; export the owner too, or remove this object from the export if B gets its owner another way",
                },
            ],
        );
        // The ReplicaSet the Deployment owns is still dropped: its owner is in the export (and refused, which says what to do).
        assert.ok(p.dropped.some((d) => d.kind === "ReplicaSet"));
    });

    it("a kept ServiceAccount loses its reference to A's dropped token Secret (Velero service_account_action.go)", () => {
        const p = plan();
        assert.equal("secrets" in keptObject(p, "ServiceAccount", "api01"), false);
        assert.deepEqual(p.kept.find((k) => k.kind === "ServiceAccount")!.rewrites, [
            {
                path: "secrets[0]",
                old: { name: "api01-token-x7k2p" },
                new: null,
                reason: "a token Secret of cluster A, dropped: B mints its own",
            },
        ]);
    });
});

describe("transplant rule 2 (pod templates): what only cluster A has is not copied into a template", () => {
    const withSpec = (edit: (spec: Record<string, unknown>) => void) =>
        edited((o) => {
            if (o.kind === "Deployment" && o.metadata.name === "api01")
                edit((o.spec as { template: { spec: Record<string, unknown> } }).template.spec);
            return o;
        });

    it("a template pinned to a node of A loses nodeName, listed as a rewrite (B has no such node; nodeName bypasses the scheduler)", () => {
        const p = plan(withSpec((spec) => (spec.nodeName = "cn-hangzhou.10.72.10.21")));
        assert.equal("nodeName" in (keptObject(p, "Deployment", "api01").spec as { template: { spec: object } }).template.spec, false);
        assert.deepEqual(
            p.kept.find((k) => k.kind === "Deployment" && k.name === "api01")!.rewrites.filter((r) => r.path.endsWith("nodeName")),
            [
                {
                    path: "spec.template.spec.nodeName",
                    old: "cn-hangzhou.10.72.10.21",
                    new: null,
                    reason: "a node of cluster A: B's scheduler places the Pods",
                },
            ],
        );
    });

    it("a template that mounts or reads A's dropped token Secret is refused, each use named; an optional one is kept", () => {
        const p = plan(
            withSpec((spec) => {
                spec.volumes = [
                    ...((spec.volumes as unknown[]) ?? []),
                    { name: "sa-token", secret: { secretName: "api01-token-x7k2p" } },
                    { name: "bundle", projected: { sources: [{ secret: { name: "api01-token-x7k2p" } }] } },
                ];
                const [c] = spec.containers as Record<string, unknown>[];
                c.env = [
                    ...((c.env as unknown[]) ?? []),
                    { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api01-token-x7k2p", key: "token" } } },
                ];
            }),
        );
        assert.deepEqual(
            p.refused.filter((r) => r.kind === "Deployment"),
            [
                {
                    kind: "Deployment",
                    namespace: "team1-ns",
                    name: "api01",
                    reason: "volume sa-token mounts Secret api01-token-x7k2p; projected volume bundle takes Secret api01-token-x7k2p; env TOKEN of container api01 reads Secret api01-token-x7k2p: a service-account token of cluster A, which is dropped (B mints its own), so its Pods would never start in B; mount a projected serviceAccountToken volume (or let automountServiceAccountToken give the token), then export again",
                },
            ],
        );
        const optional = plan(
            withSpec((spec) => (spec.volumes = [{ name: "sa-token", secret: { secretName: "api01-token-x7k2p", optional: true } }])),
        );
        assert.deepEqual(optional.refused, []);
    });
});

describe("transplant: a standalone Job is a one-off run", () => {
    it("a Job no CronJob of the export owns is refused (copied, it would run again in B); a CronJob's Job is dropped", () => {
        const migrate: KubeObject = {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name: "db-migrate-v42", namespace: "team1-ns" },
            spec: {
                template: {
                    spec: {
                        restartPolicy: "Never",
                        containers: [{ name: "migrate", image: "registry-vpc.cn-hangzhou.aliyuncs.com/team1/migrate:42" }],
                    },
                },
            },
        };
        const p = plan([...fixture(), migrate]);
        assert.deepEqual(p.refused, [
            {
                kind: "Job",
                namespace: "team1-ns",
                name: "db-migrate-v42",
                reason: "a Job: a one-off run that ran (or runs) in A; copying it would run it again in B — remove it from the export, and run it in B yourself if B needs it",
            },
        ]);
        assert.ok(p.dropped.some((d) => d.kind === "Job" && d.name === "nightly-report-29406840"));
    });
});

describe("transplant rule 3: Services get B's addresses, and no second load balancer", () => {
    it("a LoadBalancer Service becomes ClusterIP: A's IPs, node ports, external-only fields, CCM annotations, label and finalizer go", () => {
        const p = plan();
        const svc = keptObject(p, "Service", "api01-debug");
        assert.deepEqual(svc.metadata, { labels: { app: "api01" }, name: "api01-debug", namespace: "team1-ns" });
        assert.deepEqual(svc.spec, {
            internalTrafficPolicy: "Cluster",
            ipFamilies: ["IPv4"],
            ipFamilyPolicy: "SingleStack",
            ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }],
            selector: { app: "api01" },
            sessionAffinity: "None",
            type: "ClusterIP",
        });
        assert.deepEqual(
            p.kept.find((k) => k.name === "api01-debug")!.rewrites.map((r) => [r.path, r.old, r.new]),
            [
                ["spec.clusterIP", "192.168.7.88", null],
                ["spec.clusterIPs", ["192.168.7.88"], null],
                ["spec.type", "LoadBalancer", "ClusterIP"],
                ["spec.externalTrafficPolicy", "Local", null],
                ["spec.allocateLoadBalancerNodePorts", true, null],
                ["spec.healthCheckNodePort", 31562, null],
                ['metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"]', "intranet", null],
                ['metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec"]', "slb.s1.small", null],
                ['metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-vswitch-id"]', "vsw-a1zonek", null],
                ['metadata.labels["service.k8s.alibaba/loadbalancer-id"]', "lb-bp1debug0example0a", null],
                ["metadata.finalizers", ["service.k8s.alibaba/resources"], null],
                ["spec.ports[0].nodePort", 30817, null],
            ],
        );
        assert.equal(
            p.kept.find((k) => k.name === "api01-debug")!.rewrites[2].reason,
            "traffic enters B through the isolated ingress; a copied LoadBalancer Service would buy a second load balancer (to keep one: list it in transplant.keepLoadBalancers, and disable the policy no-load-balancer-outside-controller for this stack: README, Policies)",
        );
    });

    it("listed in keepLoadBalancers it stays a LoadBalancer with its CCM settings, but not A's CLB id, vSwitch, node port or IP", () => {
        const withId = edited((o) =>
            o.metadata.name === "api01-debug"
                ? {
                      ...o,
                      metadata: {
                          ...o.metadata,
                          annotations: {
                              ...o.metadata.annotations,
                              "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id": "lb-bp1debug0example0a",
                          },
                      },
                  }
                : o,
        );
        const p = plan(withId, { keepLoadBalancers: ["api01-debug"] });
        const svc = keptObject(p, "Service", "api01-debug") as KubeObject & { spec: Record<string, unknown> };
        assert.equal(svc.spec.type, "LoadBalancer");
        assert.equal(svc.spec.externalTrafficPolicy, "Local");
        assert.deepEqual(Object.keys(svc.metadata.annotations!), [
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec",
        ]);
        assert.deepEqual(
            p.kept.find((k) => k.name === "api01-debug")!.rewrites.map((r) => r.path),
            [
                "spec.clusterIP",
                "spec.clusterIPs",
                'metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id"]',
                // A vSwitch of A's VPC: B's cloud controller places the load balancer in B's.
                'metadata.annotations["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-vswitch-id"]',
                'metadata.labels["service.k8s.alibaba/loadbalancer-id"]',
                "metadata.finalizers",
                "spec.healthCheckNodePort",
                "spec.ports[0].nodePort",
            ],
        );
    });

    it("a node port the team set (last-applied or managedFields) stays; an allocated one goes; a headless Service keeps None", () => {
        const nodePort = (managed: boolean): KubeObject => ({
            ...obj("Service", "np", {
                spec: {
                    type: "NodePort",
                    clusterIP: "192.168.1.9",
                    ports: [
                        { port: 80, nodePort: 30080, protocol: "TCP" },
                        { port: 81, nodePort: 31234, protocol: "TCP" },
                    ],
                },
            }),
            metadata: {
                name: "np",
                namespace: "team1-ns",
                ...(managed
                    ? {
                          managedFields: [
                              {
                                  manager: "helm",
                                  fieldsV1: { "f:spec": { "f:ports": { 'k:{"port":80,"protocol":"TCP"}': { "f:nodePort": {} } } } },
                              },
                          ],
                      }
                    : {
                          annotations: {
                              "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({
                                  spec: { ports: [{ port: 80, nodePort: 30080 }] },
                              }),
                          },
                      }),
            },
        });
        for (const managed of [false, true]) {
            const r = transplantService(nodePort(managed), strip(nodePort(managed)), false);
            assert.deepEqual((r.object.spec as { ports: unknown[] }).ports, [
                { port: 80, nodePort: 30080, protocol: "TCP" },
                { port: 81, protocol: "TCP" },
            ]);
        }
        assert.equal((keptObject(plan(), "Service", "cache").spec as { clusterIP: string }).clusterIP, "None");
    });
});

describe("transplant rule 4: storage is refused until its data is dealt with", () => {
    it("without transplant.storage the StatefulSet is refused, naming its claim template and the way out", () => {
        assert.deepEqual(plan(fixture(), { storage: {} }).refused, [
            {
                ...ref("StatefulSet", "cache"),
                reason: `stores data in volumeClaimTemplates data (claims data-cache-<ordinal>), which does not move with the objects: ${WAY_OUT}: transplant.storage: { data-cache: recreate-empty }`,
            },
        ]);
    });

    it("a standalone claim and a Deployment mounting it are refused; acknowledged, the claim is kept unbound and the Deployment kept", () => {
        const claim = obj("PersistentVolumeClaim", "uploads", {
            metadata: { name: "uploads", namespace: "team1-ns", annotations: { "pv.kubernetes.io/bind-completed": "yes" } },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, volumeName: "d-bp1uploads" },
        });
        const mounting = edited(
            (o) => {
                if (o.kind !== "Deployment" || o.metadata.name !== "api02") return o;
                const d = structuredClone(o) as KubeObject & { spec: { template: { spec: Record<string, unknown> } } };
                d.spec.template.spec.volumes = [{ name: "uploads", persistentVolumeClaim: { claimName: "uploads" } }];
                return d;
            },
            [claim],
        );
        assert.deepEqual(plan(mounting).refused, [
            {
                ...ref("Deployment", "api02"),
                reason: `stores data in claim uploads (spec.template.spec.volumes[0].persistentVolumeClaim.claimName), which does not move with the objects: ${WAY_OUT}: transplant.storage: { uploads: recreate-empty }`,
            },
            {
                ...ref("PersistentVolumeClaim", "uploads"),
                reason: `its data does not move with the object (a copied claim binds a new, empty volume): ${WAY_OUT}: transplant.storage: { uploads: recreate-empty }`,
            },
            // Its Deployment refused, api02's Service would send B's Ingress to nothing.
            {
                ...ref("Service", "api02-service"),
                reason: "apis[1] (api02): Service team1-ns/api02-service selects no Deployment, StatefulSet or DaemonSet among the objects moved to B",
            },
        ]);
        const ok = plan(mounting, { storage: { "data-cache": "recreate-empty", uploads: "recreate-empty" } });
        assert.deepEqual(ok.refused, []);
        assert.deepEqual(keptObject(ok, "PersistentVolumeClaim", "uploads"), {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "uploads", namespace: "team1-ns" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
        });
    });

    it("a PersistentVolume is never created", () => {
        const pv = obj("PersistentVolume", "d-bp1x", { spec: { capacity: { storage: "5Gi" } } }, "v1");
        delete pv.metadata.namespace;
        assert.deepEqual(plan([...fixture(), pv]).refused, [
            {
                kind: "PersistentVolume",
                name: "d-bp1x",
                reason: `a PersistentVolume names cluster A's disk and is never created in B: ${WAY_OUT}`,
            },
        ]);
    });

    it("an acknowledgement that matches nothing is a warning (a typo would let the next export through)", () => {
        assert.deepEqual(
            plan(fixture(), { storage: { "data-cache": "recreate-empty", "data-cahce": "recreate-empty" } }).warnings.slice(-1),
            ["transplant.storage lists data-cahce, which names no claim or claim template of the moved namespaces"],
        );
    });
});
