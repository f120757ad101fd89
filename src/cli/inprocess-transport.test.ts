import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { admin, TestApi } from "../../test/support/inprocess-api.ts";
import { configMaps } from "../api/core/index.ts";
import { UnauthorizedError } from "../api/errors.ts";
import { RestClient } from "../client/rest.ts";
import { InProcessTransport } from "./inprocess-transport.ts";

describe("InProcessTransport", () => {
  let api: TestApi;
  before(async () => {
    api = new TestApi();
    await api.seed();
  });
  after(async () => {
    await api.close();
  });

  it("runs requests through the handler chain as the given user", async () => {
    const t = new InProcessTransport({ handler: api.handler, user: admin });
    const res = await t.request({ method: "GET", path: "/api/v1/namespaces/default" });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).metadata.name, "default");
    assert.equal(res.headers["content-type"]?.startsWith("application/json"), true);
    const anonymous = new RestClient({ transport: new InProcessTransport({ handler: api.handler }) });
    await assert.rejects(anonymous.resource<ConfigMap>(configMaps).list(), UnauthorizedError);
  });

  it("streams a watch and cancels it; close() ends open streams", async () => {
    const t = new InProcessTransport({ handler: api.handler, user: admin });
    const s = await t.stream({ method: "GET", path: "/api/v1/namespaces/default/configmaps?watch=true" });
    assert.equal(s.status, 200);
    const chunks: string[] = [];
    s.onChunk((c) => chunks.push(c));
    await new RestClient({ transport: t })
      .resource<ConfigMap>(configMaps)
      .create({ metadata: { name: "x", namespace: "default" } });
    for (let i = 0; i < 100 && chunks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(JSON.parse(chunks.join("")).type, "ADDED");
    t.close();
    await s.done;
    await assert.rejects(t.request({ method: "GET", path: "/api" }), /closed/);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const t = new InProcessTransport({ handler: api.handler, user: admin });
    const ac = new AbortController();
    ac.abort(new Error("gave up"));
    await assert.rejects(t.stream({ method: "GET", path: "/api", signal: ac.signal }), /gave up/);
    t.close();
  });
});
