// What strategic merge patch needs to know about a kind's fields: how each list merges.
// The schema module implements it from the OpenAPI definitions plus the patch metadata table
// (Kubernetes' patchStrategy/patchMergeKey struct tags and x-kubernetes-list-type markers).

export interface PatchSchema {
  /** Schema of a map/struct field, undefined when unknown (then lists are replaced, maps merged). */
  field(name: string): PatchSchema | undefined;
  /** Schema of list items or map values. */
  items(): PatchSchema | undefined;
  /** For a list: `merge` (by mergeKey, or as a set for primitives) or absent (replace). */
  patchStrategy?: "merge" | "replace" | "retainKeys" | "merge,retainKeys";
  /** The key that identifies list items when patchStrategy is merge (`name`, `containerPort`). */
  patchMergeKey?: string;
  /** x-kubernetes-list-type (`atomic`, `set`, `map`) for server-side apply. */
  listType?: "atomic" | "set" | "map";
  /** x-kubernetes-list-map-keys for listType map. */
  listMapKeys?: readonly string[];
  /** x-kubernetes-map-type (`atomic`, `granular`). */
  mapType?: "atomic" | "granular";
}
