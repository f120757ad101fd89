// Test helpers for the batch controllers: end a pod as a kubelet would (Succeeded or Failed with
// an exit code and finish time) through the status subresource.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { RestClient } from "../../client/rest.ts";
import { podsResource } from "../util/resources.ts";

export async function finishPod(client: RestClient, pod: Pod, exitCode: number): Promise<Pod> {
  const pods = client.resource<Pod>(podsResource);
  const ns = pod.metadata?.namespace ?? "";
  const current = await pods.get(pod.metadata?.name ?? "", { namespace: ns });
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  return pods.updateStatus(
    {
      ...current,
      status: {
        phase: exitCode === 0 ? "Succeeded" : "Failed",
        containerStatuses: (current.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? "",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: {
            terminated: {
              exitCode,
              reason: exitCode === 0 ? "Completed" : "Error",
              startedAt: at,
              finishedAt: at,
            },
          },
        })),
      },
    },
    { namespace: ns },
  );
}
