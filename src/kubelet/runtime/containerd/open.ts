// openContainerdRuntime(options): the `--runtime containerd` backend for the kubelet.
//
//   const runtime = await openContainerdRuntime({ dataDir, network: { name: "skiff", bridge: "skiff0" } });
//   await runtime.images.importImage(pauseArchive);   // the sandbox image must be local
//   await runtime.updateRuntimeConfig({ podCidr: "10.42.0.0/24" });   // writes the CNI conflist
//   … runPodSandbox / createContainer / startContainer …
//   await runtime.close();   // stops Skiff's containerd; containers keep running in their shims
//
// Without `endpoint`, Skiff starts and supervises its own containerd (config, root, state, socket
// and CNI dirs under `<dataDir>/containerd/`). With `endpoint` (--container-runtime-endpoint) it
// only connects to an existing CRI socket: no supervision, and the network is that runtime's own.
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
  /** Default /usr/lib/cni. */
  cniBinDir?: string;
  /** How often container events are synthesised while subscribed (default 1000 ms). */
  eventPollMs?: number;
  logger?: Logger;
}

export interface OpenedContainerdRuntime extends ContainerdRuntime {
  /** The supervisor of Skiff's own containerd (absent with `endpoint`). */
  readonly supervisor?: ContainerdSupervisor;
}

export async function openContainerdRuntime(
  options: OpenContainerdRuntimeOptions,
): Promise<ContainerdRuntime & { supervisor?: ContainerdSupervisor }> {
  if (options.endpoint) {
    const runtime = new ContainerdRuntime({
      socket: options.endpoint.replace(/^unix:\/\//, ""),
      eventPollMs: options.eventPollMs,
    });
    await runtime.version();
    return runtime;
  }
  if (!options.dataDir) throw new Error("openContainerdRuntime needs dataDir or endpoint");
  const supervisor = new ContainerdSupervisor({
    dataDir: options.dataDir,
    sandboxImage: options.sandboxImage,
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
  return Object.assign(runtime, { supervisor });
}
