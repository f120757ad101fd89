// What a hollow container "uses": the pod annotation skiff.dev/hollow-usage ("cpu=250m,memory=64Mi",
// the same figures for each container) when present, else a fraction of the container's requests,
// so HPA and `kubectl top` runs on hollow nodes can be steered.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";

export const hollowUsageAnnotation = "skiff.dev/hollow-usage";

export interface ContainerUsage {
  nanocores: number;
  memoryBytes: number;
}

function quantity(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  try {
    return Quantity.parse(text.trim()).toNumber();
  } catch {
    return undefined;
  }
}

/** "cpu=250m,memory=64Mi" → its parts; unreadable parts are left out. */
export function parseHollowUsage(text: string): Partial<ContainerUsage> {
  const out: Partial<ContainerUsage> = {};
  for (const part of text.split(",")) {
    const [key = "", value] = part.split("=").map((s) => s.trim());
    const n = quantity(value);
    if (n === undefined || n < 0) continue;
    if (key === "cpu") out.nanocores = Math.round(n * 1e9);
    else if (key === "memory") out.memoryBytes = Math.round(n);
  }
  return out;
}

export interface UsageModelOptions {
  /** Share of each container's requests it uses when the pod has no annotation (default 0.5). */
  requestFraction?: number;
  /** Used instead when a container requests nothing: 1m CPU, 4Mi memory. */
  floor?: ContainerUsage;
}

export function containerUsage(
  pod: Pod | undefined,
  container: Container | undefined,
  o: UsageModelOptions = {},
): ContainerUsage {
  const fraction = o.requestFraction ?? 0.5;
  const floor = o.floor ?? { nanocores: 1_000_000, memoryBytes: 4 * 1024 * 1024 };
  const requests = container?.resources?.requests ?? container?.resources?.limits ?? {};
  const cpu = quantity(requests.cpu);
  const memory = quantity(requests.memory);
  const fromRequests = {
    nanocores: cpu !== undefined && cpu > 0 ? Math.round(cpu * 1e9 * fraction) : floor.nanocores,
    memoryBytes: memory !== undefined && memory > 0 ? Math.round(memory * fraction) : floor.memoryBytes,
  };
  const annotation = pod?.metadata?.annotations?.[hollowUsageAnnotation];
  return annotation ? { ...fromRequests, ...parseHollowUsage(annotation) } : fromRequests;
}
