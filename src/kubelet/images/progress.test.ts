import assert from "node:assert/strict";
import { test } from "node:test";
import { counted, pulledMessage } from "./progress.ts";

test("the Pulled event's durations are Go's time.Duration truncated to milliseconds", () => {
  assert.match(pulledMessage("x", 56.7, 62_050.9, 1), / in 56ms \(1m2\.05s including waiting\)/);
  assert.match(pulledMessage("x", 0.9, 3_600_000, 1), / in 0s \(1h0m0s including waiting\)/);
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
