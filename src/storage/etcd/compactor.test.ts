import assert from "node:assert/strict";
import { test } from "node:test";
import { type Compactable, Compactor } from "./compactor.ts";

const quiet = { debug() {}, info() {}, warn() {} };

test("a round compacts to the older of current - retain and the previous round's revision", async () => {
  let revision = 1500;
  const compacted: number[] = [];
  const store: Compactable = {
    currentRevision: async () => revision,
    compact: async (r) => {
      compacted.push(r);
    },
  };
  const compactor = new Compactor(store, quiet, { intervalMs: 3_600_000, retainRevisions: 1000 });
  try {
    await compactor.tick();
    await compactor.tick();
    revision = 1700;
    await compactor.tick();
    // A burst of writes: history back to the previous round (one interval) is kept.
    revision = 5000;
    await compactor.tick();
    assert.deepEqual(compacted, [500, 700, 1700]);
  } finally {
    await compactor.stop();
  }
});

test("a young store is not compacted and failures are logged, not thrown", async () => {
  const warnings: string[] = [];
  const store: Compactable = {
    currentRevision: async () => 10,
    compact: async () => assert.fail("nothing to compact yet"),
  };
  const young = new Compactor(store, quiet, { intervalMs: 3_600_000 });
  await young.tick();
  await young.stop();

  const failing = new Compactor(
    {
      currentRevision: async () => {
        throw new Error("etcd down");
      },
      compact: async () => {},
    },
    { ...quiet, warn: (_obj, msg) => warnings.push(msg) },
    { intervalMs: 3_600_000 },
  );
  await failing.tick();
  await failing.stop();
  assert.equal(warnings.length, 1);
});
