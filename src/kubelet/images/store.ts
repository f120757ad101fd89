// Skiff's own image store under `<data-dir>/images`: content-addressed blobs, an index of images and
// their names, and per-image unpacked root filesystems that a runc runtime uses as overlayfs lowerdirs.
// It implements the Runtime's ImageService (CRI ImageService + import).
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, statfs, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AuthConfig,
  type Image,
  type ImageService,
  type ImageSpec,
  imageUser,
} from "../runtime/runtime.ts";
import { type ArchivedImage, readArchive } from "./archive.ts";
import { BlobStore } from "./blobs.ts";
import { ImageIndex, type IndexFile, type StoredImage } from "./image-index.ts";
import { digestHex, type ImageConfig, type ImageRuntimeConfig, MediaType } from "./oci.ts";
import type { ProgressListener } from "./progress.ts";
import { formatReference, parseReference, repositoryName } from "./reference.ts";
import { type PullOptions, pullImage } from "./registry.ts";
import { applyLayerFile } from "./unpack.ts";

export interface ProgressOptions {
  /** Told as each blob is copied into the store. */
  onProgress?: ProgressListener;
}

export interface ImageStoreOptions {
  /** The node's data dir; the store lives in `<dataDir>/images`. */
  dataDir: string;
  /** Registry client settings for pullImage (insecure registries, CA, timeouts). */
  registry?: Omit<PullOptions, "auth">;
  /** Clock for last-used times (default Date.now). */
  now?: () => number;
}

/** A root filesystem ready to use, and the image config a runtime needs to build the process. */
export interface UnpackedImage {
  /** Image id (`sha256:` config digest). */
  id: string;
  /** Directory holding the image's root filesystem. */
  rootfs: string;
  config: ImageRuntimeConfig;
}

/** Thrown for an image whose manifest and config disagree (layers vs diff_ids). */
export class InvalidImageError extends Error {
  override name = "InvalidImageError";
}

/** Thrown when a reference names no image in the store. */
export class ImageNotFoundError extends Error {
  override name = "ImageNotFoundError";
}

function toImage(stored: StoredImage): Image {
  return { id: stored.id, repoTags: stored.repoTags, repoDigests: stored.repoDigests, size: stored.size };
}

/** Finds the image a reference names: an id (`sha256:…` or a unique hex prefix ≥ 12), a tag or a digest. */
export function findImage(index: IndexFile, text: string): StoredImage | undefined {
  const images = Object.values(index.images);
  const id = /^(?:sha256:)?([0-9a-f]{12,64})$/.exec(text)?.[1];
  if (id) {
    const matches = images.filter((i) => digestHex(i.id).startsWith(id));
    if (matches.length === 1) return matches[0];
    if (text.startsWith("sha256:")) return undefined;
  }
  let ref: ReturnType<typeof parseReference>;
  try {
    ref = parseReference(text);
  } catch {
    return undefined;
  }
  if (ref.digest) {
    const byDigest = `${repositoryName(ref)}@${ref.digest}`;
    return images.find(
      (i) =>
        i.repoDigests.includes(byDigest) ||
        (i.manifestDigest === ref.digest && i.repoTags.some((t) => t.startsWith(`${repositoryName(ref)}:`))),
    );
  }
  const tag = formatReference(ref);
  return images.find((i) => i.repoTags.includes(tag));
}

export class ImageStore implements ImageService {
  /** `<dataDir>/images` */
  readonly root: string;
  readonly blobs: BlobStore;
  readonly #index: ImageIndex;
  readonly #options: ImageStoreOptions;
  readonly #now: () => number;
  readonly #unpacking = new Map<string, Promise<string>>();
  readonly #pulling = new Map<string, Promise<string>>();

