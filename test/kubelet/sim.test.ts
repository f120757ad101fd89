// `skiff sim` against a real `skiff server`, observed with the real kubectl 1.32.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
let sim: SkiffChild | undefined;

function startSim(args: string[]): Promise<SkiffChild> {
  return SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, ...args], "skiff sim ready");
}

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Polls until `check` returns a value (no timing assertions: the test's own timeout bounds it). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}\n${sim?.log ?? ""}`);
}

function podYaml(
  name: string,
  node: string,
  opts: { restartPolicy?: string; annotations?: Record<string, string> } = {},
) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, annotations: opts.annotations ?? {} },
    spec: {
      nodeName: node,
      restartPolicy: opts.restartPolicy ?? "Always",
      containers: [{ name: "c", image: "busybox:1.36" }],
    },
  });
}

/** `kubectl get pod NAME --no-headers -o wide` split into columns. */
async function podRow(name: string): Promise<string[]> {
  return (await kubectl(["get", "pod", name, "--no-headers", "-o", "wide"])).trim().split(/\s{2,}/);
}

before(async () => {
  await server.start();
  sim = await startSim(["--nodes", "3", "--labels", "topology.kubernetes.io/zone=zone-{i%2}"]);
});

after(async () => {
  await sim?.stop();
  await server.stop();
});

test("kubectl get nodes shows three Ready hollow nodes with the fake runtime", async () => {
  const out = await kubectl(["get", "nodes", "--no-headers", "-o", "wide"]);
  const rows = out
    .trim()
    .split("\n")
    .map((l) => l.split(/\s{2,}/));
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    [
      ["hollow-node-0", "Ready"],
      ["hollow-node-1", "Ready"],
      ["hollow-node-2", "Ready"],
    ],
  );
  assert.ok(rows.every((r) => r.includes("fake://0.1.0")));
  const zone = await kubectl([
    "get",
    "node",
    "hollow-node-1",
    "-o",
    "jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone} {.spec.podCIDR} {.status.allocatable.pods}",
  ]);
  assert.equal(zone, "zone-1 10.64.1.0/24 110");
});

test("a pod bound to a hollow node runs with an IP from the node's pod CIDR and becomes ready", async () => {
  await kubectl(["apply", "-f", "-"], podYaml("web", "hollow-node-2"));
  const row = await until(async () => {
    const r = await podRow("web");
    return r[1] === "1/1" && r[2] === "Running" ? r : undefined;
  }, "web Running 1/1");
  assert.match(row[5] ?? "", /^10\.64\.2\.\d+$/);
  assert.equal(row[6], "hollow-node-2");
  const conditions = await kubectl([
    "get",
    "pod",
    "web",
    "-o",
    "jsonpath={range .status.conditions[*]}{.type}={.status} {end}",
  ]);
  for (const c of [
    "PodReadyToStartContainers=True",
    "Initialized=True",
    "Ready=True",
    "ContainersReady=True",
    "PodScheduled=True",
  ]) {
    assert.ok(conditions.includes(c), `${c} in ${conditions}`);
  }
});

test("run-seconds and exit-code annotations end pods as Completed and Error", async () => {
  const items = [
    podYaml("done", "hollow-node-0", {
      restartPolicy: "Never",
      annotations: { "sim.skiff.dev/run-seconds": "1" },
    }),
    podYaml("broken", "hollow-node-1", {
      restartPolicy: "Never",
      annotations: { "sim.skiff.dev/run-seconds": "1", "sim.skiff.dev/exit-code": "3" },
    }),
  ].map((p) => JSON.parse(p));
  await kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  await until(async () => ((await podRow("done"))[2] === "Completed" ? true : undefined), "done Completed");
  await until(async () => ((await podRow("broken"))[2] === "Error" ? true : undefined), "broken Error");
  assert.equal(await kubectl(["get", "pod", "done", "-o", "jsonpath={.status.phase}"]), "Succeeded");
  assert.equal(
    await kubectl([
      "get",
      "pod",
      "broken",
      "-o",
      "jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}",
    ]),
    "Failed 3",
  );
});

test("restartPolicy Always restarts an exiting container and counts the restarts", async () => {
  await kubectl(
    ["apply", "-f", "-"],
    podYaml("loop", "hollow-node-0", { annotations: { "sim.skiff.dev/run-seconds": "1" } }),
  );
  const row = await until(async () => {
    const r = await podRow("loop");
    return Number.parseInt(r[3] ?? "0", 10) >= 1 ? r : undefined;
  }, "loop restarted");
  assert.match(row[3] ?? "", /^\d+ \(\d+s ago\)$/);
  assert.equal(await kubectl(["get", "pod", "loop", "-o", "jsonpath={.status.phase}"]), "Running");
});

test("kubectl delete pod finishes, also when the hollow kubelet must complete the deletion", async () => {
  await kubectl(["delete", "pod", "web", "--wait=true"]);
  const left = await server.kubectl(["get", "pod", "web"]);
  assert.notEqual(left.code, 0);
  // A finalizer makes the deletion graceful (deletionTimestamp set, object kept): the hollow
  // kubelet kills the pod, reports a terminal phase and deletes it with grace 0.
  const held = JSON.parse(podYaml("held", "hollow-node-1"));
  held.metadata.finalizers = ["example.com/hold"];
  await kubectl(["apply", "-f", "-"], JSON.stringify(held));
  await until(async () => ((await podRow("held"))[2] === "Running" ? true : undefined), "held Running");
  await kubectl(["delete", "pod", "held", "--wait=false"]);
  const phase = await until(async () => {
    const p = await kubectl(["get", "pod", "held", "-o", "jsonpath={.status.phase}"]);
    return p === "Failed" ? p : undefined;
  }, "held terminal");
  assert.equal(phase, "Failed");
  await kubectl([
    "patch",
    "pod",
    "held",
    "--type=json",
    "-p",
    '[{"op":"remove","path":"/metadata/finalizers"}]',
  ]);
  await until(
    async () => ((await server.kubectl(["get", "pod", "held"])).code !== 0 ? true : undefined),
    "held gone",
  );
});

test("node leases are renewed", async () => {
  const renewTime = () =>
    kubectl(["get", "lease", "-n", "kube-node-lease", "hollow-node-0", "-o", "jsonpath={.spec.renewTime}"]);
  const first = await renewTime();
  assert.match(first, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const later = await until(async () => {
    const t = await renewTime();
    return t > first ? t : undefined;
  }, "lease renewal");
  assert.ok(Date.parse(later) > Date.parse(first));
});

test("on SIGTERM heartbeats stop and the nodes stay; --cleanup deletes them", async () => {
  assert.ok(sim);
  assert.equal(await sim.stop(), 0);
  sim = undefined;
  assert.equal((await kubectl(["get", "nodes", "--no-headers"])).trim().split("\n").length, 3);
  const other = await startSim(["--nodes", "2", "--prefix", "extra", "--cleanup"]);
  assert.equal((await kubectl(["get", "nodes", "--no-headers"])).trim().split("\n").length, 5);
  assert.equal(await other.stop(), 0);
  const names = (await kubectl(["get", "nodes", "-o", "name"])).trim().split("\n");
  assert.deepEqual(names, ["node/hollow-node-0", "node/hollow-node-1", "node/hollow-node-2"]);
  assert.equal(
    (await kubectl(["get", "lease", "-n", "kube-node-lease", "-o", "name"])).trim().split("\n").length,
    3,
  );
});
