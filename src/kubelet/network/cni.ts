// Runs CNI plugins per the CNI spec (1.0): a conflist built from the node's pod CIDR (bridge +
// host-local + portmap, with its own bridge name), ADD in order with prevResult chaining, DEL in
// reverse order with the cached ADD result. CHECK is never called: portmap's CHECK fails (RUNTIME.md).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PortMapping } from "../runtime/runtime.ts";
import { run } from "./exec-file.ts";

export interface CniOptions {
  /** Directory of the plugin binaries (default /usr/lib/cni, Debian's containernetworking-plugins). */
  binDir?: string;
  /** Network name; it tags the plugins' iptables rules (default "skiff"). */
  networkName?: string;
  /** Linux bridge the pods attach to; own per node so instances never collide (default "skiff0"). */
  bridge: string;
  /** Directory for host-local leases and cached ADD results. */
  stateDir: string;
  /** Interface name inside the pod (default eth0). */
  ifName?: string;
}

export interface CniPlugin {
  type: string;
  [key: string]: unknown;
}

export interface CniConfList {
  cniVersion: string;
  name: string;
  plugins: CniPlugin[];
}

/** The subset of a CNI result the runtime reads (the whole result is cached for DEL). */
export interface CniResult {
  cniVersion?: string;
  ips?: { address: string; gateway?: string; interface?: number }[];
  [key: string]: unknown;
}

/** The attachment of one sandbox: its IP (without prefix length) and the result DEL needs. */
export interface CniAttachment {
  ip: string;
  result: CniResult;
}

interface CachedAttachment {
  result: CniResult;
  portMappings: PortMapping[];
  /** Plugin types ADD ran, in order (DEL runs the same ones, reversed). */
  plugins: string[];
}

function servesOnlyPortMappings(plugin: CniPlugin): boolean {
  const capabilities = plugin.capabilities as Record<string, boolean> | undefined;
  return capabilities?.portMappings === true && Object.keys(capabilities).length === 1;
}

export const defaultCniBinDir = "/usr/lib/cni";

