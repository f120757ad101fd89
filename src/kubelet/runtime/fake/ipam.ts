// The fake runtime's pod network: host-local-style IPv4 allocation from the node's pod CIDR
// (network address, the .1 gateway and the broadcast address are never handed out).

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new Error(`invalid IPv4 address "${text}"`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new Error(`invalid IPv4 address "${text}"`);
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const [ip, bits, extra] = text.split("/");
  const prefix = Number(bits);
  if (ip === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32) {
    throw new Error(`invalid IPv4 CIDR "${text}"`);
  }
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(parseIpv4(ip) / size) * size, prefix };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

/** The `index`-th subnet of size /`prefix` inside `cidr` (node pod CIDRs from a cluster CIDR). */
export function subnet(cidr: Ipv4Cidr, prefix: number, index: number): Ipv4Cidr {
  if (prefix < cidr.prefix || prefix > 32)
    throw new Error(`cannot carve /${prefix} from ${formatCidr(cidr)}`);
  const count = 2 ** (prefix - cidr.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`${formatCidr(cidr)} holds only ${count} subnets of /${prefix}`);
  }
  return { base: cidr.base + index * 2 ** (32 - prefix), prefix };
}

export class PodIpAllocator {
  private readonly used = new Set<number>();
  private readonly first: number;
  private readonly last: number;
  private next: number;

  constructor(readonly cidr: Ipv4Cidr) {
    const size = 2 ** (32 - cidr.prefix);
    if (size < 4) throw new Error(`pod CIDR ${formatCidr(cidr)} is too small`);
    this.first = cidr.base + 2;
    this.last = cidr.base + size - 2;
    this.next = this.first;
  }

  get allocated(): number {
    return this.used.size;
  }

  /** The next free address, scanning round-robin so a released IP is not reused at once. */
  allocate(): string {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const candidate = this.next;
      this.next = candidate >= this.last ? this.first : candidate + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return formatIpv4(candidate);
      }
    }
    throw new Error(`no free address in ${formatCidr(this.cidr)}`);
  }

  release(ip: string): void {
    this.used.delete(parseIpv4(ip));
  }
}
