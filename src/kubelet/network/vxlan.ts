// The node's vxlan device (flannel's vxlan backend): created with the node's public address as
// its local endpoint, a stable MAC, MTU 1450 and the network address of the node's pod CIDR; its
// FDB and neighbour entries are kept equal to the other nodes' announcements.
import { run } from "./exec-file.ts";
import {
  type InstalledFdb,
  type InstalledNeighbour,
  networkAddress,
  type VxlanPeer,
  vtepMac,
  vxlanChanges,
  vxlanMtu,
  vxlanPort,
  vxlanVni,
} from "./vxlan-plan.ts";

interface LinkInfo {
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string; port?: number } };
}

function jsonList<T>(text: string): T[] {
  const parsed: unknown = JSON.parse(text.trim() || "[]");
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

export class VxlanDevice {
  readonly mac: string;

  constructor(
    readonly name: string,
    nodeName: string,
  ) {
    this.mac = vtepMac(nodeName);
  }

  /** Creates (or re-creates, when its endpoint changed) the device and gives it the pod gateway. */
  async ensure(localIP: string, podCidr: string | undefined): Promise<void> {
    const shown = await run("ip", ["-j", "-d", "link", "show", "dev", this.name], { allowFailure: true });
    const link = shown.code === 0 ? jsonList<LinkInfo>(shown.stdout)[0] : undefined;
    const data = link?.linkinfo?.info_data;
    const fits =
      link?.linkinfo?.info_kind === "vxlan" &&
      data?.id === vxlanVni &&
      data.local === localIP &&
      data.port === vxlanPort;
    if (link && !fits) await run("ip", ["link", "del", this.name]);
    if (!fits) {
      await run("ip", [
        "link",
        "add",
        this.name,
        "type",
        "vxlan",
        "id",
        String(vxlanVni),
        "local",
        localIP,
        "dstport",
        String(vxlanPort),
        "nolearning",
      ]);
    }
    if (!fits || link?.address !== this.mac)
      await run("ip", ["link", "set", this.name, "address", this.mac, "mtu", String(vxlanMtu), "up"]);
    if (podCidr) await run("ip", ["addr", "replace", `${networkAddress(podCidr)}/32`, "dev", this.name]);
  }

  /** Brings the FDB and the permanent neighbours to `peers`. */
  async program(peers: readonly VxlanPeer[]): Promise<void> {
    const fdb = jsonList<InstalledFdb>((await run("bridge", ["-j", "fdb", "show", "dev", this.name])).stdout);
    const neighbours = jsonList<InstalledNeighbour>(
      (await run("ip", ["-j", "neigh", "show", "dev", this.name])).stdout,
    );
    for (const c of vxlanChanges(peers, fdb, neighbours, this.name)) await run(c.tool, c.args);
  }

  /** Deletes the device (its FDB, neighbours and routes go with it). */
  async remove(): Promise<void> {
    await run("ip", ["link", "del", this.name], { allowFailure: true });
  }
}
