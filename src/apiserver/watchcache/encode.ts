// The served form of a cached object: its JSON plus the few values selectors compare, so a
// LIST with label or field selectors filters without decoding anything.
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { EncodedItem } from "../rest/source.ts";

const noFields: Readonly<Record<string, string | undefined>> = Object.freeze({});

/** `obj` must carry its type meta and resourceVersion (as decodeKv + withTypeMeta give it). */
export function encodeItem(def: ResourceDef, obj: KubeObject): EncodedItem {
  return encodeObject(def, obj, JSON.stringify(obj));
}

/** As encodeItem, with the object's JSON already at hand. */
export function encodeObject(def: ResourceDef, obj: KubeObject, json: string): EncodedItem {
  const selectors = def.strategy.fieldSelectors;
  let fields = noFields;
  if (selectors) {
    const values: Record<string, string | undefined> = {};
    for (const [field, value] of Object.entries(selectors)) values[field] = value(obj);
    fields = values;
  }
  const labels = obj.metadata?.labels;
  return {
    json,
    name: obj.metadata?.name ?? "",
    namespace: obj.metadata?.namespace ?? "",
    // The labels object holds no reference back: the rest of the decoded object can go.
    labels,
    fields,
  };
}
