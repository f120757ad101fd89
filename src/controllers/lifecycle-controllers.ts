// The lifecycle controllers (garbage collector, namespace, service accounts, endpoints and
// endpoint slices), registered with the controller-manager in one list.
import { endpointsController } from "./endpoints/controller.ts";
import { endpointSliceController } from "./endpointslice/controller.ts";
import { garbageCollectorController } from "./garbagecollector/controller.ts";
import type { ControllerDescriptor } from "./manager.ts";
import { namespaceController } from "./namespace/controller.ts";
import { serviceAccountsController } from "./serviceaccount/controller.ts";

export function lifecycleControllers(): ControllerDescriptor[] {
  return [
    garbageCollectorController,
    namespaceController,
    serviceAccountsController,
    endpointsController,
    endpointSliceController,
  ];
}
