// The server side of a SPDY/3.1 connection, as Kubernetes' streaming protocols use it (exec,
// attach and port-forward from kubectl through the API server): the client opens streams with
// SYN_STREAM, the server answers SYN_REPLY and both exchange DATA until FIN. Flow control
// (WINDOW_UPDATE) and SETTINGS are ignored like the Go implementation does; PING is echoed.
import { EventEmitter } from "node:events";
import { Duplex } from "node:stream";
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCompressor,
  HeaderDecompressor,
  type SpdyHeaders,
} from "./headers.ts";

const version = 3;
enum FrameType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}
const flagFin = 0x01;
/** RST_STREAM status CANCEL. */
const statusCancel = 5;
/** DATA frames are cut at this size (the 24-bit length allows more; Go reads any). */
const maxDataFrame = 32 * 1024;

function controlFrame(type: FrameType, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | version, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(payload.length, 4);
  head[4] = flags;
  return Buffer.concat([head, payload]);
}

function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(payload.length, 4);
  head[4] = flags;
  return Buffer.concat([head, payload]);
}

/** One SPDY stream: readable = the peer's DATA, writable = ours; end() sends FIN. */
export class SpdyStream extends Duplex {
  private replied = false;
  private remoteClosed = false;
  private localClosed = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** Accepts the stream (the client blocks until it sees the reply). */
  reply(): void {
    if (this.replied) return;
    this.replied = true;
    this.session.sendReply(this.id);
  }

  /** Aborts the stream (RST_STREAM CANCEL). */
  reset(): void {
    if (!this.localClosed || !this.remoteClosed) this.session.sendReset(this.id);
    this.localClosed = true;
    this.remoteClosed = true;
    this.destroy();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.reply();
    for (let at = 0; at < chunk.length; at += maxDataFrame) {
      this.session.sendData(this.id, chunk.subarray(at, at + maxDataFrame), false);
    }
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.reply();
    this.localClosed = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
    this.maybeForget();
    cb();
  }

  /** @internal DATA from the peer. */
  receive(payload: Buffer, fin: boolean): void {
    if (payload.length > 0) this.push(payload);
    if (fin) this.remoteFinished();
  }

  /** @internal The peer's FIN. */
  remoteFinished(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.maybeForget();
  }

  private maybeForget(): void {
    if (this.localClosed && this.remoteClosed) this.session.forget(this.id);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

/** A server-side SPDY/3.1 session over an upgraded connection. Emits `stream` and `close`. */
export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("close", () => this.shutdown());
    socket.on("end", () => this.shutdown());
    socket.on("error", () => this.shutdown());
  }

  /** Sends GOAWAY and closes the connection; open streams are destroyed. */
  close(): void {
    if (this.closed) return;
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(0, 4);
    this.write(controlFrame(FrameType.GoAway, 0, payload));
    this.socket.end();
    this.shutdown();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  sendReply(streamId: number): void {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(streamId);
    const block = this.compressor.compress(encodeHeaderBlock({}));
    this.write(controlFrame(FrameType.SynReply, 0, Buffer.concat([id, block])));
  }

  /** @internal */
  sendData(streamId: number, payload: Buffer, fin: boolean): void {
    this.write(dataFrame(streamId, fin ? flagFin : 0, payload));
  }

  /** @internal */
  sendReset(streamId: number): void {
    const p = Buffer.alloc(8);
    p.writeUInt32BE(streamId, 0);
    p.writeUInt32BE(statusCancel, 4);
    this.write(controlFrame(FrameType.RstStream, 0, p));
  }

  /** @internal */
  forget(streamId: number): void {
    this.streams.delete(streamId);
  }

  private write(frame: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(frame);
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.socket.destroy();
    this.emit("close");
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      while (this.buffer.length >= 8) {
        const length = this.buffer.readUInt32BE(4) & 0xffffff;
        if (this.buffer.length < 8 + length) break;
        const frame = this.buffer.subarray(0, 8 + length);
        this.buffer = this.buffer.subarray(8 + length);
        this.onFrame(frame);
      }
    } catch {
      // A malformed frame or header block: the connection cannot be resynchronized.
      this.close();
    }
  }

  private onFrame(frame: Buffer): void {
    const flags = frame[4] ?? 0;
    const payload = frame.subarray(8);
    if (((frame[0] ?? 0) & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      this.streams.get(id)?.receive(Buffer.from(payload), (flags & flagFin) !== 0);
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case FrameType.SynStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(this.decompressor.decompress(payload.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        if ((flags & flagFin) !== 0) stream.remoteFinished();
        this.emit("stream", stream);
        return;
      }
      case FrameType.RstStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.destroy();
        return;
      }
      case FrameType.Headers:
        // Keep the shared inflater in step even though no protocol here uses trailing headers.
        this.decompressor.decompress(payload.subarray(4));
        return;
      case FrameType.Ping:
        this.write(controlFrame(FrameType.Ping, 0, Buffer.from(payload)));
        return;
      case FrameType.GoAway:
        this.shutdown();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, SYN_REPLY (we open no streams): nothing to do.
        return;
    }
  }
}
