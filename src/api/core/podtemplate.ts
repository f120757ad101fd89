// The podtemplates resource: a stored pod template, defaulted and validated like workload templates.
import type { PodTemplate } from "kubernetes-types/core/v1.js";
import { FieldPath } from "../field.ts";
import { nameIsDnsSubdomain } from "../validation/names.ts";
import {
  column,
  containerCells,
  defineResource,
  formatLabels,
  metaValidation,
  nameColumn,
  type Obj,
} from "./define.ts";
import { defaultPodTemplateSpec } from "./podspec-defaults.ts";
import { validatePodTemplateSpec } from "./podspec-validation.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);

export const podTemplates = defineResource<Obj<PodTemplate>>({
  group: "",
  version: "v1",
  resource: "podtemplates",
  singular: "podtemplate",
  kind: "PodTemplate",
  namespaced: true,
  strategy: {
    defaults(pt) {
      if (pt.template) defaultPodTemplateSpec(pt.template);
    },
    validate: (pt) => [
      ...meta.create(pt.metadata),
      ...validatePodTemplateSpec(pt.template, FieldPath.root("template")),
    ],
    validateUpdate: (pt, old) => meta.update(pt.metadata, old.metadata),
    table: {
      columns: [
        nameColumn,
        column("Containers", "Names of each container in the template."),
        column("Images", "Images referenced by each container in the template."),
        column("Pod Labels", "The labels for the pod template."),
      ],
      cells(pt) {
        const [names, images] = containerCells(pt.template?.spec?.containers);
        return [pt.metadata?.name ?? "", names, images, formatLabels(pt.template?.metadata?.labels)];
      },
    },
  },
});
