// Runs controllers under a ControllerManager (no Lease) on a real in-process API server wired
// like `skiff server` (all kinds, lifecycle subresources, NamespaceLifecycle admission, watch cache).
import { coreV1Resources } from "../../src/api/core/index.ts";
import { groupResources } from "../../src/api/groups.ts";
import { namespaceLifecycle } from "../../src/apiserver/namespacelifecycle.ts";
import { lifecycleSubresources } from "../../src/apiserver/subresources/index.ts";
import { InProcessTransport } from "../../src/cli/inprocess-transport.ts";
import { SharedInformerFactory } from "../../src/client/informer/factory.ts";
import { RestClient } from "../../src/client/rest.ts";
import { type ControllerDescriptor, ControllerManager } from "../../src/controllers/manager.ts";
import { admin, TestApi } from "../support/inprocess-api.ts";

export { eventually } from "../client/gated-transport.ts";

export interface ManagedFixture {
  api: TestApi;
  client: RestClient;
  manager: ControllerManager;
  close(): Promise<void>;
}

export async function startManaged(controllers: ControllerDescriptor[]): Promise<ManagedFixture> {
  const api = new TestApi({
    resources: [...coreV1Resources, ...groupResources()],
    handler: { subresources: lifecycleSubresources(), admission: [namespaceLifecycle] },
    watchCache: true,
  });
  await api.seed();
  const transport = new InProcessTransport({ handler: api.handler, user: admin });
  const client = new RestClient({ transport });
  const informers = new SharedInformerFactory({ client });
  const manager = new ControllerManager({ client, informers, controllers, leaderElection: false });
  manager.start();
  return {
    api,
    client,
    manager,
    close: async () => {
      await manager.stop();
      client.close();
      await api.close();
    },
  };
}
