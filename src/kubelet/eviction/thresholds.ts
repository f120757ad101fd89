// Hard eviction thresholds (`--eviction-hard`, e.g. `memory.available<100Mi,nodefs.available<10%`)
// and which node resources they put under pressure for an observation of the host.
import { Quantity } from "../../api/quantity.ts";
import type { HostPressure } from "../node/host.ts";

export type EvictionSignal =
  | "memory.available"
  | "nodefs.available"
  | "nodefs.inodesFree"
  | "imagefs.available"
  | "pid.available";

/** The node condition a signal feeds. */
export type PressureResource = "memory" | "disk" | "pid";

export interface EvictionThreshold {
  signal: EvictionSignal;
  /** An absolute amount (bytes, inodes or pids) ... */
  quantity?: number;
  /** ... or a fraction of capacity (10% → 0.1). */
  fraction?: number;
  /** As written, for messages ("100Mi", "10%"). */
  text: string;
}

export class EvictionThresholdError extends Error {
  override name = "EvictionThresholdError";
}

const resources: Record<EvictionSignal, PressureResource> = {
  "memory.available": "memory",
  "nodefs.available": "disk",
  "nodefs.inodesFree": "disk",
  "imagefs.available": "disk",
  "pid.available": "pid",
};

/** The kubelet's default evictionHard, plus Skiff's PID threshold (the kubelet has none by default). */
export const defaultEvictionHard =
  "memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%,pid.available<10%";

export function parseEvictionThresholds(text: string): EvictionThreshold[] {
  const out: EvictionThreshold[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    const m = /^([a-z.A-Z]+)<(.+)$/.exec(part);
    if (!m)
      throw new EvictionThresholdError(`eviction threshold ${JSON.stringify(part)} is not SIGNAL<QUANTITY`);
    const signal = m[1] as EvictionSignal;
    const value = m[2] ?? "";
    if (!(signal in resources)) {
      throw new EvictionThresholdError(
        `unknown eviction signal ${JSON.stringify(signal)} (known: ${Object.keys(resources).join(", ")})`,
      );
    }
    if (value.endsWith("%")) {
      const pct = Number(value.slice(0, -1));
      if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
        throw new EvictionThresholdError(`eviction threshold ${part}: the percentage must be 0-100`);
      }
      out.push({ signal, fraction: pct / 100, text: value });
      continue;
    }
    let quantity: number;
    try {
      quantity = Quantity.parse(value).toNumber();
    } catch {
      throw new EvictionThresholdError(
        `eviction threshold ${part}: ${JSON.stringify(value)} is not a quantity`,
      );
    }
    if (quantity < 0) throw new EvictionThresholdError(`eviction threshold ${part}: must not be negative`);
    out.push({ signal, quantity, text: value });
  }
  return out;
}

export interface Observation {
  available: number;
  capacity: number;
}

/** Available amount and capacity per signal; a capacity of 0 means unknown (never pressure). */
export function observe(p: HostPressure): Record<EvictionSignal, Observation> {
  const disk = { available: p.diskAvailableBytes, capacity: p.diskCapacityBytes };
  return {
    "memory.available": { available: p.memoryAvailableBytes, capacity: p.memoryCapacityBytes ?? 0 },
    "nodefs.available": disk,
    // The images live under the agent's data dir: one filesystem for both.
    "imagefs.available": disk,
    "nodefs.inodesFree": { available: p.inodesFree ?? 0, capacity: p.inodes ?? 0 },
    "pid.available": { available: p.pidMax - p.pidsInUse, capacity: p.pidMax },
  };
}

export interface ThresholdMet {
  threshold: EvictionThreshold;
  resource: PressureResource;
  available: number;
}

export function thresholdsMet(thresholds: readonly EvictionThreshold[], p: HostPressure): ThresholdMet[] {
  const seen = observe(p);
  const met: ThresholdMet[] = [];
  for (const t of thresholds) {
    const o = seen[t.signal];
    const limit = t.quantity ?? (t.fraction ?? 0) * o.capacity;
    // Unknown figures (no statfs, no meminfo) never count as pressure; absolute memory still does.
    const known = t.quantity !== undefined ? Number.isFinite(o.available) : o.capacity > 0;
    if (known && o.available < limit)
      met.push({ threshold: t, resource: resources[t.signal], available: o.available });
  }
  return met;
}
