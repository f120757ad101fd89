// The seed's Deployment walk-through with the real kubectl 1.32 against `skiff server` (embedded
// scheduler and controller-manager) and three hollow nodes from `skiff sim`: apply 2 → scale to 5
// → set image → rollout status → history shows 2 revisions → undo --to-revision=1; then
// pause/resume/restart.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
let sim: SkiffChild | undefined;

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, { timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}\n${server.log}`);
  return r.stdout;
}

async function podImages(): Promise<string[]> {
  const out = await kubectl([
    "get",
    "pods",
    "-l",
    "app=web",
    "-o",
    'jsonpath={range .items[?(@.status.phase=="Running")]}{.spec.containers[0].image}{"\\n"}{end}',
  ]);
  return out.split("\n").filter((l) => l !== "");
}

const manifest = JSON.stringify({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", annotations: { "kubernetes.io/change-cause": "initial nginx" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] },
    },
  },
});

before(async () => {
  await server.start();
  sim = await SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", "3"], "skiff sim ready");
});

after(async () => {
  await sim?.stop();
  await server.stop();
});

test("apply 2 → scale 5 → set image → rollout status/history → undo --to-revision=1", async () => {
  assert.match(await kubectl(["apply", "-f", "-"], manifest), /deployment.apps\/web created/);
  assert.match(
    await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]),
    /deployment "web" successfully rolled out/,
  );
  assert.match(await kubectl(["scale", "deployment/web", "--replicas=5"]), /deployment.apps\/web scaled/);
  await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]);
  const ready = (await kubectl(["get", "deployment", "web", "--no-headers"])).trim().split(/\s+/);
  assert.deepEqual(ready.slice(0, 4), ["web", "5/5", "5", "5"]);
  assert.deepEqual(await podImages(), Array(5).fill("nginx:1.25"));

  await kubectl(["set", "image", "deployment/web", "nginx=nginx:1.26"]);
  assert.match(
    await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]),
    /successfully rolled out/,
  );
  assert.deepEqual(await podImages(), Array(5).fill("nginx:1.26"));

  const history = await kubectl(["rollout", "history", "deployment/web"]);
  const rows = history.split("\n").filter((l) => /^\d+\s/.test(l));
  assert.equal(rows.length, 2, history);
  assert.match(rows[0] ?? "", /^1\s+initial nginx$/);
  assert.match(
    await kubectl(["rollout", "history", "deployment/web", "--revision=1"]),
    /Image:\s+nginx:1\.25/,
  );

  assert.match(
    await kubectl(["rollout", "undo", "deployment/web", "--to-revision=1"]),
    /deployment.apps\/web rolled back/,
  );
  await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]);
  assert.equal(
    await kubectl(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]),
    "nginx:1.25",
  );
  assert.deepEqual(await podImages(), Array(5).fill("nginx:1.25"));
  // Revision 1 became 3: the old ReplicaSet was re-used, not a new one created.
  const after = (await kubectl(["rollout", "history", "deployment/web"]))
    .split("\n")
    .filter((l) => /^\d+\s/.test(l));
  assert.deepEqual(
    after.map((l) => l.split(/\s+/)[0]),
    ["2", "3"],
  );
  const sets = (await kubectl(["get", "rs", "-l", "app=web", "--no-headers"])).trim().split("\n");
  assert.equal(sets.length, 2);
  const undoAgain = await server.kubectl(["rollout", "undo", "deployment/web", "--to-revision=3"]);
  assert.match(
    undoAgain.stdout + undoAgain.stderr,
    /skipped rollback \(current template already matches revision 3\)/,
  );
  const describe = await kubectl(["describe", "deployment", "web"]);
  assert.match(describe, /Available\s+True\s+MinimumReplicasAvailable/);
  assert.match(describe, /Progressing\s+True\s+NewReplicaSetAvailable/);
  assert.match(describe, /ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set web-/);
});

test("rollout pause, resume and restart", async () => {
  await kubectl(["rollout", "pause", "deployment/web"]);
  await kubectl(["set", "image", "deployment/web", "nginx=nginx:1.27"]);
  const paused = JSON.parse(await kubectl(["get", "deployment", "web", "-o", "json"]));
  assert.equal(paused.spec.paused, true);
  // Paused: no new ReplicaSet for 1.27 even after the controller has seen the change.
  for (let i = 0; i < 100; i++) {
    const d = JSON.parse(await kubectl(["get", "deployment", "web", "-o", "json"]));
    if (d.status.observedGeneration >= d.metadata.generation) {
      const progressing = d.status.conditions.find((c: { type: string }) => c.type === "Progressing");
      assert.equal(progressing.reason, "DeploymentPaused");
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(await podImages(), Array(5).fill("nginx:1.25"));
  await kubectl(["rollout", "resume", "deployment/web"]);
  await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]);
  assert.deepEqual(await podImages(), Array(5).fill("nginx:1.27"));
  const before = await kubectl([
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}",
  ]);
  await kubectl(["rollout", "restart", "deployment/web"]);
  await kubectl(["rollout", "status", "deployment/web", "--timeout=60s"]);
  const afterRestart = await kubectl([
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}",
  ]);
  assert.equal(Number(afterRestart), Number(before) + 1);
});
