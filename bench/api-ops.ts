// Server CPU per ConfigMap request, in-process (full handler chain, SQLite synchronous=full, no
// TLS): what bench/api's create/get/update loops cost the server without HTTPS, with W watchers
// of configmaps. The scheduling path's requests are in bench/scheduler-ops.ts.
// Usage: node --import tsx bench/api-ops.ts [--ops 3000] [--watchers 2] [--concurrency 16] [--cpu-prof DIR]
import { mkdirSync } from "node:fs";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { Watch } from "../src/client/watch.ts";
import { benchFlag, configMapsResource, cpuMs, startBenchApi } from "./inprocess-api.ts";
import { profiled } from "./inprocess-profile.ts";

const args = process.argv.slice(2);
const flag = (name: string, def: string) => benchFlag(args, name, def);
const ops = Number(flag("ops", "3000"));
const watchers = Number(flag("watchers", "2"));
const concurrency = Number(flag("concurrency", "16"));
const profDir = args.includes("--cpu-prof") ? flag("cpu-prof", "") : "";
if (profDir) mkdirSync(profDir, { recursive: true });

async function pool(count: number, offset: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(offset + next++);
    }),
  );
}

/** µs of CPU per op, after `ops / 5` warm-up ops on other objects. */
async function measure(name: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  await pool(Math.ceil(ops / 5), ops, fn);
  const spent = await profiled(profDir || undefined, name, async () => {
    const before = cpuMs();
    await pool(ops, 0, fn);
    return cpuMs() - before;
  });
  return Math.round((spent * 1000) / ops);
}

const api = await startBenchApi({ prefix: "skiff-bench-apiops-", synchronous: "full" });
const configMaps = api.client.resource<ConfigMap>(configMapsResource);
const cm = (i: number, n = 0): ConfigMap => ({
  metadata: { name: `cm-${i}`, namespace: "default", labels: { app: "bench" } },
  data: { payload: "x".repeat(200), n: String(n) },
});
const watches: Watch[] = [];
try {
  for (let w = 0; w < watchers; w++) {
    const list = await configMaps.list({ limit: 1 });
    watches.push(await configMaps.watch({ resourceVersion: list.metadata.resourceVersion ?? "" }, () => {}));
  }
  const last: ConfigMap[] = [];
  const cpu: Record<string, number> = {};
  cpu.configmap_create_us = await measure("create", async (i) => {
    last[i] = await configMaps.create(cm(i), { namespace: "default" });
  });
  cpu.configmap_get_us = await measure("get", (i) => configMaps.get(`cm-${i}`, { namespace: "default" }));
  cpu.configmap_update_us = await measure("update", async (i) => {
    const current = last[i] as ConfigMap;
    last[i] = await configMaps.update(
      { ...current, data: { ...current.data, n: "1" } },
      { namespace: "default" },
    );
  });
  const result = { benchmark: "api-ops", ops, watchers, concurrency, cpu_us_per_op: cpu };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const w of watches) w.stop();
  await api.close();
}
