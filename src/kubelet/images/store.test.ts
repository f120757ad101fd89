import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { testImages } from "../../../test/support/images.ts";
import { tempDir } from "../../../test/support/tempdir.ts";
import { buildLayer, buildOciArchive } from "./layout-writer.ts";
import { ImageNotFoundError, ImageStore } from "./store.ts";
import type { TarEntry } from "./tar.ts";
import { LayerError } from "./unpack.ts";

const images = testImages();
const dirs: { remove(): void }[] = [];
after(() => {
  for (const d of dirs) d.remove();
});
function newStore(): { store: ImageStore; dir: string } {
  const dir = tempDir();
  dirs.push(dir);
  return { store: new ImageStore({ dataDir: dir.path }), dir: dir.path };
}

function archiveOf(path: string, refs: string[], layers: TarEntry[][]): string {
  writeFileSync(
    path,
    buildOciArchive([
      {
        refs,
        config: { architecture: "amd64", os: "linux", config: { Cmd: ["sh"] } },
        layers: layers.map(buildLayer),
      },
    ]),
  );
  return path;
}

test("imports oci-archives; images are found by tag, short name, id and id prefix", async () => {
  const { store } = newStore();
  const [busybox] = await store.importImage(images.busybox);
  assert.ok(busybox);
  assert.deepEqual(busybox.repoTags.sort(), ["docker.io/library/busybox:latest", "skiff.local/busybox:1"]);
  assert.match(busybox.id, /^sha256:[0-9a-f]{64}$/);
  assert.ok(busybox.size > 1_000_000);
  const [pause] = await store.importImage(images.pause);
  assert.deepEqual(pause?.repoTags, ["skiff.local/pause:3.9"]);
  for (const ref of [
    "busybox",
    "busybox:latest",
    "docker.io/library/busybox",
    "skiff.local/busybox:1",
    busybox.id,
  ]) {
    assert.equal((await store.imageStatus({ image: ref }))?.id, busybox.id, ref);
  }
  assert.equal((await store.imageStatus({ image: busybox.id.slice(7, 19) }))?.id, busybox.id);
  assert.equal(await store.imageStatus({ image: "skiff.local/busybox:2" }), undefined);
  assert.equal((await store.listImages()).length, 2);
  // One shared layer, two configs, two manifests.
  assert.equal(readdirSync(join(store.root, "blobs/sha256")).length, 5);
  // Importing again changes nothing.
  await store.importImage(images.busybox);
  assert.equal((await store.listImages()).length, 2);
});

test("imports an OCI layout directory and a docker-archive made by skopeo", async () => {
  const { store, dir } = newStore();
  const layout = join(dir, "layout");
  mkdirSync(layout);
  execFileSync("tar", ["-xf", images.pause, "-C", layout]);
  const [fromDir] = await store.importImage(layout);
  assert.deepEqual(fromDir?.repoTags, ["skiff.local/pause:3.9"]);

  const docker = join(dir, "busybox.docker.tar");
  execFileSync("skopeo", [
    "copy",
    "-q",
    `oci-archive:${images.busybox}:skiff.local/busybox:1`,
    `docker-archive:${docker}:example.com/team/busybox:v1`,
  ]);
  const [fromDocker] = await store.importImage(docker);
  assert.deepEqual(fromDocker?.repoTags, ["example.com/team/busybox:v1"]);
  const unpacked = await store.rootfs("example.com/team/busybox:v1");
  assert.equal(readlinkSync(join(unpacked.rootfs, "bin/sh")), "/bin/busybox");
  assert.deepEqual(unpacked.config.Cmd, ["sh"]);
  // Nothing but referenced blobs stays behind (manifest.json and friends are not kept).
  const referenced = new Set<string>();
  for (const image of await store.storedImages()) {
    for (const d of [image.id, image.manifestDigest, ...image.layers.map((l) => l.digest)])
      referenced.add(d.slice(7));
  }
  assert.deepEqual(readdirSync(join(store.root, "blobs/sha256")).sort(), [...referenced].sort());
});

test("rootfs unpacks once per image and gives the runtime config", async () => {
  const { store } = newStore();
  await store.importImage(images.busybox);
  const [a, b] = await Promise.all([store.rootfs("busybox"), store.rootfs("skiff.local/busybox:1")]);
  assert.equal(a.rootfs, b.rootfs);
  assert.deepEqual(a.config.Cmd, ["sh"]);
  assert.ok(a.config.Env?.some((e) => e.startsWith("PATH=")));
  assert.equal(readlinkSync(join(a.rootfs, "usr/bin/env")), "/bin/busybox");
  assert.match(readFileSync(join(a.rootfs, "etc/passwd"), "utf8"), /^root:x:0:0:/);
  assert.equal(execFileSync(join(a.rootfs, "bin/busybox"), ["echo", "ok"], { encoding: "utf8" }), "ok\n");
  const usage = await store.fsUsage();
  assert.ok(usage.usedBytes > 2_000_000, `used ${usage.usedBytes}`);
  assert.ok(usage.capacityBytes > usage.usedBytes);
  await assert.rejects(store.rootfs("nothere"), ImageNotFoundError);
});

