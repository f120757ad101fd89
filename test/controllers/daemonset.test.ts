// DaemonSet through the real kubectl 1.32 against `skiff server` and hollow nodes: one pod per
// eligible node (a NoSchedule-tainted node is skipped), following a node that joins and leaves;
// `kubectl get ds` columns; a rolling update with `rollout status`, `rollout history` and
// `rollout undo --to-revision=1` over ControllerRevisions.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("DaemonSet with kubectl on hollow nodes", () => {
  const server = new SkiffServer();
  const children: SkiffChild[] = [];
  after(async () => {
    for (const c of children) await c.stop();
    await server.stop();
  });
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const r = await server.kubectl(args, { timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const sim = (args: string[]) =>
    SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, ...args], "skiff sim ready");
  /** node name → image of the running daemon pod there. */
  const daemonPods = async (): Promise<Map<string, string>> => {
    const out = await kubectl([
      "get",
      "pods",
      "-l",
      "app=agent",
      "-o",
      'jsonpath={range .items[*]}{.spec.nodeName}{" "}{.status.phase}{" "}{.spec.containers[0].image}{" "}{.metadata.deletionTimestamp}{"\\n"}{end}',
    ]);
    const m = new Map<string, string>();
    for (const line of out.split("\n")) {
      const [node, phase, image, deleting] = line.trim().split(" ");
      if (node && phase === "Running" && !deleting) m.set(node, image ?? "");
    }
    return m;
  };
  const columns = async (): Promise<string> =>
    (await kubectl(["get", "ds", "agent", "--no-headers"])).trim().split(/\s+/).slice(1, 6).join(" ");

  it("runs one pod per eligible node, follows nodes joining and leaving, rolls updates and undoes them", async () => {
    await server.start();
    children.push(await sim(["--nodes", "2"]));
    children.push(
      await sim([
        "--nodes",
        "1",
        "--prefix",
        "tainted",
        "--first-index",
        "2",
        "--taints",
        "dedicated=db:NoSchedule",
      ]),
    );
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: "agent" } },
          spec: { containers: [{ name: "c", image: "agent:1" }] },
        },
      },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(ds));
    await until(async () => ((await columns()) === "2 2 2 2 2" ? true : undefined), "ds 2/2/2/2/2");
    assert.deepEqual([...(await daemonPods()).keys()].sort(), ["hollow-node-0", "hollow-node-1"]);

    const joining = await sim(["--nodes", "1", "--prefix", "extra", "--first-index", "3", "--cleanup"]);
    await until(
      async () => ((await columns()) === "3 3 3 3 3" ? true : undefined),
      "ds follows the new node",
    );
    assert.ok((await daemonPods()).has("extra-3"), "pod on the joined node");
    await joining.stop();
    await until(async () => ((await columns()) === "2 2 2 2 2" ? true : undefined), "ds after the node left");
    await until(
      async () =>
        (await kubectl(["get", "pods", "-l", "app=agent", "--no-headers"])).trim().split("\n").length === 2
          ? true
          : undefined,
      "the departed node's pod removed",
    );

    await kubectl(["set", "image", "ds/agent", "c=agent:2"]);
    const status = await kubectl(["rollout", "status", "ds/agent", "--timeout=60s"]);
    assert.match(status, /daemon set "agent" successfully rolled out/);
    await until(async () => {
      const pods = await daemonPods();
      return pods.size === 2 && [...pods.values()].every((i) => i === "agent:2") ? true : undefined;
    }, "all daemon pods on agent:2");
    const history = await kubectl(["rollout", "history", "ds/agent"]);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    assert.match(await kubectl(["rollout", "history", "ds/agent", "--revision=1"]), /agent:1/);
    await kubectl(["rollout", "undo", "ds/agent", "--to-revision=1"]);
    await kubectl(["rollout", "status", "ds/agent", "--timeout=60s"]);
    await until(async () => {
      const pods = await daemonPods();
      return pods.size === 2 && [...pods.values()].every((i) => i === "agent:1") ? true : undefined;
    }, "all daemon pods back on agent:1");
    const revisions = await kubectl([
      "get",
      "controllerrevisions",
      "-l",
      "app=agent",
      "-o",
      "jsonpath={.items[*].revision}",
    ]);
    assert.deepEqual(revisions.split(" ").sort(), ["2", "3"]);
    assert.equal(await columns(), "2 2 2 2 2");
  });
});
