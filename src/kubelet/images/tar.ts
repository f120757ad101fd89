// A small tar (ustar + PAX) writer and a streaming reader: enough for image layers and OCI/docker
// archives. Written for reproducibility: the writer emits exactly the entries it is given, in order.

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  /** Path inside the archive, without a leading "/" (directories may end in "/"). */
  name: string;
  type: TarEntryType;
  /** Permission bits (default 0o644 for files, 0o755 for directories, 0o777 for links). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch (default 0, for reproducible layers). */
  mtime?: number;
  /** Target of a symlink or hardlink. */
  linkname?: string;
  /** File content (files only). */
  content?: Buffer;
  /**
   * Content of a file larger than readTar's `maxBufferedBytes`, instead of `content`: read it before
   * asking for the next entry (whatever is left unread is skipped).
   */
  stream?: AsyncIterable<Buffer>;
  /** Content size in bytes (set by readTar). */
  size?: number;
}

export interface ReadTarOptions {
  /** Files larger than this come as `stream` rather than `content` (default: all are buffered). */
  maxBufferedBytes?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function typeflag(type: TarEntryType): string {
  switch (type) {
    case "file":
      return "0";
    case "directory":
      return "5";
    case "symlink":
      return "2";
    case "hardlink":
      return "1";
    default:
      throw new Error(`cannot write a tar entry of type ${type}`);
  }
}

function header(fields: {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(fields.name, 0, 100, "utf8");
  h.write(octal(fields.mode, 8), 100, "ascii");
  h.write(octal(fields.uid, 8), 108, "ascii");
  h.write(octal(fields.gid, 8), 116, "ascii");
  h.write(octal(fields.size, 12), 124, "ascii");
  h.write(octal(fields.mtime, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(fields.typeflag, 156, "ascii");
  h.write(fields.linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(octal(0, 8), 329, "ascii");
  h.write(octal(0, 8), 337, "ascii");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** A PAX extended header record: "<len> key=value\n" where len counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Serializes entries into a complete tar archive (with the two terminating zero blocks). */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? (entry.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const linkname = entry.linkname ?? "";
    const defaultMode = entry.type === "directory" ? 0o755 : entry.type === "file" ? 0o644 : 0o777;
    const common = { mode: entry.mode ?? defaultMode, uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
    const mtime = entry.mtime ?? 0;
    let name = entry.name;
    const pax: string[] = [];
    if (Buffer.byteLength(name) > 100) pax.push(paxRecord("path", name));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord("linkpath", linkname));
    if (pax.length > 0) {
      const data = Buffer.from(pax.join(""));
      parts.push(
        header({ ...common, name: "PaxHeader", size: data.length, mtime, typeflag: "x", linkname: "" }),
        data,
        padding(data.length),
      );
      name = name.slice(0, 100);
    }
    parts.push(
      header({
        ...common,
        name,
        size: content.length,
        mtime,
        typeflag: typeflag(entry.type),
        linkname: linkname.slice(0, 100),
      }),
      content,
      padding(content.length),
    );
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? slice.length : end).toString("utf8");
}

function parseNumber(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    // GNU base-256 for values too large for octal.
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(buf, start, length).trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number(data.subarray(pos, space).toString("ascii"));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function entryType(flag: string): TarEntryType {
  if (flag === "0" || flag === "\0" || flag === "" || flag === "7") return "file";
  if (flag === "5") return "directory";
  if (flag === "2") return "symlink";
  if (flag === "1") return "hardlink";
  return "other";
}

function checksumOk(h: Buffer): boolean {
  const stored = parseNumber(h, 148, 8);
  let unsigned = 0;
  for (let i = 0; i < BLOCK; i++) unsigned += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return stored === unsigned;
}

/** Thrown for an archive that is not a well-formed tar. */
export class TarFormatError extends Error {
  override name = "TarFormatError";
}

/**
 * Reads a tar archive from a stream of chunks, yielding each entry with its content buffered, or
 * streamed past `maxBufferedBytes`, so memory stays bounded. PAX and GNU long names are applied.
 */
export async function* readTar(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: ReadTarOptions = {},
): AsyncGenerator<TarEntry> {
  const maxBuffered = options.maxBufferedBytes ?? Number.POSITIVE_INFINITY;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  /** Up to `max` bytes (at least one unless the source ended): the start of what is pending. */
  async function takeSome(max: number): Promise<Buffer | undefined> {
    if (pendingLength === 0 && !done) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        pending.push(Buffer.from(next.value));
        pendingLength += next.value.length;
      }
    }
    const first = pending[0];
    if (!first) return undefined;
    const out = first.subarray(0, max);
    if (out.length === first.length) pending.shift();
    else pending[0] = first.subarray(out.length);
    pendingLength -= out.length;
    return out;
  }
  async function take(n: number): Promise<Buffer | undefined> {
    while (pendingLength < n && !done) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        const chunk = Buffer.from(next.value);
        pending.push(chunk);
        pendingLength += chunk.length;
      }
    }
    if (pendingLength < n) return undefined;
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    pendingLength = rest.length;
    return out;
  }
  try {
    let pax = new Map<string, string>();
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const h = await take(BLOCK);
      if (!h) return; // Some writers omit the trailing zero blocks.
      if (h.every((b) => b === 0)) return;
      if (!checksumOk(h)) throw new TarFormatError("not a tar archive (bad header checksum)");
      const size = Number(pax.get("size") ?? parseNumber(h, 124, 12));
      if (!Number.isFinite(size)) throw new TarFormatError("tar header with an unreadable size");
      const padding = size % BLOCK === 0 ? 0 : BLOCK - (size % BLOCK);
      const flag = String.fromCharCode(h[156] ?? 0);
      const type = entryType(flag);
      const streamed = type === "file" && size > maxBuffered;
      let content = Buffer.alloc(0);
      if (!streamed) {
        const data = await take(size + padding);
        if (!data) throw new TarFormatError("tar archive ends inside an entry");
        content = Buffer.from(data.subarray(0, size));
      }
      if (flag === "x") {
        pax = parsePax(content);
        continue;
      }
      if (flag === "g") continue;
      if (flag === "L" || flag === "K") {
        const text = cString(content, 0, content.length);
        if (flag === "L") longName = text;
        else longLink = text;
        continue;
      }
      const magic = h.subarray(257, 263).toString("ascii");
      const prefix = magic.startsWith("ustar") ? cString(h, 345, 155) : "";
      const baseName = cString(h, 0, 100);
      const name = pax.get("path") ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
      const linkname = pax.get("linkpath") ?? longLink ?? cString(h, 157, 100);
      let remaining = streamed ? size : 0;
      async function* body(): AsyncGenerator<Buffer> {
        while (remaining > 0) {
          const chunk = await takeSome(remaining);
          if (!chunk) throw new TarFormatError("tar archive ends inside an entry");
          remaining -= chunk.length;
          yield chunk;
        }
      }
      yield {
        name,
        type,
        mode: parseNumber(h, 100, 8) & 0o7777,
        uid: Number(pax.get("uid") ?? parseNumber(h, 108, 8)),
        gid: Number(pax.get("gid") ?? parseNumber(h, 116, 8)),
        mtime: Math.floor(Number(pax.get("mtime") ?? parseNumber(h, 136, 12))),
        linkname,
        size,
        ...(streamed ? { stream: body() } : { content }),
      };
      if (streamed) {
        for await (const _ of body()) {
          // Skips what the consumer left unread.
        }
        if (padding > 0 && !(await take(padding)))
          throw new TarFormatError("tar archive ends inside an entry");
      }
      pax = new Map();
      longName = undefined;
      longLink = undefined;
    }
  } finally {
    // Stopping early (end blocks, an error, a consumer break) must still close the source (a file).
    await iterator.return?.();
  }
}

/** Reads a whole tar held in memory. */
export async function readTarBuffer(archive: Buffer): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  async function* one(): AsyncGenerator<Buffer> {
    yield archive;
  }
  for await (const entry of readTar(one())) out.push(entry);
  return out;
}

/** The content of an entry, whether buffered or streamed. */
export async function entryContent(entry: TarEntry): Promise<Buffer> {
  if (!entry.stream) return entry.content ?? Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of entry.stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
