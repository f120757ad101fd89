// Where a supervised containerd keeps its files under `<data-dir>/containerd/`, and the TOML config
// Skiff writes for it: containerd's defaults (`containerd config default`) changed only where a
// second, private instance must differ (RUNTIME.md), with unused plugins disabled to start faster.
import { createHash } from "node:crypto";
import { join } from "node:path";

/** Unix socket paths are limited to 107 bytes (sun_path); keep a margin for `.ttrpc`. */
const maxSocketPathLength = 100;

export interface ContainerdLayout {
  /** `<data-dir>/containerd` */
  dir: string;
  configPath: string;
  logPath: string;
  root: string;
  state: string;
  socket: string;
  ttrpcSocket: string;
  /** Directory of the socket when it lives outside `dir` (removed on cleanup). */
  socketDir: string;
  /** Where containerd's CRI plugin looks for the CNI conflist Skiff writes. */
  cniConfDir: string;
  /** host-local IPAM's allocations. */
  cniIpamDir: string;
  /** runc's state root given to the shim; runc keeps each namespace in `<runcRoot>/k8s.io`. */
  runcRoot: string;
}

export function containerdLayout(dataDir: string): ContainerdLayout {
  const dir = join(dataDir, "containerd");
  let socketDir = dir;
  if (join(dir, "containerd.sock.ttrpc").length > maxSocketPathLength) {
    // A long data dir: a short, stable socket directory derived from it.
    const hash = createHash("sha256").update(dir).digest("hex").slice(0, 12);
    socketDir = `/run/skiff-${hash}`;
  }
  const state = join(dir, "state");
  return {
    dir,
    configPath: join(dir, "config.toml"),
    logPath: join(dir, "containerd.log"),
    root: join(dir, "root"),
    state,
    socket: join(socketDir, "containerd.sock"),
    ttrpcSocket: join(socketDir, "containerd.sock.ttrpc"),
    socketDir,
    cniConfDir: join(dir, "cni", "net.d"),
    cniIpamDir: join(dir, "cni", "ipam"),
    runcRoot: join(state, "runc"),
  };
}

export interface ContainerdConfigOptions {
  layout: ContainerdLayout;
  /** The pause image (must be present locally: nothing is pulled from the internet). */
  sandboxImage: string;
  /** CNI plugin binaries (Debian: /usr/lib/cni). */
  cniBinDir: string;
}

/** Plugins a CRI node does not use; disabling them skips their probing at start. */
const disabledPlugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
];

/** A TOML basic string (JSON's escapes are a subset TOML accepts). */
function str(value: string): string {
  return JSON.stringify(value);
}

export function containerdConfigToml(options: ContainerdConfigOptions): string {
  const { layout } = options;
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `# Written by Skiff for its own containerd; regenerated at every start.
version = 2
root = ${str(layout.root)}
state = ${str(layout.state)}
oom_score = 0
disabled_plugins = [${disabledPlugins.map(str).join(", ")}]

[grpc]
  address = ${str(layout.socket)}

[ttrpc]
  address = ${str(layout.ttrpcSocket)}

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${str(join(layout.dir, "opt"))}

  [${cri}]
    sandbox_image = ${str(options.sandboxImage)}
    # root lacks CAP_SYS_RESOURCE here: a negative oom_score_adj would fail container creation.
    restrict_oom_score_adj = true
    # Pod netns files under our own state dir, not /run/netns: a process that bind-mounts
    # /run/netns onto itself (ip netns add does, once) would hide a netns mounted before it,
    # and containerd could then never unlink it (EBUSY) nor stop the sandbox.
    netns_mounts_under_state_dir = true
    systemd_cgroup = false
    disable_tcp_service = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_tls_streaming = false
    max_container_log_line_size = 16384
    stats_collect_period = 10
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true

    [${cri}.cni]
      bin_dir = ${str(options.cniBinDir)}
      conf_dir = ${str(layout.cniConfDir)}
      max_conf_num = 1

    [${cri}.containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"

      [${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [${cri}.containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = ${str(layout.runcRoot)}
`;
}
