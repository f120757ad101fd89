// Kubernetes' patch metadata, which the declarations do not carry: the patchStrategy/patchMergeKey
// struct tags and the +listType/+listMapKey/+mapType/+structType markers of the Go types
// (k8s.io/api */types.go and apimachinery's meta/v1, as of Kubernetes 1.30), for the stable
// versions we serve. Emitted as x-kubernetes-patch-* / x-kubernetes-list-* / x-kubernetes-map-type.

export interface FieldPatchMetadata {
  patchStrategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  patchMergeKey?: string;
  listType?: "atomic" | "set" | "map";
  listMapKeys?: readonly string[];
  mapType?: "atomic" | "granular";
}

/** A list merged by key: `patchStrategy:"merge" patchMergeKey:key`, `+listType=map`. */
function byKey(key: string, mapKeys: readonly string[] = [key]): FieldPatchMetadata {
  return { patchStrategy: "merge", patchMergeKey: key, listType: "map", listMapKeys: mapKeys };
}
const atomic: FieldPatchMetadata = { listType: "atomic" };
const set: FieldPatchMetadata = { listType: "set" };
const atomicMap: FieldPatchMetadata = { mapType: "atomic" };
const conditions = byKey("type");

const containerFields: Record<string, FieldPatchMetadata> = {
  command: atomic,
  args: atomic,
  ports: byKey("containerPort", ["containerPort", "protocol"]),
  envFrom: atomic,
  env: byKey("name"),
  resizePolicy: atomic,
  volumeMounts: byKey("mountPath"),
  volumeDevices: byKey("devicePath"),
};

const core = "io.k8s.api.core.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
const admission = "io.k8s.api.admissionregistration.v1";
const webhook = { rules: atomic, admissionReviewVersions: atomic, matchConditions: byKey("name") };

