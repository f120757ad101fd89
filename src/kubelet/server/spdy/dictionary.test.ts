import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import { spdyDictionary, spdyDictionaryId } from "./dictionary.ts";

test("the dictionary has the SPDY/3 length and adler32 id", () => {
  assert.equal(spdyDictionary.length, 1423);
  // A zlib stream primed with a dictionary carries its adler32 right after the 2-byte header.
  const z = deflateSync(Buffer.from("x"), { dictionary: spdyDictionary });
  assert.equal(z.readUInt32BE(2), spdyDictionaryId);
});
