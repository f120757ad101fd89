// The host probe: this machine has everything (RUNTIME.md), and a missing CNI dir is named.
import assert from "node:assert/strict";
import { test } from "node:test";
import { probeRuncRuntime } from "./probe.ts";

test("this host can run the runc runtime; a wrong CNI dir is reported with its package", () => {
  assert.deepEqual(probeRuncRuntime(), { ok: true, missing: [] });
  const probe = probeRuncRuntime({ cniBinDir: "/nonexistent/cni" });
  assert.equal(probe.ok, false);
  assert.equal(probe.missing.length, 3);
  assert.match(
    probe.missing[0] ?? "",
    /CNI plugin bridge in \/nonexistent\/cni \(Debian package containernetworking-plugins\)/,
  );
});
