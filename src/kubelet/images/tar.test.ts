import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { entryContent, readTar, readTarBuffer, writeTar } from "./tar.ts";

test("GNU tar reads what writeTar writes, including long names through PAX", () => {
  const dir = tempDir();
  try {
    const longName = `d/${"x".repeat(150)}`;
    const archive = writeTar([
      { name: "d/", type: "directory", mode: 0o750 },
      { name: "d/file", type: "file", mode: 0o600, uid: 1000, gid: 1000, content: Buffer.from("hello\n") },
      { name: "d/link", type: "symlink", linkname: "/bin/busybox" },
      { name: longName, type: "file", content: Buffer.from("long") },
    ]);
    assert.equal(archive.length % 512, 0);
    writeFileSync(join(dir.path, "a.tar"), archive);
    const out = join(dir.path, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xf", join(dir.path, "a.tar"), "-C", out, "--same-owner", "-p"]);
    assert.equal(readFileSync(join(out, "d/file"), "utf8"), "hello\n");
    assert.equal(statSync(join(out, "d/file")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "d/file")).uid, 1000);
    assert.equal(statSync(join(out, "d")).mode & 0o777, 0o750);
    assert.equal(readlinkSync(join(out, "d/link")), "/bin/busybox");
    assert.equal(readFileSync(join(out, longName), "utf8"), "long");
  } finally {
    dir.remove();
  }
});

test("readTar reads what GNU tar writes (long names, links, modes)", async () => {
  const dir = tempDir();
  try {
    const src = join(dir.path, "src");
    const deep = join(src, "a".repeat(90), "b".repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "f.txt"), "deep");
    symlinkSync("../x", join(src, "ln"));
    execFileSync("tar", ["-cf", join(dir.path, "g.tar"), "--format=gnu", "-C", src, "."]);
    execFileSync("tar", ["-cf", join(dir.path, "p.tar"), "--format=posix", "-C", src, "."]);
    for (const name of ["g.tar", "p.tar"]) {
      const entries = await readTarBuffer(readFileSync(join(dir.path, name)));
      const byName = new Map(entries.map((e) => [e.name.replace(/^\.\//, "").replace(/\/$/, ""), e]));
      const file = byName.get(`${"a".repeat(90)}/${"b".repeat(90)}/f.txt`);
      assert.equal(file?.content?.toString(), "deep", name);
      assert.equal(byName.get("ln")?.type, "symlink");
      assert.equal(byName.get("ln")?.linkname, "../x");
      assert.equal(byName.get("a".repeat(90))?.type, "directory");
    }
  } finally {
    dir.remove();
  }
});

test("writeTar is a pure function of its entries", () => {
  const entries = [{ name: "f", type: "file" as const, content: Buffer.from("x") }];
  assert.deepEqual(writeTar(entries), writeTar(entries));
});

test("large files stream in chunks; unread content is skipped", async () => {
  const big = Buffer.alloc(3 * 65536 + 17, 7);
  const archive = writeTar([
    { name: "big", type: "file", content: big },
    { name: "skipped", type: "file", content: big },
    { name: "small", type: "file", content: Buffer.from("s") },
  ]);
  // Feed it in odd-sized chunks, as a file stream or gunzip would.
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < archive.length; i += 5000) yield archive.subarray(i, i + 5000);
  }
  const seen: string[] = [];
  for await (const entry of readTar(chunks(), { maxBufferedBytes: 1000 })) {
    seen.push(entry.name);
    if (entry.name === "big") {
      assert.equal(entry.content, undefined);
      assert.ok((await entryContent(entry)).equals(big));
    }
    if (entry.name === "small") assert.equal(entry.content?.toString(), "s");
  }
  assert.deepEqual(seen, ["big", "skipped", "small"]);
});
