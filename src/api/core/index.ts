// The core/v1 kinds (pods, services, nodes, …) and the validation/defaulting helpers that the
// workload groups (apps, batch) reuse for pod templates.
import type { ResourceDef } from "../resource.ts";

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
export { validateContainer, validateContainerPorts, validateEnv } from "./container-validation.ts";
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

/** core/v1 resources in discovery order. Filled in as kinds are added. */
export const coreV1Resources: ResourceDef[] = [];
