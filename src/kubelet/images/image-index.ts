// The store's index of images (`images.json`): image id → manifest, layers, tags, digests, last use.
// Read fresh for every operation and replaced atomically (temporary file + rename), so a `skiff image
// import` in another process is seen by a running agent and a crash never leaves a torn file.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

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

  /**
   * Read-modify-write, serialized within this process by a promise chain and across processes (the
   * agent and `skiff image import`) by a lock file; `change` may return a value.
   */
  update<T>(change: (index: IndexFile) => T | Promise<T>): Promise<T> {
    const run = this.#chain.then(async () => {
      await mkdir(dirname(this.#path), { recursive: true });
      const release = await lockFile(`${this.#path}.lock`);
      try {
        const index = await this.read();
        const result = await change(index);
        const tmp = `${this.#path}.${randomBytes(6).toString("hex")}.tmp`;
        await writeFile(tmp, JSON.stringify(index, null, 1));
        await rename(tmp, this.#path);
        return result;
      } finally {
        await release();
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes an exclusive lock file holding our pid; a lock left by a dead process is broken. */
async function lockFile(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number(await readFile(path, "utf8").catch(() => ""));
    // An empty file is a lock being written right now; only a recorded dead pid is stale.
    if (owner > 0 && !alive(owner)) await rm(path, { force: true });
    else if (attempt > 3000) throw new Error(`image index lock ${path} held by pid ${owner} for too long`);
    else await sleep(5);
  }
}
