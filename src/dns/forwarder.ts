// Forwards queries for names outside the cluster domain to upstream resolvers (the host's, from
// /etc/resolv.conf, by default): over UDP from one shared socket with ids rewritten so that
// concurrent queries never collide, over TCP for clients that came over TCP; SERVFAIL on timeout.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { connect } from "node:net";

export interface Upstream {
  host: string;
  port: number;
}

/** Nameservers of a resolv.conf text (ignoring our own loopback listener is the caller's job). */
export function parseResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m?.[1]) out.push({ host: m[1], port: 53 });
  }
  return out;
}

export function hostUpstreams(path = "/etc/resolv.conf"): Upstream[] {
  try {
    return parseResolvConf(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}

export function parseUpstream(text: string): Upstream {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`invalid upstream resolver ${JSON.stringify(text)}`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
}

interface Pending {
  resolve(answer: Buffer | undefined): void;
  originalId: number;
  timer: NodeJS.Timeout;
}

export class Forwarder {
  private udp: UdpSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 0xffff);
  private closed = false;

  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly timeoutMs = 2000,
  ) {}

  private socket(): UdpSocket {
    if (this.udp) return this.udp;
    const s = createSocket("udp4");
    s.on("message", (msg) => {
      if (msg.length < 2) return;
      const p = this.pending.get(msg.readUInt16BE(0));
      if (!p) return;
      this.pending.delete(msg.readUInt16BE(0));
      clearTimeout(p.timer);
      const out = Buffer.from(msg);
      out.writeUInt16BE(p.originalId, 0);
      p.resolve(out);
    });
    s.on("error", () => {});
    this.udp = s;
    return s;
  }

  private freeId(): number {
    for (let i = 0; i < 0x10000; i++) {
      this.nextId = (this.nextId + 1) & 0xffff;
      if (!this.pending.has(this.nextId)) return this.nextId;
    }
    throw new Error("no free DNS query id");
  }

  /** The upstream's answer (id restored), or undefined when none answered in time. */
  forwardUdp(query: Buffer, attempt = 0): Promise<Buffer | undefined> {
    const upstream = this.upstreams[attempt % Math.max(1, this.upstreams.length)];
    if (!upstream || this.closed || query.length < 12) return Promise.resolve(undefined);
    const id = this.freeId();
    const msg = Buffer.from(query);
    msg.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (attempt + 1 < this.upstreams.length) void this.forwardUdp(query, attempt + 1).then(resolve);
        else resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(id, { resolve, originalId: query.readUInt16BE(0), timer });
      this.socket().send(msg, upstream.port, upstream.host);
    });
  }

  /** Forwards over TCP (a client that came over TCP expects a full answer). */
  forwardTcp(query: Buffer): Promise<Buffer | undefined> {
    const upstream = this.upstreams[0];
    if (!upstream || this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const socket = connect(upstream.port, upstream.host);
      let buf = Buffer.alloc(0);
      const done = (answer: Buffer | undefined): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), this.timeoutMs);
      socket.on("connect", () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        socket.write(Buffer.concat([len, query]));
      });
      socket.on("data", (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
          done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      socket.on("error", () => done(undefined));
    });
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pending.clear();
    this.udp?.close();
    this.udp = undefined;
  }
}
