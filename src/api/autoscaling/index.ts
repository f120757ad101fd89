// The autoscaling group: v2 (stored, preferred) then v1, sharing one storage prefix.
import type { ResourceDef } from "../resource.ts";
import { horizontalPodAutoscalersV2 } from "./hpa.ts";
import { horizontalPodAutoscalersV1 } from "./hpa-v1.ts";

export function autoscalingResources(): ResourceDef[] {
  return [horizontalPodAutoscalersV2, horizontalPodAutoscalersV1] as ResourceDef[];
}
