// Node Lease renewals over the wire: CPU per renewal of the API server (a `skiff server` child)
// and of the client, for the HTTPS (HTTP/1.1) and the HTTP/2 transport, paced like N nodes
// renewing every 10 s. Isolates what the Lease background of bench/scheduler costs per op.
// Usage: node --import tsx bench/scheduler-lease-wire.ts [--nodes 2000] [--rate 500] [--seconds 10]
//          [--transport https,http2] [--concurrency 64] [--sessions 1] [--renew hollow|node]
// --renew: the hollow nodes' renewal (src/kubelet/hollow/lease.ts, default) or the kubelet's shared one.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { Http2Transport } from "../src/client/http2-transport.ts";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import type { Transport } from "../src/client/transport.ts";
import { renewHollowLease } from "../src/kubelet/hollow/lease.ts";
import { renewNodeLease } from "../src/kubelet/node/heartbeat.ts";
import { ConcurrencyLimiter } from "../src/kubelet/node/limiter.ts";
import { leasesResource } from "../src/scheduler/coords.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";

const args = process.argv.slice(2);
function flag(name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? def) : def;
}
const nodes = Number(flag("nodes", "2000"));
const rate = Number(flag("rate", "500"));
const seconds = Number(flag("seconds", "10"));
const concurrency = Number(flag("concurrency", "64"));
const sessions = Number(flag("sessions", "1"));
const kinds = flag("transport", "https,http2").split(",");
const renew = flag("renew", "hollow") === "node" ? renewNodeLease : renewHollowLease;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime, stime are fields 14 and 15 (1-based) of the whole line: 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const server = new SkiffServer({ apiOnly: true });
await server.start(["--disable-cluster-dns"]);
const pid = (server as unknown as { child?: ChildProcess }).child?.pid ?? 0;
const connection = loadKubeconfig(server.kubeconfig);
const results: Record<string, unknown>[] = [];
try {
  for (const kind of kinds) {
    const transport: Transport =
      kind === "http2"
        ? new Http2Transport({ connection, sessions, userAgent: "lease-bench" })
        : new HttpsTransport({ connection, maxSockets: concurrency, userAgent: "lease-bench" });
    const client = new RestClient({ transport });
    const leases = client.resource<Lease>(leasesResource);
    const limiter = new ConcurrencyLimiter(concurrency);
    const last = new Map<number, Lease>();
    const names = Array.from({ length: nodes }, (_, i) => `${kind}-node-${i}`);
    // Every node's Lease exists first (as after registration), unmeasured.
    await Promise.all(
      names.map(async (name, i) => {
        last.set(
          i,
          await renew(leases, { name, uid: "u", leaseDurationSeconds: 40, now: Date.now() }, limiter),
        );
      }),
    );
    const total = Math.round(rate * seconds);
    const server0 = procCpuMs(pid);
    const self0 = selfCpuMs();
    const began = performance.now();
    const all: Promise<void>[] = [];
    let failed = 0;
    for (let k = 0; k < total; k++) {
      const due = began + (k * 1000) / rate - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      const i = k % nodes;
      all.push(
        renew(
          leases,
          { name: names[i] ?? "", uid: "u", leaseDurationSeconds: 40, now: Date.now(), last: last.get(i) },
          limiter,
        ).then(
          (l) => void last.set(i, l),
          () => void failed++,
        ),
      );
    }
    await Promise.all(all);
    const wall = (performance.now() - began) / 1000;
    const serverMs = procCpuMs(pid) - server0;
    const selfMs = selfCpuMs() - self0;
    results.push({
      transport: kind,
      renewals: total,
      failed,
      achieved_per_s: round(total / wall),
      server_us_per_renewal: round((serverMs * 1000) / total, 0),
      client_us_per_renewal: round((selfMs * 1000) / total, 0),
    });
    client.close();
  }
} finally {
  await server.stop();
}
process.stdout.write(
  `${JSON.stringify({ nodes, rate, renew: flag("renew", "hollow"), seconds, concurrency, sessions, load: readFileSync("/proc/loadavg", "utf8").split(" ")[0], results }, null, 2)}\n`,
);
