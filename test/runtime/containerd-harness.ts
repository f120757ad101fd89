// A real, private containerd for one test file: its own data dir, bridge (prefix `skc`), subnet and
// cgroup root; the test images imported; and a teardown that removes every sandbox and then checks
// and cleans what the host could keep (bridge, iptables rules, netns, cgroups, mounts).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { removeCgroup } from "../../src/kubelet/runtime/containerd/cgroups.ts";
import type { ContainerdRuntime } from "../../src/kubelet/runtime/containerd/containerd-runtime.ts";
import { CriClient } from "../../src/kubelet/runtime/containerd/cri-client.ts";
import type { PodSandboxStatusResponse } from "../../src/kubelet/runtime/containerd/cri-types.ts";
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
  /** The sandbox's network namespace file (from CRI's verbose status), checked again at teardown. */
  netnsPath(sandboxId: string): Promise<string>;
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
    sandboxImageArchive: images.pause,
  });
  const { supervisor } = opened;
  if (!supervisor) throw new Error("supervisor missing");
  const runtime = opened;
  await runtime.images.importImage(images.busybox);
  await runtime.updateRuntimeConfig({ podCidr: options.subnet });
  const cgroupRoot = `/${options.bridge}`;
  let seq = 0;
  const netnsPaths: string[] = [];
  const netnsPath = async (sandboxId: string): Promise<string> => {
    const client = new CriClient({ endpoint: supervisor.socket });
    try {
      const res = await client.call<PodSandboxStatusResponse>("PodSandboxStatus", {
        podSandboxId: sandboxId,
        verbose: true,
      });
      const info = JSON.parse(res.info.info ?? "{}") as {
        runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } };
      };
      const path = info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path ?? "";
      if (path) netnsPaths.push(path);
      return path;
    } finally {
      client.close();
    }
  };
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
    netnsPath,
    teardown: async () => {
      const left: string[] = [];
      // Every sandbox is removed even if one fails, and containerd is stopped whatever happened.
      try {
        for (const s of await runtime.listPodSandboxes()) {
          try {
            await netnsPath(s.id);
            await runtime.stopPodSandbox(s.id);
            await runtime.removePodSandbox(s.id);
          } catch (err) {
            left.push(`sandbox ${s.id}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      } finally {
        await runtime.close();
      }
      // The bridge is the test's own and CNI never removes bridges: delete it, then look again.
      // Veths of removed sandboxes go away asynchronously (RUNTIME.md): retry for a few seconds.
      const bridgeGone = async (): Promise<boolean> => {
        for (let i = 0; i < 30; i++) {
          hostRun("ip", ["link", "del", options.bridge]);
          if (!hostRun("ip", ["link", "show", options.bridge]).includes(options.bridge)) return true;
          await new Promise((r) => setTimeout(r, 200));
        }
        return false;
      };
      if (!(await bridgeGone())) left.push(`bridge ${options.bridge}`);
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
