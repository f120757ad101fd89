// The CronTab CRD with real kubectl 1.20 (legacy discovery, client-side validation from the
// protobuf /openapi/v2, explain from v2): custom resources work as built-in kinds do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { cronTab, cronTabCrd } from "./fixtures.ts";

describe("CRDs with kubectl 1.20", () => {
  const server = new SkiffServer({ apiOnly: true });
  const k = () => server.client("1.20");
  const ok = (...args: string[]) => k().ok(...args);
  const run = (args: string[], input?: string) => k().run(args, input === undefined ? {} : { input });

  before(async () => {
    await server.start();
  });
  after(async () => {
    await server.stop();
  });

  it("applies the CRD, waits for Established, lists it in api-resources", async () => {
    const applied = await run(["apply", "-f", "-"], cronTabCrd);
    assert.equal(applied.code, 0, applied.stderr);
    await ok("wait", "--for=condition=established", "--timeout=10s", "crd/crontabs.stable.example.com");
    const resources = await ok("api-resources", "--api-group=stable.example.com");
    assert.match(resources, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
  });

  it("creates, prints and explains custom resources", async () => {
    const created = await run(["apply", "-f", "-"], cronTab("one"));
    assert.equal(created.code, 0, created.stderr);
    const wide = await ok("get", "ct", "-o", "wide");
    assert.match(wide, /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE$/m);
    assert.match(wide, /^one\s+\* \* \* \* \*\/5\s+1\s+my-awesome-cron-image\s+\d+s$/m);
    const explained = await ok("explain", "crontab.spec");
    assert.match(explained, /cronSpec\s+<string> -required-/);
    // A second apply computes a merge patch (kubectl has no Go type for CronTab).
    const again = await run(["apply", "-f", "-"], cronTab("one", 'cronSpec: "* * * * */5"\n  image: two'));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /configured/);
  });

  it("validates on the client from the published v2 schema, and on the server", async () => {
    const unknown = await run(["apply", "-f", "-"], cronTab("u", 'cronSpec: "* * * * *"\n  foo: 1'));
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown field "foo" in com\.example\.stable\.v1\.CronTab\.spec/);
    const pruned = await run(
      ["apply", "--validate=false", "-f", "-"],
      cronTab("u", 'cronSpec: "* * * * *"\n  foo: 1'),
    );
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal(JSON.parse(await ok("get", "ct", "u", "-o", "json")).spec.foo, undefined);
    const invalid = await run(["apply", "-f", "-"], cronTab("bad", 'cronSpec: "nope"'));
    assert.match(invalid.stderr, /spec\.cronSpec: Invalid value: "nope"/);
  });

  it("scales and deletes", async () => {
    assert.match(await ok("scale", "ct", "one", "--replicas=4"), /scaled/);
    assert.equal(JSON.parse(await ok("get", "ct", "one", "-o", "json")).spec.replicas, 4);
    assert.match(await ok("delete", "ct", "one"), /deleted/);
  });
});
