// The cluster DNS server: UDP and TCP on one address. Names in the cluster domain (and reverse
// names of service and endpoint IPs) are answered from ClusterRecords with authority; others are
// forwarded upstream. Malformed queries get FORMERR, never a crash.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { Forwarder, type Upstream } from "./forwarder.ts";
import {
  type Answer,
  classIN,
  DnsFormatError,
  decodeQuery,
  encodeAnswer,
  formatErrorAnswer,
  type Query,
  RCode,
} from "./message.ts";
import type { ClusterRecords } from "./records.ts";

export interface DnsServerOptions {
  records: ClusterRecords;
  host: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port: number;
  upstreams: readonly Upstream[];
  forwardTimeoutMs?: number;
}

export interface RunningDnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

function failure(rcode: RCode): Answer {
  return { rcode, authoritative: false, answers: [], authority: [], additional: [] };
}

/** Encoded cluster answers by the query's bytes after its id (the id is patched in). */
const cacheLimit = 10_000;

export class DnsHandler {
  readonly forwarder: Forwarder;
  private readonly cache = new Map<string, Buffer>();
  private cacheGeneration = -1;

  constructor(
    private readonly records: ClusterRecords,
    upstreams: readonly Upstream[],
    timeoutMs?: number,
  ) {
    this.forwarder = new Forwarder(upstreams, timeoutMs);
  }

  /**
   * The answer bytes for one message: at once (a Buffer) for cluster names, errors and cache hits,
   * or a promise when the query is forwarded. UDP answers are limited to the requester's size.
   */
  handle(message: Buffer, transport: "udp" | "tcp"): Buffer | undefined | Promise<Buffer | undefined> {
    if (this.records.generation !== this.cacheGeneration) {
      this.cache.clear();
      this.cacheGeneration = this.records.generation;
    }
    // A repeated query is answered before any parsing: the same bytes after the id (flags,
    // question, EDNS size) get the same answer, so they are the cache key.
    const key = `${transport === "udp" ? "u" : "t"}${message.toString("latin1", 2)}`;
    const cached = this.cache.get(key);
    if (cached && message.length >= 12) {
      const out = Buffer.from(cached);
      out[0] = message[0] ?? 0;
      out[1] = message[1] ?? 0;
      return out;
    }
    let query: Query;
    try {
      query = decodeQuery(message);
    } catch (err) {
      if (err instanceof DnsFormatError) return formatErrorAnswer(message);
      throw err;
    }
    const max = transport === "udp" ? query.udpSize : 65535;
    if (query.opcode !== 0) return encodeAnswer(query, failure(RCode.NotImp), max);
    const q = query.questions[0];
    if (query.questions.length !== 1 || !q) return encodeAnswer(query, failure(RCode.FormErr), max);
    if (q.class !== classIN) return encodeAnswer(query, failure(RCode.Refused), max);
    const answer = this.records.lookup(q);
    if (answer) {
      const out = encodeAnswer(query, answer, max);
      if (this.cache.size >= cacheLimit) this.cache.clear();
      this.cache.set(key, out);
      return Buffer.from(out);
    }
    const forwarded =
      transport === "udp" ? this.forwarder.forwardUdp(message) : this.forwarder.forwardTcp(message);
    return forwarded.then((a) => a ?? encodeAnswer(query, failure(RCode.ServFail), max));
  }
}

export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const handler = new DnsHandler(options.records, options.upstreams, options.forwardTimeoutMs);
  const tcp: Server = createServer((socket) => serveTcp(socket, handler));
  const connections = new Set<Socket>();
  tcp.on("connection", (s) => {
    connections.add(s);
    s.on("close", () => connections.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, () => resolve());
  });
  const port = (tcp.address() as { port: number }).port;
  const udp: UdpSocket = createSocket(options.host.includes(":") ? "udp6" : "udp4");
  udp.on("message", (msg, rinfo) => {
    const reply = (answer: Buffer | undefined): void => {
      if (answer) udp.send(answer, rinfo.port, rinfo.address);
    };
    const answer = handler.handle(msg, "udp");
    if (answer instanceof Promise) answer.then(reply, () => {});
    else reply(answer);
  });
  udp.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, options.host, () => resolve());
  });
  return {
    host: options.host,
    port,
    async close() {
      handler.forwarder.close();
      for (const s of connections) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}

/** DNS over TCP: each message prefixed by its 2-byte length; several per connection. */
function serveTcp(socket: Socket, handler: DnsHandler): void {
  let buf = Buffer.alloc(0);
  socket.setTimeout(30_000, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      Promise.resolve(handler.handle(Buffer.from(msg), "tcp")).then(
        (answer) => {
          if (!answer || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(answer.length);
          socket.write(Buffer.concat([prefix, answer]));
        },
        () => socket.destroy(),
      );
    }
  });
}
