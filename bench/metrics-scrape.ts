// Metrics benchmark: /metrics scrape cost and size with a realistic set of series (the real
// instrumentation driven over every served resource, named workqueues, a scheduler profile, a
// kubelet runtime with pods, process series), and the API instrumentation's CPU cost per request
// measured in-process (full handler chain over SQLite) with and without it.
// Usage: node --import tsx bench/metrics-scrape.ts [--requests 2000] [--scrapes 50]   Prints JSON.
import { Registry as ResourceRegistry } from "../src/api/registry.ts";
import { ApiHandler } from "../src/apiserver/handler.ts";
import { inProcessRequest } from "../src/apiserver/inprocess.ts";
import { beginRequest, endRequest, requestMetricsSwitch } from "../src/apiserver/monitoring/requests.ts";
import { InstrumentedStore, KeyTypes, registerStorageObjects } from "../src/apiserver/monitoring/store.ts";
import { parseRequestInfo } from "../src/apiserver/requestinfo.ts";
import { servedResources } from "../src/cli/resources.ts";
import { WorkQueue } from "../src/client/workqueue/queue.ts";
import { ManualClock } from "../src/kubelet/clock.ts";
import { FakeRuntime } from "../src/kubelet/runtime/fake/fake-runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "../src/kubelet/runtime/fake/ipam.ts";
import { InstrumentedRuntime } from "../src/kubelet/runtime/instrumented.ts";
import { defaultRegistry, registerProcessMetrics } from "../src/metrics/index.ts";
import { SchedulerMetrics } from "../src/scheduler/metrics.ts";
import { SqliteStore } from "../src/storage/sqlite/sqlite-store.ts";
import { tempDir } from "../test/support/tempdir.ts";

const args = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const requests = flag("requests", 2000);
const scrapes = flag("scrapes", 50);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const admin = { name: "admin", groups: ["system:masters"] };
const defs = servedResources();
const dir = tempDir("skiff-bench-metrics-");

/** Drives the real instrumentation so the registry holds what a busy server's would. */
async function populate(store: SqliteStore): Promise<() => void> {
  const registry = new ResourceRegistry().add(...defs);
  const verbs: [string, string, string][] = [
    ["GET", "", "200"],
    ["GET", "/x", "200"],
    ["GET", "/x", "404"],
    ["POST", "", "201"],
    ["POST", "", "409"],
    ["PUT", "/x", "200"],
    ["PATCH", "/x", "200"],
    ["DELETE", "/x", "200"],
    ["GET", "?watch=true", "200"],
  ];
  for (const def of defs) {
    const base = `/${def.group === "" ? "api" : `apis/${def.group}`}/${def.version}/${def.namespaced ? "namespaces/default/" : ""}${def.resource}`;
    for (const [method, suffix, code] of verbs) {
      const url = `${base}${suffix}`;
      const req = { method, url, headers: {}, body: [] };
      const info = parseRequestInfo(method, new URL(url, "http://x.invalid"));
      endRequest(req, info, beginRequest(req, info, registry), Number(code), performance.now());
    }
  }
  const metered = new InstrumentedStore(store, new KeyTypes(() => defs));
  for (const def of defs) {
    const prefix = `${ResourceRegistry.storagePrefix(def)}/`;
    const kv = await metered.create(`${prefix}default/x`, "{}");
    await metered.get(`${prefix}default/x`);
    await metered.list(prefix);
    await metered.update(`${prefix}default/x`, "{}", kv.modRevision);
    await metered.delete(`${prefix}default/x`);
  }
  const removeObjects = registerStorageObjects(store, () => defs);
  const queues = Array.from({ length: 25 }, (_, i) => new WorkQueue<string>({ name: `controller-${i}` }));
  for (const q of queues) {
    q.add("a");
    const k = await q.get();
    if (k) q.done(k);
    q.addRateLimited("b");
  }
  const sched = new SchedulerMetrics("default-scheduler");
  sched.attempt("scheduled", performance.now());
  sched.attempt("unschedulable", performance.now());
  for (let a = 1; a <= 5; a++) sched.scheduled(a, 100 * a);
  const runtime = new InstrumentedRuntime(
    new FakeRuntime({ clock: new ManualClock(), ipam: new PodIpAllocator(parseIpv4Cidr("10.99.0.0/16")) }),
  );
  for (let i = 0; i < 30; i++) {
    const sandbox = { metadata: { name: `p${i}`, namespace: "default", uid: `u${i}`, attempt: 0 } };
    const sb = await runtime.runPodSandbox(sandbox);
    const c = await runtime.createContainer(
      sb,
      { metadata: { name: "c", attempt: 0 }, image: { image: "busybox:1.36" } },
      sandbox,
    );
    await runtime.startContainer(c);
    await runtime.containerStatus(c);
  }
  registerProcessMetrics(defaultRegistry);
  return () => {
    removeObjects();
    for (const q of queues) q.shutDown();
    void runtime.close();
  };
}

