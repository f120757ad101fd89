// The store's index of images (`images.json`): image id → manifest, layers, tags, digests, last use.
// Read fresh for every operation and replaced atomically (temporary file + rename), so a `skiff image
// import` in another process is seen by a running agent and a crash never leaves a torn file.
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface StoredLayer {
  /** Digest of the blob as stored (compressed or not, per mediaType). */
  digest: string;
  mediaType: string;
  size: number;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

export interface StoredImage {
  /** The config digest (CRI image id). */
  id: string;
  manifestDigest: string;
  layers: StoredLayer[];
  /** Fully qualified `domain/path:tag` references. */
  repoTags: string[];
  /** `domain/path@sha256:…` (manifest digests the image was pulled by). */
  repoDigests: string[];
  /** Config + manifest + layer blob bytes. */
  size: number;
  /** Epoch milliseconds. */
  createdAt: number;
  lastUsedAt: number;
}

export interface IndexFile {
  version: 1;
  images: Record<string, StoredImage>;
}

export class ImageIndex {
  readonly #path: string;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(root: string) {
    this.#path = join(root, "images.json");
  }

  async read(): Promise<IndexFile> {
    try {
      const parsed = JSON.parse(await readFile(this.#path, "utf8")) as IndexFile;
      if (parsed.version === 1 && typeof parsed.images === "object") return parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return { version: 1, images: {} };
  }

  /** Read-modify-write, serialized within this process; `change` may return a value. */
  update<T>(change: (index: IndexFile) => T | Promise<T>): Promise<T> {
    const run = this.#chain.then(async () => {
      const index = await this.read();
      const result = await change(index);
      const tmp = `${this.#path}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(tmp, JSON.stringify(index, null, 1));
      await rename(tmp, this.#path);
      return result;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
