import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BusyboxRefs, PauseRef } from "../kubelet/images/busybox.ts";
import { ImageStore } from "../kubelet/images/store.ts";
import { importBuiltImages } from "./agent-images.ts";

test("the child's import leaves pause and busybox in the store, busybox unpacked, for the agent to find", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "skiff-agent-images-"));
  try {
    await importBuiltImages(dataDir);
    const store = new ImageStore({ dataDir });
    assert.ok(await store.imageStatus({ image: PauseRef }), "pause imported");
    const busybox = await store.imageStatus({ image: BusyboxRefs[1] ?? "" });
    assert.ok(busybox, "busybox imported");
    const unpacked = readdirSync(join(dataDir, "images", "rootfs")).filter((f) => !f.endsWith(".json"));
    assert.deepEqual(
      unpacked,
      [busybox.id.replace(/^sha256:/, "")],
      "busybox's rootfs, unpacked by the import",
    );
    const { rootfs } = await store.rootfs(BusyboxRefs[1] ?? "");
    assert.ok(existsSync(join(rootfs, "bin", "busybox")));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
