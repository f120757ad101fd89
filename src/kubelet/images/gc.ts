// Image garbage collection by disk threshold, as the kubelet's ImageGCManager does it: when the image
// filesystem is at least `highThresholdPercent` full, remove unused images, least recently used first,
// until it is at most `lowThresholdPercent` full. Images in use, pinned or younger than minAge stay.
import { statfs } from "node:fs/promises";
import type { Image, ImageService } from "../runtime/runtime.ts";

export interface ImageGcPolicy {
  /** Start collecting at this disk usage (percent; kubelet default 85). */
  highThresholdPercent: number;
  /** Collect until usage is at most this (percent; kubelet default 80). */
  lowThresholdPercent: number;
  /** Images first seen less than this long ago are kept (ms; kubelet default 2 minutes). */
  minAgeMs: number;
}

export const defaultImageGcPolicy: ImageGcPolicy = {
  highThresholdPercent: 85,
  lowThresholdPercent: 80,
  minAgeMs: 2 * 60_000,
};

export interface ImageGcOptions {
  images: ImageService;
  /** Ids or references of the images of existing containers (running or not); these are never removed. */
  inUse: () => Promise<string[]>;
  /** A path on the image filesystem (e.g. `<data-dir>/images`); its statfs gives usage. */
  imageFsPath: string;
  /** References never removed (the pause image). */
  pinned?: string[];
  /** First-seen and last-use times known from before this process started (see storeHistory). */
  history?: () => Promise<Map<string, ImageRecord>>;
  policy?: Partial<ImageGcPolicy>;
  now?: () => number;
}

export interface ImageGcResult {
  /** Usage (percent) before and after. */
  usageBefore: number;
  usageAfter: number;
  /** Ids of removed images, in removal order. */
  removed: string[];
}

/** Epoch milliseconds an image was first seen and last used by a container. */
export interface ImageRecord {
  firstDetected: number;
  lastUsed: number;
}

/** ImageStore's own records (import/pull time, last rootfs use) as GC history. */
export function storeHistory(store: {
  storedImages(): Promise<{ id: string; createdAt: number; lastUsedAt: number }[]>;
}): () => Promise<Map<string, ImageRecord>> {
  return async () =>
    new Map(
      (await store.storedImages()).map((i) => [i.id, { firstDetected: i.createdAt, lastUsed: i.lastUsedAt }]),
    );
}

/** Thrown for thresholds that make no sense (low above high, outside 0–100). */
export class ImageGcPolicyError extends Error {
  override name = "ImageGcPolicyError";
}

export class ImageGarbageCollector {
  readonly #options: ImageGcOptions;
  readonly #policy: ImageGcPolicy;
  readonly #now: () => number;
  readonly #records = new Map<string, ImageRecord>();

  constructor(options: ImageGcOptions) {
    this.#options = options;
    this.#policy = { ...defaultImageGcPolicy, ...options.policy };
    this.#now = options.now ?? Date.now;
    const { highThresholdPercent: high, lowThresholdPercent: low } = this.#policy;
    if (!(low >= 0 && high <= 100 && low <= high)) {
      throw new ImageGcPolicyError(
        `image GC thresholds must satisfy 0 <= low (${low}) <= high (${high}) <= 100`,
      );
    }
  }

  async #usagePercent(): Promise<number> {
    const fs = await statfs(this.#options.imageFsPath);
    return fs.blocks === 0 ? 0 : 100 - (fs.bavail * 100) / fs.blocks;
  }

  /** Ids of images that must stay: in use by a container, or pinned. */
  async #protected(images: Image[]): Promise<Set<string>> {
    const names = [...(await this.#options.inUse()), ...(this.#options.pinned ?? [])];
    const ids = new Set<string>();
    for (const name of names) {
      const found = images.find(
        (i) => i.id === name || i.repoTags.includes(name) || i.repoDigests.includes(name),
      );
      if (found) ids.add(found.id);
      else {
        const status = await this.#options.images.imageStatus({ image: name });
        if (status) ids.add(status.id);
      }
    }
    return ids;
  }

  /** Updates first-seen and last-used records; returns the current images and the protected ids. */
  async #detect(): Promise<{ images: Image[]; keep: Set<string> }> {
    const now = this.#now();
    const images = await this.#options.images.listImages();
    const keep = await this.#protected(images);
    const known = (await this.#options.history?.()) ?? new Map<string, ImageRecord>();
    for (const image of images) {
      let record = this.#records.get(image.id);
      if (!record) {
        record = { ...(known.get(image.id) ?? { firstDetected: now, lastUsed: 0 }) };
        this.#records.set(image.id, record);
      }
      if (keep.has(image.id)) record.lastUsed = now;
    }
    const present = new Set(images.map((i) => i.id));
    for (const id of this.#records.keys()) if (!present.has(id)) this.#records.delete(id);
    return { images, keep };
  }

  /** One pass: does nothing below the high threshold; otherwise frees down to the low one. */
  async collect(): Promise<ImageGcResult> {
    const { images, keep } = await this.#detect();
    const usageBefore = await this.#usagePercent();
    const removed: string[] = [];
    if (usageBefore < this.#policy.highThresholdPercent)
      return { usageBefore, usageAfter: usageBefore, removed };
    const now = this.#now();
    const candidates = images
      .filter((i) => !keep.has(i.id))
      .map((i) => ({ image: i, record: this.#records.get(i.id) as ImageRecord }))
      .filter(({ record }) => now - record.firstDetected >= this.#policy.minAgeMs)
      .sort(
        (a, b) => a.record.lastUsed - b.record.lastUsed || a.record.firstDetected - b.record.firstDetected,
      );
    let usage = usageBefore;
    for (const { image } of candidates) {
      if (usage <= this.#policy.lowThresholdPercent) break;
      await this.#options.images.removeImage({ image: image.id });
      this.#records.delete(image.id);
      removed.push(image.id);
      // Measured, not estimated from image sizes: layers shared with kept images free nothing.
      usage = await this.#usagePercent();
    }
    return { usageBefore, usageAfter: usage, removed };
  }
}
