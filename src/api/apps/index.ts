// The apps/v1 group, resources in discovery order (alphabetical, as a real apiserver lists them).
import type { ResourceDef } from "../resource.ts";
import { controllerrevisions } from "./controllerrevision.ts";
import { daemonsets } from "./daemonset.ts";
import { deployments } from "./deployment.ts";
import { replicasets } from "./replicaset.ts";
import { statefulsets } from "./statefulset.ts";

export function appsResources(): ResourceDef[] {
  // Each def is typed by its kind; the registry holds them as plain KubeObject resources.
  return [controllerrevisions, daemonsets, deployments, replicasets, statefulsets] as ResourceDef[];
}
