import assert from "node:assert/strict";
import { test } from "node:test";
import { counted, goDuration, pulledMessage } from "./progress.ts";

test("durations print as Go's time.Duration truncated to milliseconds", () => {
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(0.9), "0s");
  assert.equal(goDuration(56.7), "56ms");
  assert.equal(goDuration(1000), "1s");
  assert.equal(goDuration(1234), "1.234s");
  assert.equal(goDuration(1500), "1.5s");
  assert.equal(goDuration(62_050), "1m2.05s");
  assert.equal(goDuration(3_600_000), "1h0m0s");
});

test("the Pulled event reads like the kubelet's", () => {
  assert.equal(
    pulledMessage("busybox:1.36", 1200, 1234, 2_153_457),
    'Successfully pulled image "busybox:1.36" in 1.2s (1.234s including waiting). Image size: 2153457 bytes.',
  );
});

test("counted passes chunks through and reports the running total", async () => {
  const seen: number[] = [];
  const out: string[] = [];
  async function* source() {
    yield Buffer.from("ab");
    yield Buffer.from("cde");
  }
  for await (const c of counted(source(), (n) => seen.push(n))) out.push(c.toString());
  assert.deepEqual(out, ["ab", "cde"]);
  assert.deepEqual(seen, [2, 5]);
});
