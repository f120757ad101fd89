import assert from "node:assert/strict";
import { test } from "node:test";
import { integer, oid, time, tlv } from "./der.ts";

test("DER lengths, integers, OIDs and times are the canonical encodings", () => {
  assert.equal(tlv(0x04, Buffer.alloc(3)).toString("hex"), "0403000000");
  assert.equal(tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString("hex"), "0481c8");
  assert.equal(tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString("hex"), "0482012c");
  assert.equal(integer(Buffer.from([0x00, 0x05])).toString("hex"), "020105");
  assert.equal(integer(Buffer.from([0x80])).toString("hex"), "02020080");
  assert.equal(oid("1.2.840.10045.4.3.2").toString("hex"), "06082a8648ce3d040302");
  assert.equal(time(new Date("2026-11-27T23:40:05Z")).toString("ascii").slice(2), "261127234005Z");
  assert.equal(time(new Date("2051-01-02T03:04:05Z"))[0], 0x18, "GeneralizedTime from 2050");
});