/** Definition name → field → patch metadata. */
export const fieldPatchMetadata: Readonly<Record<string, Readonly<Record<string, FieldPatchMetadata>>>> = {
  [`${meta}.ObjectMeta`]: {
    ownerReferences: byKey("uid"),
    finalizers: { patchStrategy: "merge", listType: "set" },
    managedFields: atomic,
  },
  [`${meta}.LabelSelector`]: { matchExpressions: atomic },
  [`${meta}.LabelSelectorRequirement`]: { values: atomic },

  [`${core}.Container`]: containerFields,
  [`${core}.EphemeralContainer`]: containerFields,
  [`${core}.ContainerStatus`]: { volumeMounts: byKey("mountPath") },
  [`${core}.PodSpec`]: {
    volumes: { ...byKey("name"), patchStrategy: "merge,retainKeys" },
    initContainers: byKey("name"),
    containers: byKey("name"),
    ephemeralContainers: byKey("name"),
    nodeSelector: atomicMap,
    imagePullSecrets: byKey("name"),
    tolerations: atomic,
    hostAliases: byKey("ip"),
    readinessGates: atomic,
    topologySpreadConstraints: byKey("topologyKey", ["topologyKey", "whenUnsatisfiable"]),
    schedulingGates: byKey("name"),
    resourceClaims: { ...byKey("name"), patchStrategy: "merge,retainKeys" },
  },
  [`${core}.PodStatus`]: {
    conditions,
    hostIPs: { patchStrategy: "merge", patchMergeKey: "ip", listType: "atomic" },
    podIPs: byKey("ip"),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { ...byKey("name"), patchStrategy: "merge,retainKeys" },
  },
  [`${core}.PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${core}.PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${core}.TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${core}.HostAlias`]: { hostnames: atomic },
  [`${core}.ResourceRequirements`]: { claims: { listType: "map", listMapKeys: ["name"] } },
  [`${core}.Capabilities`]: { add: atomic, drop: atomic },
  [`${core}.ExecAction`]: { command: atomic },
  [`${core}.HTTPGetAction`]: { httpHeaders: atomic },
  [`${core}.NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${core}.NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${core}.NodeSelectorRequirement`]: { values: atomic },
  [`${core}.TopologySelectorTerm`]: { matchLabelExpressions: atomic },
  [`${core}.TopologySelectorLabelRequirement`]: { values: atomic },
  [`${core}.NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${core}.PodAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAntiAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [`${core}.SecretVolumeSource`]: { items: atomic },
  [`${core}.SecretProjection`]: { items: atomic },
  [`${core}.ConfigMapVolumeSource`]: { items: atomic },
  [`${core}.ConfigMapProjection`]: { items: atomic },
  [`${core}.DownwardAPIVolumeSource`]: { items: atomic },
  [`${core}.DownwardAPIProjection`]: { items: atomic },
  [`${core}.ProjectedVolumeSource`]: { sources: atomic },
  [`${core}.PersistentVolumeSpec`]: { accessModes: atomic, mountOptions: atomic },
  [`${core}.PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${core}.PersistentVolumeClaimStatus`]: {
    accessModes: atomic,
    conditions,
    allocatedResourceStatuses: { mapType: "granular" },
  },
  [`${core}.ReplicationControllerSpec`]: { selector: atomicMap },
  [`${core}.ReplicationControllerStatus`]: { conditions },
  [`${core}.ServiceSpec`]: {
    ports: byKey("port", ["port", "protocol"]),
    selector: atomicMap,
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  [`${core}.ServiceStatus`]: { conditions },
  [`${core}.LoadBalancerStatus`]: { ingress: atomic },
  [`${core}.LoadBalancerIngress`]: { ports: atomic },
  [`${core}.ServiceAccount`]: { secrets: byKey("name"), imagePullSecrets: atomic },
  [`${core}.Endpoints`]: { subsets: atomic },
  [`${core}.EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${core}.NodeSpec`]: { podCIDRs: { patchStrategy: "merge", listType: "set" }, taints: atomic },
  [`${core}.NodeStatus`]: {
    conditions,
    addresses: byKey("type"),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
    runtimeHandlers: atomic,
  },
  [`${core}.ContainerImage`]: { names: atomic },
  [`${core}.NamespaceSpec`]: { finalizers: atomic },
  [`${core}.NamespaceStatus`]: { conditions },
  [`${core}.ComponentStatus`]: { conditions },
  [`${core}.LimitRangeSpec`]: { limits: atomic },
  [`${core}.ResourceQuotaSpec`]: { scopes: atomic },
  [`${core}.ScopeSelector`]: { matchExpressions: atomic },
  [`${core}.ScopedResourceSelectorRequirement`]: { values: atomic },

  "io.k8s.api.apps.v1.DeploymentSpec": { strategy: { patchStrategy: "retainKeys" } },
  "io.k8s.api.apps.v1.DeploymentStatus": { conditions },
  "io.k8s.api.apps.v1.ReplicaSetStatus": { conditions },
  "io.k8s.api.apps.v1.DaemonSetStatus": { conditions },
  "io.k8s.api.apps.v1.StatefulSetSpec": { volumeClaimTemplates: atomic },
  "io.k8s.api.apps.v1.StatefulSetStatus": { conditions },
  "io.k8s.api.batch.v1.JobStatus": {
    conditions: { patchStrategy: "merge", patchMergeKey: "type", listType: "atomic" },
  },
  "io.k8s.api.batch.v1.CronJobStatus": { active: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicy": { rules: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicyRule": { onPodConditions: atomic },
  "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement": { values: set },
  "io.k8s.api.batch.v1.SuccessPolicy": { rules: atomic },
  "io.k8s.api.batch.v1.UncountedTerminatedPods": { succeeded: set, failed: set },
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec": { metrics: atomic },
  "io.k8s.api.autoscaling.v2.HPAScalingRules": { policies: atomic },
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus": { currentMetrics: atomic, conditions },
  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": { selector: { patchStrategy: "replace" } },
  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus": { conditions },
  "io.k8s.api.rbac.v1.PolicyRule": {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
    nonResourceURLs: atomic,
  },
  "io.k8s.api.rbac.v1.Role": { rules: atomic },
  "io.k8s.api.rbac.v1.ClusterRole": { rules: atomic },
  "io.k8s.api.rbac.v1.RoleBinding": { subjects: atomic },
  "io.k8s.api.rbac.v1.ClusterRoleBinding": { subjects: atomic },
  "io.k8s.api.rbac.v1.AggregationRule": { clusterRoleSelectors: atomic },
  "io.k8s.api.networking.v1.NetworkPolicySpec": { ingress: atomic, egress: atomic, policyTypes: atomic },
  "io.k8s.api.networking.v1.NetworkPolicyIngressRule": { ports: atomic, from: atomic },
  "io.k8s.api.networking.v1.NetworkPolicyEgressRule": { ports: atomic, to: atomic },
  "io.k8s.api.networking.v1.IPBlock": { except: atomic },
  "io.k8s.api.networking.v1.IngressSpec": { tls: atomic, rules: atomic },
  "io.k8s.api.networking.v1.IngressTLS": { hosts: atomic },
  "io.k8s.api.networking.v1.IngressLoadBalancerStatus": { ingress: atomic },
  "io.k8s.api.networking.v1.IngressLoadBalancerIngress": { ports: atomic },
  "io.k8s.api.networking.v1.HTTPIngressRuleValue": { paths: atomic },
  "io.k8s.api.discovery.v1.EndpointSlice": { endpoints: atomic, ports: atomic },
  "io.k8s.api.discovery.v1.Endpoint": { addresses: set },
  "io.k8s.api.discovery.v1.EndpointHints": { forZones: atomic },
  "io.k8s.api.storage.v1.StorageClass": { mountOptions: atomic, allowedTopologies: atomic },
  "io.k8s.api.storage.v1.CSIDriverSpec": { volumeLifecycleModes: set, tokenRequests: atomic },
  "io.k8s.api.storage.v1.CSINodeSpec": { drivers: byKey("name") },
  "io.k8s.api.storage.v1.CSINodeDriver": { topologyKeys: atomic },
  "io.k8s.api.node.v1.Scheduling": { nodeSelector: atomicMap, tolerations: atomic },
  "io.k8s.api.certificates.v1.CertificateSigningRequestSpec": { usages: atomic, groups: atomic },
  "io.k8s.api.certificates.v1.CertificateSigningRequestStatus": {
    conditions: { listType: "map", listMapKeys: ["type"] },
  },
  "io.k8s.api.flowcontrol.v1.FlowSchemaSpec": { rules: atomic },
  "io.k8s.api.flowcontrol.v1.FlowSchemaStatus": { conditions },
  "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus": { conditions },
  "io.k8s.api.authentication.v1.UserInfo": { groups: atomic },
  [`${admission}.ValidatingWebhookConfiguration`]: { webhooks: byKey("name") },
  [`${admission}.MutatingWebhookConfiguration`]: { webhooks: byKey("name") },
  [`${admission}.ValidatingWebhook`]: webhook,
  [`${admission}.MutatingWebhook`]: webhook,
  [`${admission}.RuleWithOperations`]: {
    apiGroups: atomic,
    apiVersions: atomic,
    // kubernetes-types 1.30 lacks the inlined Rule's `resources` and `scope` here.
    operations: atomic,
  },
  [`${admission}.ValidatingAdmissionPolicySpec`]: {
    validations: atomic,
    auditAnnotations: atomic,
    matchConditions: byKey("name"),
    variables: byKey("name"),
  },
  [`${admission}.ValidatingAdmissionPolicyStatus`]: {
    conditions: { listType: "map", listMapKeys: ["type"] },
  },
};

/** Structs marked `+structType=atomic`: replaced as a whole by apply (x-kubernetes-map-type: atomic). */
export const atomicStructs: ReadonlySet<string> = new Set([
  `${meta}.LabelSelector`,
  `${core}.SecretReference`,
  `${core}.ObjectFieldSelector`,
  `${core}.ResourceFieldSelector`,
  `${core}.ConfigMapKeySelector`,
  `${core}.SecretKeySelector`,
  `${core}.NodeSelector`,
  `${core}.NodeSelectorTerm`,
  `${core}.TopologySelectorTerm`,
  `${core}.EndpointAddress`,
  `${core}.EndpointPort`,
  `${core}.ObjectReference`,
  `${core}.LocalObjectReference`,
  `${core}.TypedLocalObjectReference`,
  `${core}.ScopeSelector`,
  "io.k8s.api.autoscaling.v1.CrossVersionObjectReference",
  "io.k8s.api.discovery.v1.EndpointPort",
  "io.k8s.api.rbac.v1.Subject",
  "io.k8s.api.rbac.v1.RoleRef",
  `${admission}.ParamKind`,
  `${admission}.Variable`,
  `${admission}.ParamRef`,
  `${admission}.MatchResources`,
  `${admission}.NamedRuleWithOperations`,
]);

/**
 * Definitions whose content Kubernetes decodes without a schema (runtime.RawExtension, FieldsV1,
 * apiextensions JSON): anything is accepted inside them.
 */
export const freeFormDefinitions: ReadonlySet<string> = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  `${meta}.FieldsV1`,
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
]);
