import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequestError, toStatus } from "../../api/errors.ts";
import { PatchNotApplicableError, StrategicMergePatchError } from "./errors.ts";
import type { JsonObject } from "./json.ts";
import { applyStrategicMergePatch } from "./strategic.ts";
import { deploymentSchema, mergeItemSchema, nodeSchema, podSchema } from "./testschema.ts";

interface Case {
  name: string;
  original: JsonObject;
  patch: JsonObject;
  expected: JsonObject;
}

// Cases modelled on apimachinery's strategicpatch tests (the MergeItem struct).
const cases: Case[] = [
  {
    name: "adds, changes and deletes (null) map keys",
    original: { name: "a", value: "1", simpleMap: { k1: "x", k2: "y" } },
    patch: { value: "2", other: "o", simpleMap: { k1: null, k3: "z" } },
    expected: { name: "a", value: "2", other: "o", simpleMap: { k2: "y", k3: "z" } },
  },
  {
    name: "a null for an absent key is ignored",
    original: { name: "a" },
    patch: { value: null },
    expected: { name: "a" },
  },
  {
    name: "merges scalars of a merging list as a set",
    original: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    expected: { mergingIntList: [1, 2, 3] },
  },
  {
    name: "replaces a non-merging list",
    original: { nonMergingIntList: [1, 2] },
    patch: { nonMergingIntList: [3] },
    expected: { nonMergingIntList: [3] },
  },
  {
    name: "new merging-list items without $setElementOrder go first",
    original: { mergingList: [{ name: "1" }, { name: "2", value: "2" }] },
    patch: { mergingList: [{ name: "3", value: "3" }] },
    expected: { mergingList: [{ name: "3", value: "3" }, { name: "1" }, { name: "2", value: "2" }] },
  },
  {
    name: "merges list items by key, recursively",
    original: { mergingList: [{ name: "1", value: "a", other: "x" }, { name: "2" }] },
    patch: { mergingList: [{ name: "1", value: "b", other: null }] },
    expected: { mergingList: [{ name: "1", value: "b" }, { name: "2" }] },
  },
  {
    name: "keeps the patch order for items it names (preserve order 1)",
    original: { mergingList: [{ name: "1" }, { name: "2", value: "b" }, { name: "3" }] },
    patch: {
      mergingList: [
        { name: "3", value: "c" },
        { name: "1", value: "a" },
        { name: "2", other: "x" },
      ],
    },
    expected: {
      mergingList: [
        { name: "3", value: "c" },
        { name: "1", value: "a" },
        { name: "2", value: "b", other: "x" },
      ],
    },
  },
  {
    name: "server-only items stay before later patch items (preserve order 2)",
    original: { mergingList: [{ name: "1" }, { name: "2", value: "b" }, { name: "3" }] },
    patch: {
      mergingList: [
        { name: "3", value: "c" },
        { name: "1", value: "a" },
      ],
    },
    expected: {
      mergingList: [
        { name: "2", value: "b" },
        { name: "3", value: "c" },
        { name: "1", value: "a" },
      ],
    },
  },
  {
    name: "orders a merging int list the same way",
    original: { mergingIntList: [1, 2, 3] },
    patch: { mergingIntList: [3, 1] },
    expected: { mergingIntList: [2, 3, 1] },
  },
  {
    name: "$patch: delete removes every item with the key",
    original: { mergingList: [{ name: "1" }, { name: "1" }, { name: "2", value: "a" }, { name: "3" }] },
    patch: { mergingList: [{ name: "1", $patch: "delete" }] },
    expected: { mergingList: [{ name: "2", value: "a" }, { name: "3" }] },
  },
  {
    name: "$patch: replace in a list replaces the whole list",
    original: { mergingList: [{ name: "1" }, { name: "2" }] },
    patch: { mergingList: [{ name: "3" }, { $patch: "replace" }] },
    expected: { mergingList: [{ name: "3" }] },
  },
  {
    name: "$patch: replace alone empties the list",
    original: { mergingList: [{ name: "1" }, { name: "2" }] },
    patch: { mergingList: [{ $patch: "replace" }] },
    expected: { mergingList: [] },
  },
  {
    name: "$patch: replace on a map replaces it",
    original: { name: "1", value: "1", simpleMap: { a: "b" } },
    patch: { $patch: "replace", other: "a" },
    expected: { other: "a" },
  },
  {
    name: "$patch: delete on a nested map empties it",
    original: { simpleMap: { key1: "1", key2: "1" } },
    patch: { simpleMap: { $patch: "delete" } },
    expected: { simpleMap: {} },
  },
  {
    name: "$deleteFromPrimitiveList removes scalars",
    original: { mergingIntList: [1, 2, 3, 2] },
    patch: { "$deleteFromPrimitiveList/mergingIntList": [2] },
    expected: { mergingIntList: [1, 3] },
  },
  {
    name: "$deleteFromPrimitiveList on an absent list changes nothing",
    original: { name: "x" },
    patch: { "$deleteFromPrimitiveList/mergingIntList": [2] },
    expected: { name: "x" },
  },
  {
    name: "$setElementOrder orders merged items; unsent items keep their content",
    original: {
      mergingList: [
        { name: "1", value: "a" },
        { name: "2", value: "b" },
        { name: "3", value: "c" },
      ],
    },
    patch: {
      "$setElementOrder/mergingList": [{ name: "3" }, { name: "2" }, { name: "1" }],
      mergingList: [{ name: "2", value: "B" }],
    },
    expected: {
      mergingList: [
        { name: "3", value: "c" },
        { name: "2", value: "B" },
        { name: "1", value: "a" },
      ],
    },
  },
  {
    name: "$setElementOrder naming items in neither list",
    original: { mergingList: [{ name: "1" }, { name: "3" }] },
    patch: {
      "$setElementOrder/mergingList": [{ name: "3" }, { name: "2" }, { name: "1" }],
      mergingList: [
        { name: "3", value: "3" },
        { name: "1", value: "1" },
      ],
    },
    expected: {
      mergingList: [
        { name: "3", value: "3" },
        { name: "1", value: "1" },
      ],
    },
  },
  {
    name: "$setElementOrder of an int list alone reorders it",
    original: { mergingIntList: [1, 3] },
    patch: { "$setElementOrder/mergingIntList": [3, 2, 1] },
    expected: { mergingIntList: [3, 1] },
  },
  {
    name: "a server-only item goes before the first ordered item it preceded live",
    original: { mergingList: [{ name: "1" }, { name: "x" }, { name: "2" }] },
    patch: {
      "$setElementOrder/mergingList": [{ name: "2" }, { name: "1" }, { name: "4" }],
      mergingList: [{ name: "4" }],
    },
    expected: { mergingList: [{ name: "x" }, { name: "2" }, { name: "1" }, { name: "4" }] },
  },
  {
    name: "$setElementOrder with deletions",
    original: { mergingList: [{ name: "1" }, { name: "2" }, { name: "3" }] },
    patch: {
      "$setElementOrder/mergingList": [{ name: "3" }, { name: "1" }],
      mergingList: [{ name: "2", $patch: "delete" }],
    },
    expected: { mergingList: [{ name: "3" }, { name: "1" }] },
  },
  {
    name: "$retainKeys clears unlisted keys, then merges",
    original: { retainKeysMap: { name: "foo", value: "a", other: "b" } },
    patch: { retainKeysMap: { $retainKeys: ["name", "other"], other: "c", value: null } },
    expected: { retainKeysMap: { name: "foo", other: "c" } },
  },
  {
    name: "retainKeys strategy without the directive merges normally",
    original: { retainKeysMap: { name: "foo", value: "a" } },
    patch: { retainKeysMap: { value: "b" } },
    expected: { retainKeysMap: { name: "foo", value: "b" } },
  },
  {
    name: "$retainKeys in merging-list items",
    original: { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "a", other: "x" }] },
    patch: { retainKeysMergingList: [{ name: "foo", $retainKeys: ["name", "value"], value: "b" }] },
    expected: { retainKeysMergingList: [{ name: "bar" }, { name: "foo", value: "b" }] },
  },
  {
    name: "replace strategy replaces maps",
    original: { replacingItem: { a: 1, b: 2 } },
    patch: { replacingItem: { c: 3 } },
    expected: { replacingItem: { c: 3 } },
  },
  {
    name: "a type change replaces the value",
    original: { value: { a: 1 }, mergingList: [{ name: "1" }] },
    patch: { value: "s", mergingList: { name: "2" } },
    expected: { value: "s", mergingList: { name: "2" } },
  },
  {
    name: "added subtrees lose nulls and directives",
    original: {},
    patch: {
      simpleMap: { a: "1", b: null },
      mergingList: [
        { name: "1", value: null },
        { name: "2", $patch: "delete" },
      ],
    },
    expected: { simpleMap: { a: "1" }, mergingList: [{ name: "1" }] },
  },
  {
    name: "nested merging lists merge at every level",
    original: { mergingList: [{ name: "1", mergingList: [{ name: "a", value: "x" }, { name: "b" }] }] },
    patch: { mergingList: [{ name: "1", mergingList: [{ name: "a", value: "y" }] }] },
    expected: { mergingList: [{ name: "1", mergingList: [{ name: "a", value: "y" }, { name: "b" }] }] },
  },
  {
    name: "lists inside non-merging lists are taken as sent",
    original: { nonMergingList: [{ name: "1", mergingList: [{ name: "a" }] }] },
    patch: { nonMergingList: [{ name: "1", mergingList: [{ name: "b" }] }] },
    expected: { nonMergingList: [{ name: "1", mergingList: [{ name: "b" }] }] },
  },
  {
    name: "an empty merging list merges to the live list",
    original: { mergingList: [{ name: "1" }] },
    patch: { mergingList: [] },
    expected: { mergingList: [{ name: "1" }] },
  },
];

