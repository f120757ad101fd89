// Removing the job-tracking finalizer from pods once the Job has counted them. The patch tests
// the current finalizer list, so a finalizer another party added meanwhile is never dropped.
import type { Pod } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import { trackingFinalizer } from "./pods.ts";

function patchFor(pod: Pod): unknown[] {
  const current = pod.metadata?.finalizers ?? [];
  return [
    { op: "test", path: "/metadata/uid", value: pod.metadata?.uid ?? "" },
    { op: "test", path: "/metadata/finalizers", value: current },
    { op: "replace", path: "/metadata/finalizers", value: current.filter((f) => f !== trackingFinalizer) },
  ];
}

async function removeOne(client: ResourceClient<Pod>, pod: Pod): Promise<void> {
  const namespace = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  try {
    await client.patch(name, patchFor(pod), { type: "json", namespace });
  } catch (err) {
    if (err instanceof NotFoundError) return;
    // The cached pod was stale: retry once on the current object.
    let fresh: Pod;
    try {
      fresh = await client.get(name, { namespace });
    } catch (again) {
      if (again instanceof NotFoundError) return;
      throw again;
    }
    if (fresh.metadata?.uid !== pod.metadata?.uid || !fresh.metadata?.finalizers?.includes(trackingFinalizer))
      return;
    await client.patch(name, patchFor(fresh), { type: "json", namespace });
  }
}

/** Removes the finalizer from every pod; throws the first failure after trying them all. */
export async function removeTrackingFinalizers(client: ResourceClient<Pod>, pods: Pod[]): Promise<void> {
  const results = await Promise.allSettled(pods.map((p) => removeOne(client, p)));
  const failed = results.find((r) => r.status === "rejected");
  if (failed?.status === "rejected") throw failed.reason;
}
