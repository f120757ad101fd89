// A real, private containerd for one test file: its own data dir, bridge (prefix `skc`), subnet and
// cgroup root; the test images imported; and a teardown that removes every sandbox and then checks
// and cleans what the host could keep (bridge, iptables rules, netns, cgroups, mounts).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { removeCgroup } from "../../src/kubelet/runtime/containerd/cgroups.ts";
import type { ContainerdRuntime } from "../../src/kubelet/runtime/containerd/containerd-runtime.ts";
import { openContainerdRuntime } from "../../src/kubelet/runtime/containerd/open.ts";
import type { ContainerdSupervisor } from "../../src/kubelet/runtime/containerd/supervisor.ts";
import type { PodSandboxConfig } from "../../src/kubelet/runtime/runtime.ts";
import { testImages } from "../support/images.ts";
import { tempDir } from "../support/tempdir.ts";

export const busyboxImage = "skiff.local/busybox:1";

export interface TestRuntime {
  runtime: ContainerdRuntime;
  supervisor: ContainerdSupervisor;
  dataDir: string;
  bridge: string;
  /** Root cgroup under which the test's pods put their cgroup parents. */
  cgroupRoot: string;
  sandboxConfig(name: string, extra?: Partial<PodSandboxConfig>): PodSandboxConfig;
  /** Removes every sandbox, stops containerd and returns what the host still holds (expect []). */
  teardown(): Promise<string[]>;
}

export function hostRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

export async function openTestRuntime(options: { bridge: string; subnet: string }): Promise<TestRuntime> {
  const dir = tempDir("skc-");
  const images = testImages();
  const opened = await openContainerdRuntime({
    dataDir: dir.path,
    network: { name: options.bridge, bridge: options.bridge },
  });
  const { supervisor } = opened;
  if (!supervisor) throw new Error("supervisor missing");
  const runtime = opened;
  await runtime.images.importImage(images.pause);
  await runtime.images.importImage(images.busybox);
  await runtime.updateRuntimeConfig({ podCidr: options.subnet });
  const cgroupRoot = `/${options.bridge}`;
  let seq = 0;
  const netnsPaths: string[] = [];
  return {
    runtime,
    supervisor,
    dataDir: dir.path,
    bridge: options.bridge,
    cgroupRoot,
    sandboxConfig: (name, extra = {}) => {
      seq++;
      const uid = `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`;
      return {
        metadata: { name, namespace: "default", uid, attempt: 0 },
        hostname: name,
        logDirectory: `${dir.path}/pods/default_${name}_${uid}`,
        linux: { cgroupParent: `${cgroupRoot}/pod${uid}` },
        ...extra,
      };
    },
    teardown: async () => {
      for (const s of await runtime.listPodSandboxes()) {
        await runtime.stopPodSandbox(s.id);
        await runtime.removePodSandbox(s.id);
      }
      await runtime.close();
      const left: string[] = [];
      if (hostRun("ip", ["link", "show", options.bridge]).includes(options.bridge))
        left.push(`bridge ${options.bridge}`);
      // The bridge is the test's own: delete it (CNI never removes bridges), then look again.
      hostRun("ip", ["link", "del", options.bridge]);
      const rules = hostRun("iptables-save", [])
        .split("\n")
        .filter((l) => l.includes(options.bridge) || l.includes(options.subnet.split("/")[0] ?? "-"));
      left.push(...rules.map((r) => `iptables ${r}`));
      for (const p of netnsPaths) if (existsSync(p)) left.push(`netns ${p}`);
      for (const h of readdirSync("/sys/fs/cgroup")) {
        if (existsSync(`/sys/fs/cgroup/${h}${cgroupRoot}`)) {
          const children = readdirSync(`/sys/fs/cgroup/${h}${cgroupRoot}`, { withFileTypes: true }).filter(
            (e) => e.isDirectory(),
          );
          if (children.length > 0)
            left.push(`cgroup ${h}${cgroupRoot}: ${children.map((c) => c.name).join(",")}`);
        }
      }
      removeCgroup(cgroupRoot);
      const mounts = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .filter((l) => l.includes(dir.path));
      left.push(...mounts.map((m) => `mount ${m}`));
      if (mounts.length === 0) dir.remove();
      return left;
    },
  };
}
