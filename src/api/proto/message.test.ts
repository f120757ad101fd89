import assert from "node:assert/strict";
import { test } from "node:test";
import protobuf from "protobufjs/minimal.js";
import { MessageDecoder, ProtoDecodeError } from "./message.ts";
import { bytes, msg, str, varint } from "./testing.ts";

const decoder = new MessageDecoder(() => {
  throw new Error("no nested objects here");
});

test("repeated numbers decode packed and unpacked", () => {
  const unpacked = bytes((w) => {
    varint(w, 4, 1000);
    varint(w, 4, 2000);
  });
  const packed = bytes((w) => {
    w.uint32((4 << 3) | 2).fork();
    w.int64(1000).int64(2000);
    w.ldelim();
  });
  for (const b of [unpacked, packed]) {
    assert.deepEqual(decoder.decode("core.v1.PodSecurityContext", b), { supplementalGroups: [1000, 2000] });
  }
});

test("slice-typed messages become JSON arrays (UserInfo.extra)", () => {
  const info = bytes((w) => {
    str(w, 1, "alice");
    msg(w, 4, (e) => {
      str(e, 1, "scopes");
      msg(e, 2, (v) => {
        str(v, 1, "read");
        str(v, 1, "write");
      });
    });
  });
  assert.deepEqual(decoder.decode("authentication.v1.UserInfo", info), {
    username: "alice",
    extra: { scopes: ["read", "write"] },
  });
});

test("a minimal message, and a message missing from the tables", () => {
  const w = protobuf.Writer.create();
  str(w, 1, "x");
  assert.deepEqual(decoder.decode("core.v1.LocalObjectReference", w.finish()), { name: "x" });
  assert.throws(
    () => decoder.decode("core.v1.NoSuchMessage", new Uint8Array()),
    (err: unknown) => err instanceof ProtoDecodeError && /no protobuf table/.test(err.message),
  );
});
