// bench/api's watch-delivery latency and the raw Store create rate the API rate is compared with.
import https from "node:https";
import { performance } from "node:perf_hooks";
import type { Store } from "../src/storage/store.ts";
import { type Client, type Credentials, configMap, type Figures, percentile, round } from "./api-client.ts";

export async function watchLatency(
  creds: Credentials,
  writer: Client,
  ns: string,
  writes: number,
): Promise<Figures> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const list = await writer.ok("GET", `/api/v1/namespaces/${ns}/configmaps?limit=1`);
  const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
  const agent = new https.Agent({ ca: creds.ca, cert: creds.cert, key: creds.key });
  const req = https.get(
    `${creds.server}/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${rv}`,
    {
      agent,
      headers: { accept: "application/json" },
    },
  );
  let received = 0;
  const opened = new Promise<void>((ready) =>
    req.on("response", (res) => {
      let buf = "";
      res.on("data", (chunk: Buffer) => {
        const now = performance.now();
        buf += chunk.toString();
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const name = (JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name;
          const t0 = sent.get(name);
          if (t0 !== undefined) latencies.push(now - t0);
          received++;
          nl = buf.indexOf("\n");
        }
      });
      ready();
    }),
  );
  await opened;
  const started = performance.now();
  for (let i = 0; i < writes; i++) {
    const name = `w-${i}`;
    sent.set(name, performance.now());
    await writer.ok("POST", `/api/v1/namespaces/${ns}/configmaps`, configMap(name));
  }
  const deadline = Date.now() + 20_000;
  while (received < writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  req.destroy();
  agent.destroy();
  const s = [...latencies].sort((a, b) => a - b);
  return {
    events: received,
    per_s: round(received / ((performance.now() - started) / 1000), 0),
    p50_ms: round(percentile(s, 50), 2),
    p99_ms: round(percentile(s, 99), 2),
  };
}

export async function rawStoreCreateRate(store: Store, n: number): Promise<number> {
  const value = JSON.stringify(configMap("raw"));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < n) await store.create(`rawbench/${next++}`, value);
    }),
  );
  return round(n / ((performance.now() - started) / 1000), 0);
}
