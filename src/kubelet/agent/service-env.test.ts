import assert from "node:assert/strict";
import { test } from "node:test";
import { serviceEnv } from "./service-env.ts";

test("service links name every port of a service with a cluster IP", () => {
  const env = serviceEnv([
    { metadata: { name: "my-db" }, spec: { clusterIP: "10.43.0.20", ports: [{ name: "sql", port: 5432 }] } },
    { metadata: { name: "headless" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } },
  ]);
  assert.equal(env.MY_DB_SERVICE_HOST, "10.43.0.20");
  assert.equal(env.MY_DB_SERVICE_PORT, "5432");
  assert.equal(env.MY_DB_SERVICE_PORT_SQL, "5432");
  assert.equal(env.MY_DB_PORT, "tcp://10.43.0.20:5432");
  assert.equal(env.MY_DB_PORT_5432_TCP_ADDR, "10.43.0.20");
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined);
});
