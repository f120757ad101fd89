import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { BlobStore, DigestMismatchError } from "./blobs.ts";
import { InvalidDigestError, sha256Digest } from "./oci.ts";

test("blobs are stored by digest and verified; a failed write leaves nothing", async () => {
  const dir = tempDir();
  try {
    const blobs = new BlobStore(dir.path);
    const data = Buffer.from("hello");
    const digest = await blobs.put(data);
    assert.equal(digest, sha256Digest(data));
    assert.deepEqual(await blobs.read(digest), data);
    await assert.rejects(blobs.put(Buffer.from("x"), digest), DigestMismatchError);
    const other = Buffer.from("streamed content");
    await blobs.putStream(
      Readable.from([other.subarray(0, 4), other.subarray(4)]),
      sha256Digest(other),
      other.length,
    );
    assert.equal(await blobs.size(sha256Digest(other)), other.length);
    await assert.rejects(
      blobs.putStream(Readable.from([Buffer.from("evil")]), sha256Digest(other)),
      DigestMismatchError,
    );
    const third = Buffer.from("third");
    await assert.rejects(
      blobs.putStream(Readable.from([third]), sha256Digest(third), 99),
      DigestMismatchError,
    );
    assert.equal(await blobs.has(sha256Digest(third)), false);
    assert.deepEqual(readdirSync(join(dir.path, "tmp")), []);
    assert.throws(() => blobs.path("sha256:../../etc/passwd"), InvalidDigestError);
    await blobs.delete(digest);
    assert.equal(await blobs.has(digest), false);
  } finally {
    dir.remove();
  }
});
