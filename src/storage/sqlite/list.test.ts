import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { InvalidRequestError } from "../store.ts";
import { decodeContinue, encodeContinue } from "./list.ts";
import { openTemp } from "./testdata/temp.ts";

test("continue tokens round-trip and malformed ones are InvalidRequestError", () => {
  assert.deepEqual(decodeContinue(encodeContinue({ r: 42, k: "/a/b" })), { r: 42, k: "/a/b" });
  for (const bad of [
    "",
    "%%%",
    Buffer.from("[1]").toString("base64url"),
    encodeContinue({ r: -1, k: "x" }),
  ]) {
    assert.throws(() => decodeContinue(bad), InvalidRequestError);
  }
});

describe("SqliteStore list", () => {
  const t = openTemp();
  const s = t.store;
  after(() => t.cleanup());

  test("list pages at the first page's revision", async () => {
    for (let i = 0; i < 5; i++) await s.create(`/p/${i}`, `{"i":${i}}`);
    await s.create("/pz", "{}"); // outside the prefix "/p/"
    const first = await s.list("/p/", { limit: 2 });
    assert.deepEqual(
      first.kvs.map((kv) => kv.key),
      ["/p/0", "/p/1"],
    );
    assert.equal(first.remaining, 3);
    assert.ok(first.continue);
    // Writes after the first page do not show up in later pages.
    await s.delete("/p/2");
    await s.create("/p/21", "{}");
    const p3 = await s.get("/p/3");
    await s.update("/p/3", '{"i":33}', p3!.modRevision);
    const second = await s.list("/p/", { limit: 2, continue: first.continue });
    assert.equal(second.revision, first.revision);
    assert.deepEqual(
      second.kvs.map((kv) => [kv.key, kv.value]),
      [
        ["/p/2", '{"i":2}'],
        ["/p/3", '{"i":3}'],
      ],
    );
    assert.equal(second.remaining, 1);
    const third = await s.list("/p/", { limit: 2, continue: second.continue! });
    assert.deepEqual(
      third.kvs.map((kv) => kv.key),
      ["/p/4"],
    );
    assert.equal(third.continue, undefined);
    const now = await s.list("/p/");
    assert.deepEqual(
      now.kvs.map((kv) => [kv.key, kv.value]),
      [
        ["/p/0", '{"i":0}'],
        ["/p/1", '{"i":1}'],
        ["/p/21", "{}"],
        ["/p/3", '{"i":33}'],
        ["/p/4", '{"i":4}'],
      ],
    );
    assert.equal(await s.count("/p/"), 5);
    // The historical view pages and counts remaining too.
    const old = await s.list("/p/", { revision: first.revision, limit: 3 });
    assert.deepEqual(
      old.kvs.map((kv) => kv.key),
      ["/p/0", "/p/1", "/p/2"],
    );
    assert.equal(old.remaining, 2);
  });

  test("list rejects future revisions and bad tokens", async () => {
    const rev = await s.currentRevision();
    await assert.rejects(s.list("/p/", { revision: rev + 1 }), InvalidRequestError);
    await assert.rejects(s.list("/p/", { continue: "not-a-token" }), InvalidRequestError);
  });
});
