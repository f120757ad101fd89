// The per-sandbox /etc/hosts, /etc/resolv.conf and /etc/hostname that every container of the pod
// bind-mounts (what the kubelet and containerd generate for a pod network sandbox).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DnsConfig } from "../runtime.ts";

export interface SandboxFiles {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

export function hostsFile(hostname: string, ip: string): string {
  const lines = [
    "# Kubernetes-managed hosts file (Skiff).",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "fe00::0\tip6-mcastprefix",
    "fe00::1\tip6-allnodes",
    "fe00::2\tip6-allrouters",
  ];
  if (ip) lines.push(`${ip}\t${hostname}`);
  return `${lines.join("\n")}\n`;
}

export function resolvConf(dns: DnsConfig): string {
  const lines = dns.servers.map((s) => `nameserver ${s}`);
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(" ")}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** Writes the three files into `dir`; without a dnsConfig the host's resolv.conf is used (dnsPolicy Default). */
export async function writeSandboxFiles(options: {
  dir: string;
  hostname: string;
  ip: string;
  dnsConfig?: DnsConfig;
}): Promise<SandboxFiles> {
  const files: SandboxFiles = {
    hosts: join(options.dir, "hosts"),
    resolvConf: join(options.dir, "resolv.conf"),
    hostname: join(options.dir, "hostname"),
  };
  const resolv = options.dnsConfig
    ? resolvConf(options.dnsConfig)
    : await readFile("/etc/resolv.conf", "utf8").catch(() => "");
  await Promise.all([
    writeFile(files.hosts, hostsFile(options.hostname, options.ip)),
    writeFile(files.resolvConf, resolv),
    writeFile(files.hostname, `${options.hostname}\n`),
  ]);
  return files;
}
