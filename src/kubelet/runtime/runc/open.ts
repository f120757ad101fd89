// openRuncRuntime: the runc runtime (`--runtime runc`) — runc (or crun) driven directly, conmon per
// container, CNI for the pod network, Skiff's image store for root filesystems.
//
//   const runtime = await openRuncRuntime({
//     stateDir: "<data-dir>/runc",            // records, bundles, exit files, CNI state
//     images: new ImageStore({ dataDir }),     // any ImageService that can hand out an unpacked rootfs
//     network: { bridge: "skiff0", podCidr: "10.42.0.0/24" }, // podCidr may come later (updateRuntimeConfig)
//     cgroupRoot: "/skiff",                    // parent of pod cgroups the kubelet does not name
//     ociRuntime: "runc",                      // or "crun" (run in a private mount namespace)
//   });
//
// Containers survive close() and a crash of the process: a new openRuncRuntime on the same stateDir
// re-adopts them (records on disk, conmon still their parent, exit codes in exit files).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { CniNetwork } from "../../network/cni.ts";
import { OciCli, type OciRuntimeName, writeCrunWrapper } from "./oci-cli.ts";
import { type RootfsImageService, RuncRuntime } from "./runc-runtime.ts";

export interface RuncRuntimeOptions {
  /** Everything the runtime keeps: records, bundles, exit files, OCI runtime root, CNI state. */
  stateDir: string;
  images: RootfsImageService;
  network: {
    /** Bridge name (own per node; tests use `skr…`). */
    bridge: string;
    /** CNI network name (default "skiff"); it tags the plugins' iptables rules. */
    name?: string;
    /** The node's pod CIDR; without it sandboxes wait for updateRuntimeConfig. */
    podCidr?: string;
    /** CNI plugin directory (default /usr/lib/cni). */
    binDir?: string;
  };
  /** cgroupfs parent of pods whose sandbox config names no cgroupParent (default "/skiff"). */
  cgroupRoot?: string;
  /** OCI runtime (default "runc"). */
  ociRuntime?: OciRuntimeName;
  /** Executable paths (defaults: looked up at /usr/sbin/runc, /usr/bin/crun, /usr/bin/conmon). */
  runcPath?: string;
  crunPath?: string;
  conmonPath?: string;
}

/** Thrown at open when a required host tool is missing; the message says what to install. */
export class RuntimeToolMissingError extends Error {
  override name = "RuntimeToolMissingError";
}

function findTool(explicit: string | undefined, candidates: string[], packageName: string): string {
  const found = explicit ?? candidates.find((c) => existsSync(c));
  if (!found || !existsSync(found)) {
    throw new RuntimeToolMissingError(
      `${candidates[0]} not found: install the Debian package ${packageName}`,
    );
  }
  return found;
}

export async function openRuncRuntime(options: RuncRuntimeOptions): Promise<RuncRuntime> {
  const ociName = options.ociRuntime ?? "runc";
  const conmonPath = findTool(options.conmonPath, ["/usr/bin/conmon", "/usr/local/bin/conmon"], "conmon");
  const ociRoot = join(options.stateDir, ociName);
  let ociPath: string;
  if (ociName === "crun") {
    const crun = findTool(options.crunPath, ["/usr/bin/crun", "/usr/local/bin/crun"], "crun");
    ociPath = await writeCrunWrapper(join(options.stateDir, "bin"), crun);
  } else {
    ociPath = findTool(options.runcPath, ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"], "runc");
  }
  const network = new CniNetwork({
    bridge: options.network.bridge,
    stateDir: join(options.stateDir, "cni"),
    ...(options.network.name ? { networkName: options.network.name } : {}),
    ...(options.network.binDir ? { binDir: options.network.binDir } : {}),
  });
  const exitDir = join(options.stateDir, "exits");
  await Promise.all([mkdir(exitDir, { recursive: true }), mkdir(ociRoot, { recursive: true })]);
  if (options.network.podCidr) await network.configure(options.network.podCidr);
  else await network.restore();
  const runtime = new RuncRuntime({
    stateDir: options.stateDir,
    images: options.images,
    network,
    oci: new OciCli({ path: ociPath, root: ociRoot }),
    ociName,
    conmonPath,
    exitDir,
    cgroupRoot: options.cgroupRoot ?? "/skiff",
  });
  await runtime.adopt();
  return runtime;
}
