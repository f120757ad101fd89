// Server CPU per LIST of many pods, in-process (full handler chain, SQLite, no TLS, the body is
// counted, not parsed): plain JSON, JSON paged by `limit`/`continue` (kubectl's and client-go's
// chunked lists), and Tables (kubectl get) whole and paged. What the watch cache costs per LIST.
// Usage: node --import tsx bench/api-list.ts [--pods 10000] [--rounds 5] [--cpu-prof DIR]
import { mkdirSync } from "node:fs";
import type { Pod } from "kubernetes-types/core/v1.js";
import { inProcessStream } from "../src/apiserver/inprocess.ts";
import { podsResource } from "../src/scheduler/coords.ts";
import { benchFlag, cpuMs, startBenchApi } from "./inprocess-api.ts";
import { profiled } from "./inprocess-profile.ts";

const args = process.argv.slice(2);
const flag = (name: string, def: string) => benchFlag(args, name, def);
const podCount = Number(flag("pods", "10000"));
const rounds = Number(flag("rounds", "5"));
const profDir = args.includes("--cpu-prof") ? flag("cpu-prof", "") : "";
if (profDir) mkdirSync(profDir, { recursive: true });
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

const api = await startBenchApi({ prefix: "skiff-bench-list-", synchronous: "normal" });
const user = { name: "bench", groups: ["system:masters"] };

/** One GET, its body counted; returns the body's `metadata.continue` when asked. */
async function get(path: string, accept: string): Promise<{ bytes: number; next: string | undefined }> {
  const s = inProcessStream(api.server.handler, { method: "GET", path, headers: { accept }, user });
  let bytes = 0;
  // The list's metadata (with `continue`) comes first.
  let head = "";
  s.onChunk((c) => {
    bytes += c.length;
    if (head.length < 4096) head += c.slice(0, 4096);
  });
  const { status } = await s.head;
  await s.done;
  if (status !== 200) throw new Error(`${path}: ${status}`);
  const m = /"continue":"([^"]+)"/.exec(head) ?? undefined;
  return { bytes, next: m?.[1] };
}

/** A whole list, following continue tokens. */
async function listAll(base: string, accept: string, limit: number): Promise<number> {
  let bytes = 0;
  let token: string | undefined;
  do {
    const q = [limit > 0 ? `limit=${limit}` : "", token ? `continue=${encodeURIComponent(token)}` : ""]
      .filter(Boolean)
      .join("&");
    const r = await get(q ? `${base}?${q}` : base, accept);
    bytes += r.bytes;
    token = r.next;
  } while (token);
  return bytes;
}

try {
  const pods = api.client.resource<Pod>(podsResource);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < podCount) {
        const i = next++;
        await pods.create({
          metadata: { name: `p-${i}`, namespace: "default", labels: { app: "list" } },
          spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m" } } }] },
        });
      }
    }),
  );
  const base = "/api/v1/namespaces/default/pods";
  const variants: [string, string, number][] = [
    ["json", "application/json", 0],
    ["json_limit_500", "application/json", 500],
    ["table", tableAccept, 0],
    ["table_limit_500", tableAccept, 500],
  ];
  const result: Record<string, unknown> = { benchmark: "api-list", pods: podCount, rounds };
  const cpu: Record<string, number> = {};
  const mb: Record<string, number> = {};
  for (const [name, accept, limit] of variants) {
    await listAll(base, accept, limit); // warm: JIT and the cache's encoded forms
    const spent = await profiled(profDir || undefined, name, async () => {
      const before = cpuMs();
      for (let r = 0; r < rounds; r++) mb[name] = Math.round((await listAll(base, accept, limit)) / 1e5) / 10;
      return cpuMs() - before;
    });
    cpu[name] = Math.round(spent / rounds);
  }
  result.server_cpu_ms_per_list = cpu;
  result.response_mb = mb;
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await api.close();
}
