// The kubelet's node-level reclaim loops: image garbage collection by disk usage, and
// node-pressure eviction at hard thresholds (which collects images first when disk is short).
import type { Pod } from "kubernetes-types/core/v1.js";
import { EvictionManager } from "../eviction/manager.ts";
import {
  defaultEvictionHard,
  type EvictionThreshold,
  parseEvictionThresholds,
} from "../eviction/thresholds.ts";
import { ImageGarbageCollector, type ImageGcPolicy } from "../images/gc.ts";
import { type HostPressure, hostPressure } from "../node/host.ts";
import type { Runtime } from "../runtime/runtime.ts";

export interface ImageGcConfig {
  /** A path on the image filesystem, whose statfs gives usage. */
  imageFsPath: string;
  /** Images never removed (the pause image). */
  pinned?: string[];
  policy?: Partial<ImageGcPolicy>;
  /** Default 5 minutes, as the kubelet's ImageGCPeriod. */
  periodMs?: number;
}

export interface EvictionConfig {
  /** Default: the kubelet's evictionHard (see eviction/thresholds.ts). */
  thresholds?: readonly EvictionThreshold[];
  /** The host's figures (default: /proc and statfs of dataDir); tests inject pressure here. */
  observe?: () => HostPressure;
  /** Default 10 s, as the kubelet's eviction monitoring period. */
  periodMs?: number;
}

/** What the loops need of the kubelet. */
export interface ReclaimContext {
  runtime: Runtime;
  dataDir: string;
  stopping(): boolean;
  error(err: unknown, what: string): void;
  /** Pods bound here that are neither finished nor being deleted. */
  activePods(): Pod[];
  /** Marks the pod evicted with the message and requeues it; false when it was already going. */
  evict(pod: Pod, message: string): boolean;
}

/** One image GC pass (errors reported, never thrown). */
export function imageCollector(ctx: ReclaimContext, config: ImageGcConfig): () => Promise<void> {
  const runtime = ctx.runtime;
  const gc = new ImageGarbageCollector({
    images: runtime.images,
    inUse: async () => (await runtime.listContainers()).flatMap((c) => [c.imageRef, c.image.image]),
    imageFsPath: config.imageFsPath,
    ...(config.pinned ? { pinned: config.pinned } : {}),
    ...(config.policy ? { policy: config.policy } : {}),
  });
  return async () => {
    if (ctx.stopping()) return;
    try {
      await gc.collect();
    } catch (err) {
      ctx.error(err, "image garbage collection");
    }
  };
}

/** One eviction pass (errors reported, never thrown). */
export function evictionPass(
  ctx: ReclaimContext,
  config: EvictionConfig,
  reclaimDisk: (() => Promise<void>) | undefined,
): () => Promise<void> {
  const manager = new EvictionManager({
    thresholds: config.thresholds ?? parseEvictionThresholds(defaultEvictionHard),
    observe: config.observe ?? (() => hostPressure(ctx.dataDir)),
    runtime: ctx.runtime,
    dataDir: ctx.dataDir,
    activePods: () => ctx.activePods(),
    evict: (pod, message) => ctx.evict(pod, message),
    ...(reclaimDisk ? { reclaimDisk } : {}),
  });
  return async () => {
    if (ctx.stopping()) return;
    try {
      await manager.synchronize();
    } catch (err) {
      ctx.error(err, "eviction");
    }
  };
}
