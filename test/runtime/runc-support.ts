// A runc runtime for one test file: own state dir, bridge (`skr…`), subnet (10.202.x.0/24), CNI
// network name and cgroup parent (`/skiff-test-…`), the busybox test image imported, and a check
// that nothing is left behind (containers, conmon, netns, cgroups, mounts, bridge, iptables rules).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { ImageStore } from "../../src/kubelet/images/store.ts";
import { removeCgroup } from "../../src/kubelet/runtime/runc/cgroups.ts";
import type { OciRuntimeName } from "../../src/kubelet/runtime/runc/oci-cli.ts";
import { openRuncRuntime } from "../../src/kubelet/runtime/runc/open.ts";
import type { RuncRuntime } from "../../src/kubelet/runtime/runc/runc-runtime.ts";
import type { PodSandboxConfig } from "../../src/kubelet/runtime/runtime.ts";
import { testImages } from "../support/images.ts";
import { tempDir } from "../support/tempdir.ts";

export const busyboxImage = "docker.io/library/busybox:latest";

export interface RuncHarness {
  dir: string;
  stateDir: string;
  bridge: string;
  networkName: string;
  podCidr: string;
  cgroupParent: string;
  images: ImageStore;
  runtime: RuncRuntime;
  /** Opens another runtime object on the same state (a restarted kubelet). */
  reopen(): Promise<RuncRuntime>;
  sandboxConfig(name: string): PodSandboxConfig;
  /** Every sandbox id runSandbox made (netns names), to check their removal. */
  sandboxIds: Set<string>;
  /** runPodSandbox with sandboxConfig(name) (plus overrides); returns the id and the config. */
  runSandbox(
    name: string,
    extra?: Partial<PodSandboxConfig>,
  ): Promise<{ id: string; config: PodSandboxConfig }>;
  /** Removes every sandbox, the bridge and the cgroup parent; returns what was still left. */
  teardown(): Promise<string[]>;
}

/**
 * `subnet` is the third octet of the file's 10.202.x.0/24: fixed per test file, so files running
 * concurrently never share a subnet (two bridges with one subnet break each other's routes).
 */
export async function openHarness(options: {
  subnet: number;
  ociRuntime?: OciRuntimeName;
}): Promise<RuncHarness> {
  const tag = randomBytes(3).toString("hex");
  const dir = tempDir("skiff-runc-");
  const stateDir = `${dir.path}/state`;
  const bridge = `skr${tag}`;
  const networkName = `skr-${tag}`;
  const podCidr = `10.202.${options.subnet}.0/24`;
  const cgroupParent = `/skiff-test-${tag}`;
  const images = new ImageStore({ dataDir: dir.path });
  await images.importImage(testImages().busybox);
  const open = () =>
    openRuncRuntime({
      stateDir,
      images,
      network: { bridge, name: networkName, podCidr },
      cgroupRoot: cgroupParent,
      ...(options.ociRuntime ? { ociRuntime: options.ociRuntime } : {}),
    });
  let runtime = await open();
  let counter = 0;
  const harness: RuncHarness = {
    dir: dir.path,
    stateDir,
    bridge,
    networkName,
    podCidr,
    cgroupParent,
    images,
    get runtime() {
      return runtime;
    },
    async reopen() {
      await runtime.close();
      runtime = await open();
      return runtime;
    },
    sandboxConfig(name) {
      counter++;
      return {
        metadata: { name, namespace: "default", uid: `uid-${tag}-${counter}`, attempt: 0 },
        hostname: name,
        logDirectory: `${dir.path}/logs/${name}-${counter}`,
        linux: { cgroupParent: `${cgroupParent}/pod${counter}` },
      };
    },
    sandboxIds: new Set(),
    async runSandbox(name, extra = {}) {
      const config = { ...harness.sandboxConfig(name), ...extra };
      const id = await runtime.runPodSandbox(config);
      harness.sandboxIds.add(id);
      return { id, config };
    },
    async teardown() {
      try {
        for (const sandbox of await runtime.listPodSandboxes()) await runtime.removePodSandbox(sandbox.id);
        await runtime.close();
        await runtime.network.removeBridge();
        return leftovers(harness);
      } finally {
        await removeCgroup(cgroupParent).catch(() => {});
        dir.remove();
      }
    },
  };
  return harness;
}

/** What of this harness still exists on the host (empty when everything was cleaned up). */
export function leftovers(
  h: Pick<RuncHarness, "stateDir" | "bridge" | "networkName" | "cgroupParent" | "sandboxIds">,
): string[] {
  const left: string[] = [];
  const conmons = readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(h.stateDir);
      } catch {
        return false;
      }
    });
  if (conmons.length > 0) left.push(`processes mentioning the state dir: ${conmons.join(", ")}`);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.includes(h.stateDir));
  if (mounts.length > 0) left.push(`mounts: ${mounts.length}`);
  const records = `${h.stateDir}/records`;
  for (const kind of ["sandboxes", "containers"]) {
    const dir = `${records}/${kind}`;
    if (existsSync(dir) && readdirSync(dir).length > 0)
      left.push(`${kind} records: ${readdirSync(dir).join(", ")}`);
  }
  const netns = existsSync("/run/netns") ? readdirSync("/run/netns") : [];
  const results = existsSync(`${h.stateDir}/cni/results`) ? readdirSync(`${h.stateDir}/cni/results`) : [];
  if (results.length > 0) left.push(`CNI results: ${results.join(", ")}`);
  const nsLeft = netns.filter((n) => h.sandboxIds.has(n));
  if (nsLeft.length > 0) left.push(`netns: ${nsLeft.join(", ")}`);
  if (existsSync(`/sys/class/net/${h.bridge}`)) left.push(`bridge ${h.bridge}`);
  const rules = execFileSync("iptables-save", { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(h.networkName));
  if (rules.length > 0) left.push(`iptables rules: ${rules.join(" | ")}`);
  for (const controller of ["memory", "cpu", "pids", "systemd", "unified"]) {
    const base = `/sys/fs/cgroup/${controller}${h.cgroupParent}`;
    if (existsSync(base) && readdirSync(base, { withFileTypes: true }).some((e) => e.isDirectory())) {
      left.push(`cgroups under ${base}`);
    }
  }
  return left;
}
