import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { AuditLog } from "./log.ts";

const dir = tempDir();
after(() => dir.remove());

test("lines append; past maxsize the file rotates and only maxbackup old files stay", async () => {
  const path = join(dir.path, "audit.log");
  // 200 bytes: each event below is ~60 bytes, so three fit in a file.
  const log = new AuditLog({ path, maxSizeMb: 200 / (1024 * 1024), maxBackups: 2 });
  for (let i = 0; i < 12; i++) {
    log.write({ kind: "Event", auditID: `id-${String(i).padStart(4, "0")}`, padding: "x".repeat(20) });
    // Rotated names carry a millisecond timestamp: keep them distinct.
    await new Promise((r) => setTimeout(r, 2));
  }
  log.close();
  const files = readdirSync(dir.path).sort();
  assert.equal(files.length, 3, files.join(","));
  assert.ok(files.includes("audit.log"));
  for (const f of files) assert.match(f, /^audit(-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3})?\.log$/);
  const current = readFileSync(path, "utf8").trim().split("\n");
  assert.ok(current.length >= 1 && current.length <= 3);
  assert.equal(JSON.parse(current.at(-1) ?? "{}").auditID, "id-0011");
});
