// The generic object model: what every stored Kubernetes object has in common.
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

export type { ObjectMeta };

/** Any Kubernetes object as decoded from JSON. Kind modules narrow it with kubernetes-types. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A plain JSON value (what a decoded request body or stored object is made of). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Group/version string as written in apiVersion: "v1" for core, "apps/v1" otherwise. */
export function groupVersion(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** Splits an apiVersion into group and version ("v1" → ["", "v1"]). */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
