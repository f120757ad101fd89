// The API server the scheduler benches run in their own process: SQLite in a temp dir, the full
// handler chain on HTTPS (for children such as `skiff sim`) and an in-process admin client, with
// the default ServiceAccount that the ServiceAccount admission plugin needs (no controller runs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCidr } from "../src/apiserver/alloc/cidr.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/apiserver.ts";
import { InProcessTransport } from "../src/cli/inprocess-transport.ts";
import { servedResources } from "../src/cli/resources.ts";
import { RestClient } from "../src/client/rest.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";

/** The resource the API benches write (bench/api-ops.ts, bench/api-tail.ts). */
export const configMapsResource = {
  group: "",
  version: "v1",
  resource: "configmaps",
  namespaced: true,
  kind: "ConfigMap",
} as const;

/** `--name value` from a bench's command line, or `def`. */
export function benchFlag(args: readonly string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? def) : def;
}

/** Process CPU (user + system) in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface BenchApi {
  server: ApiServer;
  client: RestClient;
  close(): Promise<void>;
}

export async function startBenchApi(options: {
  prefix: string;
  synchronous: "full" | "normal";
  /** Metrics API scrape period (default the server's). */
  metricResolutionMs?: number;
}): Promise<BenchApi> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const store = SqliteStore.open({ path: join(dir, "state.db"), synchronous: options.synchronous });
  const server = await startApiServer({
    dataDir: dir,
    host: "127.0.0.1",
    port: 0,
    store,
    resources: servedResources(),
    serviceCidr: parseCidr("10.43.0.0/16"),
    ...(options.metricResolutionMs ? { metricResolutionMs: options.metricResolutionMs } : {}),
  });
  const client = new RestClient({
    transport: new InProcessTransport({
      handler: server.handler,
      user: { name: "bench", groups: ["system:masters"] },
    }),
  });
  await client
    .resource({
      group: "",
      version: "v1",
      resource: "serviceaccounts",
      namespaced: true,
      kind: "ServiceAccount",
    })
    .create({ metadata: { name: "default" } }, { namespace: "default" });
  return {
    server,
    client,
    close: async () => {
      client.close();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
