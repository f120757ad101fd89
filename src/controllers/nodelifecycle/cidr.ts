// IPv4 CIDR arithmetic for node pod-CIDR allocation: the n-th subnet of a given size in a range.

export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new Error(`not an IPv4 CIDR: ${text}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`not an IPv4 CIDR: ${text}`);
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix };
}

export function formatIpv4Cidr(c: Ipv4Cidr): string {
  const parts: number[] = [];
  let v = c.base;
  for (let i = 0; i < 4; i++) {
    parts.unshift(v % 256);
    v = Math.floor(v / 256);
  }
  return `${parts.join(".")}/${c.prefix}`;
}

/** How many /`subnetPrefix` subnets `range` holds. */
export function subnetCount(range: Ipv4Cidr, subnetPrefix: number): number {
  return subnetPrefix < range.prefix ? 0 : 2 ** (subnetPrefix - range.prefix);
}

export function nthSubnet(range: Ipv4Cidr, subnetPrefix: number, n: number): Ipv4Cidr {
  return { base: range.base + n * 2 ** (32 - subnetPrefix), prefix: subnetPrefix };
}

/** The index of `subnet` inside `range`, or -1 when it is not one of its subnets. */
export function subnetIndex(range: Ipv4Cidr, subnetPrefix: number, subnet: string): number {
  let c: Ipv4Cidr;
  try {
    c = parseIpv4Cidr(subnet);
  } catch {
    return -1;
  }
  const size = 2 ** (32 - subnetPrefix);
  if (c.prefix !== subnetPrefix || c.base < range.base) return -1;
  const i = (c.base - range.base) / size;
  return i < subnetCount(range, subnetPrefix) ? i : -1;
}
