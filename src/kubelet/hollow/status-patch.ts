// The body of the hollow kubelet's pods/status strategic merge patch: only the status fields that
// changed, as upstream's status manager sends (a two-way merge patch of old and new status).
import type { PodStatus } from "kubernetes-types/core/v1.js";
import { deepEqual } from "../status/equal.ts";

/** PodStatus lists that strategic merge patch merges item by item, and their merge keys. */
const mergeKeys: Readonly<Record<string, string>> = { conditions: "type", podIPs: "ip", hostIPs: "ip" };

type Item = Record<string, unknown>;

function itemByKey(list: unknown, key: string, value: unknown): unknown {
  return Array.isArray(list) ? (list as Item[]).find((i) => i?.[key] === value) : undefined;
}

/**
 * The fields of `next` to send, given what the server may hold: each base is a status the
 * server may have now (the informer's copy, which can lag, and the last one written, if any). A field is
 * left out only when every base already has it, so a lagging cache never hides a change. Keyed
 * lists carry only their changed items plus `$setElementOrder/<list>` (every key, in order), as
 * upstream's patches do. Fields absent from `next` are never removed (nor were they when the whole
 * status was sent). Undefined when nothing changed.
 */
export function podStatusPatch(next: PodStatus, bases: (PodStatus | undefined)[]): PodStatus | undefined {
  const out: Item = {};
  // An absent base (nothing written yet) claims nothing; no base at all means an empty status.
  const known = bases.filter((b) => b !== undefined) as Item[];
  const from = known.length > 0 ? known : [{}];
  for (const [field, value] of Object.entries(next as Item)) {
    if (value === undefined) continue;
    const key = mergeKeys[field];
    if (key !== undefined && Array.isArray(value)) {
      const changed = (value as Item[]).filter((item) =>
        from.some((b) => !deepEqual(itemByKey(b[field], key, item[key]), item)),
      );
      if (changed.length === 0) continue;
      out[`$setElementOrder/${field}`] = (value as Item[]).map((item) => ({ [key]: item[key] }));
      out[field] = changed;
    } else if (from.some((b) => !deepEqual(b[field], value))) out[field] = value;
  }
  return Object.keys(out).length > 0 ? (out as PodStatus) : undefined;
}
