import assert from "node:assert/strict";
import { test } from "node:test";
import { bytes, raw, str, varint } from "./testing.ts";
import { decodeWellKnown, goDuration } from "./wellknown.ts";

const noNested = (): unknown => {
  throw new Error("unexpected nested object");
};

function decode(name: string, payload: Uint8Array) {
  return decodeWellKnown(name, payload, noNested);
}

test("Go duration strings", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"],
    [999n, "999ns"],
    [1_500n, "1.5µs"],
    [300_000_000n, "300ms"],
    [1_500_000_000n, "1.5s"],
    [90_000_000_000n, "1m30s"],
    [3_600_000_000_000n, "1h0m0s"],
    [-2_000_000_000n, "-2s"],
  ];
  for (const [ns, s] of cases) assert.equal(goDuration(ns), s);
  assert.deepEqual(
    decode(
      "meta.v1.Duration",
      bytes((w) => varint(w, 1, 30_000_000_000)),
    ),
    { value: "30s", zero: false },
  );
});

test("Time drops nanos, MicroTime keeps microseconds, an empty message is null", () => {
  const t = bytes((w) => {
    varint(w, 1, 1_700_000_000);
    varint(w, 2, 123_456_789);
  });
  assert.deepEqual(decode("meta.v1.Time", t), { value: "2023-11-14T22:13:20Z", zero: false });
  assert.deepEqual(decode("meta.v1.MicroTime", t), { value: "2023-11-14T22:13:20.123456Z", zero: false });
  assert.deepEqual(decode("meta.v1.Time", new Uint8Array()), { value: undefined, zero: true });
  // A present but zero Timestamp is the Unix epoch, not Go's zero time.
  assert.deepEqual(
    decode(
      "meta.v1.Time",
      bytes((w) => varint(w, 1, 0)),
    ),
    { value: "1970-01-01T00:00:00Z", zero: false },
  );
});

test("IntOrString, Quantity, RawExtension and FieldsV1", () => {
  assert.deepEqual(
    decode(
      "intstr.IntOrString",
      bytes((w) => {
        varint(w, 1, 0);
        varint(w, 2, 8080);
        str(w, 3, "");
      }),
    ),
    { value: 8080, zero: false },
  );
  assert.deepEqual(
    decode(
      "intstr.IntOrString",
      bytes((w) => {
        varint(w, 1, 1);
        varint(w, 2, 0);
        str(w, 3, "http");
      }),
    ),
    { value: "http", zero: false },
  );
  assert.deepEqual(
    decode(
      "resource.Quantity",
      bytes((w) => str(w, 1, "512Mi")),
    ),
    { value: "512Mi", zero: false },
  );
  assert.deepEqual(
    decode(
      "runtime.RawExtension",
      bytes((w) => raw(w, 1, Buffer.from('{"a":1}'))),
    ),
    { value: { a: 1 }, zero: false },
  );
  assert.deepEqual(
    decode(
      "meta.v1.FieldsV1",
      bytes((w) => raw(w, 1, Buffer.from('{"f:data":{}}'))),
    ),
    { value: { "f:data": {} }, zero: false },
  );
  assert.throws(() =>
    decode(
      "runtime.RawExtension",
      bytes((w) => raw(w, 1, Buffer.from("{nope"))),
    ),
  );
  assert.equal(decode("core.v1.Pod", new Uint8Array()), undefined);
});
