import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeReviewProtobuf } from "./review-proto.ts";

/** Length-delimited field `n` holding `bytes` (all fields here are short: one-byte tag and length). */
function field(n: number, bytes: Buffer | string): Buffer {
  const b = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  return Buffer.concat([Buffer.from([(n << 3) | 2, b.length]), b]);
}

function envelope(kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, "authorization.k8s.io/v1"), field(2, kind)]);
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), field(1, typeMeta), field(2, raw)]);
}

test("SelfSubjectAccessReview and SelfSubjectRulesReview protobuf bodies decode to their JSON form", () => {
  const attrs = Buffer.concat([field(1, "team"), field(2, "list"), field(5, "pods"), field(6, "log")]);
  const ssar = envelope(
    "SelfSubjectAccessReview",
    Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attrs))]),
  );
  assert.deepEqual(decodeReviewProtobuf(ssar, "SelfSubjectAccessReview"), {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: { resourceAttributes: { namespace: "team", verb: "list", resource: "pods", subresource: "log" } },
  });
  const sar = envelope(
    "SubjectAccessReview",
    field(
      2,
      Buffer.concat([
        field(2, Buffer.concat([field(1, "/healthz"), field(2, "get")])),
        field(3, "bob"),
        field(4, "g1"),
        field(4, "g2"),
      ]),
    ),
  );
  assert.deepEqual(decodeReviewProtobuf(sar, "SubjectAccessReview").spec, {
    nonResourceAttributes: { path: "/healthz", verb: "get" },
    user: "bob",
    groups: ["g1", "g2"],
  });
  const ssrr = envelope("SelfSubjectRulesReview", field(2, field(1, "default")));
  assert.deepEqual(decodeReviewProtobuf(ssrr, "SelfSubjectRulesReview").spec, { namespace: "default" });
  assert.throws(() => decodeReviewProtobuf(Buffer.from("{}"), "SelfSubjectAccessReview"), /k8s\\0 prefix/);
  assert.throws(
    () => decodeReviewProtobuf(envelope("SelfSubjectAccessReview", field(9, "x")), "SelfSubjectAccessReview"),
    /unknown field number 9/,
  );
});
