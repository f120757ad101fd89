import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { groupResources } from "../../api/groups.ts";
import { priorityAdmission } from "./priority.ts";

let api: TestApi;

before(async () => {
  const holder: { api?: TestApi } = {};
  api = new TestApi({
    resources: [...coreV1Resources, ...groupResources()],
    watchCache: true,
    handler: {
      admission: [
        priorityAdmission({
          source: {
            list: (def, o) => (holder.api?.cache ?? assert.fail()).list(def, o),
            watch: () => ({ close() {} }),
            currentRevision: async () => 0,
          },
        }),
      ],
    },
  });
  holder.api = api;
  await api.seed();
});

after(async () => {
  await api.close();
});

const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "busybox" }], ...spec },
});
const createPod = (name: string, spec: Record<string, unknown> = {}) =>
  api.request("POST", "/api/v1/namespaces/default/pods", pod(name, spec));
const createClass = (name: string, value: number, extra: Record<string, unknown> = {}) =>
  api.request("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name },
    value,
    ...extra,
  });

test("the built-in system classes are seeded and resolve", async () => {
  const list = await api.request("GET", "/apis/scheduling.k8s.io/v1/priorityclasses");
  assert.deepEqual(
    list.json.items
      .map((i: { metadata: { name: string }; value: number }) => [i.metadata.name, i.value])
      .sort(),
    [
      ["system-cluster-critical", 2000000000],
      ["system-node-critical", 2000001000],
    ],
  );
  const r = await createPod("critical", { priorityClassName: "system-node-critical" });
  assert.equal(r.status, 201, r.body);
  assert.equal(r.json.spec.priority, 2000001000);
  assert.equal(r.json.spec.preemptionPolicy, "PreemptLowerPriority");
});

test("a named class sets priority and preemptionPolicy; unknown names and conflicting values are refused", async () => {
  assert.equal((await createClass("batch-low", 10, { preemptionPolicy: "Never" })).status, 201);
  const ok = await createPod("low", { priorityClassName: "batch-low" });
  assert.equal(ok.status, 201, ok.body);
  assert.equal(ok.json.spec.priority, 10);
  assert.equal(ok.json.spec.preemptionPolicy, "Never");
  const missing = await createPod("m", { priorityClassName: "nope" });
  assert.equal(missing.status, 403);
  assert.equal(missing.json.message, 'pods "m" is forbidden: no PriorityClass with name nope was found');
  const conflict = await createPod("c", { priorityClassName: "batch-low", priority: 99 });
  assert.equal(conflict.status, 403);
  assert.match(
    conflict.json.message,
    /the integer value of priority \(99\) must not be provided in pod spec; priority admission controller computed 10/,
  );
});

test("the global default applies to pods without a class; only one default may exist", async () => {
  assert.equal((await createPod("plain")).json.spec.priority, 0);
  assert.equal((await createClass("everyday", 100, { globalDefault: true })).status, 201);
  const p = await createPod("defaulted");
  assert.equal(p.status, 201, p.body);
  assert.equal(p.json.spec.priorityClassName, "everyday");
  assert.equal(p.json.spec.priority, 100);
  const second = await createClass("another", 5, { globalDefault: true });
  assert.equal(second.status, 403);
  assert.match(
    second.json.message,
    /PriorityClass everyday is already marked as default\. Only one default can exist/,
  );
});
