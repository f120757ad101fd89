// Hand-built PatchSchemas for tests: the patch metadata of the Pod and Deployment fields the patch
// engines are exercised on (Kubernetes' patchStrategy/patchMergeKey tags and list markers).
import type { PatchSchema } from "../../api/patchschema.ts";

export interface SchemaSpec {
  patchStrategy?: PatchSchema["patchStrategy"];
  patchMergeKey?: string;
  listType?: PatchSchema["listType"];
  listMapKeys?: readonly string[];
  mapType?: PatchSchema["mapType"];
  fields?: Record<string, SchemaSpec>;
  items?: SchemaSpec;
}

export function fakeSchema(spec: SchemaSpec): PatchSchema {
  const fields = new Map(Object.entries(spec.fields ?? {}).map(([k, v]) => [k, fakeSchema(v)]));
  const items = spec.items ? fakeSchema(spec.items) : undefined;
  return {
    field: (name) => fields.get(name),
    items: () => items,
    patchStrategy: spec.patchStrategy,
    patchMergeKey: spec.patchMergeKey,
    listType: spec.listType,
    listMapKeys: spec.listMapKeys,
    mapType: spec.mapType,
  };
}

const byName = (items?: SchemaSpec): SchemaSpec => ({
  patchStrategy: "merge",
  patchMergeKey: "name",
  listType: "map",
  listMapKeys: ["name"],
  items,
});

const container: SchemaSpec = {
  fields: {
    env: byName(),
    ports: {
      patchStrategy: "merge",
      patchMergeKey: "containerPort",
      listType: "map",
      listMapKeys: ["containerPort", "protocol"],
    },
    volumeMounts: {
      patchStrategy: "merge",
      patchMergeKey: "mountPath",
      listType: "map",
      listMapKeys: ["mountPath"],
    },
    args: { listType: "atomic" },
    command: { listType: "atomic" },
  },
};

const objectMeta: SchemaSpec = {
  fields: {
    finalizers: { patchStrategy: "merge", listType: "set" },
    ownerReferences: { patchStrategy: "merge", patchMergeKey: "uid", listType: "map", listMapKeys: ["uid"] },
  },
};

export const podSpecSpec: SchemaSpec = {
  fields: {
    containers: byName(container),
    initContainers: byName(container),
    volumes: byName(),
    imagePullSecrets: byName(),
    tolerations: { listType: "atomic" },
  },
};

export const podSchema = fakeSchema({ fields: { metadata: objectMeta, spec: podSpecSpec } });

export const deploymentSchema = fakeSchema({
  fields: {
    metadata: objectMeta,
    spec: {
      fields: {
        selector: { mapType: "atomic" },
        strategy: { patchStrategy: "retainKeys" },
        template: { fields: { metadata: objectMeta, spec: podSpecSpec } },
      },
    },
  },
});

export const nodeSchema = fakeSchema({
  fields: { metadata: objectMeta, spec: { fields: { taints: { listType: "atomic" } } } },
});

/** The MergeItem struct of apimachinery's strategicpatch tests. */
const mergeItemFields = (depth: number): Record<string, SchemaSpec> => {
  const nested = depth > 0 ? { fields: mergeItemFields(depth - 1) } : undefined;
  return {
    mergingList: { patchStrategy: "merge", patchMergeKey: "name", items: nested },
    nonMergingList: { items: nested },
    mergingIntList: { patchStrategy: "merge" },
    nonMergingIntList: {},
    mergeItemPtr: { patchStrategy: "merge", patchMergeKey: "name", items: nested },
    replacingItem: { patchStrategy: "replace" },
    retainKeysMap: {
      patchStrategy: "retainKeys",
      fields: {
        mergingList: { patchStrategy: "merge", patchMergeKey: "name" },
        mergingIntList: { patchStrategy: "merge" },
      },
    },
    retainKeysMergingList: { patchStrategy: "merge,retainKeys", patchMergeKey: "name", items: nested },
  };
};

export const mergeItemSchema = fakeSchema({ fields: mergeItemFields(4) });
