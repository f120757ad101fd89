// Volumes with the real kubectl 1.32: the default StorageClass local-path, a claim without a
// class provisioned by it (a hostPath PV under <data-dir>/storage, bound both ways), binding to
// the smallest fitting static PV, and reclaim (Delete removes the volume and directory; Retain
// leaves it Released).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { TestCluster, until } from "./cluster-support.ts";

const cluster = new TestCluster();

before(async () => {
  await cluster.start();
});

after(async () => {
  await cluster.stop();
});

const claim = (name: string, size: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } }, ...extra },
});

const volume = (name: string, size: string) => ({
  apiVersion: "v1",
  kind: "PersistentVolume",
  metadata: { name },
  spec: {
    capacity: { storage: size },
    accessModes: ["ReadWriteOnce", "ReadOnlyMany"],
    persistentVolumeReclaimPolicy: "Retain",
    storageClassName: "manual",
    hostPath: { path: `/tmp/${name}` },
  },
});

async function phase(kind: string, name: string): Promise<string> {
  const r = await cluster.server.kubectl(["get", kind, name, "-o", "jsonpath={.status.phase}"]);
  return r.code === 0 ? r.stdout : "(absent)";
}

test("the default class provisions a hostPath volume for a claim without a class", async () => {
  const classes = await until(async () => {
    const out = await cluster.kubectl(["get", "storageclass", "--no-headers"]);
    return out.includes("local-path") ? out : undefined;
  }, "local-path class");
  assert.match(classes, /^local-path \(default\)\s+skiff\.io\/local-path\s+Delete\s+Immediate\s+false/m);
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(claim("data", "2Gi")));
  const pvc = await until(async () => {
    const c = await cluster.json(["get", "pvc", "data"]);
    return c.status.phase === "Bound" ? c : undefined;
  }, "data Bound");
  assert.equal(pvc.spec.storageClassName, "local-path");
  assert.equal(pvc.spec.volumeName, `pvc-${pvc.metadata.uid}`);
  assert.equal(pvc.status.capacity.storage, "2Gi");
  assert.equal(pvc.metadata.annotations["pv.kubernetes.io/bind-completed"], "yes");
  const pv = await cluster.json(["get", "pv", pvc.spec.volumeName]);
  assert.equal(pv.status.phase, "Bound");
  assert.equal(pv.spec.claimRef.name, "data");
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Delete");
  const dir = pv.spec.hostPath.path;
  assert.ok(dir.startsWith(`${cluster.server.dir.path}/storage/pvc-`), dir);
  assert.ok(existsSync(dir), `${dir} exists`);
  const row = (await cluster.kubectl(["get", "pvc", "data", "--no-headers"])).trim().split(/\s+/);
  assert.deepEqual([row[1], row[3], row[4], row[5]], ["Bound", "2Gi", "RWO", "local-path"]);

  await cluster.kubectl(["delete", "pvc", "data"]);
  await until(
    async () => ((await phase("pv", pvc.spec.volumeName)) === "(absent)" ? true : undefined),
    "pv deleted",
  );
  assert.ok(!existsSync(dir), `${dir} removed`);
});

test("a claim binds to the smallest fitting static volume; Retain keeps it Released", async () => {
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [volume("big", "10Gi"), volume("small", "2Gi"), volume("tiny", "500Mi")],
    }),
  );
  await until(async () => ((await phase("pv", "tiny")) === "Available" ? true : undefined), "tiny Available");
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify(claim("logs", "1Gi", { storageClassName: "manual" })),
  );
  const bound = await until(async () => {
    const c = await cluster.json(["get", "pvc", "logs"]);
    return c.status.phase === "Bound" ? c : undefined;
  }, "logs Bound");
  assert.equal(bound.spec.volumeName, "small");
  assert.equal(await phase("pv", "small"), "Bound");
  assert.equal(await phase("pv", "big"), "Available");
  // No volume of that class fits and the class does not exist: the claim stays Pending.
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify(claim("huge", "50Gi", { storageClassName: "manual" })),
  );
  await until(async () => ((await phase("pvc", "huge")) === "Pending" ? true : undefined), "huge Pending");

  await cluster.kubectl(["delete", "pvc", "logs"]);
  await until(async () => ((await phase("pv", "small")) === "Released" ? true : undefined), "small Released");
  assert.equal(await phase("pvc", "huge"), "Pending");
});

test("Recycle makes a released volume Available again", async () => {
  const reuse = volume("reuse", "1Gi");
  reuse.spec.persistentVolumeReclaimPolicy = "Recycle";
  reuse.spec.storageClassName = "recycled";
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(reuse));
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify(claim("tmp", "1Gi", { storageClassName: "recycled" })),
  );
  await until(async () => ((await phase("pvc", "tmp")) === "Bound" ? true : undefined), "tmp Bound");
  await cluster.kubectl(["delete", "pvc", "tmp"]);
  await until(async () => {
    const pv = await cluster.json(["get", "pv", "reuse"]);
    return pv.status.phase === "Available" && !pv.spec.claimRef ? true : undefined;
  }, "reuse Available again");
});
