import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { tempDir } from "../../../test/support/tempdir.ts";
import { AuditLog } from "./log.ts";
import { parseAuditPolicy } from "./policy.ts";
import { Auditor } from "./recorder.ts";

const dir = tempDir();
const path = join(dir.path, "audit.log");
const log = new AuditLog({ path });
let api: TestApi;
before(async () => {
  const policy = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    verbs: [get]
    resources: [{group: "", resources: [namespaces]}]
  - level: RequestResponse
`);
  api = new TestApi({
    handler: { auditor: new Auditor({ policy, log, now: () => new Date("2026-01-02T03:04:05Z") }) },
  });
  await api.seed();
});
after(async () => {
  await api.close();
  log.close();
  dir.remove();
});

// biome-ignore lint/suspicious/noExplicitAny: audit events are arbitrary JSON
const events = (): any[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

test("an in-process create is logged at both stages with bodies; None rules log nothing", async () => {
  const before = events().length;
  await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    metadata: { name: "x" },
    data: { k: "v" },
  });
  await api.request("GET", "/api/v1/namespaces/default");
  const mine = events().slice(before);
  assert.deepEqual(
    mine.map((e) => `${e.stage} ${e.verb} ${e.objectRef.resource}`),
    ["RequestReceived create configmaps", "ResponseComplete create configmaps"],
  );
  const done = mine[1];
  assert.deepEqual(done.requestObject, { metadata: { name: "x" }, data: { k: "v" } });
  assert.equal(done.responseObject.metadata.name, "x");
  assert.equal(done.user.username, "admin");
  // In-process callers have no address.
  assert.deepEqual(done.sourceIPs, []);
  assert.equal(done.stageTimestamp, "2026-01-02T03:04:05.000Z");
});

test("unauthenticated requests are logged with their 401", async () => {
  const before = events().length;
  const r = await api.request("GET", "/api/v1/namespaces/default/configmaps", undefined, {}, null);
  assert.equal(r.status, 401);
  const [e] = events().slice(before);
  assert.equal(e.stage, "ResponseComplete");
  assert.deepEqual(e.user, {});
  assert.equal(e.responseStatus.code, 401);
  assert.equal(e.responseStatus.reason, "Unauthorized");
});