/** The conflist RUNTIME.md measured: bridge with host-local IPAM from the pod CIDR, then portmap. */
export function buildConfList(options: {
  name: string;
  bridge: string;
  podCidr: string;
  ipamDir: string;
}): CniConfList {
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
          dataDir: options.ipamDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** Thrown when the network is used before the node has a pod CIDR. */
export class NetworkNotReadyError extends Error {
  override name = "NetworkNotReadyError";
}

export class CniNetwork {
  readonly binDir: string;
  readonly name: string;
  readonly bridge: string;
  readonly ifName: string;
  readonly #stateDir: string;
  #confList: CniConfList | undefined;

  constructor(options: CniOptions) {
    this.binDir = options.binDir ?? defaultCniBinDir;
    this.name = options.networkName ?? "skiff";
    this.bridge = options.bridge;
    this.ifName = options.ifName ?? "eth0";
    this.#stateDir = options.stateDir;
  }

  get ready(): boolean {
    return this.#confList !== undefined;
  }

  get confList(): CniConfList | undefined {
    return this.#confList;
  }

  /** Sets the pod CIDR (CRI UpdateRuntimeConfig); writes the conflist beside the state for inspection. */
  async configure(podCidr: string): Promise<void> {
    const confList = buildConfList({
      name: this.name,
      bridge: this.bridge,
      podCidr,
      ipamDir: join(this.#stateDir, "ipam"),
    });
    await mkdir(join(this.#stateDir, "results"), { recursive: true });
    await writeFile(join(this.#stateDir, "conflist.json"), `${JSON.stringify(confList, null, 2)}\n`);
    this.#confList = confList;
  }

  /** Loads a conflist written by an earlier process (a restarted runtime keeps its network). */
  async restore(): Promise<boolean> {
    try {
      this.#confList = JSON.parse(
        await readFile(join(this.#stateDir, "conflist.json"), "utf8"),
      ) as CniConfList;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * ADD: attaches the namespace at `netnsPath` and returns its IP; the result is cached for DEL.
   * A plugin serving only port mappings is skipped when the sandbox has none (portmap is the slowest
   * plugin, RUNTIME.md); DEL then skips it too.
   */
  async add(
    containerId: string,
    netnsPath: string,
    portMappings: PortMapping[] = [],
  ): Promise<CniAttachment> {
    const plugins = this.#require().plugins.filter(
      (p) => portMappings.length > 0 || !servesOnlyPortMappings(p),
    );
    let prevResult: CniResult | undefined;
    const ran: string[] = [];
    try {
      for (const plugin of plugins) {
        prevResult = await this.#invoke("ADD", plugin, containerId, netnsPath, prevResult, portMappings);
        ran.push(plugin.type);
      }
    } catch (err) {
      // Undo what was added (the spec asks the runtime to DEL after a failed ADD).
      await this.#delPlugins(plugins, containerId, netnsPath, prevResult, portMappings).catch(() => {});
      throw err;
    }
    const result = prevResult ?? {};
    const cached: CachedAttachment = { result, portMappings, plugins: ran };
    await writeFile(this.#resultPath(containerId), JSON.stringify(cached));
    const address = result.ips?.[0]?.address;
    if (!address) throw new CniError(`CNI network ${this.name} gave sandbox ${containerId} no IP`);
    return { ip: address.split("/")[0] ?? address, result };
  }

  /** DEL in reverse plugin order, with the cached ADD result. Idempotent. */
  async del(containerId: string, netnsPath: string): Promise<void> {
    const confList = this.#require();
    let cached: Partial<CachedAttachment> = {};
    try {
      cached = JSON.parse(await readFile(this.#resultPath(containerId), "utf8")) as Partial<CachedAttachment>;
    } catch {
      // No cached result: DEL every plugin without prevResult; that still releases the IP and the rules.
    }
    const plugins = cached.plugins
      ? confList.plugins.filter((p) => cached.plugins?.includes(p.type))
      : confList.plugins;
    await this.#delPlugins(plugins, containerId, netnsPath, cached.result, cached.portMappings ?? []);
    await rm(this.#resultPath(containerId), { force: true });
  }

  async #delPlugins(
    plugins: CniPlugin[],
    containerId: string,
    netnsPath: string,
    result: CniResult | undefined,
    portMappings: PortMapping[],
  ): Promise<void> {
    for (const plugin of [...plugins].reverse()) {
      await this.#invoke("DEL", plugin, containerId, netnsPath, result, portMappings);
    }
  }

  /** Removes the bridge (CNI never deletes it); for node teardown, when no pod is attached. */
  async removeBridge(): Promise<void> {
    await run("ip", ["link", "delete", this.bridge, "type", "bridge"], { allowFailure: true });
  }

  #require(): CniConfList {
    if (!this.#confList) throw new NetworkNotReadyError("the node has no pod CIDR yet (UpdateRuntimeConfig)");
    return this.#confList;
  }

  #resultPath(containerId: string): string {
    return join(this.#stateDir, "results", `${containerId}.json`);
  }

  async #invoke(
    command: "ADD" | "DEL",
    plugin: CniPlugin,
    containerId: string,
    netnsPath: string,
    prevResult: CniResult | undefined,
    portMappings: PortMapping[],
  ): Promise<CniResult> {
    const confList = this.#require();
    const config: Record<string, unknown> = {
      ...plugin,
      cniVersion: confList.cniVersion,
      name: confList.name,
    };
    if (prevResult) config.prevResult = prevResult;
    const capabilities = plugin.capabilities as Record<string, boolean> | undefined;
    if (capabilities?.portMappings) {
      config.runtimeConfig = {
        portMappings: portMappings.map((p) => ({
          hostPort: p.hostPort,
          containerPort: p.containerPort,
          protocol: p.protocol.toLowerCase(),
          ...(p.hostIp ? { hostIP: p.hostIp } : {}),
        })),
      };
    }
    const result = await run(join(this.binDir, plugin.type), [], {
      input: JSON.stringify(config),
      allowFailure: true,
      env: {
        PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        CNI_COMMAND: command,
        CNI_CONTAINERID: containerId,
        CNI_NETNS: netnsPath,
        CNI_IFNAME: this.ifName,
        CNI_PATH: this.binDir,
      },
    });
    if (result.code !== 0) {
      // A CNI error is JSON on stdout: {code, msg, details}.
      let message = result.stdout.trim() || result.stderr.trim();
      try {
        const error = JSON.parse(result.stdout) as { msg?: string; details?: string };
        message = [error.msg, error.details].filter(Boolean).join(": ");
      } catch {
        // Not JSON: keep the raw text.
      }
      throw new CniError(`CNI ${command} ${plugin.type} for ${containerId}: ${message}`);
    }
    if (command === "DEL" || result.stdout.trim() === "") return prevResult ?? {};
    return JSON.parse(result.stdout) as CniResult;
  }
}

export class CniError extends Error {
  override name = "CniError";
}
