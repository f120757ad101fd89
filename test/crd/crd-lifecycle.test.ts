// CRDs with the whole control plane and across restarts: the garbage collector follows owner
// references to and from custom resources, namespace deletion empties custom resources too, and
// a restarted server serves established CRDs at once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kubectl } from "../support/kubectl.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";
import { cronTab, cronTabCrd } from "./fixtures.ts";

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("CRDs with the control plane", () => {
  const server = new SkiffServer();
  const ok = (...args: string[]) => server.client("1.32").ok(...args);
  const run = (args: string[], input: string) => server.client("1.32").run(args, { input });

  before(async () => {
    await server.start();
    await run(["apply", "-f", "-"], cronTabCrd);
    await ok("wait", "--for=condition=Established", "--timeout=10s", "crd/crontabs.stable.example.com");
  });
  after(async () => {
    await server.stop();
  });

  it("the garbage collector deletes dependents of a deleted custom resource", async () => {
    await run(["apply", "-f", "-"], cronTab("owner"));
    const uid = (await ok("get", "ct", "owner", "-o", "jsonpath={.metadata.uid}")).trim();
    const dependent = `apiVersion: v1
kind: ConfigMap
metadata:
  name: owned
  ownerReferences:
  - apiVersion: stable.example.com/v1
    kind: CronTab
    name: owner
    uid: ${uid}
data: {a: b}
`;
    const created = await run(["apply", "-f", "-"], dependent);
    assert.equal(created.code, 0, created.stderr);
    await ok("delete", "ct", "owner");
    await eventually(
      async () => (await server.client("1.32").run(["get", "configmap", "owned"])).code !== 0,
      "the ConfigMap owned by the CronTab to be collected",
    );
  });

  it("deleting a namespace deletes its custom resources", async () => {
    await ok("create", "namespace", "doomed");
    await run(["apply", "-n", "doomed", "-f", "-"], cronTab("inside"));
    await ok("delete", "namespace", "doomed", "--timeout=60s");
    const left = await server.client("1.32").run(["get", "ct", "-n", "doomed", "-o", "name"]);
    assert.equal(left.stdout.trim(), "");
  });
});

describe("CRDs across a server restart", () => {
  const dir = tempDir("skiff-crd-restart-");
  const args = [
    "server",
    "--disable-agent",
    "--disable-cluster-dns",
    "--disable-ingress",
    "--data-dir",
    dir.path,
    "--listen",
    "127.0.0.1:0",
  ];
  let kubectl: Kubectl | undefined;
  let child: SkiffChild | undefined;

  before(async () => {
    child = await SkiffChild.start(args, "ready at");
    kubectl = new Kubectl({
      version: "1.32",
      kubeconfig: `${dir.path}/kubeconfig`,
      cacheDir: `${dir.path}/cache`,
    });
  });
  after(async () => {
    await child?.stop();
    dir.remove();
  });

  it("serves established CRDs and their objects right after the restart", async () => {
    assert.ok(kubectl && child);
    await kubectl.run(["apply", "-f", "-"], { input: cronTabCrd });
    await kubectl.ok(
      "wait",
      "--for=condition=Established",
      "--timeout=10s",
      "crd/crontabs.stable.example.com",
    );
    const created = await kubectl.run(["apply", "-f", "-"], { input: cronTab("survivor") });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(await child.stop(), 0);
    child = await SkiffChild.start(args, "ready at");
    const fresh = new Kubectl({
      version: "1.32",
      kubeconfig: `${dir.path}/kubeconfig`,
      cacheDir: `${dir.path}/cache2`,
    });
    const table = await fresh.ok("get", "crontabs");
    assert.match(table, /^survivor\s+\* \* \* \* \*\/5\s+1\s+/m);
    const explained = await fresh.ok("explain", "crontab.spec.cronSpec");
    assert.match(explained, /FIELD:\s+cronSpec <string>/);
  });
});
