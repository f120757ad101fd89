// UDP conntrack cleanup, as kube-proxy does: a UDP flow to a service keeps going to the endpoint
// conntrack chose first, so after an endpoint is removed its entries are deleted (clients then
// get a new DNAT decision); a UDP service that gets its first endpoint has its entries deleted
// too (packets that met no endpoint left entries that would keep them blackholed).
import { spawn } from "node:child_process";
import type { ServicePort } from "./model.ts";

/** One UDP virtual address and the endpoints it balances over. */
export interface UdpTarget {
  vip: string;
  port: number;
  protocol: "udp";
  endpoints: string[];
}

export function udpTargets(ports: readonly ServicePort[]): Map<string, UdpTarget> {
  const out = new Map<string, UdpTarget>();
  for (const p of ports) {
    if (p.protocol !== "udp") continue;
    for (const vip of [...p.clusterIPs, ...p.loadBalancerIPs]) {
      out.set(`${vip}:${p.port}`, {
        vip,
        port: p.port,
        protocol: "udp",
        endpoints: p.clusterEndpoints.map((e) => e.ip),
      });
    }
  }
  return out;
}

/** A `conntrack -D` filter: entries to vip:port, optionally only those DNATed to one endpoint. */
export interface ConntrackDeletion {
  vip: string;
  port: number;
  endpoint?: string;
}

export function staleEntries(
  before: Map<string, UdpTarget>,
  after: Map<string, UdpTarget>,
): ConntrackDeletion[] {
  const out: ConntrackDeletion[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    const kept = new Set(now?.endpoints ?? []);
    for (const e of old.endpoints) if (!kept.has(e)) out.push({ vip: old.vip, port: old.port, endpoint: e });
  }
  for (const [key, now] of after) {
    const old = before.get(key);
    if (now.endpoints.length > 0 && (!old || old.endpoints.length === 0))
      out.push({ vip: now.vip, port: now.port });
  }
  return out;
}

export function conntrackArgs(d: ConntrackDeletion): string[] {
  return [
    "-D",
    "-p",
    "udp",
    "--orig-dst",
    d.vip,
    "--dport",
    String(d.port),
    ...(d.endpoint ? ["--dst-nat", d.endpoint] : []),
  ];
}

function runConntrack(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("conntrack", args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** Runs the deletions; false when the conntrack tool is missing (apt package `conntrack`). */
export async function deleteConntrack(deletions: readonly ConntrackDeletion[]): Promise<boolean> {
  for (const d of deletions) {
    try {
      // Exit 1 means "no entry matched": nothing to clean.
      await runConntrack(conntrackArgs(d));
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return false;
      throw err;
    }
  }
  return true;
}