  constructor(options: ImageStoreOptions) {
    this.root = join(options.dataDir, "images");
    this.blobs = new BlobStore(this.root);
    this.#index = new ImageIndex(this.root);
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Pulls from the registry the reference names (digest-verified) and records it; returns the image id. */
  async pullImage(image: ImageSpec, auth?: AuthConfig, progress: ProgressOptions = {}): Promise<string> {
    const ref = parseReference(image.image);
    // Pods starting together with one image share one download (per reference and credentials).
    const key = `${formatReference(ref)} ${JSON.stringify(auth ?? {})}`;
    let pending = this.#pulling.get(key);
    if (!pending) {
      pending = (async () => {
        const pulled = await pullImage(ref, this.blobs, {
          ...this.#options.registry,
          ...(auth ? { auth } : {}),
          // Only the caller that starts a pull sees its progress.
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
        const repoDigest = `${repositoryName(ref)}@${pulled.manifestDigest}`;
        return (await this.record(pulled, { repoDigest })).id;
      })().finally(() => this.#pulling.delete(key));
      this.#pulling.set(key, pending);
    }
    return pending;
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    const found = findImage(await this.#index.read(), image.image);
    if (!found) return undefined;
    const { config } = await this.imageConfig(found.id);
    return { ...toImage(found), ...imageUser(config.User) };
  }

  async listImages(): Promise<Image[]> {
    return Object.values((await this.#index.read()).images).map(toImage);
  }

  /** Stored records (with last-used times) for garbage collection. */
  async storedImages(): Promise<StoredImage[]> {
    return Object.values((await this.#index.read()).images);
  }

  /** Removes the image a reference names, with all its tags (as CRI RemoveImage), and unused blobs. */
  async removeImage(image: ImageSpec): Promise<void> {
    const removed = await this.#index.update((index) => {
      const found = findImage(index, image.image);
      if (found) delete index.images[found.id];
      return found;
    });
    if (!removed) return;
    await rm(this.#rootfsPath(removed.id), { recursive: true, force: true });
    await rm(`${this.#rootfsPath(removed.id)}.json`, { force: true });
    await this.#deleteUnreferenced([
      removed.manifestDigest,
      removed.id,
      ...removed.layers.map((l) => l.digest),
    ]);
  }

  async importImage(archivePath: string, progress: ProgressOptions = {}): Promise<Image[]> {
    const created = new Set<string>();
    try {
      const archived = await readArchive(archivePath, this.blobs, created, progress.onProgress);
      const out: Image[] = [];
      for (const image of archived) out.push(toImage(await this.record(image)));
      return out;
    } finally {
      await this.#deleteUnreferenced([...created]);
    }
  }

  async fsUsage(): Promise<{ usedBytes: number; capacityBytes: number }> {
    await mkdir(this.root, { recursive: true });
    const fs = await statfs(this.root);
    return { usedBytes: await this.#usedBytes(), capacityBytes: fs.blocks * fs.bsize };
  }

  /** Free bytes on the filesystem holding the store (garbage collection thresholds). */
  async availableBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const fs = await statfs(this.root);
    return fs.bavail * fs.bsize;
  }

  /** Records an image whose blobs are all stored; its tags move here from any other image. */
  async record(archived: ArchivedImage, options: { repoDigest?: string } = {}): Promise<StoredImage> {
    const { manifest } = archived;
    const configDigest = manifest.config.digest;
    const config = JSON.parse((await this.blobs.read(configDigest)).toString("utf8")) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new InvalidImageError(
        `image ${configDigest}: ${diffIds.length} diff_ids for ${manifest.layers.length} layers`,
      );
    }
    const layers = manifest.layers.map((l, i) => ({
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
      diffId: diffIds[i] as string,
    }));
    const size = manifest.config.size + layers.reduce((sum, l) => sum + l.size, 0);
    const now = this.#now();
    return this.#index.update((index) => {
      for (const other of Object.values(index.images)) {
        if (other.id !== configDigest)
          other.repoTags = other.repoTags.filter((t) => !archived.refs.includes(t));
      }
      const existing = index.images[configDigest];
      const stored: StoredImage = {
        id: configDigest,
        manifestDigest: archived.manifestDigest,
        layers,
        repoTags: [...new Set([...(existing?.repoTags ?? []), ...archived.refs])],
        repoDigests: [
          ...new Set([...(existing?.repoDigests ?? []), ...(options.repoDigest ? [options.repoDigest] : [])]),
        ],
        size,
        createdAt: existing?.createdAt ?? now,
        lastUsedAt: existing?.lastUsedAt ?? now,
      };
      index.images[configDigest] = stored;
      return stored;
    });
  }

  /** The image's runtime config (Entrypoint, Cmd, Env, WorkingDir, User) and id. */
  async imageConfig(imageRef: string): Promise<{ id: string; config: ImageRuntimeConfig }> {
    const stored = await this.#require(imageRef);
    const config = JSON.parse((await this.blobs.read(stored.id)).toString("utf8")) as ImageConfig;
    return { id: stored.id, config: config.config ?? {} };
  }

  /**
   * The image's root filesystem, unpacked once per image id under `<root>/rootfs/<hex>` and shared
   * (use it read-only, e.g. as an overlayfs lowerdir). Marks the image as used now.
   */
  async rootfs(imageRef: string): Promise<UnpackedImage> {
    const stored = await this.#require(imageRef);
    const { config } = await this.imageConfig(stored.id);
    let pending = this.#unpacking.get(stored.id);
    if (!pending) {
      pending = this.#unpackCached(stored).finally(() => this.#unpacking.delete(stored.id));
      this.#unpacking.set(stored.id, pending);
    }
    const rootfs = await pending;
    await this.markUsed(stored.id);
    return { id: stored.id, rootfs, config };
  }

  /** Unpacks the image into `targetDir` (created if missing; a private copy, not cached). */
  async unpack(imageRef: string, targetDir: string): Promise<UnpackedImage> {
    const stored = await this.#require(imageRef);
    await mkdir(targetDir, { recursive: true });
    await this.#applyLayers(stored, targetDir);
    const { config } = await this.imageConfig(stored.id);
    return { id: stored.id, rootfs: targetDir, config };
  }

  /** Records that a container started from the image (least-recently-used garbage collection). */
  async markUsed(imageRef: string): Promise<void> {
    const now = this.#now();
    await this.#index.update((index) => {
      const found = findImage(index, imageRef);
      if (found) found.lastUsedAt = now;
    });
  }

  async #require(imageRef: string): Promise<StoredImage> {
    const found = findImage(await this.#index.read(), imageRef);
    if (!found) throw new ImageNotFoundError(`image ${JSON.stringify(imageRef)} is not in the store`);
    return found;
  }

  #rootfsPath(id: string): string {
    return join(this.root, "rootfs", digestHex(id));
  }