describe("applyStrategicMergePatch: strategicpatch's catalogue", () => {
  for (const c of cases) {
    it(c.name, () => {
      const snapshot = structuredClone({ original: c.original, patch: c.patch });
      assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, mergeItemSchema), c.expected);
      assert.deepEqual({ original: c.original, patch: c.patch }, snapshot, "inputs must not change");
    });
  }

  it("without a schema, maps merge and lists are replaced", () => {
    assert.deepEqual(
      applyStrategicMergePatch(
        { a: { b: 1, c: [1] }, l: [{ name: "x" }] },
        { a: { c: [2] }, l: [{ name: "y" }] },
        undefined,
      ),
      { a: { b: 1, c: [2] }, l: [{ name: "y" }] },
    );
  });
});

describe("applyStrategicMergePatch: errors with Kubernetes' codes", () => {
  it("a malformed $retainKeys is 400", () => {
    assert.throws(
      () =>
        applyStrategicMergePatch(
          { retainKeysMap: {} },
          { retainKeysMap: { $retainKeys: "x" } },
          mergeItemSchema,
        ),
      (err: unknown) =>
        err instanceof BadRequestError && err.message === "invalid patch format of retainKeys",
    );
    assert.throws(
      () =>
        applyStrategicMergePatch(
          { retainKeysMap: {} },
          { retainKeysMap: { $retainKeys: ["name"], value: "v" } },
          mergeItemSchema,
        ),
      BadRequestError,
    );
  });
  it("a directive prefix without a field is 400", () => {
    assert.throws(
      () => applyStrategicMergePatch({}, { $setElementOrder: [] }, mergeItemSchema),
      (err: unknown) => err instanceof BadRequestError && /setElementOrder/.test(err.message),
    );
    assert.throws(
      () => applyStrategicMergePatch({}, { $deleteFromPrimitiveList: [] }, mergeItemSchema),
      BadRequestError,
    );
  });
  it("lists of lists are 422", () => {
    assert.throws(
      () => applyStrategicMergePatch({ mergingIntList: [[1]] }, { mergingIntList: [[2]] }, mergeItemSchema),
      (err: unknown) =>
        err instanceof PatchNotApplicableError && err.detail === "lists of lists are not supported",
    );
  });
  it("a missing merge key, an unknown $patch or a $setElementOrder mismatch is 500", () => {
    const failures: [JsonObject, JsonObject][] = [
      [{ mergingList: [{ name: "1" }] }, { mergingList: [{ value: "x" }] }],
      [{ mergingList: [{ name: "1" }] }, { mergingList: [{ name: "1", $patch: "merge" }] }],
      [{ simpleMap: {} }, { simpleMap: { $patch: "frob" } }],
      [
        { mergingList: [{ name: "1" }, { name: "2" }] },
        {
          "$setElementOrder/mergingList": [{ name: "1" }, { name: "2" }],
          mergingList: [{ name: "2" }, { name: "1" }],
        },
      ],
    ];
    for (const [original, patch] of failures) {
      assert.throws(
        () => applyStrategicMergePatch(original, patch, mergeItemSchema),
        (err: unknown) => err instanceof StrategicMergePatchError && toStatus(err).code === 500,
        JSON.stringify(patch),
      );
    }
  });
});

