// Builds an OCI runtime spec (config.json) from a CRI container config, the image config and the
// sandbox: process, rootfs, default and CRI mounts, namespaces (the sandbox netns joined by path),
// cgroup path and resources, masked/readonly paths. Defaults follow containerd's for Kubernetes.
import type { ImageRuntimeConfig } from "../../images/oci.ts";
import type { ContainerConfig, Mount } from "../runtime.ts";

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<"bounding" | "effective" | "permitted" | "inheritable", string[]>;
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
    rlimits?: { type: string; hard: number; soft: number }[];
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: {
    namespaces: { type: string; path?: string }[];
    cgroupsPath: string;
    resources: Record<string, unknown>;
    maskedPaths: string[];
    readonlyPaths: string[];
    sysctl?: Record<string, string>;
  };
  annotations?: Record<string, string>;
}

/** Capabilities a container gets by default (containerd's and Docker's set). */
export const defaultCapabilities = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Every capability this kernel line knows (privileged containers). */
export const allCapabilities = [
  ...defaultCapabilities,
  "CAP_DAC_READ_SEARCH",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_LEASE",
  "CAP_AUDIT_CONTROL",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];
// CAP_SYS_RESOURCE is missing on purpose: root on these machines does not hold it (RUNTIME.md).

export const defaultMaskedPaths = [
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];

export const defaultReadonlyPaths = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface SpecInput {
  config: ContainerConfig;
  image: ImageRuntimeConfig;
  /** Overlay mount point of the container's root filesystem. */
  rootfs: string;
  hostname: string;
  /** The sandbox's network namespace; absent for a host-network pod. */
  netnsPath?: string;
  /** Another container's pid namespace to join (an ephemeral container's target). */
  pidNamespacePath?: string;
  /** cgroupfs path of the container (`<pod cgroup>/<container id>`). */
  cgroupsPath: string;
  /** /etc/hosts, /etc/resolv.conf, /etc/hostname of the sandbox, bound in unless a mount covers them. */
  sandboxFiles: { hosts: string; resolvConf: string; hostname: string };
  /** Resolves an image's or the config's user name to ids (from the rootfs's /etc/passwd). */
  user: { uid: number; gid: number; additionalGids: number[] };
  /** Sysctls of the sandbox (namespaced ones only reach the container). */
  sysctls?: Record<string, string>;
}

/** CRI semantics: command replaces the entrypoint (and drops the image's Cmd); args replace Cmd. */
export function processArgs(config: ContainerConfig, image: ImageRuntimeConfig): string[] {
  const entrypoint = config.command?.length ? config.command : (image.Entrypoint ?? []);
  const cmd = config.args?.length ? config.args : config.command?.length ? [] : (image.Cmd ?? []);
  return [...entrypoint, ...cmd];
}

/** Image env first, then the config's (a later key wins, as in Kubernetes). */
export function processEnv(config: ContainerConfig, image: ImageRuntimeConfig, hostname: string): string[] {
  const env = new Map<string, string>();
  env.set("PATH", defaultPath);
  for (const entry of image.Env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  env.set("HOSTNAME", hostname);
  for (const { key, value } of config.envs ?? []) env.set(key, value);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function propagationOption(mount: Mount): string {
  switch (mount.propagation) {
    case "PROPAGATION_BIDIRECTIONAL":
      return "rshared";
    case "PROPAGATION_HOST_TO_CONTAINER":
      return "rslave";
    default:
      return "rprivate";
  }
}

function capabilitySet(config: ContainerConfig): string[] {
  const security = config.linux?.securityContext;
  if (security?.privileged) return [...allCapabilities];
  const normalize = (c: string) => (c.startsWith("CAP_") ? c : `CAP_${c}`).toUpperCase();
  const drop = (security?.capabilities?.dropCapabilities ?? []).map(normalize);
  const add = (security?.capabilities?.addCapabilities ?? []).map(normalize);
  const base = drop.includes("CAP_ALL") ? [] : defaultCapabilities.filter((c) => !drop.includes(c));
  const added = add.includes("CAP_ALL") ? allCapabilities : add.filter((c) => allCapabilities.includes(c));
  return [...new Set([...base, ...added])];
}

function defaultMounts(readonlySys: boolean): OciMount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/sys",
      type: "sysfs",
      source: "sysfs",
      options: ["nosuid", "noexec", "nodev", readonlySys ? "ro" : "rw"],
    },
    {
      destination: "/sys/fs/cgroup",
      type: "cgroup",
      source: "cgroup",
      options: ["nosuid", "noexec", "nodev", "relatime", readonlySys ? "ro" : "rw"],
    },
  ];
}

