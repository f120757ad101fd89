// The CNI network containerd's CRI plugin sets up for every sandbox: a bridge with Skiff's own name
// and host-local IPAM over the node's pod CIDR, plus portmap for hostPorts (RUNTIME.md's config).
// containerd watches its conf_dir, so writing the file makes the network ready without a restart.

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildConfList } from "../../network/cni.ts";

export interface CniNetworkOptions {
  /** Network name (also host-local's directory name under ipamDataDir). */
  name: string;
  /** Linux bridge name (at most 15 characters). */
  bridge: string;
  podCidr: string;
  /** host-local's allocation directory. */
  ipamDataDir: string;
}

/** The same conflist the runc backend runs itself (src/kubelet/network/cni.ts). */
export function cniConflist(options: CniNetworkOptions): object {
  return buildConfList({
    name: options.name,
    bridge: options.bridge,
    podCidr: options.podCidr,
    ipamDir: options.ipamDataDir,
  });
}

/** Writes the conflist atomically (containerd may read the directory at any moment). */
export function writeCniConflist(confDir: string, options: CniNetworkOptions): string {
  if (options.bridge.length > 15)
    throw new Error(`bridge name ${options.bridge} is longer than 15 characters`);
  mkdirSync(confDir, { recursive: true });
  const path = join(confDir, "10-skiff.conflist");
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cniConflist(options), null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
