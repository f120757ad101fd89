// Test helper for the subresource tests: an in-process API over real SQLite serving the real
// kinds with the lifecycle subresources and admission wired as in `skiff server`.

import { TestApi } from "../../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { groupResources } from "../../api/groups.ts";
import { namespaceLifecycle } from "../namespacelifecycle.ts";
import { lifecycleSubresources } from "./index.ts";

export async function lifecycleApi(): Promise<TestApi> {
  const api = new TestApi({
    resources: [...coreV1Resources, ...groupResources()],
    handler: { subresources: lifecycleSubresources(), admission: [namespaceLifecycle] },
    watchCache: true,
  });
  await api.seed();
  return api;
}

export const podBody = (
  name: string,
  extra: { nodeName?: string; labels?: Record<string, string> } = {},
) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: extra.labels ?? {} },
  spec: {
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: [{ name: "c", image: "nginx" }],
  },
});
