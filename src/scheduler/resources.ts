// Resource amounts the scheduler compares: CPU in millicores, memory and ephemeral storage in
// bytes, pod count; parsed once per pod and node (numbers, not Quantities, for speed).
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../api/quantity.ts";

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
}

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0 };
}

type Amounts = Record<string, unknown> | undefined;

function milli(v: unknown): number {
  const q =
    typeof v === "string"
      ? Quantity.tryParse(v)
      : typeof v === "number"
        ? Quantity.tryParse(String(v))
        : undefined;
  return q ? Number(q.milliValue()) : 0;
}

function whole(v: unknown): number {
  const q =
    typeof v === "string"
      ? Quantity.tryParse(v)
      : typeof v === "number"
        ? Quantity.tryParse(String(v))
        : undefined;
  return q ? Number(q.value()) : 0;
}

/** Node allocatable (falling back to capacity, as the kubelet reports both). */
export function parseAllocatable(amounts: Amounts): Resources {
  const a = amounts ?? {};
  return {
    milliCpu: milli(a.cpu),
    memory: whole(a.memory),
    ephemeralStorage: whole(a["ephemeral-storage"]),
    pods: whole(a.pods),
  };
}

function containerRequests(c: Container): Resources {
  const r = (c.resources?.requests ?? {}) as Amounts;
  // A limit without a request defaults the request (the API server does this too; repeat it for
  // objects that bypassed defaulting).
  const l = (c.resources?.limits ?? {}) as Amounts;
  const pick = (k: string): unknown => r?.[k] ?? l?.[k];
  return {
    milliCpu: milli(pick("cpu")),
    memory: whole(pick("memory")),
    ephemeralStorage: whole(pick("ephemeral-storage")),
    pods: 0,
  };
}

function add(a: Resources, b: Resources): void {
  a.milliCpu += b.milliCpu;
  a.memory += b.memory;
  a.ephemeralStorage += b.ephemeralStorage;
}

function maxInto(a: Resources, b: Resources): void {
  a.milliCpu = Math.max(a.milliCpu, b.milliCpu);
  a.memory = Math.max(a.memory, b.memory);
  a.ephemeralStorage = Math.max(a.ephemeralStorage, b.ephemeralStorage);
}

/**
 * The pod's effective request (resourcehelper.PodRequests): the sum of app containers and
 * restartable (sidecar) init containers, or the largest plain init container if bigger, plus
 * overhead; `pods` is 1.
 */
export function podRequests(pod: Pod): Resources {
  const sum = emptyResources();
  for (const c of pod.spec?.containers ?? []) add(sum, containerRequests(c));
  const init = emptyResources();
  const sidecars = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    if (c.restartPolicy === "Always") {
      add(sidecars, r);
      add(sum, r);
    } else {
      // A plain init container runs alongside the sidecars started before it.
      const running = { ...r, pods: 0 };
      add(running, sidecars);
      maxInto(init, running);
    }
  }
  maxInto(sum, init);
  const overhead = pod.spec?.overhead as Amounts;
  if (overhead) add(sum, parseAllocatable(overhead));
  sum.pods = 1;
  return sum;
}

/** Kubernetes scores pods without requests as if they asked for 100m CPU and 200Mi memory. */
export const defaultMilliCpuRequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

/** The request used for scoring (non-zero defaults per container, as NodeResourcesFit scores). */
export function podNonZeroRequests(pod: Pod): Resources {
  const sum = emptyResources();
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c);
    sum.milliCpu += r.milliCpu || defaultMilliCpuRequest;
    sum.memory += r.memory || defaultMemoryRequest;
  }
  sum.pods = 1;
  return sum;
}

export function addResources(into: Resources, r: Resources, sign: 1 | -1 = 1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
}
