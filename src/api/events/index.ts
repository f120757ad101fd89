// The events.k8s.io/v1 group (a second view of core/v1 events).
import type { ResourceDef } from "../resource.ts";
import { eventsV1 } from "./event.ts";

export function eventsResources(): ResourceDef[] {
  return [eventsV1] as ResourceDef[];
}
