import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { containerUsage, hollowUsageAnnotation, parseHollowUsage } from "./usage.ts";

const pod = (annotation?: string): Pod => ({
  metadata: {
    name: "p",
    ...(annotation !== undefined ? { annotations: { [hollowUsageAnnotation]: annotation } } : {}),
  },
  spec: {
    containers: [{ name: "c", resources: { requests: { cpu: "200m", memory: "128Mi" } } }, { name: "bare" }],
  },
});

test("the annotation's figures parse as quantities", () => {
  assert.deepEqual(parseHollowUsage("cpu=250m,memory=64Mi"), {
    nanocores: 250_000_000,
    memoryBytes: 64 * 1024 ** 2,
  });
  assert.deepEqual(parseHollowUsage(" cpu = 1.5 "), { nanocores: 1_500_000_000 });
  assert.deepEqual(parseHollowUsage("cpu=lots,memory=-1,disk=1"), {});
});

test("without the annotation a container uses a fraction of its requests, or a small floor", () => {
  const p = pod();
  const [c, bare] = p.spec?.containers ?? [];
  assert.deepEqual(containerUsage(p, c), { nanocores: 100_000_000, memoryBytes: 64 * 1024 ** 2 });
  assert.deepEqual(containerUsage(p, c, { requestFraction: 0.25 }), {
    nanocores: 50_000_000,
    memoryBytes: 32 * 1024 ** 2,
  });
  assert.deepEqual(containerUsage(p, bare), { nanocores: 1_000_000, memoryBytes: 4 * 1024 ** 2 });
});

test("the annotation overrides per figure, for every container", () => {
  const p = pod("cpu=250m");
  for (const c of p.spec?.containers ?? []) assert.equal(containerUsage(p, c).nanocores, 250_000_000);
  assert.equal(containerUsage(p, p.spec?.containers[0]).memoryBytes, 64 * 1024 ** 2);
});
