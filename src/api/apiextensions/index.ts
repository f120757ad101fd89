// The apiextensions.k8s.io/v1 group: CustomResourceDefinition (custom resources themselves are
// registered at run time by src/apiserver/crd).
import type { ResourceDef } from "../resource.ts";
import { customResourceDefinitions } from "./crd.ts";

export function apiextensionsResources(): ResourceDef[] {
  return [customResourceDefinitions] as ResourceDef[];
}
