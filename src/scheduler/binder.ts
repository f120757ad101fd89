// The scheduler's writes to the API: the Binding (pods/binding), the PodScheduled=False
// condition with nominatedNodeName for pods that do not fit, and preemption's victim deletions.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../client/resource-client.ts";

export interface PodWriterOptions {
  pods: ResourceClient<Pod>;
  now?: () => Date;
}

export class PodWriter {
  private readonly now: () => Date;

  constructor(private readonly options: PodWriterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const m = pod.metadata ?? {};
    await this.options.pods.createSubresource(
      m.name ?? "",
      "binding",
      {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: m.name, namespace: m.namespace, ...(m.uid ? { uid: m.uid } : {}) },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      },
      { namespace: m.namespace ?? "" },
    );
  }

  /**
   * Sets PodScheduled=False/Unschedulable with the message (and nominatedNodeName when
   * preempting). Skipped when the pod already says exactly that, so retries do not write.
   */
  async markUnschedulable(pod: Pod, message: string, nominatedNodeName?: string): Promise<boolean> {
    const current = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    const sameCondition =
      current?.status === "False" && current.reason === "Unschedulable" && current.message === message;
    const sameNomination =
      nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName;
    if (sameCondition && sameNomination) return false;
    const transition =
      current?.status === "False" && current.lastTransitionTime
        ? current.lastTransitionTime
        : this.now()
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z");
    await this.options.pods.patch(
      pod.metadata?.name ?? "",
      {
        status: {
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message,
              lastProbeTime: null,
              lastTransitionTime: transition,
            },
          ],
          ...(nominatedNodeName !== undefined ? { nominatedNodeName } : {}),
        },
      },
      { type: "strategic", subresource: "status", namespace: pod.metadata?.namespace ?? "" },
    );
    return true;
  }

  async deleteVictim(pod: Pod): Promise<void> {
    const m = pod.metadata ?? {};
    await this.options.pods.delete(m.name ?? "", {
      namespace: m.namespace ?? "",
      ...(m.uid ? { preconditions: { uid: m.uid } } : {}),
    });
  }
}
