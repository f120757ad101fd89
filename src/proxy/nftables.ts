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

/**
 * Balances over `endpoints` and DNATs. Without affinity this is one rule with a numgen-indexed
 * DNAT map, so a service port costs one chain rather than one per endpoint (nft's run time grows
 * with the number of chains in the table); a client that is itself an endpoint is marked for
 * masquerade (hairpin). ClientIP affinity needs per-endpoint chains that record the client.
 */
function dispatch(
  sp: ServicePort,
  endpoints: ProxyEndpoint[],
  lines: string[],
  chains: Map<string, string[]>,
): void {
  const markMasq = `meta mark set meta mark | ${masqueradeMark}`;
  const ips = [...new Set(endpoints.map((e) => e.ip))];
  lines.push(`ip saddr ${ips.length === 1 ? ips[0] : `{ ${ips.join(", ")} }`} ${markMasq}`);
  if (sp.affinitySeconds === 0) {
    const targets = endpoints.map((ep, i) => `${i} : ${ep.ip} . ${ep.port}`).join(", ");
    lines.push(
      `meta l4proto ${sp.protocol} dnat ip addr . port to numgen random mod ${endpoints.length} map { ${targets} }`,
    );
    return;
  }
  for (const ep of endpoints) {
    const name = endpointChain(sp, ep);
    lines.push(`ip saddr @aff-${name.slice(3)} goto ${name}`);
    chains.set(name, [
      `update @aff-${name.slice(3)} { ip saddr }`,
      `meta l4proto ${sp.protocol} dnat to ${ep.ip}:${ep.port}`,
    ]);
  }
  const arms = endpoints.map((ep, i) => `${i} : goto ${endpointChain(sp, ep)}`).join(", ");
  lines.push(`numgen random mod ${endpoints.length} vmap { ${arms} }`);
}

/** What one service port contributes to the table. Chain bodies are rule lines. */
export interface Fragment {
  chains: Map<string, string[]>;
  /** Affinity sets: name → declaration body. */
  sets: Map<string, string>;
  /** Map/set name → element key → value (verdict for maps, "" for sets). */
  elements: Map<ElementTable, Map<string, string>>;
}

type ElementTable = "service-ips" | "service-nodeports" | "no-endpoint-services" | "no-endpoint-nodeports";
const elementTables: readonly ElementTable[] = [
  "service-ips",
  "service-nodeports",
  "no-endpoint-services",
  "no-endpoint-nodeports",
];

export function renderFragment(sp: ServicePort, options: RulesetOptions): Fragment {
  const f: Fragment = { chains: new Map(), sets: new Map(), elements: new Map() };
  const el = (table: ElementTable, key: string, value = ""): void => {
    let m = f.elements.get(table);
    if (!m) {
      m = new Map();
      f.elements.set(table, m);
    }
    m.set(key, value);
  };
  const markMasq = `meta mark set meta mark | ${masqueradeMark}`;
  const svcChain = `svc-${h(sp.id)}`;
  const extChain = `ext-${h(sp.id)}`;
  const proto = sp.protocol;
  if (sp.clusterEndpoints.length > 0) {
    for (const ip of sp.clusterIPs) el("service-ips", `${ip} . ${proto} . ${sp.port}`, `goto ${svcChain}`);
    const lines = [options.clusterCidr ? `ip saddr != ${options.clusterCidr} ${markMasq}` : markMasq];
    dispatch(sp, sp.clusterEndpoints, lines, f.chains);
    f.chains.set(svcChain, lines);
  } else {
    for (const ip of sp.clusterIPs) el("no-endpoint-services", `${ip} . ${proto} . ${sp.port}`);
  }
  const external = sp.nodePort > 0 || sp.loadBalancerIPs.length > 0;
  if (external && sp.externalEndpoints.length > 0) {
    if (sp.nodePort > 0) el("service-nodeports", `${proto} . ${sp.nodePort}`, `goto ${extChain}`);
    for (const ip of sp.loadBalancerIPs)
      el("service-ips", `${ip} . ${proto} . ${sp.port}`, `goto ${extChain}`);
    const lines = sp.externalLocal ? [] : [markMasq];
    dispatch(sp, sp.externalEndpoints, lines, f.chains);
    f.chains.set(extChain, lines);
  } else if (external) {
    if (sp.nodePort > 0) el("no-endpoint-nodeports", `${proto} . ${sp.nodePort}`);
    for (const ip of sp.loadBalancerIPs) el("no-endpoint-services", `${ip} . ${proto} . ${sp.port}`);
  }
  if (sp.affinitySeconds > 0) {
    for (const name of f.chains.keys()) {
      if (name.startsWith("ep-")) {
        f.sets.set(
          `aff-${name.slice(3)}`,
          `type ipv4_addr; flags dynamic,timeout; timeout ${sp.affinitySeconds}s;`,
        );
      }
    }
  }
  return f;
}

const baseChains = (table: string): string[] => [
  `  map service-ips { type ipv4_addr . inet_proto . inet_service : verdict; }`,
  `  map service-nodeports { type inet_proto . inet_service : verdict; }`,
  `  set no-endpoint-services { type ipv4_addr . inet_proto . inet_service; }`,
  `  set no-endpoint-nodeports { type inet_proto . inet_service; }`,
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
  `  # owned by skiff: ${table}`,
];

