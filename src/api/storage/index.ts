// The storage.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { storageclasses } from "./storageclass.ts";

export function storageResources(): ResourceDef[] {
  return [storageclasses] as ResourceDef[];
}
