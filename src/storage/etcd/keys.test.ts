import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError } from "../store.ts";
import { decodeContinue, encodeContinue, KeySpace, rangeEndOf } from "./keys.ts";

test("rangeEndOf increments the last byte that can be incremented", () => {
  assert.deepEqual(rangeEndOf(Buffer.from("/registry/pods/")), Buffer.from("/registry/pods0"));
  assert.deepEqual(rangeEndOf(Buffer.from([0x61, 0xff, 0xff])), Buffer.from([0x62]));
  assert.deepEqual(rangeEndOf(Buffer.from([0xff])), Buffer.from([0]));
  assert.deepEqual(rangeEndOf(Buffer.alloc(0)), Buffer.from([0]));
});

test("KeySpace maps relative keys under its prefix, byte-wise for non-ASCII keys", () => {
  const keys = new KeySpace("/skiff/");
  assert.deepEqual(keys.key("pods/a"), Buffer.from("/skiff/pods/a"));
  assert.equal(keys.relative(Buffer.from("/skiff/pods/é")), "pods/é");
  const { key, rangeEnd } = keys.range("");
  assert.deepEqual(key, Buffer.from("/skiff/"));
  assert.deepEqual(rangeEnd, Buffer.from("/skiff0"));
});

test("continue tokens round-trip and are checked against the listed prefix", () => {
  const token = encodeContinue({ rev: 42, start: "pods/b\0" });
  assert.match(token, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeContinue(token, "pods/"), { rev: 42, start: "pods/b\0" });
  assert.throws(() => decodeContinue(token, "services/"), InvalidRequestError);
  assert.throws(() => decodeContinue("not a token", "pods/"), InvalidRequestError);
  assert.throws(
    () => decodeContinue(encodeContinue({ rev: -1, start: "pods/" }), "pods/"),
    InvalidRequestError,
  );
});
