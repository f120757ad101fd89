// Content-addressed blob files (`blobs/sha256/<hex>`): every write goes to a temporary file, is
// verified against its digest, then renamed into place, so a blob that exists is always complete.
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { digestHex, sha256Digest } from "./oci.ts";

/** Thrown when content does not match the digest it was announced with. */
export class DigestMismatchError extends Error {
  override name = "DigestMismatchError";
}

export class BlobStore {
  readonly #dir: string;
  readonly #tmp: string;

  /** `root` holds blobs/sha256/ and tmp/. */
  constructor(root: string) {
    this.#dir = join(root, "blobs", "sha256");
    this.#tmp = join(root, "tmp");
  }

  path(digest: string): string {
    return join(this.#dir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  async #tempPath(): Promise<string> {
    await mkdir(this.#tmp, { recursive: true });
    await mkdir(this.#dir, { recursive: true });
    return join(this.#tmp, `blob-${randomBytes(8).toString("hex")}`);
  }

  /** Stores `data`; when `expected` is given, the data must hash to it. Returns the digest. */
  async put(data: Buffer, expected?: string): Promise<string> {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) {
      throw new DigestMismatchError(`content has digest ${digest}, expected ${expected}`);
    }
    if (await this.has(digest)) return digest;
    const tmp = await this.#tempPath();
    await writeFile(tmp, data);
    await rename(tmp, this.path(digest));
    return digest;
  }

  /**
   * Streams content into the store, verifying it against `expected` (and `size`) when given; returns
   * the digest.
   */
  async putStream(source: AsyncIterable<Buffer>, expected?: string, size?: number): Promise<string> {
    if (expected !== undefined) digestHex(expected);
    const tmp = await this.#tempPath();
    const hash = createHash("sha256");
    let length = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            length += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      const digest = `sha256:${hash.digest("hex")}`;
      if (expected !== undefined && digest !== expected) {
        throw new DigestMismatchError(`content has digest ${digest}, expected ${expected}`);
      }
      if (size !== undefined && size !== length) {
        throw new DigestMismatchError(`content of ${digest} is ${length} bytes, expected ${size}`);
      }
      await rename(tmp, this.path(digest));
      return digest;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }
}
