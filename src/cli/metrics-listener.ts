// `--metrics-bind-address HOST:PORT` of the standalone scheduler and controller-manager: their
// Prometheus series over plain HTTP (loopback unless told otherwise; inside `skiff server` the API
// server's authorized /metrics carries them instead).
import { type RunningMetricsServer, startMetricsServer } from "../metrics/server.ts";
import { parseListen, UsageError } from "./usage.ts";

export async function startMetricsListener(
  bindAddress: string | undefined,
  say: (line: string) => void,
): Promise<RunningMetricsServer | undefined> {
  if (bindAddress === undefined) return undefined;
  const { host, port } = parseListen(bindAddress);
  try {
    const server = await startMetricsServer({ host, port });
    say(`metrics at http://${host.includes(":") ? `[${host}]` : host}:${server.port}/metrics`);
    return server;
  } catch (err) {
    if ((err as { code?: string }).code === "EADDRINUSE") {
      throw new UsageError(`--metrics-bind-address ${bindAddress}: address already in use`);
    }
    throw err;
  }
}
