import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { ContainerLogManager, parseLogRotationPolicy, rotationStamp } from "./rotation.ts";

test("the policy flags: quantities and at least two files", () => {
  assert.deepEqual(parseLogRotationPolicy("10Mi", "5"), { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 });
  assert.throws(() => parseLogRotationPolicy("ten", "5"), /max-size/);
  assert.throws(() => parseLogRotationPolicy("1Ki", "1"), /at least 2/);
  assert.equal(rotationStamp(new Date("2026-11-27T09:08:07Z")), "20261127-090807");
});

test("a full log is renamed, the runtime reopens it, older ones are compressed and the excess removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-logrot-"));
  try {
    const log = join(dir, "0.log");
    let reopened = 0;
    let clock = Date.parse("2026-11-27T10:00:00Z");
    const runtime = {
      listContainers: async () => [{ id: "c1", logPath: log } as ContainerStatus],
      // As a runtime does: a fresh file at the path.
      reopenContainerLog: async () => {
        reopened++;
        writeFileSync(log, "");
      },
    };
    const m = new ContainerLogManager({
      runtime,
      maxSizeBytes: 100,
      maxFiles: 3,
      now: () => new Date(clock),
    });
    writeFileSync(log, "small\n");
    await m.rotateAll();
    assert.equal(reopened, 0, "under the max size nothing happens");
    for (let i = 1; i <= 4; i++) {
      writeFileSync(log, `${`round ${i} `.repeat(20)}\n`);
      clock += 1000;
      await m.rotateAll();
    }
    assert.equal(reopened, 4);
    // maxFiles 3: the current file, the newest rotated one plain, one older compressed.
    assert.deepEqual(readdirSync(dir).sort(), ["0.log", "0.log.20261127-100003.gz", "0.log.20261127-100004"]);
    assert.match(readFileSync(join(dir, "0.log.20261127-100004"), "utf8"), /round 4/);
    assert.match(gunzipSync(readFileSync(join(dir, "0.log.20261127-100003.gz"))).toString(), /round 3/);
    assert.equal(readFileSync(log, "utf8"), "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a failed reopen puts the file back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-logrot-"));
  try {
    const log = join(dir, "0.log");
    writeFileSync(log, "x".repeat(200));
    const errors: unknown[] = [];
    const m = new ContainerLogManager({
      runtime: {
        listContainers: async () => [{ id: "c1", logPath: log } as ContainerStatus],
        reopenContainerLog: async () => {
          throw new Error("no conmon");
        },
      },
      maxSizeBytes: 100,
      maxFiles: 5,
      onError: (err) => errors.push(err),
    });
    await m.rotateAll();
    assert.equal(errors.length, 1);
    assert.ok(existsSync(log));
    assert.deepEqual(readdirSync(dir), ["0.log"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
