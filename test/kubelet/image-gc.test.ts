// The kubelet runs image garbage collection on its period: over the high threshold, images no
// container uses are removed (least recently used first) and images of existing containers and
// pinned ones stay. Thresholds 0/0 make any disk "full", so a pass always collects.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { Kubelet, resources } from "../../src/kubelet/agent/kubelet.ts";
import { TimerQueue } from "../../src/kubelet/clock.ts";
import { FakeRuntime } from "../../src/kubelet/runtime/fake/fake-runtime.ts";
import { type ClientFixture, startApi } from "../client/support.ts";

let api: ClientFixture;
let runtime: FakeRuntime;
let kubelet: Kubelet;
let dir: string;
const clock = new TimerQueue();

before(async () => {
  api = await startApi();
  dir = mkdtempSync(join(tmpdir(), "skiff-imagegc-"));
  runtime = new FakeRuntime({ clock });
  for (const image of ["old:1", "used:1", "pause:1"]) runtime.images.preload(image);
  kubelet = new Kubelet({
    client: api.client,
    runtime,
    nodeName: "gc1",
    dataDir: dir,
    podCidr: "10.200.1.0/24",
    clusterDNS: "10.43.0.10",
    relistMs: 200,
    statusUpdateMs: 300,
    imageGc: {
      imageFsPath: dir,
      pinned: ["pause:1"],
      policy: { highThresholdPercent: 0, lowThresholdPercent: 0, minAgeMs: 0 },
      periodMs: 300,
    },
  });
  await kubelet.start();
  await kubelet.waitReady();
});

after(async () => {
  await kubelet.stop();
  await runtime.close();
  clock.stop();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

test("unused images are collected; images of existing containers and pinned ones stay", async () => {
  await api.client.resource<Pod>(resources.pods).create(
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "user", namespace: "default" },
      spec: {
        nodeName: "gc1",
        containers: [{ name: "c", image: "used:1", imagePullPolicy: "IfNotPresent" }],
      },
    },
    { namespace: "default" },
  );
  let names: string[] = [];
  for (let i = 0; i < 100; i++) {
    names = (await runtime.images.listImages()).flatMap((x) => x.repoTags).sort();
    if (!names.includes("old:1")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(names, ["pause:1", "used:1"]);
  assert.ok((await runtime.listContainers()).some((c) => c.image.image === "used:1"));
});
