// The policy/v1 group (its presence is also what kubectl 1.20 drain checks for).
import type { ResourceDef } from "../resource.ts";
import { poddisruptionbudgets } from "./poddisruptionbudget.ts";

export function policyResources(): ResourceDef[] {
  return [poddisruptionbudgets] as ResourceDef[];
}
