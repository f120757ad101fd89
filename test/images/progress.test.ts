// Progress output of `skiff image pull|import` when stdout is not a terminal (a pipe): one final
// line per blob and a summary, against Debian's docker-registry; and the in-place redraw on a TTY.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { ProgressPrinter } from "../../src/cli/image-progress.ts";
import { ImageManager } from "../../src/kubelet/agent/images.ts";
import { ManualClock } from "../../src/kubelet/clock.ts";
import { ImageStore } from "../../src/kubelet/images/store.ts";
import { BackOff } from "../../src/kubelet/pod/backoff.ts";
import { type RegistryServer, startRegistry, testImages } from "../support/images.ts";
import { tempDir } from "../support/tempdir.ts";
import { skiffCli as cli, imageCommand } from "./support.ts";

const dir = tempDir("skiff-image-progress-");
const images = testImages();
let registry: RegistryServer;

before(async () => {
  registry = await startRegistry({ storageDir: join(dir.path, "registry") });
  execFileSync("skopeo", [
    "copy",
    "-q",
    "--dest-tls-verify=false",
    `oci-archive:${images.busybox}:skiff.local/busybox:1`,
    `docker://${registry.host}/busybox:1`,
  ]);
});

after(async () => {
  await registry?.stop();
  dir.remove();
});

const blobLine = /^Copying (blob|config) sha256:[0-9a-f]{12} (\d+(?:\.\d+)? [kMG]?B) \/ (\2) done$/;

test("pull through a pipe: one line per blob when it is done, then a summary; again: already present", async () => {
  const dataDir = join(dir.path, "pull");
  const first = await cli(["image", "pull", "--data-dir", dataDir, `${registry.host}/busybox:1`]);
  assert.equal(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split("\n");
  // The config, then the layer; no escape sequences, no partial lines.
  assert.equal(lines.length, 3, first.stdout);
  assert.match(lines[0] ?? "", blobLine);
  assert.equal(blobLine.exec(lines[0] ?? "")?.[1], "config");
  assert.equal(blobLine.exec(lines[1] ?? "")?.[1], "blob");
  assert.equal(first.stdout.includes("\x1b"), false);
  assert.match(
    lines[2] ?? "",
    new RegExp(
      `^pulled ${registry.host}/busybox:1 \\(sha256:[0-9a-f]{64}\\): 2 blobs, [\\d.]+ [kM]B in \\d+\\.\\ds$`,
    ),
  );
  const again = await cli(["image", "pull", "--data-dir", dataDir, `${registry.host}/busybox:1`]);
  assert.equal(again.code, 0, again.stderr);
  const second = again.stdout.trim().split("\n");
  assert.match(second[0] ?? "", /^Copying config sha256:[0-9a-f]{12} skipped: already exists$/);
  assert.match(second[1] ?? "", /^Copying blob sha256:[0-9a-f]{12} skipped: already exists$/);
  assert.match(second[2] ?? "", /: 2 blobs, .* \(2 already present\)$/);
});

test("import through a pipe: the archive's blobs, then each image and a summary", async () => {
  const text = await imageCommand("import", "--data-dir", join(dir.path, "import"), images.busybox);
  const lines = text.trim().split("\n");
  const blobs = lines.filter((l) => l.startsWith("Copying blob "));
  // busybox: its layer, config and manifest are blobs of the OCI archive.
  assert.ok(blobs.length >= 2, text);
  for (const l of blobs) assert.match(l, blobLine);
  assert.match(lines.at(-2) ?? "", /^imported .*busybox.* \(sha256:[0-9a-f]{64}\)$/);
  assert.match(
    lines.at(-1) ?? "",
    new RegExp(`^imported 1 image: ${blobs.length} blobs, [\\d.]+ [kM]B in \\d+\\.\\ds$`),
  );
});

test("on a terminal the lines are redrawn in place, at most every interval", () => {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => {
    text += d.toString();
  });
  let now = 0;
  const p = new ProgressPrinter(out, { tty: true, now: () => now, intervalMs: 100 });
  const id = `sha256:${"ab".repeat(32)}`;
  p.update({ kind: "blob", id, done: 0, total: 45_600_000, state: "copying" });
  assert.equal(text, "\x1b[2KCopying blob sha256:abababababab 0 B / 45.6 MB\n");
  now = 50;
  p.update({ kind: "blob", id, done: 1_000_000, total: 45_600_000, state: "copying" });
  assert.equal(text.split("\n").length, 2, "no redraw within the interval");
  now = 150;
  p.update({ kind: "blob", id, done: 12_300_000, total: 45_600_000, state: "copying" });
  assert.ok(text.endsWith("\x1b[1F\x1b[2KCopying blob sha256:abababababab 12.3 MB / 45.6 MB\n"), text);
  now = 160;
  p.update({ kind: "config", id: `sha256:${"cd".repeat(32)}`, done: 0, total: 500, state: "exists" });
  assert.ok(
    text.endsWith(
      "\x1b[1F\x1b[2KCopying blob sha256:abababababab 12.3 MB / 45.6 MB\n\x1b[2KCopying config sha256:cdcdcdcdcdcd skipped: already exists\n",
    ),
    text,
  );
  now = 1460;
  p.update({ kind: "blob", id, done: 45_600_000, total: 45_600_000, state: "done" });
  assert.ok(
    text.endsWith(
      "\x1b[2F\x1b[2KCopying blob sha256:abababababab 45.6 MB / 45.6 MB done\n\x1b[2KCopying config sha256:cdcdcdcdcdcd skipped: already exists\n",
    ),
    text,
  );
  assert.equal(p.summary(), "2 blobs, 45.6 MB in 1.5s (1 already present)");
});

test("the kubelet's pull events read like upstream's, with the pulled image's size", async () => {
  const store = new ImageStore({ dataDir: join(dir.path, "kubelet") });
  const events: string[] = [];
  const manager = new ImageManager({
    images: store,
    backOff: new BackOff({ clock: new ManualClock() }),
    pullSecrets: async () => [],
    event: (_pod, type, reason, message) => events.push(`${type} ${reason} ${message}`),
  });
  const image = `${registry.host}/busybox:1`;
  const pod = { metadata: { name: "p", namespace: "default", uid: "u1" } };
  await manager.ensure(pod, { name: "c", image });
  const size = (await store.imageStatus({ image }))?.size;
  assert.ok(size && size > 0);
  assert.equal(events[0], `Normal Pulling Pulling image "${image}"`);
  const d = String.raw`(?:\d+ms|\d+(?:\.\d+)?s|0s)`;
  assert.match(
    events[1] ?? "",
    new RegExp(
      `^Normal Pulled Successfully pulled image "${image}" in ${d} \\(${d} including waiting\\)\\. Image size: ${size} bytes\\.$`,
    ),
  );
  await manager.ensure(pod, { name: "c", image });
  assert.equal(events[2], `Normal Pulled Container image "${image}" already present on machine`);
});
