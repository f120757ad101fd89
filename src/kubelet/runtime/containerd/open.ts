// openContainerdRuntime(options): the `--runtime containerd` backend for the kubelet.
//
//   if (missingContainerdBinaries().length === 0) {
//     const runtime = await openContainerdRuntime({
//       dataDir, network: { name: "skiff", bridge: "skiff0" }, sandboxImageArchive: pauseArchive });
//     await runtime.updateRuntimeConfig({ podCidr: "10.42.0.0/24" });   // writes the CNI conflist
//     … runPodSandbox / createContainer / startContainer …
//     await runtime.close();   // stops Skiff's containerd; containers keep running in their shims
//   }
//
// Without `endpoint`, Skiff starts and supervises its own containerd (config, root, state, socket
// and CNI dirs under `<dataDir>/containerd/`); a containerd left running by a killed agent is
// adopted. With `endpoint` (--container-runtime-endpoint) it only connects to an existing CRI
// socket: no supervision, and the pod network is that runtime's own business.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Logger } from "pino";
import type { CniNetworkOptions } from "./cni.ts";
import { ContainerdRuntime } from "./containerd-runtime.ts";
import { ContainerdSupervisor } from "./supervisor.ts";

export interface OpenContainerdRuntimeOptions {
  /** Skiff's data dir (required unless `endpoint` is given). */
  dataDir?: string;
  /** An existing CRI socket (`unix:///run/containerd/containerd.sock` or a path); no supervision. */
  endpoint?: string;
  /** Bridge and network name of the pod network (default name "skiff", bridge "skiff0"). */
  network?: { name?: string; bridge?: string };
  /** Default `skiff.local/pause:3.9`. */
  sandboxImage?: string;
  /** An archive holding the sandbox image, imported at open when the image is not present yet. */
  sandboxImageArchive?: string;
  /** Default /usr/lib/cni. */
  cniBinDir?: string;
  /** How often container events are synthesised while subscribed (default 1000 ms). */
  eventPollMs?: number;
  logger?: Logger;
}

export interface OpenedContainerdRuntime extends ContainerdRuntime {
  /** The supervisor of Skiff's own containerd (absent with `endpoint`). */
  supervisor?: ContainerdSupervisor;
}

/** The binaries a supervised containerd needs that are not on PATH (for `--runtime auto`'s message). */
export function missingContainerdBinaries(path = process.env.PATH ?? ""): string[] {
  const dirs = path.split(delimiter).filter((d) => d !== "");
  const found = (name: string): boolean =>
    dirs.some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return ["containerd", "containerd-shim-runc-v2", "runc", "ctr"].filter((name) => !found(name));
}

export async function openContainerdRuntime(
  options: OpenContainerdRuntimeOptions,
): Promise<OpenedContainerdRuntime> {
  if (options.endpoint) {
    const runtime = new ContainerdRuntime({
      socket: options.endpoint.replace(/^unix:\/\//, ""),
      eventPollMs: options.eventPollMs,
    });
    try {
      await runtime.version();
    } catch (err) {
      await runtime.close();
      throw err;
    }
    return runtime;
  }
  if (!options.dataDir) throw new Error("openContainerdRuntime needs dataDir or endpoint");
  const sandboxImage = options.sandboxImage ?? "skiff.local/pause:3.9";
  const supervisor = new ContainerdSupervisor({
    dataDir: options.dataDir,
    sandboxImage,
    cniBinDir: options.cniBinDir,
    logger: options.logger,
  });
  await supervisor.start();
  const { layout } = supervisor;
  const network: Omit<CniNetworkOptions, "podCidr"> = {
    name: options.network?.name ?? "skiff",
    bridge: options.network?.bridge ?? "skiff0",
    ipamDataDir: layout.cniIpamDir,
  };
  const runtime = new ContainerdRuntime({
    socket: layout.socket,
    cniConfDir: layout.cniConfDir,
    network,
    runcRoot: `${layout.runcRoot}/k8s.io`,
    eventPollMs: options.eventPollMs,
    onClose: () => supervisor.stop(),
  });
  try {
    if (options.sandboxImageArchive && !(await runtime.images.imageStatus({ image: sandboxImage }))) {
      await runtime.images.importImage(options.sandboxImageArchive);
    }
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return Object.assign(runtime, { supervisor });
}