function resources(config: ContainerConfig): Record<string, unknown> {
  const r = config.linux?.resources ?? {};
  const cpu: Record<string, unknown> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota && r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  const out: Record<string, unknown> = { devices: [{ allow: false, access: "rwm" }] };
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  // swap = limit: a limited container must not page out instead of being OOM-killed (kubelet default).
  if (r.memoryLimitInBytes && r.memoryLimitInBytes > 0) {
    out.memory = { limit: r.memoryLimitInBytes, swap: r.memoryLimitInBytes };
  }
  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}

/** Only network-namespaced and IPC sysctls make sense in a container (Kubernetes' safe set and more). */
function namespacedSysctls(sysctls: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!sysctls) return undefined;
  const entries = Object.entries(sysctls).filter(([k]) =>
    /^(net\.|kernel\.(shm|msg|sem)|fs\.mqueue\.)/.test(k),
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function buildSpec(input: SpecInput): OciSpec {
  const { config, image } = input;
  const security = config.linux?.securityContext;
  const privileged = security?.privileged === true;
  const caps = capabilitySet(config);
  const args = processArgs(config, image);
  if (args.length === 0)
    throw new Error(`container ${config.metadata.name}: no command and the image has none`);
  const covered = new Set((config.mounts ?? []).map((m) => m.containerPath));
  const sandboxMounts: OciMount[] = [
    {
      destination: "/etc/hosts",
      type: "bind",
      source: input.sandboxFiles.hosts,
      options: ["rbind", "rprivate", "rw"],
    },
    {
      destination: "/etc/resolv.conf",
      type: "bind",
      source: input.sandboxFiles.resolvConf,
      options: ["rbind", "rprivate", "rw"],
    },
    {
      destination: "/etc/hostname",
      type: "bind",
      source: input.sandboxFiles.hostname,
      options: ["rbind", "rprivate", "rw"],
    },
  ].filter((m) => !covered.has(m.destination));
  const criMounts: OciMount[] = (config.mounts ?? []).map((m) => ({
    destination: m.containerPath,
    type: "bind",
    source: m.hostPath,
    options: ["rbind", propagationOption(m), m.readonly ? "ro" : "rw"],
  }));
  const oomScoreAdj = Math.max(0, config.linux?.resources?.oomScoreAdj ?? 0);
  const sysctl = namespacedSysctls(input.sysctls);
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args,
      env: processEnv(config, image, input.hostname),
      cwd: config.workingDir || image.WorkingDir || "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [] },
      noNewPrivileges: security?.noNewPrivs ?? false,
      // No rlimits: raising RLIMIT_NOFILE needs CAP_SYS_RESOURCE, which root lacks here; the host's are inherited.
      oomScoreAdj,
    },
    root: { path: input.rootfs, readonly: security?.readonlyRootfs ?? false },
    hostname: input.hostname,
    mounts: [...defaultMounts(!privileged), ...sandboxMounts, ...criMounts],
    linux: {
      // The pod shares the network namespace by path; pid, ipc, uts and mount are the container's own
      // (see runtime.ts on why a netns by path and no pause container).
      namespaces: [
        input.pidNamespacePath ? { type: "pid", path: input.pidNamespacePath } : { type: "pid" },
        { type: "ipc" },
        { type: "uts" },
        { type: "mount" },
        ...(input.netnsPath ? [{ type: "network", path: input.netnsPath }] : []),
      ],
      cgroupsPath: input.cgroupsPath,
      resources: privileged
        ? { ...resources(config), devices: [{ allow: true, access: "rwm" }] }
        : resources(config),
      maskedPaths: privileged ? [] : (security?.maskedPaths ?? defaultMaskedPaths),
      readonlyPaths: privileged ? [] : (security?.readonlyPaths ?? defaultReadonlyPaths),
      ...(sysctl ? { sysctl } : {}),
    },
    ...(config.annotations ? { annotations: config.annotations } : {}),
  };
}
