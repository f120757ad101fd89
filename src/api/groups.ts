// Every non-core API group in discovery preference order, as a real cluster's /apis lists them
// (kube-aggregator's group priorities: apiregistration 18000, apps 17800, events 17750,
// autoscaling 17500, batch 17400, certificates 17300, networking 17200, policy 17100, rbac 17000, storage 16800,
// admissionregistration 16700, scheduling 16600, coordination 16500, discovery 16200). Within autoscaling v2 is preferred over v1.
import { admissionregistrationResources } from "./admissionregistration/index.ts";
import { apiregistrationResources } from "./apiregistration/index.ts";
import { appsResources } from "./apps/index.ts";
import { autoscalingResources } from "./autoscaling/index.ts";
import { batchResources } from "./batch/index.ts";
import { certificatesResources } from "./certificates/index.ts";
import { coordinationResources } from "./coordination/index.ts";
import { discoveryResources } from "./discovery/index.ts";
import { eventsResources } from "./events/index.ts";
import { networkingResources } from "./networking/index.ts";
import { policyResources } from "./policy/index.ts";
import { rbacResources } from "./rbac/index.ts";
import type { ResourceDef } from "./resource.ts";
import { schedulingResources } from "./scheduling/index.ts";
import { storageResources } from "./storage/index.ts";

export function groupResources(): ResourceDef[] {
  return [
    ...apiregistrationResources(),
    ...appsResources(),
    ...eventsResources(),
    ...autoscalingResources(),
    ...batchResources(),
    ...certificatesResources(),
    ...networkingResources(),
    ...policyResources(),
    ...rbacResources(),
    ...storageResources(),
    ...admissionregistrationResources(),
    ...schedulingResources(),
    ...coordinationResources(),
    ...discoveryResources(),
  ];
}