  async #applyLayers(stored: StoredImage, dir: string): Promise<void> {
    for (const layer of stored.layers) {
      const gzip =
        layer.mediaType === MediaType.ociLayerGzip || layer.mediaType === MediaType.dockerLayerGzip;
      await applyLayerFile(dir, this.blobs.path(layer.digest), { gzip });
    }
  }

  async #unpackCached(stored: StoredImage): Promise<string> {
    const target = this.#rootfsPath(stored.id);
    if (await exists(target)) return target;
    // Unpack beside the target and rename: another process may be unpacking the same image.
    const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      await mkdir(tmp, { recursive: true, mode: 0o755 });
      await this.#applyLayers(stored, tmp);
      const bytes = await diskUsage(tmp);
      await rename(tmp, target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
      });
      await writeFile(`${target}.json`, JSON.stringify({ bytes }));
      return target;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async #deleteUnreferenced(digests: string[]): Promise<void> {
    if (digests.length === 0) return;
    const index = await this.#index.read();
    const referenced = new Set<string>();
    for (const image of Object.values(index.images)) {
      referenced.add(image.id);
      referenced.add(image.manifestDigest);
      for (const l of image.layers) referenced.add(l.digest);
    }
    for (const digest of digests) if (!referenced.has(digest)) await this.blobs.delete(digest);
  }

  async #usedBytes(): Promise<number> {
    let total = 0;
    const blobDir = join(this.root, "blobs", "sha256");
    for (const name of await readdir(blobDir).catch(() => []))
      total += (await lstat(join(blobDir, name))).size;
    const rootfsDir = join(this.root, "rootfs");
    for (const name of await readdir(rootfsDir).catch(() => [])) {
      if (!name.endsWith(".json")) continue;
      const meta = JSON.parse(await readFile(join(rootfsDir, name), "utf8")) as { bytes?: number };
      total += meta.bytes ?? 0;
    }
    return total;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Bytes of a directory tree (file sizes; links and directories count as one block). */
async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += 4096 + (await diskUsage(path));
    else total += entry.isFile() ? (await lstat(path)).size : 0;
  }
  return total;
}
