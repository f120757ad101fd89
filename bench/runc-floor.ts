// The bare container-start floor on this machine next to Skiff's runc runtime: `runc run -d` (and
// crun in its private mount namespace) of one prepared bundle, 20 containers each, then the runc
// runtime's own runPodSandbox and createContainer+startContainer measured in the same run.
// Usage: node --import tsx bench/runc-floor.ts [count]   Prints one JSON document. Needs root.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { ImageStore } from "../src/kubelet/images/store.ts";
import { removeCgroup } from "../src/kubelet/runtime/runc/cgroups.ts";
import { writeCrunWrapper } from "../src/kubelet/runtime/runc/oci-cli.ts";
import { buildSpec } from "../src/kubelet/runtime/runc/oci-spec.ts";
import { openRuncRuntime } from "../src/kubelet/runtime/runc/runc-runtime.ts";
import { testImages } from "../test/support/images.ts";

const count = Number(process.argv[2] ?? 20);
const round = (n: number) => Math.round(n * 10) / 10;

function percentiles(latencies: number[]): {
  n: number;
  p50_ms: number;
  p99_ms: number;
  min_ms: number;
  max_ms: number;
} {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
  return {
    n: s.length,
    p50_ms: round(at(50)),
    p99_ms: round(at(99)),
    min_ms: round(s[0] ?? NaN),
    max_ms: round(s.at(-1) ?? NaN),
  };
}

const tag = randomBytes(3).toString("hex");
const dir = mkdtempSync(join(tmpdir(), "skiff-runc-floor-"));
const cgroupParent = `/skiff-bench-${tag}`;

async function floor(runtimePath: string, rootfs: string, name: string): Promise<number[]> {
  const root = join(dir, `${name}-root`);
  const bundle = join(dir, `${name}-bundle`);
  mkdirSync(root, { recursive: true });
  mkdirSync(bundle, { recursive: true });
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${name}-${tag}-${i}`;
    // The spec builder's output for a plain `sleep`, without a sandbox netns (the floor has no network).
    const spec = buildSpec({
      config: {
        metadata: { name: "floor", attempt: 0 },
        image: { image: "busybox" },
        command: ["sleep", "3600"],
      },
      image: {},
      rootfs,
      hostname: "floor",
      cgroupsPath: `${cgroupParent}/${id}`,
      sandboxFiles: { hosts: "/etc/hosts", resolvConf: "/etc/resolv.conf", hostname: "/etc/hostname" },
      user: { uid: 0, gid: 0, additionalGids: [] },
    });
    spec.root.readonly = true; // one rootfs shared by all floor containers
    writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));
    const start = performance.now();
    execFileSync(runtimePath, [`--root=${root}`, "run", "--detach", "--bundle", bundle, id], {
      stdio: "ignore",
    });
    latencies.push(performance.now() - start);
  }
  for (let i = 0; i < count; i++) {
    execFileSync(runtimePath, [`--root=${root}`, "delete", "--force", `${name}-${tag}-${i}`], {
      stdio: "ignore",
    });
  }
  return latencies;
}

async function runtimePath(images: ImageStore): Promise<Record<string, unknown>> {
  const runtime = await openRuncRuntime({
    stateDir: join(dir, "runtime"),
    images,
    network: { bridge: `skr${tag}`, name: `skr-bench-${tag}`, podCidr: "10.202.250.0/24" },
    cgroupRoot: cgroupParent,
  });
  const sandboxes: number[] = [];
  const containers: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const config = {
        metadata: { name: `bench-${i}`, namespace: "default", uid: `${tag}-${i}`, attempt: 0 },
        logDirectory: join(dir, "logs", String(i)),
      };
      let start = performance.now();
      const sandboxId = await runtime.runPodSandbox(config);
      sandboxes.push(performance.now() - start);
      start = performance.now();
      const id = await runtime.createContainer(
        sandboxId,
        {
          metadata: { name: "c", attempt: 0 },
          image: { image: "docker.io/library/busybox:latest" },
          command: ["sleep", "3600"],
          logPath: "c.log",
        },
        config,
      );
      await runtime.startContainer(id);
      containers.push(performance.now() - start);
    }
  } finally {
    for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
    await runtime.network.removeBridge();
    await runtime.close();
  }
  return { runPodSandbox: percentiles(sandboxes), createAndStartContainer: percentiles(containers) };
}

try {
  const images = new ImageStore({ dataDir: dir });
  await images.importImage(testImages().busybox);
  const { rootfs } = await images.rootfs("docker.io/library/busybox:latest");
  const crun = await writeCrunWrapper(join(dir, "bin"));
  const result = {
    count,
    loadavg: execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).trim(),
    runcRunDetached: percentiles(await floor("/usr/sbin/runc", rootfs, "runc")),
    crunRunDetached: percentiles(await floor(crun, rootfs, "crun")),
    runcRuntime: await runtimePath(images),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await removeCgroup(cgroupParent);
  rmSync(dir, { recursive: true, force: true });
}
