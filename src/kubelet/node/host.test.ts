import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { hostCapacity, hostInfo, hostPressure, meminfoBytes, osImageOf } from "./host.ts";

test("meminfo fields are KiB", () => {
  const text = "MemTotal:        2030000 kB\nMemAvailable:    1000 kB\n";
  assert.equal(meminfoBytes(text, "MemTotal"), 2030000 * 1024);
  assert.equal(meminfoBytes(text, "MemAvailable"), 1024000);
  assert.equal(meminfoBytes(text, "SwapTotal"), undefined);
});

test("os image is PRETTY_NAME unquoted", () => {
  assert.equal(
    osImageOf('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
    "Debian GNU/Linux 12 (bookworm)",
  );
  assert.equal(osImageOf(undefined), "Linux");
});

test("this host has CPUs, memory, storage and a kernel", () => {
  const cap = hostCapacity(tmpdir());
  assert.ok(cap.cpu >= 1);
  assert.ok(cap.memoryBytes > 0);
  assert.ok(cap.ephemeralStorageBytes > 0);
  assert.equal(cap.pods, 110);
  const info = hostInfo({ nodeIP: "10.1.2.3" });
  assert.equal(info.internalIP, "10.1.2.3");
  assert.ok(info.kernelVersion.length > 0);
  const p = hostPressure(tmpdir());
  assert.ok(p.diskCapacityBytes >= p.diskAvailableBytes && p.diskAvailableBytes > 0);
  assert.ok(p.pidMax > 0);
});
