// Small ResourceDefs for apiserver tests until the real kinds are wired: a namespace, a
// ConfigMap-like kind, and a Deployment-like kind with status and scale subresources.
import { age } from "../../src/api/duration.ts";
import { fieldErrors } from "../../src/api/field.ts";
import type { KubeObject } from "../../src/api/object.ts";
import type { ResourceDef } from "../../src/api/resource.ts";

export const namespaceDef: ResourceDef = {
  group: "",
  version: "v1",
  resource: "namespaces",
  singular: "namespace",
  kind: "Namespace",
  namespaced: false,
  shortNames: ["ns"],
  hasStatus: true,
  strategy: {
    prepareForCreate(obj) {
      obj.status = { phase: "Active" };
    },
  },
};

export const configMapDef: ResourceDef = {
  group: "",
  version: "v1",
  resource: "configmaps",
  singular: "configmap",
  kind: "ConfigMap",
  namespaced: true,
  shortNames: ["cm"],
  strategy: {
    validate(obj) {
      const data = obj.data;
      if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) {
        return [fieldErrors.typeInvalid("data", data, "must be a map of strings")];
      }
      return [];
    },
    fieldSelectors: { "data.flavour": (obj) => (obj.data as Record<string, string> | undefined)?.flavour },
  },
};

interface Widget extends KubeObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { replicas?: number };
}

export const widgetDef: ResourceDef<Widget> = {
  group: "example.skiff.dev",
  version: "v1",
  resource: "widgets",
  singular: "widget",
  kind: "Widget",
  namespaced: true,
  shortNames: ["wd"],
  categories: ["all"],
  hasStatus: true,
  scale: {
    specReplicasPath: "spec.replicas",
    statusReplicasPath: "status.replicas",
    labelSelectorPath: "spec.selector",
  },
  strategy: {
    defaults(obj) {
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
    },
    prepareForCreate(obj) {
      obj.status = {};
    },
    validate(obj) {
      const r = obj.spec?.replicas;
      return typeof r === "number" && r < 0
        ? [fieldErrors.invalid("spec.replicas", r, "must be greater than or equal to 0")]
        : [];
    },
    table: {
      columns: [
        { name: "Name", type: "string", format: "name", description: "name", priority: 0 },
        { name: "Replicas", type: "integer", description: "desired", priority: 0 },
        { name: "Age", type: "string", description: "age", priority: 0 },
      ],
      cells: (obj, now) => [
        obj.metadata?.name ?? "",
        obj.spec?.replicas ?? 0,
        age(obj.metadata?.creationTimestamp, now),
      ],
    },
  },
};

export const testResources: ResourceDef[] = [namespaceDef, configMapDef, widgetDef as unknown as ResourceDef];
