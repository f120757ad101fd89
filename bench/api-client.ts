// bench/api's HTTPS clients and load shapes: one keep-alive connection per client (as one kubectl
// or controller), closed and open loops, latency summaries, and the objects it writes.
import { readFileSync } from "node:fs";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";

export type Figures = Record<string, unknown>;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function summary(latencies: number[], seconds: number): Figures {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    per_s: round(latencies.length / seconds, 0),
    p50_ms: round(percentile(s, 50), 2),
    p99_ms: round(percentile(s, 99), 2),
  };
}

export interface Credentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export function readKubeconfig(path: string): Credentials {
  interface Kubeconfig {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  }
  const kc = parseYaml(readFileSync(path, "utf8")) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error(`no cluster or user in ${path}`);
  const b64 = (s: string) => Buffer.from(s, "base64");
  return {
    server: cluster.server,
    ca: b64(cluster["certificate-authority-data"]),
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
  };
}

/** One HTTPS client: its own keep-alive connection, like one kubectl or controller. */
export class Client {
  private readonly agent: https.Agent;
  constructor(private readonly creds: Credentials) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: creds.ca,
      cert: creds.cert,
      key: creds.key,
    });
  }

  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    return new Promise((done, fail) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${this.creds.server}${path}`,
        {
          method,
          agent: this.agent,
          headers: { accept: "application/json", ...(data ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", fail);
      req.end(data);
    });
  }

  async ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await this.request(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  }

  close(): void {
    this.agent.destroy();
  }
}

export const configMap = (name: string, n = 0) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { app: "bench" } },
  data: { payload: "x".repeat(200), n: String(n) },
});

export const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "bench" } },
  // No scheduler serves this name: the server's embedded scheduler would otherwise retry the
  // 11,000 pods (there are no nodes) for the rest of the run, and that CPU was counted as LIST's.
  spec: {
    schedulerName: "skiff-bench-unscheduled",
    containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }],
  },
});

/** Closed loop: `clients` clients, each issuing its next request when the previous one ends. */
export async function closedLoop(
  clients: Client[],
  total: number,
  op: (c: Client, i: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await op(c, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
}

/** Open loop: writes issued at a fixed rate regardless of completions (the "p99 at 500 writes/s" figure). */
export async function openLoop(
  clients: Client[],
  ratePerS: number,
  seconds: number,
  op: (c: Client, i: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = ratePerS * seconds;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const client = clients[i % clients.length] as Client;
    const t = performance.now();
    pending.push(
      (async () => {
        await op(client, i);
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(pending);
  return { target_per_s: ratePerS, ...summary(latencies, (performance.now() - started) / 1000) };
}
