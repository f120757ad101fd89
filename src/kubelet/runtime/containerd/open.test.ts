import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { missingContainerdBinaries, openContainerdRuntime } from "./open.ts";

test("missingContainerdBinaries names what is not on PATH", () => {
  const dir = tempDir();
  try {
    for (const name of ["containerd", "runc"]) {
      writeFileSync(`${dir.path}/${name}`, "#!/bin/sh\n");
      chmodSync(`${dir.path}/${name}`, 0o755);
    }
    writeFileSync(`${dir.path}/ctr`, "not executable");
    assert.deepEqual(missingContainerdBinaries(dir.path), ["containerd-shim-runc-v2", "ctr"]);
  } finally {
    dir.remove();
  }
});

test("an endpoint nobody serves fails at open, and a data dir or endpoint is required", async () => {
  await assert.rejects(
    openContainerdRuntime({ endpoint: "unix:///nonexistent/skiff-test.sock" }),
    /CRI Version/,
  );
  await assert.rejects(openContainerdRuntime({}), /dataDir or endpoint/);
});
