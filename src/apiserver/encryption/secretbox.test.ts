import assert from "node:assert/strict";
import { test } from "node:test";
import { secretboxOpen, secretboxSeal } from "./secretbox.ts";

// Reference output of libsodium's crypto_secretbox_easy for these inputs (computed once with
// the system libsodium): tag then ciphertext, as NaCl and Go write it.
const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const nonce = Buffer.from(Array.from({ length: 24 }, (_, i) => 100 + i));
const message = Buffer.from(`{"kind":"Secret","data":{"a":"b"}}${"x".repeat(100)}`);
const expected =
  "7d02be344fe77dc8341db367ca67cf26799bf2a054d2ecd392ae46f745e1d73a12885cc690c76921dd2e23b630a9abaad5128c60374fe39c8d6e6f1a786ba51db9e8d6606afe41277b992b7ca3cae61c3bf33415b04430f2c1f7678a38bb95eb2ceff57fdf87037aeae3f15f009e9dbe82b1910397a142bf7b0307f3c424ed400057ee32af53387138f476db9c69ae44c67875604fb6";

test("seal matches libsodium byte for byte; open reverses it", () => {
  const box = secretboxSeal(message, nonce, key);
  assert.equal(box.toString("hex"), expected);
  assert.deepEqual(secretboxOpen(box, nonce, key), message);
});

test("a changed byte fails authentication", () => {
  const box = Buffer.from(expected, "hex");
  box[40] = (box[40] as number) ^ 1;
  assert.equal(secretboxOpen(box, nonce, key), undefined);
});
