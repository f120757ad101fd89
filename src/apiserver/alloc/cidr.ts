// IPv4 CIDR arithmetic for the service range.

export interface Ipv4Cidr {
  base: number;
  size: number;
  text: string;
}

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function parseCidr(text: string): Ipv4Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const addr = m ? ipToNumber(m[1] ?? "") : undefined;
  const bits = m ? Number(m[2]) : Number.NaN;
  if (addr === undefined || !(bits >= 8 && bits <= 30)) {
    throw new Error(`invalid IPv4 CIDR ${JSON.stringify(text)} (expected e.g. 10.43.0.0/16, prefix 8-30)`);
  }
  const size = 2 ** (32 - bits);
  return { base: addr - (addr % size), size, text };
}

export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}

/** The n-th address of the range (1 = the kubernetes service, 10 = cluster DNS). */
export function nthAddress(cidr: Ipv4Cidr, n: number): string {
  return numberToIp(cidr.base + n);
}
