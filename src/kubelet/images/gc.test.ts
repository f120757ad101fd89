import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { ImageGarbageCollector, ImageGcPolicyError, storeHistory } from "./gc.ts";
import { buildLayer, buildOciArchive } from "./layout-writer.ts";
import { ImageStore } from "./store.ts";

// A real, small filesystem (tmpfs) so that thresholds are real disk usage.
const dir = tempDir("skiff-image-gc-");
let mounted = false;
try {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir.path], { stdio: "ignore" });
  mounted = true;
} catch {
  // Not root: the test is skipped below.
}
after(() => {
  if (mounted) execFileSync("umount", [dir.path], { stdio: "pipe" });
  dir.remove();
});

let clock = 1_000_000;
const now = () => clock;
const store = new ImageStore({ dataDir: join(dir.path, "data"), now });
const names = ["a", "b", "c", "d", "e"];
const ids = new Map<string, string>();

before(async () => {
  if (!mounted) return;
  for (const name of names) {
    // Random content does not compress: each image holds ~1.5 MB of its own.
    const layer = buildLayer([{ name: "data", type: "file", content: randomBytes(1_500_000) }]);
    const path = join(dir.path, `${name}.tar`);
    writeFileSync(
      path,
      buildOciArchive([
        { refs: [`skiff.local/${name}:1`], config: { architecture: "amd64", os: "linux" }, layers: [layer] },
      ]),
    );
    const [image] = await store.importImage(path);
    rmSync(path);
    ids.set(name, image?.id ?? "");
  }
  // Last use, oldest first: b, a, d, c, e.
  for (const name of ["b", "a", "d", "c", "e"]) {
    clock += 1000;
    await store.markUsed(`skiff.local/${name}:1`);
  }
  clock += 10 * 60_000;
});

function collector(policy: { highThresholdPercent: number; lowThresholdPercent: number; minAgeMs?: number }) {
  return new ImageGarbageCollector({
    images: store,
    imageFsPath: store.root,
    inUse: async () => [ids.get("c") ?? ""],
    pinned: ["skiff.local/e:1"],
    history: storeHistory(store),
    policy: { minAgeMs: 60_000, ...policy },
    now,
  });
}

test("below the high threshold nothing is removed; images younger than minAge stay", {
  skip: !mounted,
}, async () => {
  const idle = await collector({ highThresholdPercent: 95, lowThresholdPercent: 10 }).collect();
  assert.ok(idle.usageBefore > 40, `usage ${idle.usageBefore}`);
  assert.deepEqual(idle.removed, []);
  const young = await collector({
    highThresholdPercent: 30,
    lowThresholdPercent: 10,
    minAgeMs: 3_600_000,
  }).collect();
  assert.deepEqual(young.removed, []);
  assert.equal((await store.listImages()).length, 5);
});

test("above the high threshold, unused images go least recently used first, down to the low one", {
  skip: !mounted,
}, async () => {
  const result = await collector({ highThresholdPercent: 40, lowThresholdPercent: 30 }).collect();
  assert.ok(result.usageAfter <= 30, `usage after ${result.usageAfter}`);
  assert.ok(result.removed.length >= 1 && result.removed.length <= 3);
  assert.deepEqual(
    result.removed,
    ["b", "a", "d"].slice(0, result.removed.length).map((n) => ids.get(n)),
  );
  const left = (await store.listImages()).map((i) => i.repoTags[0]);
  assert.ok(left.includes("skiff.local/c:1"), "in use");
  assert.ok(left.includes("skiff.local/e:1"), "pinned");
  // Asking for more than can be freed removes every unused image and stops.
  const all = await collector({ highThresholdPercent: 1, lowThresholdPercent: 0 }).collect();
  assert.deepEqual((await store.listImages()).map((i) => i.repoTags[0]).sort(), [
    "skiff.local/c:1",
    "skiff.local/e:1",
  ]);
  assert.ok(all.usageAfter > 0);
});

test("thresholds are checked", () => {
  assert.throws(() => collector({ highThresholdPercent: 50, lowThresholdPercent: 60 }), ImageGcPolicyError);
});
