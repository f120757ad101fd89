// The subresources served by handlers of their own (beyond status and scale), for RestDeps.
import type { SubresourceHandler } from "../rest/context.ts";
import { createPodBinding } from "./binding.ts";
import { podEphemeralContainers } from "./ephemeralcontainers.ts";
import { createEviction } from "./eviction.ts";
import { finalizeNamespace } from "./finalize.ts";
import type { KubeletClientConfig } from "./kubelet-proxy.ts";
import { streamingSubresources } from "./streaming.ts";

/** `kubelet`: how to reach kubelets for logs/exec/attach/port-forward (absent: those answer 503). */
export function lifecycleSubresources(kubelet?: KubeletClientConfig): Map<string, SubresourceHandler> {
  return new Map<string, SubresourceHandler>([
    ["/pods/binding", createPodBinding],
    ["/pods/ephemeralcontainers", podEphemeralContainers],
    ["/pods/eviction", createEviction],
    ["/namespaces/finalize", finalizeNamespace],
    ...streamingSubresources(kubelet),
  ]);
}
