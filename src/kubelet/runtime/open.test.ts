import assert from "node:assert/strict";
import { test } from "node:test";
import { installHint, openRuntime } from "./open.ts";

test("--runtime fake opens the fake runtime; the install hint names what to install", async () => {
  const opened = await openRuntime({ choice: "fake", dataDir: "/nonexistent" });
  assert.equal(opened.kind, "fake");
  assert.deepEqual(await opened.runtime.version(), { runtimeName: "fake", runtimeVersion: "0.1.0" });
  await opened.runtime.close();
  assert.match(installHint, /apt-get install containerd runc containernetworking-plugins/);
});
