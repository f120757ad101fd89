// The core/v1 kinds (pods, services, nodes, …) and the validation/defaulting helpers that the
// workload groups (apps, batch) reuse for pod templates.
import type { ResourceDef } from "../resource.ts";
import { configMaps } from "./configmap.ts";
import { endpoints } from "./endpoints.ts";
import { events } from "./event.ts";
import { limitRanges } from "./limitrange.ts";
import { namespaces } from "./namespace.ts";
import { nodes } from "./node.ts";
import { persistentVolumes } from "./persistentvolume.ts";
import { persistentVolumeClaims } from "./persistentvolumeclaim.ts";
import { pods } from "./pod.ts";
import { podTemplates } from "./podtemplate.ts";
import { replicationControllers } from "./replicationcontroller.ts";
import { resourceQuotas } from "./resourcequota.ts";
import { secrets } from "./secret.ts";
import { services } from "./service.ts";
import { serviceAccounts } from "./serviceaccount.ts";

export {
  formatLabelSelector,
  formatMapSelector,
  isEmptyLabelSelector,
  labelSelectorMatches,
  validateLabelSelector,
  validateLabelSelectorRequirement,
} from "../validation/labelselector.ts";
export * from "../validation/names.ts";
export {
  deepEqual,
  validateAnnotations,
  validateImmutable,
  validateLabels,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateTemplateObjectMeta,
} from "../validation/objectmeta.ts";
export {
  isExtendedResourceName,
  isNativeResource,
  parseQuantityField,
  validateResourceList,
  validateResourceQuantityValue,
  validateResourceRequirements,
} from "../validation/resources.ts";
export { validateContainer, validateContainerPorts, validateEnv } from "./container-validation.ts";
export { containerCells, defineResource, formatLabels, type Obj } from "./define.ts";
export { formatEndpoints } from "./endpoints.ts";
export { nodeRoles, nodeStatus } from "./node.ts";
export { validatePersistentVolumeClaimSpec } from "./persistentvolumeclaim.ts";
export { podQosClass, podUpdatableFieldsText } from "./pod.ts";
export { podStatusCells } from "./pod-table.ts";
export {
  defaultContainer,
  defaultPodOnlyFields,
  defaultPodSpec,
  defaultPodTemplateSpec,
  imageTag,
} from "./podspec-defaults.ts";
export {
  dnsPolicies,
  restartPolicies,
  validatePodSpec,
  validatePodTemplateSpec,
  validateRestartPolicy,
  validateTolerations,
} from "./podspec-validation.ts";
export { validateVolumes } from "./volume-validation.ts";
export { type ReplicatedTemplateOptions, validateReplicatedPodTemplate } from "./workload-template.ts";
export {
  configMaps,
  endpoints,
  events,
  limitRanges,
  namespaces,
  nodes,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
  podTemplates,
  replicationControllers,
  resourceQuotas,
  secrets,
  serviceAccounts,
  services,
};

/** core/v1 resources in discovery order (alphabetical by resource, as the real apiserver lists them). */
export const coreV1Resources: ResourceDef[] = [
  configMaps,
  endpoints,
  events,
  limitRanges,
  namespaces,
  nodes,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
  podTemplates,
  replicationControllers,
  resourceQuotas,
  secrets,
  serviceAccounts,
  services,
];
