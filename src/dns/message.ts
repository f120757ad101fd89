// DNS messages on the wire (RFC 1035, with EDNS0's OPT record from RFC 6891): decoding of queries
// (names may use compression pointers) and encoding of answers with name compression.

export enum RType {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  PTR = 12,
  TXT = 16,
  AAAA = 28,
  SRV = 33,
  OPT = 41,
  ANY = 255,
}

export enum RCode {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NXDomain = 3,
  NotImp = 4,
  Refused = 5,
}

export const classIN = 1;

export interface Question {
  /** Lower-case, without the trailing dot. */
  name: string;
  type: number;
  class: number;
}

export type RData =
  | { type: RType.A; address: string }
  | { type: RType.AAAA; address: string }
  | { type: RType.CNAME | RType.PTR | RType.NS; target: string }
  | { type: RType.SRV; priority: number; weight: number; port: number; target: string }
  | { type: RType.TXT; texts: string[] }
  | {
      type: RType.SOA;
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    };

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RData;
}

export interface Query {
  id: number;
  /** Recursion desired, echoed in the answer. */
  rd: boolean;
  opcode: number;
  questions: Question[];
  /** The requester's UDP payload size from EDNS0 (512 without OPT). */
  udpSize: number;
  edns: boolean;
}

export class DnsFormatError extends Error {
  override name = "DnsFormatError";
}

function readName(buf: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let at = start;
  let next = -1;
  for (let jumps = 0; jumps < 64; ) {
    if (at >= buf.length) throw new DnsFormatError("name runs past the message");
    const len = buf[at] ?? 0;
    if (len === 0) {
      if (next < 0) next = at + 1;
      return { name: labels.join(".").toLowerCase(), next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= buf.length) throw new DnsFormatError("truncated compression pointer");
      if (next < 0) next = at + 2;
      at = ((len & 0x3f) << 8) | (buf[at + 1] ?? 0);
      jumps++;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError("unknown label type");
    if (at + 1 + len > buf.length) throw new DnsFormatError("label runs past the message");
    labels.push(buf.toString("latin1", at + 1, at + 1 + len));
    at += 1 + len;
  }
  throw new DnsFormatError("compression loop");
}

/** Decodes a query: header, questions and the EDNS0 OPT record if present. */
export function decodeQuery(buf: Buffer): Query {
  if (buf.length < 12) throw new DnsFormatError("message shorter than a header");
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  let at = 12;
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) {
    const { name, next } = readName(buf, at);
    if (next + 4 > buf.length) throw new DnsFormatError("truncated question");
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    at = next + 4;
  }
  let udpSize = 512;
  let edns = false;
  for (let i = 0; i < an + ns + ar; i++) {
    const { next } = readName(buf, at);
    if (next + 10 > buf.length) throw new DnsFormatError("truncated record");
    const type = buf.readUInt16BE(next);
    const rdlength = buf.readUInt16BE(next + 8);
    if (type === RType.OPT && i >= an + ns) {
      edns = true;
      udpSize = Math.max(512, buf.readUInt16BE(next + 2));
    }
    at = next + 10 + rdlength;
    if (at > buf.length) throw new DnsFormatError("record runs past the message");
  }
  return { id, rd: (flags & 0x0100) !== 0, opcode: (flags >> 11) & 0xf, questions, udpSize, edns };
}

/** Writes names with compression against earlier names of the same message, into one buffer. */
class Writer {
  private buf = Buffer.allocUnsafe(512);
  private length = 0;
  private readonly offsets = new Map<string, number>();

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u8(n: number): void {
    this.reserve(1);
    this.buf[this.length++] = n & 0xff;
  }

  u16(n: number): void {
    this.reserve(2);
    this.buf.writeUInt16BE(n & 0xffff, this.length);
    this.length += 2;
  }

  u32(n: number): void {
    this.reserve(4);
    this.buf.writeUInt32BE(n >>> 0, this.length);
    this.length += 4;
  }

  get size(): number {
    return this.length;
  }

  name(name: string): void {
    let rest = name.toLowerCase();
    while (rest !== "") {
      const known = this.offsets.get(rest);
      if (known !== undefined) {
        this.u16(0xc000 | known);
        return;
      }
      if (this.length < 0x3fff) this.offsets.set(rest, this.length);
      const dot = rest.indexOf(".");
      const label = dot < 0 ? rest : rest.slice(0, dot);
      const len = Buffer.byteLength(label, "latin1");
      if (len > 63) throw new DnsFormatError(`label longer than 63 bytes in ${name}`);
      this.reserve(1 + len);
      this.buf[this.length++] = len;
      this.length += this.buf.write(label, this.length, "latin1");
      rest = dot < 0 ? "" : rest.slice(dot + 1);
    }
    this.u8(0);
  }

