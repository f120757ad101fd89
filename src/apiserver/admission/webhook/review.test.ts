import assert from "node:assert/strict";
import { test } from "node:test";
import { denial, parseReview, ReviewProtocolError } from "./review.ts";

const review = (response: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response });

test("a patch answer decodes from base64 JSONPatch", () => {
  const patch = Buffer.from(JSON.stringify([{ op: "add", path: "/x", value: 1 }])).toString("base64");
  const r = parseReview(
    review({ uid: "u", allowed: true, patchType: "JSONPatch", patch, warnings: ["w"] }),
    "u",
  );
  assert.equal(r.allowed, true);
  assert.deepEqual(r.warnings, ["w"]);
  assert.equal(r.patch?.length, 1);
});

test("answers that break the protocol are refused", () => {
  assert.throws(() => parseReview(review({ uid: "other", allowed: true }), "u"), ReviewProtocolError);
  assert.throws(() => parseReview("nope", "u"), ReviewProtocolError);
  assert.throws(
    () => parseReview(review({ uid: "u", allowed: true, patch: "W10=", patchType: "Merge" }), "u"),
    /invalid patchType/,
  );
});

test("denials follow admission.ToStatusErr", () => {
  const a = denial("h.example.com", { code: 200, message: "no" });
  assert.equal(a.code, 400);
  assert.equal(a.message, 'admission webhook "h.example.com" denied the request: no');
  const b = denial("h.example.com", undefined);
  assert.equal(b.message, 'admission webhook "h.example.com" denied the request without explanation');
  assert.equal(
    denial("h", { code: 422, reason: "Invalid" }).message,
    'admission webhook "h" denied the request: Invalid',
  );
});