function merged(fragments: Iterable<Fragment>): Fragment {
  const all: Fragment = { chains: new Map(), sets: new Map(), elements: new Map() };
  for (const f of fragments) {
    for (const [k, v] of f.chains) all.chains.set(k, v);
    for (const [k, v] of f.sets) all.sets.set(k, v);
    for (const [t, m] of f.elements) {
      const into = all.elements.get(t) ?? new Map<string, string>();
      for (const [k, v] of m) into.set(k, v);
      all.elements.set(t, into);
    }
  }
  return all;
}

function elementText(key: string, value: string): string {
  return value === "" ? key : `${key} : ${value}`;
}

/** A whole-table replacement in one transaction: create-if-missing, delete, define. */
function fullScript(all: Fragment, table: string): string {
  const out = [
    `add table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    ...baseChains(table),
  ];
  for (const [name, body] of all.sets) out.push(`  set ${name} { ${body} }`);
  for (const [name, lines] of all.chains)
    out.push(`  chain ${name} {`, ...lines.map((l) => `    ${l}`), "  }");
  out.push("}");
  for (const t of elementTables) {
    const m = all.elements.get(t);
    if (m && m.size > 0) {
      out.push(`add element ip ${table} ${t} { ${[...m].map(([k, v]) => elementText(k, v)).join(", ")} }`);
    }
  }
  return `${out.join("\n")}\n`;
}

interface PlannedPort {
  key: string;
  port: ServicePort;
  fragment: Fragment;
}

/**
 * Tracks what is installed and plans the smallest transaction to the desired ruleset: only
 * service ports whose inputs changed are re-rendered; new chains are created before anything
 * references them and removed ones deleted after their references. The first plan (and any plan
 * after reset()) replaces the whole table.
 */
export class NftablesPlanner {
  private installed: Map<string, PlannedPort> | undefined;
  private pending: Map<string, PlannedPort> | undefined;

  constructor(private readonly options: RulesetOptions) {}

  /** The script to reach `ports` from what is installed; "" when nothing changes. */
  plan(ports: readonly ServicePort[]): string {
    const next = new Map<string, PlannedPort>();
    for (const sp of ports) {
      const old = this.installed?.get(sp.id);
      // The same object (ServicePortCache) is unchanged without serializing it again.
      if (old?.port === sp) {
        next.set(sp.id, old);
        continue;
      }
      const key = JSON.stringify(sp);
      next.set(
        sp.id,
        old && old.key === key
          ? { ...old, port: sp }
          : { key, port: sp, fragment: renderFragment(sp, this.options) },
      );
    }
    this.pending = next;
    if (!this.installed)
      return fullScript(merged([...next.values()].map((v) => v.fragment)), this.options.table);
    // Fragments of different service ports never share chains, sets or element keys, so only the
    // changed ones need comparing.
    const was: Fragment[] = [];
    const now: Fragment[] = [];
    for (const [id, old] of this.installed) {
      const fresh = next.get(id);
      if (fresh?.fragment === old.fragment) continue;
      was.push(old.fragment);
      if (fresh) now.push(fresh.fragment);
    }
    for (const [id, fresh] of next) if (!this.installed.has(id)) now.push(fresh.fragment);
    return diffScript(merged(was), merged(now), this.options.table);
  }

  /** The last plan was applied. */
  commit(): void {
    if (this.pending) this.installed = this.pending;
    this.pending = undefined;
  }

  /** The table's state is unknown (a failed apply): the next plan replaces it whole. */
  reset(): void {
    this.installed = undefined;
    this.pending = undefined;
  }
}

function sameLines(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((l, i) => l === b[i]);
}

function diffScript(before: Fragment, after: Fragment, table: string): string {
  const out: string[] = [];
  for (const [name, body] of after.sets)
    if (!before.sets.has(name)) out.push(`add set ip ${table} ${name} { ${body} }`);
  for (const name of after.chains.keys())
    if (!before.chains.has(name)) out.push(`add chain ip ${table} ${name}`);
  for (const [name, lines] of after.chains) {
    if (sameLines(before.chains.get(name), lines)) continue;
    if (before.chains.has(name)) out.push(`flush chain ip ${table} ${name}`);
    for (const l of lines) out.push(`add rule ip ${table} ${name} ${l}`);
  }
  for (const t of elementTables) {
    const was = before.elements.get(t) ?? new Map<string, string>();
    const now = after.elements.get(t) ?? new Map<string, string>();
    const removed = [...was].filter(([k, v]) => now.get(k) !== v).map(([k]) => k);
    const added = [...now].filter(([k, v]) => was.get(k) !== v);
    if (removed.length > 0) out.push(`delete element ip ${table} ${t} { ${removed.join(", ")} }`);
    if (added.length > 0)
      out.push(`add element ip ${table} ${t} { ${added.map(([k, v]) => elementText(k, v)).join(", ")} }`);
  }
  // Chains that lost their last reference: flush first (rules may jump to each other), then delete.
  const gone = [...before.chains.keys()].filter((n) => !after.chains.has(n));
  for (const name of gone) out.push(`flush chain ip ${table} ${name}`);
  for (const name of gone) out.push(`delete chain ip ${table} ${name}`);
  for (const name of before.sets.keys())
    if (!after.sets.has(name)) out.push(`delete set ip ${table} ${name}`);
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
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

/** The whole ruleset as one replacement transaction (tests, and a first install). */
export function replaceTableScript(ports: readonly ServicePort[], options: RulesetOptions): string {
  return new NftablesPlanner(options).plan(ports);
}

export function deleteTableScript(table: string): string {
  return `add table ip ${table}\ndelete table ip ${table}\n`;
}
