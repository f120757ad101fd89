import assert from "node:assert/strict";
import { test } from "node:test";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import { findBestMatch } from "./match.ts";

const pv = (
  name: string,
  size: string,
  extra: Partial<NonNullable<PersistentVolume["spec"]>> = {},
): PersistentVolume => ({
  metadata: { name, labels: { tier: name } },
  spec: { capacity: { storage: size }, accessModes: ["ReadWriteOnce"], storageClassName: "fast", ...extra },
  status: { phase: "Available" },
});
const claim: PersistentVolumeClaim = {
  metadata: { name: "c", namespace: "default", uid: "u" },
  spec: {
    storageClassName: "fast",
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: "1Gi" } },
  },
};

test("the smallest volume of the class, modes and capacity wins", () => {
  const vols = [
    pv("a", "5Gi"),
    pv("b", "1500Mi"),
    pv("c", "500Mi"),
    pv("d", "1Gi", { storageClassName: "slow" }),
  ];
  assert.equal(findBestMatch(claim, vols)?.metadata?.name, "b");
  assert.equal(findBestMatch(claim, [pv("x", "5Gi", { accessModes: ["ReadOnlyMany"] })]), undefined);
});

test("volumes bound elsewhere or Released are skipped; a volume pre-bound to the claim wins", () => {
  const other = pv("o", "1Gi", { claimRef: { name: "else", namespace: "default" } });
  const mine = pv("m", "9Gi", { claimRef: { name: "c", namespace: "default" } });
  const released = { ...pv("r", "1Gi"), status: { phase: "Released" } };
  assert.equal(findBestMatch(claim, [other, released, pv("a", "2Gi"), mine])?.metadata?.name, "m");
  assert.equal(findBestMatch(claim, [other, released]), undefined);
});

test("a claim selector filters volumes by label", () => {
  const selective = { ...claim, spec: { ...claim.spec, selector: { matchLabels: { tier: "a" } } } };
  assert.equal(findBestMatch(selective, [pv("a", "5Gi"), pv("b", "2Gi")])?.metadata?.name, "a");
});