test("layers apply in order with whiteouts and opaque directories", async () => {
  const { store, dir } = newStore();
  const file = (name: string, text: string): TarEntry => ({ name, type: "file", content: Buffer.from(text) });
  const d = (name: string): TarEntry => ({ name, type: "directory" });
  const path = archiveOf(
    join(dir, "w.tar"),
    ["skiff.local/w:1"],
    [
      [
        d("a/"),
        file("a/x", "x"),
        file("a/y", "y"),
        d("b/"),
        file("b/old", "old"),
        d("c/"),
        file("c/gone", "g"),
      ],
      [file("a/.wh.x", ""), d("b/"), file("b/new", "new"), file("b/.wh..wh..opq", ""), file(".wh.c", "")],
      [file("a/y", "y2")],
    ],
  );
  await store.importImage(path);
  const { rootfs } = await store.rootfs("skiff.local/w:1");
  assert.deepEqual(readdirSync(join(rootfs, "a")), ["y"]);
  assert.equal(readFileSync(join(rootfs, "a/y"), "utf8"), "y2");
  assert.deepEqual(readdirSync(join(rootfs, "b")), ["new"]);
  assert.equal(existsSync(join(rootfs, "c")), false);
});

test("layer entries cannot write outside the root, through .. or symlinks", async () => {
  const { store, dir } = newStore();
  const outside = join(dir, "outside");
  mkdirSync(outside);
  const link = (name: string, target: string): TarEntry => ({ name, type: "symlink", linkname: target });
  const path = archiveOf(
    join(dir, "s.tar"),
    ["skiff.local/s:1"],
    [[link("abs", outside), link("rel", "../../../../../../../.."), { name: "abs/f", type: "file" }]],
  );
  await store.importImage(path);
  const escaped = `rel${outside}/g`;
  const path2 = archiveOf(
    join(dir, "s2.tar"),
    ["skiff.local/s:2"],
    [[link("rel", "../../../.."), { name: escaped, type: "file" }]],
  );
  await store.importImage(path2);
  const one = await store.rootfs("skiff.local/s:1");
  assert.ok(existsSync(join(one.rootfs, outside, "f")), "absolute link resolved inside the root");
  const two = await store.rootfs("skiff.local/s:2");
  assert.ok(existsSync(join(two.rootfs, outside, "g")), "relative link clamped at the root");
  assert.deepEqual(readdirSync(outside), []);
  const path3 = archiveOf(join(dir, "s3.tar"), ["skiff.local/s:3"], [[{ name: "../evil", type: "file" }]]);
  await store.importImage(path3);
  await assert.rejects(store.rootfs("skiff.local/s:3"), LayerError);
});

test("a tag moves to the newest image; removeImage drops all tags and unused blobs", async () => {
  const { store, dir } = newStore();
  const [busybox] = await store.importImage(images.busybox);
  await store.importImage(images.pause);
  const other = archiveOf(join(dir, "o.tar"), ["skiff.local/busybox:1"], [[{ name: "f", type: "file" }]]);
  const [moved] = await store.importImage(other);
  assert.equal((await store.imageStatus({ image: "skiff.local/busybox:1" }))?.id, moved?.id);
  assert.deepEqual((await store.imageStatus({ image: "busybox" }))?.repoTags, [
    "docker.io/library/busybox:latest",
  ]);
  await store.rootfs("busybox");
  await store.removeImage({ image: "busybox" });
  assert.equal(await store.imageStatus({ image: busybox?.id ?? "" }), undefined);
  assert.equal(readdirSync(join(store.root, "rootfs")).length, 0);
  // The layer is still used by pause.
  assert.ok((await store.rootfs("skiff.local/pause:3.9")).rootfs);
  await store.removeImage({ image: "skiff.local/pause:3.9" });
  await store.removeImage({ image: "skiff.local/busybox:1" });
  await store.removeImage({ image: "skiff.local/busybox:1" }); // idempotent
  assert.deepEqual(readdirSync(join(store.root, "blobs/sha256")), []);
  assert.deepEqual(await store.listImages(), []);
});
