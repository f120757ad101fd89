// Named network namespaces: created with loopback up, listed by `ip netns`, deleted idempotently.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { createNetns, deleteNetns } from "./netns.ts";

test("a namespace has loopback up and is gone after delete", async () => {
  const names = [0, 1].map((i) => `skr-ns-${randomBytes(3).toString("hex")}-${i}`);
  try {
    for (const name of names) {
      const path = await createNetns(name);
      assert.equal(existsSync(path), true);
      const lo = execFileSync("ip", ["-n", name, "-o", "link", "show", "lo"], { encoding: "utf8" });
      assert.match(lo, /<LOOPBACK,UP,LOWER_UP>/);
      assert.ok(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes(name));
    }
    await assert.rejects(createNetns(names[0] ?? ""), "a name in use is refused");
    assert.equal(existsSync(`/run/netns/${names[0]}`), true, "the refused call removed nothing");
  } finally {
    for (const name of names) {
      await deleteNetns(name);
      await deleteNetns(name);
    }
  }
  for (const name of names) assert.equal(existsSync(`/run/netns/${name}`), false);
});
