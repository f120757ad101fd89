import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import {
  BusyboxRefs,
  buildBusyboxArchives,
  cachedBusyboxArchives,
  ensureBuiltinImages,
  PauseRef,
  writeBusyboxArchives,
} from "./busybox.ts";
import { ImageStore } from "./store.ts";

test("busybox and pause archives are byte-for-byte reproducible", () => {
  const a = buildBusyboxArchives();
  const b = buildBusyboxArchives();
  assert.ok(a.busybox.equals(b.busybox));
  assert.ok(a.pause.equals(b.pause));
  assert.ok(!a.busybox.equals(a.pause));
});

test("skopeo inspects the archives and umoci unpacks them into a runnable rootfs", () => {
  const dir = tempDir();
  try {
    const built = writeBusyboxArchives(dir.path);
    const inspect = (ref: string) =>
      JSON.parse(execFileSync("skopeo", ["inspect", `oci-archive:${ref}`], { encoding: "utf8" })) as {
        Architecture: string;
        Os: string;
        Layers: string[];
      };
    for (const ref of BusyboxRefs) {
      const info = inspect(`${built.busybox}:${ref}`);
      assert.equal(info.Architecture, "amd64");
      assert.equal(info.Layers.length, 1);
    }
    const pause = inspect(built.pause);
    assert.equal(pause.Os, "linux");
    const config = JSON.parse(
      execFileSync("skopeo", ["inspect", "--config", `oci-archive:${built.pause}:${PauseRef}`], {
        encoding: "utf8",
      }),
    ) as { config: { Entrypoint: string[] } };
    assert.deepEqual(config.config.Entrypoint, ["/bin/sleep", "inf"]);

    const layout = join(dir.path, "layout");
    mkdirSync(layout);
    execFileSync("tar", ["-xf", built.busybox, "-C", layout]);
    const bundle = join(dir.path, "bundle");
    execFileSync("umoci", ["unpack", "--rootless", "--image", `${layout}:skiff.local/busybox:1`, bundle]);
    const rootfs = join(bundle, "rootfs");
    assert.equal(readlinkSync(join(rootfs, "bin/sh")), "/bin/busybox");
    assert.equal(readlinkSync(join(rootfs, "usr/bin/wget")), "/bin/busybox");
    assert.match(readFileSync(join(rootfs, "etc/passwd"), "utf8"), /^nobody:x:65534:65534:/m);
    assert.match(readFileSync(join(rootfs, "etc/group"), "utf8"), /^user:x:1000:/m);
    assert.ok(existsSync(join(rootfs, "tmp")));
    // The static binary runs from the unpacked rootfs.
    assert.match(execFileSync(join(rootfs, "bin/busybox"), ["echo", "hi"], { encoding: "utf8" }), /^hi/);
  } finally {
    dir.remove();
  }
});

test("ensureBuiltinImages imports pause (and busybox) once, building into a content-keyed cache", async () => {
  const dir = tempDir();
  try {
    const store = new ImageStore({ dataDir: join(dir.path, "data") });
    const cacheRoot = join(dir.path, "cache");
    const first = await ensureBuiltinImages(store, { cacheRoot, busybox: true });
    assert.deepEqual(first.flatMap((i) => i.repoTags).sort(), [...BusyboxRefs, PauseRef].sort());
    assert.deepEqual(await ensureBuiltinImages(store, { cacheRoot, busybox: true }), []);
    const cached = cachedBusyboxArchives(cacheRoot);
    assert.equal(readdirSync(cacheRoot).length, 1);
    assert.ok(existsSync(cached.pause));
  } finally {
    dir.remove();
  }
});
