import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type LogOptions, parseCriLog, streamLog } from "./logs.ts";

const sample = [
  "2026-11-27T10:00:00.000000001Z stdout F one",
  "2026-11-27T10:00:01.000000001Z stderr P tw",
  "2026-11-27T10:00:01.500000001Z stderr F o",
  "2026-11-27T10:00:02.000000001Z stdout F three",
  "",
].join("\n");

test("partial lines are joined and keep the first piece's time", () => {
  const { lines, rest } = parseCriLog(sample);
  assert.equal(rest, "");
  assert.deepEqual(
    lines.map((l) => [l.time, l.stream, l.content]),
    [
      ["2026-11-27T10:00:00.000000001Z", "stdout", "one"],
      ["2026-11-27T10:00:01.000000001Z", "stderr", "two"],
      ["2026-11-27T10:00:02.000000001Z", "stdout", "three"],
    ],
  );
});

async function collect(
  path: string,
  options: Partial<LogOptions>,
  running = async () => false,
): Promise<string> {
  let out = "";
  await streamLog(
    path,
    { follow: false, timestamps: false, ...options },
    { write: (s) => (out += s), closed: false },
    running,
    10,
  );
  return out;
}

test("tail, since, timestamps and limitBytes select like kubectl logs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-logs-"));
  try {
    const path = join(dir, "0.log");
    writeFileSync(path, sample);
    assert.equal(await collect(path, {}), "one\ntwo\nthree\n");
    assert.equal(await collect(path, { tailLines: 1 }), "three\n");
    assert.equal(await collect(path, { since: Date.parse("2026-11-27T10:00:01Z") }), "two\nthree\n");
    assert.equal(
      await collect(path, { timestamps: true, tailLines: 1 }),
      "2026-11-27T10:00:02.000000001Z three\n",
    );
    assert.equal(await collect(path, { limitBytes: 6 }), "one\ntw");
    assert.equal(await collect(join(dir, "missing.log"), {}), "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("follow streams lines appended while the container runs, then ends", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-logs-"));
  try {
    const path = join(dir, "0.log");
    writeFileSync(path, "2026-11-27T10:00:00Z stdout F first\n");
    let polls = 0;
    const running = async (): Promise<boolean> => {
      polls++;
      if (polls === 2) appendFileSync(path, "2026-11-27T10:00:01Z stdout F second\n");
      return polls < 4;
    };
    assert.equal(await collect(path, { follow: true }, running), "first\nsecond\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("follow continues in the new file after a rotation", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-logs-rot-"));
  try {
    const path = join(dir, "0.log");
    writeFileSync(path, "2026-11-27T10:00:00Z stdout F before\n");
    let polls = 0;
    const out = await collect(path, { follow: true }, async () => {
      polls++;
      if (polls === 2) {
        // The log manager's rename, then the runtime's new file.
        renameSync(path, `${path}.20261127-100000`);
        writeFileSync(path, "2026-11-27T10:00:01Z stdout F after\n");
      }
      return polls < 5;
    });
    assert.equal(out, "before\nafter\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
