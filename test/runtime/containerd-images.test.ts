// The containerd runtime's ImageService against a real containerd: archive import, pull from a
// plain-HTTP registry on 127.0.0.1 (docker-registry, pushed to with skopeo), status, list, remove,
// image filesystem usage, and a container run from the pulled image.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { testImages } from "../support/images.ts";
import { tempDir } from "../support/tempdir.ts";
import { busyboxImage, openTestRuntime, type TestRuntime } from "./containerd-harness.ts";

let t: TestRuntime;
let registry: ChildProcess | undefined;
const registryDir = tempDir("skc-registry-");
const port = 30_000 + Math.floor(Math.random() * 20_000);
const pulledRef = `127.0.0.1:${port}/skiff-test/busybox:v1`;

async function waitForRegistry(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("docker-registry did not start");
}

before(async () => {
  writeFileSync(
    `${registryDir.path}/config.yml`,
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${registryDir.path}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  registry = spawn("docker-registry", ["serve", `${registryDir.path}/config.yml`], { stdio: "ignore" });
  await waitForRegistry();
  execFileSync("skopeo", [
    "copy",
    "--dest-tls-verify=false",
    `oci-archive:${testImages().busybox}:${busyboxImage}`,
    `docker://${pulledRef}`,
  ]);
  t = await openTestRuntime({ bridge: "skc2", subnet: "10.201.2.0/24" });
});

after(async () => {
  const left = t ? await t.teardown() : [];
  registry?.kill();
  registryDir.remove();
  assert.deepEqual(left, []);
});

test("importImage loads an OCI archive and reports every name it carries", async () => {
  const images = await t.runtime.images.importImage(testImages().busybox);
  const tags = images.flatMap((i) => i.repoTags);
  assert.ok(tags.includes("skiff.local/busybox:1"), tags.join(","));
  assert.ok(tags.includes("docker.io/library/busybox:latest"));
  assert.match(images[0]?.id ?? "", /^sha256:[0-9a-f]{64}$/);
});

test("pullImage fetches from a plain-HTTP registry on 127.0.0.1; the image then runs", async () => {
  assert.equal(await t.runtime.images.imageStatus({ image: pulledRef }), undefined);
  const ref = await t.runtime.images.pullImage({ image: pulledRef });
  assert.match(ref, /^sha256:[0-9a-f]{64}$/);
  const status = await t.runtime.images.imageStatus({ image: pulledRef });
  assert.ok(status);
  assert.equal(status.id, ref);
  assert.ok(status.repoTags.includes(pulledRef));
  assert.ok(status.repoDigests.some((d) => d.startsWith(`127.0.0.1:${port}/skiff-test/busybox@sha256:`)));
  assert.ok(status.size > 0);

  const config = t.sandboxConfig("pulled");
  const sandboxId = await t.runtime.runPodSandbox(config);
  const id = await t.runtime.createContainer(
    sandboxId,
    { metadata: { name: "main", attempt: 0 }, image: { image: pulledRef }, command: ["sleep", "60"] },
    config,
  );
  await t.runtime.startContainer(id);
  const r = await t.runtime.execSync(id, ["echo", "from-pulled-image"], 5);
  assert.equal(r.stdout.toString(), "from-pulled-image\n");
  await t.runtime.stopPodSandbox(sandboxId);
  await t.runtime.removePodSandbox(sandboxId);
});

test("listImages, fsUsage and removeImage", async () => {
  const listed = await t.runtime.images.listImages();
  assert.ok(listed.some((i) => i.repoTags.includes("skiff.local/pause:3.9")));
  assert.ok(listed.some((i) => i.repoTags.includes(pulledRef)));
  const usage = await t.runtime.images.fsUsage();
  assert.ok(usage.usedBytes > 0);
  assert.ok(usage.capacityBytes > usage.usedBytes);
  await t.runtime.images.removeImage({ image: pulledRef });
  assert.equal(await t.runtime.images.imageStatus({ image: pulledRef }), undefined);
  // Removing twice is fine (CRI's RemoveImage is idempotent).
  await t.runtime.images.removeImage({ image: pulledRef });
});

test("pulling an image the registry does not have fails clearly", async () => {
  await assert.rejects(
    t.runtime.images.pullImage({ image: `127.0.0.1:${port}/skiff-test/missing:v1` }),
    /not found/,
  );
});
