import assert from "node:assert/strict";
import { test } from "node:test";
import { constants, createDeflate } from "node:zlib";
import { spdyDictionary } from "./dictionary.ts";
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCompressor,
  HeaderDecompressor,
  type SpdyHeaders,
} from "./headers.ts";

test("header blocks round-trip through the stored-block compressor and the decompressor", () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const blocks: SpdyHeaders[] = [
    { streamtype: "error" },
    {},
    { streamtype: "data", port: "80", requestid: "7" },
  ];
  for (const h of blocks) {
    assert.deepEqual(decodeHeaderBlock(d.decompress(c.compress(encodeHeaderBlock(h)))), h);
  }
});

test("the decompressor follows a real zlib stream flushed per block, as Go's writer sends", async () => {
  const deflate = createDeflate({ dictionary: spdyDictionary });
  const flushOne = (block: Buffer): Promise<Buffer> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (b: Buffer): void => {
        chunks.push(b);
      };
      deflate.on("data", onData);
      deflate.write(block);
      deflate.flush(constants.Z_SYNC_FLUSH, () => {
        deflate.off("data", onData);
        resolve(Buffer.concat(chunks));
      });
    });
  const d = new HeaderDecompressor();
  const a = { streamtype: "stdout", "x-long": "y".repeat(5000) };
  const b = { streamtype: "stderr" };
  assert.deepEqual(decodeHeaderBlock(d.decompress(await flushOne(encodeHeaderBlock(a)))), a);
  assert.deepEqual(decodeHeaderBlock(d.decompress(await flushOne(encodeHeaderBlock(b)))), b);
  deflate.close();
});

test("a truncated header block is an error, not a crash", () => {
  assert.throws(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 2, 0, 0, 0, 9, 0x61])), /truncated/);
});
