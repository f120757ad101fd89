import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ConfigMap, Pod, Secret } from "kubernetes-types/core/v1.js";
import { VolumeManager } from "./manager.ts";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "skiff-vol-"));
  const configMaps: ConfigMap[] = [{ metadata: { name: "cm", namespace: "d" }, data: { a: "1", b: "2" } }];
  const secrets: Secret[] = [
    { metadata: { name: "s", namespace: "d" }, data: { pw: Buffer.from("x").toString("base64") } },
  ];
  const events: string[] = [];
  const manager = new VolumeManager({
    dataDir: dir,
    tmpfs: false,
    allocatable: { cpu: "2", memory: "1Gi" },
    event: (_p, _t, reason, message) => events.push(`${reason}: ${message}`),
    objects: {
      configMap: async (_ns, name) => configMaps.find((c) => c.metadata?.name === name),
      secret: async (_ns, name) => secrets.find((c) => c.metadata?.name === name),
      persistentVolumeClaim: async () => undefined,
      persistentVolume: async () => undefined,
    },
  });
  return { dir, manager, configMaps, events };
}

const pod = (volumes: NonNullable<Pod["spec"]>["volumes"]): Pod => ({
  metadata: { name: "p", namespace: "d", uid: "u1", labels: { app: "x" } },
  spec: { containers: [{ name: "c", resources: { limits: { memory: "32Mi" } } }], volumes },
});

test("configMap, secret, downwardAPI and projected volumes are written; configMap updates reach them", async () => {
  const { dir, manager, configMaps, events } = setup();
  try {
    const p = pod([
      { name: "cm", configMap: { name: "cm", items: [{ key: "a", path: "sub/a.txt", mode: 0o600 }] } },
      { name: "sec", secret: { secretName: "s" } },
      {
        name: "dw",
        downwardAPI: {
          items: [
            { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            {
              path: "mem",
              resourceFieldRef: { containerName: "c", resource: "limits.memory", divisor: "1Mi" },
            },
          ],
        },
      },
      {
        name: "proj",
        projected: { sources: [{ configMap: { name: "cm" } }, { serviceAccountToken: { path: "token" } }] },
      },
      { name: "opt", configMap: { name: "missing", optional: true } },
      { name: "tmp", emptyDir: {} },
    ]);
    const paths = await manager.setUp(p);
    const read = (v: string, f: string) => readFileSync(join(paths.get(v) ?? "", f), "utf8");
    assert.equal(read("cm", "sub/a.txt"), "1");
    assert.equal(statSync(join(paths.get("cm") ?? "", "sub/a.txt")).mode & 0o777, 0o600);
    assert.equal(read("sec", "pw"), "x");
    assert.equal(read("dw", "labels"), 'app="x"');
    assert.equal(read("dw", "mem"), "32");
    assert.equal(read("proj", "b"), "2");
    assert.ok(
      events.some((e) => /does not serve serviceaccounts\/token/.test(e)),
      "no TokenRequest: a pod event",
    );
    assert.ok(statSync(paths.get("tmp") ?? "").isDirectory());
    (configMaps[0] as ConfigMap).data = { a: "changed", b: "2" };
    await manager.setUp(p);
    assert.equal(read("cm", "sub/a.txt"), "changed");
    assert.deepEqual(await manager.podsOnDisk(), ["u1"]);
    await manager.tearDown("u1");
    assert.equal(existsSync(join(dir, "pods", "u1")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("hostPath type checks; a missing required ConfigMap fails the mount", async () => {
  const { dir, manager } = setup();
  try {
    const file = join(dir, "f");
    writeFileSync(file, "");
    await assert.rejects(
      manager.setUp(pod([{ name: "h", hostPath: { path: file, type: "Directory" } }])),
      /is not a directory/,
    );
    const made = join(dir, "made");
    await manager.setUp(pod([{ name: "h", hostPath: { path: made, type: "DirectoryOrCreate" } }]));
    assert.ok(statSync(made).isDirectory());
    await assert.rejects(
      manager.setUp(pod([{ name: "c", configMap: { name: "nope" } }])),
      /configmap "nope" not found/,
    );
    const hosts = await manager.hostsFile(pod([]), "10.1.0.5");
    assert.match(readFileSync(hosts, "utf8"), /10\.1\.0\.5\tp\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