  /** RDATA with its length prefix (names inside may compress against earlier ones). */
  rdata(write: () => void): void {
    const lengthAt = this.length;
    this.u16(0);
    write();
    this.buf.writeUInt16BE(this.length - lengthAt - 2, lengthAt);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

function ipv4(address: string): Uint8Array {
  return Uint8Array.from(address.split(".").map(Number));
}

function ipv6(address: string): Buffer {
  const [head = "", tail = ""] = address.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => {
    b.writeUInt16BE(Number.parseInt(g, 16) || 0, i * 2);
  });
  return b;
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.data.type);
  w.u16(classIN);
  w.u32(rr.ttl);
  const d = rr.data;
  w.rdata(() => {
    switch (d.type) {
      case RType.A:
        w.bytes(ipv4(d.address));
        return;
      case RType.AAAA:
        w.bytes(ipv6(d.address));
        return;
      case RType.CNAME:
      case RType.PTR:
      case RType.NS:
        w.name(d.target);
        return;
      case RType.SRV:
        w.u16(d.priority);
        w.u16(d.weight);
        w.u16(d.port);
        w.name(d.target);
        return;
      case RType.TXT:
        for (const t of d.texts) {
          const b = Buffer.from(t, "utf8").subarray(0, 255);
          w.u8(b.length);
          w.bytes(b);
        }
        return;
      case RType.SOA:
        w.name(d.mname);
        w.name(d.rname);
        for (const n of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(n);
        return;
    }
  });
}

export interface Answer {
  rcode: RCode;
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/**
 * Encodes the answer to `query`. Over UDP a message larger than the requester allows is cut to
 * its header and question with TC set, and the client retries over TCP.
 */
export function encodeAnswer(query: Query, answer: Answer, maxSize = Number.POSITIVE_INFINITY): Buffer {
  const build = (truncated: boolean): Buffer => {
    const w = new Writer();
    w.u16(query.id);
    const flags =
      0x8000 |
      ((query.opcode & 0xf) << 11) |
      (answer.authoritative ? 0x0400 : 0) |
      (truncated ? 0x0200 : 0) |
      (query.rd ? 0x0100 : 0) |
      0x0080 |
      (answer.rcode & 0xf);
    w.u16(flags);
    const sections = truncated ? [[], [], []] : [answer.answers, answer.authority, answer.additional];
    w.u16(query.questions.length);
    w.u16(sections[0]?.length ?? 0);
    w.u16(sections[1]?.length ?? 0);
    w.u16((sections[2]?.length ?? 0) + (query.edns ? 1 : 0));
    for (const q of query.questions) {
      w.name(q.name);
      w.u16(q.type);
      w.u16(q.class);
    }
    for (const section of sections) for (const rr of section) writeRecord(w, rr);
    if (query.edns) {
      // OPT: root name, our UDP size, no extended flags, no options.
      w.u8(0);
      w.u16(RType.OPT);
      w.u16(4096);
      w.u32(0);
      w.u16(0);
    }
    return w.finish();
  };
  const full = build(false);
  return full.length <= maxSize ? full : build(true);
}

/** An error answer to a message that could not be decoded (needs at least the id). */
export function formatErrorAnswer(buf: Buffer): Buffer | undefined {
  if (buf.length < 2) return undefined;
  const out = Buffer.alloc(12);
  out.writeUInt16BE(buf.readUInt16BE(0), 0);
  out.writeUInt16BE(0x8000 | RCode.FormErr, 2);
  return out;
}

/** A query message, for clients (tests, benchmarks, the forwarder's health check). */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  const w = new Writer();
  w.u16(id);
  w.u16(0x0100);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  w.name(name);
  w.u16(type);
  w.u16(classIN);
  return w.finish();
}

/** Decodes a whole response (for clients and tests): rcode, flags and answer records. */
export function decodeResponse(buf: Buffer): {
  id: number;
  rcode: number;
  truncated: boolean;
  authoritative: boolean;
  answers: ResourceRecord[];
  additional: ResourceRecord[];
} {
  const q = decodeQuery(buf);
  const flags = buf.readUInt16BE(2);
  let at = 12;
  for (let i = 0; i < q.questions.length; i++) at = readName(buf, at).next + 4;
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  const records: ResourceRecord[][] = [[], [], []];
  for (let i = 0; i < an + ns + ar; i++) {
    const { name, next } = readName(buf, at);
    const type = buf.readUInt16BE(next);
    const ttl = buf.readUInt32BE(next + 4);
    const len = buf.readUInt16BE(next + 8);
    const start = next + 10;
    const section = i < an ? 0 : i < an + ns ? 1 : 2;
    let data: RData | undefined;
    if (type === RType.A) data = { type, address: [...buf.subarray(start, start + 4)].join(".") };
    else if (type === RType.CNAME || type === RType.PTR || type === RType.NS) {
      data = { type, target: readName(buf, start).name };
    } else if (type === RType.SRV) {
      data = {
        type,
        priority: buf.readUInt16BE(start),
        weight: buf.readUInt16BE(start + 2),
        port: buf.readUInt16BE(start + 4),
        target: readName(buf, start + 6).name,
      };
    }
    if (data) records[section]?.push({ name, ttl, data });
    at = start + len;
  }
  return {
    id: q.id,
    rcode: flags & 0xf,
    truncated: (flags & 0x0200) !== 0,
    authoritative: (flags & 0x0400) !== 0,
    answers: records[0] ?? [],
    additional: records[2] ?? [],
  };
}
