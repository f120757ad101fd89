// Network namespaces for tests: a "node" namespace with a bridge, and "pod" namespaces attached
// to it by veth pairs, each with its own address from a test subnet. Everything is created under
// names with a random suffix and removed by destroy() (deleting a namespace removes its links,
// routes and nftables tables).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";

export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8" });
}

export function inNetns(
  ns: string,
  command: string[],
  timeoutMs = 10_000,
): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync("ip", ["netns", "exec", ns, ...command], {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout, stderr: "" };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

export class TestNetwork {
  readonly id = randomBytes(3).toString("hex");
  readonly node: string;
  readonly bridge: string;
  /** `a.b.c` of the /24 used for pods; the node's bridge is .1. */
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly processes: ChildProcess[] = [];
  private nextHost = 2;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.node = `skt-${this.id}-node`;
    this.bridge = `sktbr${this.id}`;
    ip("netns", "add", this.node);
    this.namespaces.push(this.node);
    ip("-n", this.node, "link", "set", "lo", "up");
    ip("-n", this.node, "link", "add", this.bridge, "type", "bridge");
    ip("-n", this.node, "addr", "add", `${prefix}.1/24`, "dev", this.bridge);
    ip("-n", this.node, "link", "set", this.bridge, "up");
    inNetns(this.node, ["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    // Bridged replies (pod to pod on one bridge) must pass conntrack to be un-DNATed.
    inNetns(this.node, ["sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1"]);
  }

  get nodeIp(): string {
    return `${this.prefix}.1`;
  }

  /** A pod namespace on the bridge; returns its name and address. */
  addPod(name: string): { ns: string; ip: string } {
    const ns = `skt-${this.id}-${name}`;
    const address = `${this.prefix}.${this.nextHost++}`;
    const hostSide = `v${this.id}${name}`.slice(0, 15);
    ip("netns", "add", ns);
    this.namespaces.push(ns);
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", this.node, "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("-n", this.node, "link", "set", hostSide, "master", this.bridge);
    ip("-n", this.node, "link", "set", hostSide, "up");
    // Hairpin: a pod reaching itself through a service comes back out of the same port.
    execFileSync("ip", [
      "netns",
      "exec",
      this.node,
      "bridge",
      "link",
      "set",
      "dev",
      hostSide,
      "hairpin",
      "on",
    ]);
    ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
    ip("-n", ns, "link", "set", "eth0", "up");
    ip("-n", ns, "route", "add", "default", "via", this.nodeIp);
    return { ns, ip: address };
  }

  /** A process inside a namespace, killed by destroy(). */
  spawnIn(ns: string, command: string[]): ChildProcess {
    const child = spawn("ip", ["netns", "exec", ns, ...command], { stdio: "ignore" });
    this.processes.push(child);
    return child;
  }

  destroy(): void {
    for (const p of this.processes) p.kill("SIGKILL");
    for (const ns of this.namespaces.reverse()) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
  }
}
