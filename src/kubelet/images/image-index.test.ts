import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { ImageIndex, type StoredImage } from "./image-index.ts";

function image(id: string): StoredImage {
  return {
    id,
    manifestDigest: id,
    layers: [],
    repoTags: [],
    repoDigests: [],
    size: 0,
    createdAt: 0,
    lastUsedAt: 0,
  };
}

test("updates through separate index objects (as separate processes would) are all kept", async () => {
  const dir = tempDir();
  try {
    const a = new ImageIndex(join(dir.path, "images"));
    const b = new ImageIndex(join(dir.path, "images"));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).update(async (index) => {
          await new Promise((r) => setImmediate(r));
          index.images[`id${i}`] = image(`id${i}`);
        }),
      ),
    );
    assert.equal(Object.keys((await a.read()).images).length, 40);
  } finally {
    dir.remove();
  }
});

test("a lock left by a dead process is broken", async () => {
  const dir = tempDir();
  try {
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    writeFileSync(join(dir.path, "images.json.lock"), String(dead));
    const index = new ImageIndex(dir.path);
    await index.update((i) => {
      i.images.x = image("x");
    });
    assert.deepEqual(Object.keys((await index.read()).images), ["x"]);
  } finally {
    dir.remove();
  }
});
