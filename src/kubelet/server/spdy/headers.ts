// SPDY/3 header blocks: a u32 count of name/value pairs, each length-prefixed, compressed by one
// zlib stream per direction for the whole connection (primed with the SPDY dictionary).
import { constants, inflateSync } from "node:zlib";
import { spdyDictionary, spdyDictionaryId } from "./dictionary.ts";

export type SpdyHeaders = Record<string, string>;

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), "utf8");
    const v = Buffer.from(value, "utf8");
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  let at = 0;
  const need = (n: number): void => {
    if (at + n > block.length) throw new Error("truncated SPDY header block");
  };
  need(4);
  const count = block.readUInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nl = block.readUInt32BE(at);
    at += 4;
    need(nl + 4);
    const name = block.subarray(at, at + nl).toString("utf8");
    at += nl;
    const vl = block.readUInt32BE(at);
    at += 4;
    need(vl);
    // Several values of one name are NUL-separated; the protocols here use single values.
    out[name] =
      block
        .subarray(at, at + vl)
        .toString("utf8")
        .split("\0")[0] ?? "";
    at += vl;
  }
  return out;
}

/**
 * Compresses header blocks as stored (uncompressed) deflate blocks of one zlib stream. Each block
 * is followed by an empty stored block, the sync-flush marker Go's flate reader needs to stop at
 * the end of the frame instead of reading past it.
 */
export class HeaderCompressor {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      const header = Buffer.alloc(6);
      header[0] = 0x78;
      header[1] = 0x20; // FDICT set; (0x78 << 8 | 0x20) % 31 === 0
      header.writeUInt32BE(spdyDictionaryId, 2);
      parts.push(header);
    }
    for (let at = 0; at < block.length || at === 0; at += 0xffff) {
      const chunk = block.subarray(at, Math.min(block.length, at + 0xffff));
      const h = Buffer.alloc(5);
      h[0] = 0; // not final, stored
      h.writeUInt16LE(chunk.length, 1);
      h.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(h, chunk);
      if (block.length === 0) break;
    }
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/**
 * Inflates the peer's header blocks. Node has no synchronous streaming inflater, so it re-inflates
 * everything received so far with a sync flush and keeps the new tail: quadratic, but a
 * connection carries a few short blocks per stream.
 */
export class HeaderDecompressor {
  private input = Buffer.alloc(0);
  private produced = 0;

  decompress(compressed: Buffer): Buffer {
    this.input = Buffer.concat([this.input, compressed]);
    const all = inflateSync(this.input, {
      dictionary: spdyDictionary,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const block = all.subarray(this.produced);
    this.produced = all.length;
    return Buffer.from(block);
  }
}
