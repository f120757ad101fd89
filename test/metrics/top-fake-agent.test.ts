// `kubectl top` with the embedded agent of `skiff server --runtime fake`: its kubelet serves the
// hollow figures (half the requests, or skiff.dev/hollow-usage) at /metrics/resource.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { eventually, mebibytes, millicores, topRows } from "./support.ts";

process.env.SKIFF_METRIC_RESOLUTION = "1s";

const server = new SkiffServer({ agent: true, runtime: "fake" });

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  await server.start();
  await kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "steered", annotations: { "skiff.dev/hollow-usage": "cpu=300m,memory=48Mi" } },
      spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
    }),
  );
});

after(async () => {
  await server.stop();
});

test("the fake runtime's kubelet reports the annotation's figures", async () => {
  const row = await eventually("the pod in kubectl top", async () =>
    topRows(await kubectl(["top", "pods"])).find((r) => r.NAME === "steered"),
  );
  assert.equal(millicores(row["CPU(cores)"]), 300);
  assert.equal(mebibytes(row["MEMORY(bytes)"]), 48);
  const nodes = topRows(await kubectl(["top", "nodes"]));
  assert.equal(nodes.length, 1);
  assert.ok(millicores(nodes[0]?.["CPU(cores)"]) >= 300);
});
