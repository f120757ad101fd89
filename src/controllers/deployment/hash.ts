// pod-template-hash: a stable hash of a pod template whose value does not depend on key order
// (canonical JSON), FNV-1a 32 bit plus the collision count, encoded with Kubernetes' safe alphabet
// (no vowels, so no words). Also the template equality that ignores that label.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";

export const podTemplateHashLabel = "pod-template-hash";

/** JSON with object keys sorted and null/undefined members dropped: equal for equal content. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function fnv1a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const alphanums = "bcdfghjklmnpqrstvwxz2456789";

/** Kubernetes' rand.SafeEncodeString: each character mapped into an alphabet without vowels. */
export function safeEncode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv1a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a(b, h);
  }
  return safeEncode(String(h));
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[podTemplateHashLabel];
  const metadata = { ...(t?.metadata ?? {}), labels };
  return { ...(t ?? {}), metadata };
}

/** Same template apart from pod-template-hash, key order and null members. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}
