import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApi } from "../../../test/support/inprocess-api.ts";
import { chooseContainer } from "./streaming.ts";
import { lifecycleApi, podBody } from "./testing.ts";

let api: TestApi;
before(async () => {
  api = await lifecycleApi();
});
after(async () => {
  await api.close();
});

test("chooseContainer: the only one, the named one, or a 400 listing the choices", () => {
  const pod = (names: string[], init: string[] = []) => ({
    metadata: { name: "p" },
    spec: { containers: names.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
  });
  assert.equal(chooseContainer(pod(["a"]), null), "a");
  assert.equal(chooseContainer(pod(["a", "b"]), "b"), "b");
  assert.throws(() => chooseContainer(pod(["a", "b"]), null), {
    message: "a container name must be specified for pod p, choose one of: [a b]",
  });
  assert.throws(() => chooseContainer(pod(["a", "b"], ["i"]), null), /or one of the init containers: \[i\]/);
  assert.throws(() => chooseContainer(pod(["a"]), "z"), { message: "container z is not valid for pod p" });
});

test("node-agent subresources: 404 missing, 400 unscheduled, 404 unknown node, 503 otherwise", async () => {
  const ns = "/api/v1/namespaces/default/pods";
  await api.request("POST", ns, podBody("s1"));
  await api.request("POST", ns, podBody("s2", { nodeName: "ghost" }));
  assert.equal((await api.request("GET", `${ns}/none/log`)).status, 404);
  const unscheduled = await api.request("GET", `${ns}/s1/log`);
  assert.equal(unscheduled.status, 400);
  assert.equal(unscheduled.json.message, "pod s1 does not have a host assigned");
  assert.equal(
    (await api.request("GET", `${ns}/s2/exec?command=ls`)).json.message,
    'nodes "ghost" not found',
  );
  await api.request("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "ghost" } });
  for (const sub of ["log", "exec", "attach", "portforward", "proxy/some/path"]) {
    const res = await api.request("GET", `${ns}/s2/${sub}`);
    assert.equal(res.status, 503, `${sub}: ${res.body}`);
    assert.equal(res.json.message, 'no node agent serves pod "s2" on node "ghost" yet');
  }
  assert.equal((await api.request("POST", `${ns}/s2/log`)).status, 405);
  assert.equal((await api.request("GET", "/api/v1/nodes/ghost/proxy/metrics")).status, 503);
  assert.equal((await api.request("GET", "/api/v1/namespaces/default/services/none/proxy/")).status, 404);
});
