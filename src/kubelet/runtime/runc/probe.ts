// Whether this host can run the runc runtime, and if not, exactly what to install or change
// (for `--runtime auto` and the agent's start message).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultCniBinDir } from "../../network/cni.ts";

export interface RuncProbe {
  ok: boolean;
  /** One line per missing part, each naming the Debian package or host setting. */
  missing: string[];
}

const tools: { paths: string[]; what: string }[] = [
  { paths: ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"], what: "runc (Debian package runc)" },
  { paths: ["/usr/bin/conmon", "/usr/local/bin/conmon"], what: "conmon (Debian package conmon)" },
  { paths: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"], what: "ip (Debian package iproute2)" },
  { paths: ["/usr/bin/unshare", "/bin/unshare"], what: "unshare (Debian package util-linux)" },
  { paths: ["/usr/bin/nsenter", "/bin/nsenter"], what: "nsenter (Debian package util-linux)" },
  { paths: ["/usr/bin/script", "/bin/script"], what: "script (Debian package bsdutils)" },
  {
    paths: ["/usr/bin/busybox", "/bin/busybox"],
    what: "busybox for port-forward (Debian package busybox-static)",
  },
];

export function probeRuncRuntime(options: { cniBinDir?: string } = {}): RuncProbe {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root: the runc runtime creates namespaces, mounts and cgroups");
  for (const tool of tools) if (!tool.paths.some((p) => existsSync(p))) missing.push(tool.what);
  const cniBinDir = options.cniBinDir ?? defaultCniBinDir;
  for (const plugin of ["bridge", "host-local", "portmap"]) {
    if (!existsSync(join(cniBinDir, plugin))) {
      missing.push(`CNI plugin ${plugin} in ${cniBinDir} (Debian package containernetworking-plugins)`);
    }
  }
  for (const controller of ["memory", "cpu", "cpuacct", "pids"]) {
    if (!existsSync(`/sys/fs/cgroup/${controller}`)) {
      missing.push(`cgroup v1 hierarchy /sys/fs/cgroup/${controller} (the runc runtime drives cgroupfs v1)`);
    }
  }
  return { ok: missing.length === 0, missing };
}