async function scrapeFigures(handler: ApiHandler) {
  const text = await defaultRegistry.expose();
  const lines = text.split("\n");
  const series = lines.filter((l) => l !== "" && !l.startsWith("#")).length;
  const families = lines.filter((l) => l.startsWith("# TYPE")).length;
  let t = cpuMicros();
  for (let i = 0; i < scrapes; i++) await defaultRegistry.expose();
  const exposeUs = (cpuMicros() - t) / scrapes;
  t = cpuMicros();
  let bytes = 0;
  for (let i = 0; i < scrapes; i++) {
    const r = await inProcessRequest(handler, { method: "GET", path: "/metrics", headers: {}, user: admin });
    if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
    bytes = r.body.length;
  }
  const httpUs = (cpuMicros() - t) / scrapes;
  return {
    families,
    series,
    bytes,
    expose_cpu_ms: round(exposeUs / 1000, 2),
    get_metrics_cpu_ms: round(httpUs / 1000, 2),
  };
}

/** One round of `requests` API calls (create, get, list, delete), CPU µs per call. */
async function round_(handler: ApiHandler, tag: string): Promise<number> {
  const ns = "/api/v1/namespaces/default/configmaps";
  const headers = { "content-type": "application/json" };
  const t = cpuMicros();
  let calls = 0;
  for (let i = 0; i < requests / 4; i++) {
    const name = `${tag}-${i}`;
    const body = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name },
      data: { a: "b" },
    });
    await inProcessRequest(handler, { method: "POST", path: ns, headers, body, user: admin });
    await inProcessRequest(handler, { method: "GET", path: `${ns}/${name}`, headers, user: admin });
    await inProcessRequest(handler, { method: "GET", path: `${ns}?limit=5`, headers, user: admin });
    await inProcessRequest(handler, { method: "DELETE", path: `${ns}/${name}`, headers, user: admin });
    calls += 4;
  }
  return (cpuMicros() - t) / calls;
}

async function main(): Promise<void> {
  const store = SqliteStore.open({ path: `${dir.path}/state.db`, compaction: false, synchronous: "normal" });
  const registry = new ResourceRegistry().add(...defs);
  const plain = new ApiHandler({ registry, store });
  const instrumented = new ApiHandler({
    registry,
    store: new InstrumentedStore(store, new KeyTypes(() => defs)),
    pathHandlers: [(await import("../src/apiserver/monitoring/endpoint.ts")).metricsPathHandler()],
  });
  const cleanup = await populate(store);
  try {
    const scrape = await scrapeFigures(instrumented);
    // Warm both paths, then alternate rounds so drift in machine load hits both alike.
    requestMetricsSwitch.enabled = false;
    await round_(plain, "warm-a");
    requestMetricsSwitch.enabled = true;
    await round_(instrumented, "warm-b");
    const without: number[] = [];
    const withMetrics: number[] = [];
    for (let r = 0; r < 5; r++) {
      requestMetricsSwitch.enabled = false;
      without.push(await round_(plain, `a${r}`));
      requestMetricsSwitch.enabled = true;
      withMetrics.push(await round_(instrumented, `b${r}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
    const w = median(withMetrics);
    const wo = median(without);
    // The instrumentation alone, without the request it measures.
    const req = { method: "GET", url: "/api/v1/namespaces/default/configmaps/x", headers: {}, body: [] };
    const info = parseRequestInfo("GET", new URL(req.url, "http://x.invalid"));
    const n = 200_000;
    const t = cpuMicros();
    for (let i = 0; i < n; i++)
      endRequest(req, info, beginRequest(req, info, registry), 200, performance.now());
    const beginEndUs = (cpuMicros() - t) / n;
    // The Store wrapper alone: reads of one key through the raw and the instrumented Store.
    const metered = new InstrumentedStore(store, new KeyTypes(() => defs));
    await store.create("configmaps/default/bench", "{}");
    const reads = 20_000;
    const storeUs: { raw: number[]; instrumented: number[] } = { raw: [], instrumented: [] };
    for (let r = 0; r < 5; r++) {
      for (const [kind, s] of [
        ["raw", store],
        ["instrumented", metered],
      ] as const) {
        const t0 = cpuMicros();
        for (let i = 0; i < reads; i++) await s.get("configmaps/default/bench");
        storeUs[kind].push((cpuMicros() - t0) / reads);
      }
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          scrape,
          request_overhead: {
            requests_per_round: requests,
            rounds: 5,
            cpu_us_per_request_without: round(wo, 1),
            cpu_us_per_request_with: round(w, 1),
            overhead_us: round(w - wo, 1),
            overhead_percent: round(((w - wo) / wo) * 100, 1),
            begin_end_only_cpu_us: round(beginEndUs, 2),
          },
          store_get: {
            cpu_us_raw: round(median(storeUs.raw), 2),
            cpu_us_instrumented: round(median(storeUs.instrumented), 2),
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    cleanup();
    plain.closeWatches();
    instrumented.closeWatches();
    await store.close();
    dir.remove();
  }
}

await main();
