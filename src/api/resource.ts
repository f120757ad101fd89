// What a served resource is: its names (group/version/resource/kind, scope, short names,
// categories), its subresources, and the strategy that owns its kind-specific behaviour.
// The generic apiserver handlers know nothing about particular kinds beyond this.
import type { FieldError } from "./field.ts";
import type { LifecycleStrategy } from "./lifecycle.ts";
import type { KubeObject } from "./object.ts";

export type Verb = "create" | "delete" | "deletecollection" | "get" | "list" | "patch" | "update" | "watch";

export const allVerbs: readonly Verb[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

/** meta.k8s.io/v1 TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: number;
}

export interface TableConvertor<T extends KubeObject = KubeObject> {
  /** Column definitions; the first column must be Name. */
  columns: readonly TableColumn[];
  /** The row cells for one object, pre-formatted (Age as a human duration relative to `now`). */
  cells(obj: T, now: Date): unknown[];
}

/** Where the scale subresource reads and writes, as dotted paths into the object. */
export interface ScaleSpec {
  specReplicasPath: string; // "spec.replicas"
  statusReplicasPath: string; // "status.replicas"
  labelSelectorPath?: string; // "status.selector" or "spec.selector" (a LabelSelector object)
}

/** A subresource advertised in discovery (status, scale, log, exec, binding, eviction, …). */
export interface SubresourceDef {
  name: string;
  /** Kind returned/accepted, when it differs from the parent (Scale, Eviction, Binding…). */
  kind?: { group: string; version: string; kind: string };
  verbs: readonly Verb[] | readonly string[];
  /** Served like the status subresource: only `status` changes (CSR approval). */
  statusLike?: boolean;
}

/** Whether writes through `subresource` may change only status (status, CSR approval…). */
export function updatesStatusOnly(def: ResourceDef, subresource: string): boolean {
  if (subresource === "status") return def.hasStatus === true;
  return def.subresources?.some((s) => s.name === subresource && s.statusLike === true) === true;
}

/**
 * Kind-specific behaviour. Every hook is optional; the generic handler applies the Kubernetes
 * rules common to all kinds (metadata bookkeeping, generation on spec change, status/spec split
 * for kinds with a status subresource) around them.
 */
export interface Strategy<T extends KubeObject = KubeObject> extends LifecycleStrategy<T> {
  /** Fill defaults. Runs on every write (create, update, patch, status update) before validation. */
  defaults?(obj: T): void;
  /** On create, before validation: e.g. reset status, allocate. */
  prepareForCreate?(obj: T): void;
  /** On update of the main resource, before validation (status already restored from old). */
  prepareForUpdate?(obj: T, old: T): void;
  validate?(obj: T): FieldError[];
  /** On update: immutable fields and transitions. Runs in addition to validate. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /** Server-side printing; without it the generic Name/Age table is used. */
  table?: TableConvertor<T>;
  /**
   * Field selectors beyond metadata.name and metadata.namespace (always supported): the field
   * label → its value as a string for the object (`spec.nodeName`, `status.phase`, …).
   */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
}

export interface ResourceDef<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  /** Plural, lower case: `pods`. */
  resource: string;
  /** `pod` */
  singular: string;
  kind: string;
  /** Defaults to `${kind}List`. */
  listKind?: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  /** e.g. ["all"] for the kinds `kubectl get all` shows. */
  categories?: readonly string[];
  /** Defaults to allVerbs. */
  verbs?: readonly Verb[];
  /** True when the kind has a `status` subresource (spec/status split). */
  hasStatus?: boolean;
  scale?: ScaleSpec;
  /** Further subresources for discovery (status and scale are derived from the fields above). */
  subresources?: readonly SubresourceDef[];
  /**
   * Where objects live in the Store: `${storagePrefix}/${namespace}/${name}` or
   * `${storagePrefix}/${name}`. Defaults to the resource name; two versions of one resource
   * (autoscaling v1/v2) share one storagePrefix.
   */
  storagePrefix?: string;
  /** For a version that is not the stored one: convert to and from the stored form. */
  conversion?: {
    toStorage(obj: KubeObject): KubeObject;
    fromStorage(obj: KubeObject): KubeObject;
  };
  strategy: Strategy<T>;
}
