// The CNI network containerd's CRI plugin sets up for every sandbox: a bridge with Skiff's own name
// and host-local IPAM over the node's pod CIDR, plus portmap for hostPorts (RUNTIME.md's config).
// containerd watches its conf_dir, so writing the file makes the network ready without a restart.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CniNetworkOptions {
  /** Network name (also host-local's directory name under ipamDataDir). */
  name: string;
  /** Linux bridge name (at most 15 characters). */
  bridge: string;
  podCidr: string;
  /** host-local's allocation directory. */
  ipamDataDir: string;
}

export function cniConflist(options: CniNetworkOptions): object {
  return {
    cniVersion: "1.0.0",
    name: options.name,
    plugins: [
      {
        type: "bridge",
        bridge: options.bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: options.podCidr }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: options.ipamDataDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
    ],
  };
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
