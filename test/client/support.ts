// A real API server (in-process handler chain over SQLite, all kinds) and a REST client on it.
import { coreV1Resources } from "../../src/api/core/index.ts";
import { groupResources } from "../../src/api/groups.ts";
import { InProcessTransport } from "../../src/cli/inprocess-transport.ts";
import { RestClient } from "../../src/client/rest.ts";
import type { Transport } from "../../src/client/transport.ts";
import { admin, TestApi } from "../support/inprocess-api.ts";

export interface ClientFixture {
  api: TestApi;
  transport: InProcessTransport;
  client: RestClient;
  close(): Promise<void>;
}

export async function startApi(
  options: { watchCache?: boolean; wrap?: (t: Transport) => Transport } = {},
): Promise<ClientFixture> {
  const api = new TestApi({
    resources: [...coreV1Resources, ...groupResources()],
    watchCache: options.watchCache ?? false,
  });
  await api.seed();
  const transport = new InProcessTransport({ handler: api.handler, user: admin });
  const client = new RestClient({ transport: options.wrap ? options.wrap(transport) : transport });
  return {
    api,
    transport,
    client,
    close: async () => {
      client.close();
      transport.close();
      await api.close();
    },
  };
}
