// Element order of merged lists in a strategic merge patch, as Kubernetes computes it: items named by
// the patch (or by `$setElementOrder`) take the patch's order; items only on the server keep their
// relative order and stay in front of the patch items that followed them in the live list.
import { StrategicMergePatchError } from "./errors.ts";
import { goValue, isJsonObject, type JsonValue } from "./json.ts";

/** The identity of a list item: its merge key value for maps, the value itself for primitives. */
export function identity(item: JsonValue, mergeKey: string | undefined): JsonValue | undefined {
  if (!mergeKey) return item;
  return isJsonObject(item) ? item[mergeKey] : undefined;
}

export function indexOf(list: readonly JsonValue[], item: JsonValue, mergeKey: string | undefined): number {
  const id = identity(item, mergeKey);
  return list.findIndex((candidate) => identity(candidate, mergeKey) === id);
}

export function requireMergeKey(item: JsonValue, mergeKey: string): JsonValue {
  if (!isJsonObject(item) || !Object.hasOwn(item, mergeKey)) {
    throw new StrategicMergePatchError(
      `map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`,
    );
  }
  return item[mergeKey] as JsonValue;
}

/** Splits `merged` into items named in `by` and items that are only on the server. */
export function partition(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string | undefined,
): { named: JsonValue[]; serverOnly: JsonValue[] } {
  const named: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of merged) {
    if (mergeKey) requireMergeKey(item, mergeKey);
    (indexOf(by, item, mergeKey) >= 0 ? named : serverOnly).push(item);
  }
  return { named, serverOnly };
}

function sortBy(
  items: readonly JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const rank = (item: JsonValue): number => {
    const i = indexOf(order, item, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((item, position) => ({ item, position, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map((entry) => entry.item);
}

/**
 * Orders `named` by `patchOrder` and `serverOnly` by `serverOrder`, then interleaves them: a server
 * item goes first when it preceded the next patch item in the live list (normalizeElementOrder).
 */
export function normalizeElementOrder(options: {
  named: readonly JsonValue[];
  serverOnly: readonly JsonValue[];
  patchOrder: readonly JsonValue[];
  serverOrder: readonly JsonValue[];
  mergeKey: string | undefined;
}): JsonValue[] {
  const { serverOrder, mergeKey } = options;
  if (mergeKey) for (const item of options.patchOrder) requireMergeKey(item, mergeKey);
  const right = sortBy(options.named, options.patchOrder, mergeKey);
  const left = sortBy(options.serverOnly, serverOrder, mergeKey);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = left[i];
    const r = right[j];
    if (l === undefined) {
      out.push(r as JsonValue);
      j++;
    } else if (r === undefined) {
      out.push(l);
      i++;
    } else {
      const li = indexOf(serverOrder, l, mergeKey);
      const ri = indexOf(serverOrder, r, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push(l);
        i++;
      } else {
        out.push(r);
        j++;
      }
    }
  }
  return out;
}
