// The subresources served by handlers of their own (beyond status and scale), for RestDeps.
import type { SubresourceHandler } from "../rest/context.ts";
import { createPodBinding } from "./binding.ts";
import { createEviction } from "./eviction.ts";
import { finalizeNamespace } from "./finalize.ts";
import { streamingSubresources } from "./streaming.ts";

export function lifecycleSubresources(): Map<string, SubresourceHandler> {
  return new Map<string, SubresourceHandler>([
    ["/pods/binding", createPodBinding],
    ["/pods/eviction", createEviction],
    ["/namespaces/finalize", finalizeNamespace],
    ...streamingSubresources(),
  ]);
}
