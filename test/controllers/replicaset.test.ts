// ReplicationController and ReplicaSet through the real kubectl 1.32 against `skiff server` and
// hollow nodes: a deleted RC pod is replaced; `kubectl scale rs` down removes pods and the
// status columns follow; a separately run `skiff controller-manager` restarted mid-rollout
// converges to the same end state.
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

function kubectlOn(server: SkiffServer) {
  return async (args: string[], input?: string): Promise<string> => {
    const r = await server.kubectl(args, { timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
}

describe("replication controllers with kubectl on hollow nodes", () => {
  const server = new SkiffServer();
  const children: SkiffChild[] = [];
  after(async () => {
    for (const c of children) await c.stop();
    await server.stop();
  });

  it("replaces a deleted RC pod and scales a ReplicaSet down", async () => {
    await server.start();
    children.push(
      await SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", "2"], "skiff sim ready"),
    );
    const kubectl = kubectlOn(server);
    const rc = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "rc" },
      spec: {
        replicas: 3,
        selector: { app: "rc" },
        template: {
          metadata: { labels: { app: "rc" } },
          spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
        },
      },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(rc));
    const running = async (label: string): Promise<string[]> =>
      (
        await kubectl([
          "get",
          "pods",
          "-l",
          label,
          "--field-selector=status.phase=Running",
          "-o",
          "jsonpath={.items[*].metadata.name}",
        ])
      )
        .split(" ")
        .filter((n) => n !== "");
    const first = await until(async () => {
      const names = await running("app=rc");
      return names.length === 3 ? names : undefined;
    }, "3 running RC pods");
    const victim = first[0] ?? "";
    assert.match(await kubectl(["delete", "pod", victim]), new RegExp(`pod "${victim}" deleted`));
    const replaced = await until(async () => {
      const names = await running("app=rc");
      return names.length === 3 && !names.includes(victim) ? names : undefined;
    }, "a replacement pod");
    assert.equal(replaced.filter((n) => first.includes(n)).length, 2);
    const row = await until(async () => {
      const cols = (await kubectl(["get", "rc", "rc", "--no-headers"])).trim().split(/\s+/);
      return cols[1] === "3" && cols[2] === "3" && cols[3] === "3" ? cols : undefined;
    }, "rc DESIRED/CURRENT/READY 3/3/3");
    assert.equal(row[0], "rc");
    const events = await kubectl([
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=rc",
      "-o",
      "jsonpath={.items[*].reason}",
    ]);
    assert.match(events, /SuccessfulCreate/);

    const rs = {
      ...rc,
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "rs" },
      spec: {
        ...rc.spec,
        replicas: 4,
        selector: { matchLabels: { app: "rs" } },
        template: { ...rc.spec.template, metadata: { labels: { app: "rs" } } },
      },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(rs));
    await until(async () => ((await running("app=rs")).length === 4 ? true : undefined), "4 running RS pods");
    await kubectl(["scale", "rs/rs", "--replicas=1"]);
    const cols = await until(async () => {
      const c = (await kubectl(["get", "rs", "rs", "--no-headers"])).trim().split(/\s+/);
      return c[1] === "1" && c[2] === "1" && c[3] === "1" ? c : undefined;
    }, "rs 1/1/1");
    assert.equal(cols[0], "rs");
    await until(async () => ((await running("app=rs")).length === 1 ? true : undefined), "1 running RS pod");
    const deleted = await kubectl([
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=rs,reason=SuccessfulDelete",
      "-o",
      "jsonpath={.items[*].message}",
    ]);
    assert.match(deleted, /Deleted pod: rs-/);
  });
});

describe("controller-manager restarted mid-rollout", () => {
  const server = new SkiffServer();
  const children: SkiffChild[] = [];
  after(async () => {
    for (const c of children) await c.stop();
    await server.stop();
  });

  it("converges to the same end state", async () => {
    await server.start(["--disable-controller-manager"]);
    // Pods take 1 s to become ready, so the rollout is still under way when the manager stops.
    children.push(
      await SkiffChild.start(
        ["sim", "--kubeconfig", server.kubeconfig, "--nodes", "3", "--ready-delay", "1s"],
        "skiff sim ready",
      ),
    );
    const cm = () =>
      SkiffChild.start(
        ["controller-manager", "--kubeconfig", server.kubeconfig],
        "skiff controller-manager started",
      );
    let manager = await cm();
    const kubectl = kubectlOn(server);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app" },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: "app" } },
        template: {
          metadata: { labels: { app: "app" } },
          spec: { containers: [{ name: "c", image: "img:1" }] },
        },
      },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(deployment));
    await kubectl(["rollout", "status", "deployment/app", "--timeout=60s"]);
    await kubectl(["set", "image", "deployment/app", "c=img:2"]);
    await until(async () => {
      const d = JSON.parse(await kubectl(["get", "deployment", "app", "-o", "json"]));
      return (d.status.updatedReplicas ?? 0) > 0 ? true : undefined;
    }, "the rollout to start");
    await manager.stop();
    const mid = JSON.parse(await kubectl(["get", "deployment", "app", "-o", "json"]));
    manager = await cm();
    children.push(manager);
    await kubectl(["rollout", "status", "deployment/app", "--timeout=90s"]);
    const d = JSON.parse(await kubectl(["get", "deployment", "app", "-o", "json"]));
    assert.deepEqual(
      [
        d.status.replicas,
        d.status.updatedReplicas,
        d.status.availableReplicas,
        d.metadata.annotations["deployment.kubernetes.io/revision"],
      ],
      [6, 6, 6, "2"],
    );
    const sets = JSON.parse(await kubectl(["get", "rs", "-l", "app=app", "-o", "json"])).items as {
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    }[];
    assert.equal(sets.length, 2, "no duplicate ReplicaSet after the restart");
    const bySize = sets.map((s) => [s.spec.template.spec.containers[0]?.image, s.spec.replicas]).sort();
    assert.deepEqual(bySize, [
      ["img:1", 0],
      ["img:2", 6],
    ]);
    const pods = (
      await kubectl([
        "get",
        "pods",
        "-l",
        "app=app",
        "-o",
        'jsonpath={range .items[*]}{.spec.containers[0].image}{" "}{.metadata.deletionTimestamp}{"\\n"}{end}',
      ])
    )
      .split("\n")
      .filter((l) => l.trim() !== "" && l.trim().split(" ").length === 1);
    assert.deepEqual(
      pods.map((l) => l.trim()),
      Array(6).fill("img:2"),
    );
    // The stop came mid-rollout (not after it had finished).
    assert.ok(
      mid.status.updatedReplicas < 6 || mid.status.replicas > 6 || mid.status.availableReplicas < 6,
      JSON.stringify(mid.status),
    );
  });
});