// The bodies kubectl 1.32 sends (KUBECTL-API.md §4, §8).
const deployment = (): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web", tier: "front" }, finalizers: ["a", "b"] },
  spec: {
    replicas: 2,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:1",
            args: ["a"],
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
            ports: [{ containerPort: 80, protocol: "TCP" }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "sidecar", image: "busybox" },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
      },
    },
  },
});

describe("applyStrategicMergePatch: kubectl's bodies", () => {
  it("kubectl set image", () => {
    const live = deployment();
    const result = applyStrategicMergePatch(
      live,
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
              containers: [{ image: "nginx:2", name: "web" }],
            },
          },
        },
      },
      deploymentSchema,
    );
    const expected = deployment();
    // biome-ignore lint/suspicious/noExplicitAny: reaching into a test fixture
    (expected as any).spec.template.spec.containers[0].image = "nginx:2";
    assert.deepEqual(result, expected);
  });

  it("kubectl apply: remove a container and a label, change args, reorder", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      {
        metadata: { labels: { tier: null } },
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "web" }],
              containers: [
                {
                  name: "web",
                  args: ["b"],
                  "$setElementOrder/env": [{ name: "B" }, { name: "A" }],
                  env: [{ name: "C", $patch: "delete" }],
                },
                { name: "sidecar", $patch: "delete" },
              ],
            },
          },
        },
      },
      deploymentSchema,
    ) as JsonObject & { metadata: JsonObject; spec: { template: { spec: { containers: JsonObject[] } } } };
    assert.deepEqual(result.metadata.labels, { app: "web" });
    const containers = result.spec.template.spec.containers;
    assert.equal(containers.length, 1);
    assert.deepEqual(containers[0]?.args, ["b"]);
    assert.deepEqual(containers[0]?.env, [
      { name: "B", value: "2" },
      { name: "A", value: "1" },
    ]);
    assert.deepEqual(containers[0]?.ports, [{ containerPort: 80, protocol: "TCP" }]);
  });

  it("kubectl apply switching strategy to Recreate ($retainKeys)", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } } },
      deploymentSchema,
    ) as { spec: JsonObject };
    assert.deepEqual(result.spec.strategy, { type: "Recreate" });
  });

  it("kubectl apply removing the strategy (null)", () => {
    const result = applyStrategicMergePatch(deployment(), { spec: { strategy: null } }, deploymentSchema) as {
      spec: JsonObject;
    };
    assert.equal("strategy" in result.spec, false);
  });

  it("kubectl apply adding a volume and a mount", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
              "$setElementOrder/volumes": [{ name: "data" }, { name: "cache" }],
              containers: [
                {
                  name: "web",
                  "$setElementOrder/volumeMounts": [{ mountPath: "/data" }, { mountPath: "/cache" }],
                  volumeMounts: [{ mountPath: "/cache", name: "cache" }],
                },
              ],
              volumes: [{ emptyDir: {}, name: "cache" }],
            },
          },
        },
      },
      deploymentSchema,
    ) as { spec: { template: { spec: { volumes: JsonObject[]; containers: JsonObject[] } } } };
    assert.deepEqual(
      result.spec.template.spec.volumes.map((v) => v.name),
      ["data", "cache"],
    );
    assert.deepEqual(result.spec.template.spec.containers[0]?.volumeMounts, [
      { name: "data", mountPath: "/data" },
      { mountPath: "/cache", name: "cache" },
    ]);
    assert.equal(result.spec.template.spec.containers[1]?.name, "sidecar");
  });

  it("kubectl apply dropping a finalizer ($deleteFromPrimitiveList)", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"], "$setElementOrder/finalizers": ["b"] } },
      deploymentSchema,
    ) as { metadata: JsonObject };
    assert.deepEqual(result.metadata.finalizers, ["b"]);
  });

  it("kubectl cordon and uncordon", () => {
    const node = { kind: "Node", metadata: { name: "n1" }, spec: { podCIDR: "10.0.0.0/24" } };
    const cordoned = applyStrategicMergePatch(node, { spec: { unschedulable: true } }, nodeSchema);
    assert.deepEqual(cordoned.spec, { podCIDR: "10.0.0.0/24", unschedulable: true });
    const uncordoned = applyStrategicMergePatch(cordoned, { spec: { unschedulable: null } }, nodeSchema);
    assert.deepEqual(uncordoned.spec, { podCIDR: "10.0.0.0/24" });
  });

  it("kubectl annotate / label", () => {
    const pod = { metadata: { name: "p", annotations: { a: "1" } } };
    assert.deepEqual(
      applyStrategicMergePatch(
        pod,
        { metadata: { annotations: { a: null, b: "2" }, labels: { x: "y" } } },
        podSchema,
      ),
      { metadata: { name: "p", annotations: { b: "2" }, labels: { x: "y" } } },
    );
  });

  it("container ports merge by containerPort, tolerations are replaced", () => {
    const pod = {
      spec: {
        containers: [{ name: "c", ports: [{ containerPort: 80 }, { containerPort: 443 }] }],
        tolerations: [{ key: "a" }],
      },
    };
    const result = applyStrategicMergePatch(
      pod,
      {
        spec: {
          containers: [{ name: "c", ports: [{ containerPort: 443, name: "https" }] }],
          tolerations: [{ key: "b" }],
        },
      },
      podSchema,
    );
    assert.deepEqual(result, {
      spec: {
        containers: [{ name: "c", ports: [{ containerPort: 80 }, { containerPort: 443, name: "https" }] }],
        tolerations: [{ key: "b" }],
      },
    });
  });
});
