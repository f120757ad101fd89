import assert from "node:assert/strict";
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { tempDir } from "../../../test/support/tempdir.ts";
import { type TarEntry, writeTar } from "./tar.ts";
import { applyLayer } from "./unpack.ts";

const apply = (root: string, entries: TarEntry[], gzip = false) => {
  const tar = writeTar(entries);
  return applyLayer(root, Readable.from([gzip ? gzipSync(tar) : tar]), { gzip });
};

test("modes, owners, setuid, links and type changes across layers", async () => {
  const dir = tempDir();
  try {
    const root = dir.path;
    await apply(
      root,
      [
        { name: "bin/", type: "directory" },
        { name: "bin/su", type: "file", mode: 0o4755, uid: 0, content: Buffer.from("su") },
        { name: "home/u/", type: "directory", mode: 0o700, uid: 1000, gid: 1000 },
        { name: "home/u/f", type: "file", mode: 0o600, uid: 1000, gid: 1000, content: Buffer.from("f") },
        { name: "hard", type: "hardlink", linkname: "home/u/f" },
        { name: "x", type: "file", content: Buffer.from("file") },
        { name: "y/", type: "directory" },
        { name: "y/inner", type: "file" },
      ],
      true,
    );
    assert.equal(statSync(join(root, "bin/su")).mode & 0o7777, 0o4755);
    assert.equal(statSync(join(root, "home/u")).uid, 1000);
    assert.equal(statSync(join(root, "home/u")).mode & 0o777, 0o700);
    assert.equal(statSync(join(root, "hard")).ino, statSync(join(root, "home/u/f")).ino);
    // The next layer turns a file into a directory and a directory into a symlink.
    await apply(root, [
      { name: "x/", type: "directory" },
      { name: "x/now-a-dir", type: "file" },
      { name: "y", type: "symlink", linkname: "x" },
    ]);
    assert.ok(lstatSync(join(root, "x")).isDirectory());
    assert.equal(readlinkSync(join(root, "y")), "x");
    // Writing through the symlink lands in its target, inside the root.
    await apply(root, [{ name: "y/through", type: "file", content: Buffer.from("t") }]);
    assert.equal(readFileSync(join(root, "x/through"), "utf8"), "t");
  } finally {
    dir.remove();
  }
});

test("an opaque whiteout keeps what the same layer adds to the directory", async () => {
  const dir = tempDir();
  try {
    await apply(dir.path, [
      { name: "d/", type: "directory" },
      { name: "d/old", type: "file" },
    ]);
    await apply(dir.path, [
      { name: "d/new", type: "file" },
      { name: "d/.wh..wh..opq", type: "file" },
    ]);
    assert.deepEqual(readdirSync(join(dir.path, "d")), ["new"]);
  } finally {
    dir.remove();
  }
});

test("a file larger than the buffering limit is streamed to disk intact", async () => {
  const dir = tempDir();
  try {
    const big = Buffer.alloc(3 << 20);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    await apply(dir.path, [{ name: "big.bin", type: "file", mode: 0o640, content: big }], true);
    assert.ok(readFileSync(join(dir.path, "big.bin")).equals(big));
    assert.equal(statSync(join(dir.path, "big.bin")).mode & 0o777, 0o640);
  } finally {
    dir.remove();
  }
});
