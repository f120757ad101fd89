import assert from "node:assert/strict";
import { test } from "node:test";
import protobuf from "protobufjs/minimal.js";
import { fixedToFloat, WireError, WireReader } from "./wire.ts";

test("reads varints up to 64 bits, fixed values and length-delimited fields", () => {
  const w = protobuf.Writer.create();
  w.uint32(1 << 3).int64(-1);
  w.uint32(2 << 3).uint64("18446744073709551615");
  w.uint32((3 << 3) | 1).double(2.5);
  w.uint32((4 << 3) | 5).float(0.5);
  w.uint32((5 << 3) | 2).string("héllo");
  const reader = new WireReader(w.finish());
  const f1 = reader.next();
  assert.equal(f1?.number, 1);
  assert.equal(BigInt.asIntN(64, f1?.value as bigint), -1n);
  assert.equal(reader.next()?.value, 18446744073709551615n);
  assert.equal(fixedToFloat(reader.next()?.value as bigint, 8), 2.5);
  assert.equal(fixedToFloat(reader.next()?.value as bigint, 4), 0.5);
  assert.equal(Buffer.from(reader.next()?.value as Uint8Array).toString(), "héllo");
  assert.equal(reader.next(), undefined);
});

test("truncated input and unsupported wire types throw WireError", () => {
  assert.throws(() => new WireReader(Uint8Array.of(0x08, 0x80)).next(), WireError);
  assert.throws(() => new WireReader(Uint8Array.of(0x12, 0x05, 0x61)).next(), WireError);
  assert.throws(() => new WireReader(Uint8Array.of(0x0b)).next(), WireError); // group start
  assert.throws(() => new WireReader(Uint8Array.of(0x00)).next(), WireError); // field 0
});
