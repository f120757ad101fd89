// The nftables ruleset of the service proxy, kube-proxy's nftables mode in miniature: one table
// owned by Skiff (replaced atomically in one `nft -f` transaction), verdict maps from
// (address, protocol, port) to one chain per service port, random balancing with numgen, one
// chain per endpoint doing the DNAT, ClientIP affinity with dynamic timeout sets, masquerade by
// packet mark for off-cluster sources, hairpin and non-Local external traffic, and reject rules
// for services without endpoints.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type { ProxyEndpoint, ServicePort } from "./model.ts";

export interface RulesetOptions {
  /** The table's name (`ip` family); several instances on one host use different names. */
  table: string;
  /** Pod network; traffic from elsewhere to a ClusterIP is masqueraded. Absent: masquerade all. */
  clusterCidr?: string;
}

const masqueradeMark = "0x4000";

function h(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function endpointChain(sp: ServicePort, ep: ProxyEndpoint): string {
  return `ep-${h(`${sp.id}|${ep.ip}:${ep.port}`)}`;
}

function dispatch(sp: ServicePort, endpoints: ProxyEndpoint[], lines: string[]): void {
  if (sp.affinitySeconds > 0) {
    for (const ep of endpoints)
      lines.push(`    ip saddr @aff-${endpointChain(sp, ep).slice(3)} goto ${endpointChain(sp, ep)}`);
  }
  if (endpoints.length === 1 && endpoints[0]) {
    lines.push(`    goto ${endpointChain(sp, endpoints[0])}`);
    return;
  }
  const arms = endpoints.map((ep, i) => `${i} : goto ${endpointChain(sp, ep)}`).join(", ");
  lines.push(`    numgen random mod ${endpoints.length} vmap { ${arms} }`);
}

/** The whole table as `nft -f` input (without the transaction wrapper). */
export function renderTable(ports: readonly ServicePort[], options: RulesetOptions): string {
  const serviceIps: string[] = [];
  const nodePorts: string[] = [];
  const noEndpointIps: string[] = [];
  const noEndpointNodePorts: string[] = [];
  const chains: string[] = [];
  const sets: string[] = [];
  const markMasq = `meta mark set meta mark | ${masqueradeMark}`;
  for (const sp of ports) {
    const svcChain = `svc-${h(sp.id)}`;
    const extChain = `ext-${h(sp.id)}`;
    const proto = sp.protocol;
    if (sp.clusterEndpoints.length > 0) {
      for (const ip of sp.clusterIPs) serviceIps.push(`${ip} . ${proto} . ${sp.port} : goto ${svcChain}`);
      const lines = [`  chain ${svcChain} {`];
      lines.push(
        options.clusterCidr ? `    ip saddr != ${options.clusterCidr} ${markMasq}` : `    ${markMasq}`,
      );
      dispatch(sp, sp.clusterEndpoints, lines);
      lines.push("  }");
      chains.push(lines.join("\n"));
    } else {
      for (const ip of sp.clusterIPs) noEndpointIps.push(`${ip} . ${proto} . ${sp.port}`);
    }
    const external = sp.nodePort > 0 || sp.loadBalancerIPs.length > 0;
    if (external && sp.externalEndpoints.length > 0) {
      if (sp.nodePort > 0) nodePorts.push(`${proto} . ${sp.nodePort} : goto ${extChain}`);
      for (const ip of sp.loadBalancerIPs)
        serviceIps.push(`${ip} . ${proto} . ${sp.port} : goto ${extChain}`);
      const lines = [`  chain ${extChain} {`];
      if (!sp.externalLocal) lines.push(`    ${markMasq}`);
      dispatch(sp, sp.externalEndpoints, lines);
      lines.push("  }");
      chains.push(lines.join("\n"));
    } else if (external) {
      if (sp.nodePort > 0) noEndpointNodePorts.push(`${proto} . ${sp.nodePort}`);
      for (const ip of sp.loadBalancerIPs) noEndpointIps.push(`${ip} . ${proto} . ${sp.port}`);
    }
    const endpoints = new Map<string, ProxyEndpoint>();
    for (const ep of [...sp.clusterEndpoints, ...sp.externalEndpoints])
      endpoints.set(endpointChain(sp, ep), ep);
    for (const [name, ep] of endpoints) {
      const lines = [`  chain ${name} {`, `    ip saddr ${ep.ip} ${markMasq}`];
      if (sp.affinitySeconds > 0) {
        sets.push(
          `  set aff-${name.slice(3)} { type ipv4_addr; flags dynamic,timeout; timeout ${sp.affinitySeconds}s; }`,
        );
        lines.push(`    update @aff-${name.slice(3)} { ip saddr }`);
      }
      lines.push(`    meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`, "  }");
      chains.push(lines.join("\n"));
    }
  }
  const elements = (list: string[]): string => (list.length > 0 ? ` elements = { ${list.join(", ")} };` : "");
  return [
    `table ip ${options.table} {`,
    `  map service-ips { type ipv4_addr . inet_proto . inet_service : verdict;${elements(serviceIps)} }`,
    `  map service-nodeports { type inet_proto . inet_service : verdict;${elements(nodePorts)} }`,
    `  set no-endpoint-services { type ipv4_addr . inet_proto . inet_service;${elements(noEndpointIps)} }`,
    `  set no-endpoint-nodeports { type inet_proto . inet_service;${elements(noEndpointNodePorts)} }`,
    ...sets,
    "  chain services {",
    "    ip daddr . meta l4proto . th dport vmap @service-ips",
    "    fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports",
    "  }",
    "  chain nat-prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }",
    "  chain nat-output { type nat hook output priority -100; policy accept; jump services; }",
    `  chain nat-postrouting { type nat hook postrouting priority srcnat; policy accept; meta mark & ${masqueradeMark} == ${masqueradeMark} meta mark set meta mark ^ ${masqueradeMark} masquerade fully-random; }`,
    // TCP gets a reset: an ICMP error sent back across the bridge to a pod was not acted on
    // (measured in the netns tests); other protocols get ICMP port unreachable.
    "  chain reject-services {",
    "    ct state new ip daddr . meta l4proto . th dport @no-endpoint-services meta l4proto tcp reject with tcp reset",
    "    ct state new ip daddr . meta l4proto . th dport @no-endpoint-services reject",
    "  }",
    "  chain filter-forward { type filter hook forward priority -5; policy accept; jump reject-services; }",
    "  chain filter-output { type filter hook output priority -5; policy accept; jump reject-services; }",
    "  chain filter-input {",
    "    type filter hook input priority -5; policy accept;",
    "    jump reject-services",
    "    ct state new fib daddr type local meta l4proto . th dport @no-endpoint-nodeports meta l4proto tcp reject with tcp reset",
    "    ct state new fib daddr type local meta l4proto . th dport @no-endpoint-nodeports reject",
    "  }",
    ...chains,
    "}",
    "",
  ].join("\n");
}

/** Replaces the table in one transaction: create-if-missing, delete, define. */
export function replaceTableScript(ports: readonly ServicePort[], options: RulesetOptions): string {
  return `add table ip ${options.table}\ndelete table ip ${options.table}\n${renderTable(ports, options)}`;
}

/** Runs `nft` (or `command`, e.g. `ip netns exec NS nft`) with a script on stdin. */
export function runNft(script: string, command: readonly string[] = ["nft"]): Promise<void> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new Error("empty nft command"));
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args, "-f", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`nft failed (exit ${code}): ${stderr.trim()}`));
    });
    child.stdin.end(script);
  });
}

export function deleteTableScript(table: string): string {
  return `add table ip ${table}\ndelete table ip ${table}\n`;
}
