import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DnsFormatError,
  decodeQuery,
  decodeResponse,
  encodeAnswer,
  encodeQuery,
  formatErrorAnswer,
  RCode,
  RType,
} from "./message.ts";

test("a query round-trips and its answer carries the records, compressed", () => {
  const q = decodeQuery(encodeQuery(77, "web.default.svc.cluster.local", RType.A));
  assert.deepEqual(q.questions, [{ name: "web.default.svc.cluster.local", type: RType.A, class: 1 }]);
  assert.equal(q.id, 77);
  assert.equal(q.rd, true);
  const answer = encodeAnswer(q, {
    rcode: RCode.NoError,
    authoritative: true,
    answers: [
      { name: "web.default.svc.cluster.local", ttl: 5, data: { type: RType.A, address: "10.43.0.20" } },
      { name: "web.default.svc.cluster.local", ttl: 5, data: { type: RType.A, address: "10.43.0.21" } },
    ],
    authority: [],
    additional: [],
  });
  const r = decodeResponse(answer);
  assert.equal(r.id, 77);
  assert.equal(r.rcode, RCode.NoError);
  assert.equal(r.authoritative, true);
  assert.deepEqual(
    r.answers.map((a) => a.data),
    [
      { type: RType.A, address: "10.43.0.20" },
      { type: RType.A, address: "10.43.0.21" },
    ],
  );
  // The answer names point back at the question's name: 2-byte pointers instead of 31 bytes.
  assert.ok(answer.length < 12 + 35 + 2 * (2 + 10 + 4) + 10);
});

test("an answer too large for UDP is truncated to its question with TC set", () => {
  const q = decodeQuery(encodeQuery(1, "big.default.svc.cluster.local", RType.A));
  const answers = Array.from({ length: 100 }, (_, i) => ({
    name: "big.default.svc.cluster.local",
    ttl: 5,
    data: { type: RType.A as const, address: `10.42.0.${i}` },
  }));
  const out = encodeAnswer(
    q,
    { rcode: RCode.NoError, authoritative: true, answers, authority: [], additional: [] },
    512,
  );
  const r = decodeResponse(out);
  assert.equal(r.truncated, true);
  assert.equal(r.answers.length, 0);
  assert.ok(out.length <= 512);
});

test("malformed messages are format errors, answered FORMERR when they carry an id", () => {
  assert.throws(() => decodeQuery(Buffer.from([1, 2, 3])), DnsFormatError);
  const loop = Buffer.from([0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  assert.throws(() => decodeQuery(loop), DnsFormatError);
  const answer = formatErrorAnswer(loop);
  assert.ok(answer);
  assert.equal(decodeResponse(answer).rcode, RCode.FormErr);
  assert.equal(decodeResponse(answer).id, 9);
});
