// StatefulSet on hollow nodes with the real kubectl 1.32: ordered creation with stable names,
// labels and claims; rollout status, a partitioned rolling update, history and undo; scale-down
// from the highest ordinal.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestCluster, until } from "./cluster-support.ts";

const cluster = new TestCluster();

before(async () => {
  await cluster.start();
  await cluster.startSim("node", 2, ["--ready-delay", "500ms"]);
});

after(async () => {
  await cluster.stop();
});

const manifests = {
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80 }] },
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "web" },
      spec: {
        serviceName: "web",
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "www" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          },
        ],
      },
    },
  ],
};

interface PodView {
  name: string;
  ready: boolean;
  deleting: boolean;
  image: string;
  revision: string;
}

async function pods(): Promise<Map<string, PodView>> {
  const list = await cluster.json(["get", "pods", "-l", "app=web"]);
  const out = new Map<string, PodView>();
  for (const p of list.items) {
    out.set(p.metadata.name, {
      name: p.metadata.name,
      ready: (p.status.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
      ),
      deleting: Boolean(p.metadata.deletionTimestamp),
      image: p.spec.containers[0].image,
      revision: p.metadata.labels["controller-revision-hash"],
    });
  }
  return out;
}

async function images(): Promise<string[]> {
  const p = await pods();
  return ["web-0", "web-1", "web-2"].map((n) => p.get(n)?.image ?? "-");
}

test("OrderedReady creates web-0, web-1, web-2 in order, each with its claim and identity", async () => {
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(manifests));
  // At every observation a pod exists only if its predecessor is Running and Ready.
  await until(async () => {
    const p = await pods();
    for (let k = 1; k < 3; k++) {
      if (p.has(`web-${k}`))
        assert.ok(p.get(`web-${k - 1}`)?.ready, `web-${k} exists while web-${k - 1} is not ready`);
    }
    return p.size === 3 && [...p.values()].every((v) => v.ready) ? true : undefined;
  }, "3 ready pods");
  const rollout = await cluster.kubectl(["rollout", "status", "statefulset/web", "--timeout=60s"]);
  assert.match(rollout, /partitioned roll out complete: 3 new pods have been updated/);
  const pod1 = await cluster.json(["get", "pod", "web-1"]);
  assert.equal(pod1.metadata.labels["statefulset.kubernetes.io/pod-name"], "web-1");
  assert.equal(pod1.metadata.labels["apps.kubernetes.io/pod-index"], "1");
  assert.equal(pod1.spec.hostname, "web-1");
  assert.equal(pod1.spec.subdomain, "web");
  assert.deepEqual(pod1.spec.volumes.find((v: { name: string }) => v.name === "www").persistentVolumeClaim, {
    claimName: "www-web-1",
  });
  assert.equal(pod1.metadata.ownerReferences[0].kind, "StatefulSet");
  const claims = await cluster.kubectl(["get", "pvc", "-o", "jsonpath={.items[*].metadata.name}"]);
  assert.deepEqual(claims.split(" ").sort(), ["www-web-0", "www-web-1", "www-web-2"]);
  const row = (await cluster.kubectl(["get", "statefulset", "web", "--no-headers"])).trim().split(/\s+/);
  assert.deepEqual(row.slice(0, 2), ["web", "3/3"]);
});

test("a partitioned rolling update changes only ordinals ≥ partition, then all; history and undo", async () => {
  await cluster.kubectl([
    "patch",
    "statefulset",
    "web",
    "--type=merge",
    "-p",
    '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}',
  ]);
  await cluster.kubectl(["set", "image", "statefulset/web", "nginx=nginx:1.26"]);
  const partitioned = await cluster.kubectl(["rollout", "status", "statefulset/web", "--timeout=60s"]);
  assert.match(partitioned, /partitioned roll out complete: 1 new pods have been updated/);
  assert.deepEqual(await images(), ["nginx:1.25", "nginx:1.25", "nginx:1.26"]);
  const status = (await cluster.json(["get", "statefulset", "web"])).status;
  assert.notEqual(status.currentRevision, status.updateRevision);
  assert.equal(status.updatedReplicas, 1);
  assert.equal(status.currentReplicas, 2);

  await cluster.kubectl([
    "patch",
    "statefulset",
    "web",
    "--type=merge",
    "-p",
    '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}',
  ]);
  await until(async () => {
    const s = (await cluster.json(["get", "statefulset", "web"])).status;
    return s.currentRevision === s.updateRevision && s.updatedReplicas === 3 && s.readyReplicas === 3
      ? s
      : undefined;
  }, "rolled out to all");
  assert.deepEqual(await images(), ["nginx:1.26", "nginx:1.26", "nginx:1.26"]);

  const history = await cluster.kubectl(["rollout", "history", "statefulset/web"]);
  assert.deepEqual(
    history
      .split("\n")
      .filter((l) => /^\d+\s/.test(l))
      .map((l) => l.split(/\s+/)[0]),
    ["1", "2"],
  );
  assert.match(
    await cluster.kubectl(["rollout", "history", "statefulset/web", "--revision=1"]),
    /nginx:1\.25/,
  );
  assert.match(
    await cluster.kubectl(["rollout", "undo", "statefulset/web"]),
    /statefulset.apps\/web rolled back/,
  );
  await until(async () => {
    const s = (await cluster.json(["get", "statefulset", "web"])).status;
    return s.currentRevision === s.updateRevision && s.updatedReplicas === 3 && s.readyReplicas === 3
      ? s
      : undefined;
  }, "undo rolled out");
  assert.deepEqual(await images(), ["nginx:1.25", "nginx:1.25", "nginx:1.25"]);
  const revisions = await cluster.kubectl([
    "get",
    "controllerrevisions",
    "-o",
    "jsonpath={.items[*].revision}",
  ]);
  assert.deepEqual(revisions.split(" ").sort(), ["2", "3"]);
});

test("scaling down removes the highest ordinals; claims are retained", async () => {
  await cluster.kubectl(["scale", "statefulset/web", "--replicas=1"]);
  await until(async () => {
    const p = await pods();
    return p.size === 1 && p.has("web-0") ? true : undefined;
  }, "only web-0 left");
  const events = await cluster.kubectl([
    "get",
    "events",
    "--field-selector",
    "involvedObject.name=web,reason=SuccessfulDelete",
    "-o",
    'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
  ]);
  assert.match(events, /delete Pod web-2 in StatefulSet web successful/);
  const claims = await cluster.kubectl(["get", "pvc", "-o", "jsonpath={.items[*].metadata.name}"]);
  assert.equal(claims.split(" ").length, 3);
});
