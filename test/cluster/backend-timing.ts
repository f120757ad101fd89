// Timing a backend change end to end, for the scaling scenario of the netns cluster tests:
// EndpointTimes watches a Service's EndpointSlices from the test process and notes when each
// pod's endpoint turned ready and when it stopped being ready; BackendSampler keeps sending GETs
// (a new connection each, so every request is balanced afresh) and notes which pod answered when.
// Together they give "EndpointSlice change → traffic follows" as the cluster really sees it.
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { RestClient } from "../../src/client/rest.ts";
import type { Watch } from "../../src/client/watch.ts";

const slicesResource = {
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  namespaced: true,
  kind: "EndpointSlice",
} as const;

export class EndpointTimes {
  /** Pod name → when its endpoint was first seen ready (performance.now()). */
  readonly readyAt = new Map<string, number>();
  /** Pod name → when its endpoint stopped being ready or left the slices. */
  readonly goneAt = new Map<string, number>();
  private readonly slices = new Map<string, EndpointSlice>();
  private watch: Watch | undefined;

  private constructor(private readonly client: RestClient) {}

  static async start(kubeconfig: string, service: string, namespace = "default"): Promise<EndpointTimes> {
    const client = new RestClient({
      transport: new HttpsTransport({ connection: loadKubeconfig(kubeconfig), maxSockets: 2 }),
    });
    const t = new EndpointTimes(client);
    t.watch = await client
      .resource<EndpointSlice>(slicesResource)
      .watch(
        { namespace, labelSelector: `kubernetes.io/service-name=${service}`, resourceVersion: "0" },
        (e) => {
          if (e.type === "ERROR" || e.type === "BOOKMARK") return;
          const name = e.object.metadata?.name ?? "";
          if (e.type === "DELETED") t.slices.delete(name);
          else t.slices.set(name, e.object);
          t.update(performance.now());
        },
      );
    return t;
  }

  private update(now: number): void {
    const ready = new Set<string>();
    for (const s of this.slices.values())
      for (const ep of s.endpoints ?? [])
        if (ep.conditions?.ready !== false && ep.targetRef?.name) ready.add(ep.targetRef.name);
    for (const pod of ready) {
      if (!this.readyAt.has(pod) || this.goneAt.has(pod)) this.readyAt.set(pod, now);
      this.goneAt.delete(pod);
    }
    for (const pod of this.readyAt.keys())
      if (!ready.has(pod) && !this.goneAt.has(pod)) this.goneAt.set(pod, now);
  }

  stop(): void {
    this.watch?.stop();
    this.client.close();
  }
}

export interface Answer {
  at: number;
  body: string;
}

export class BackendSampler {
  readonly answers: Answer[] = [];
  /** Body → first time it answered. */
  readonly firstAt = new Map<string, number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly parallel = 4,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.parallel }, () => this.loop());
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const body = await getOnce(this.url).catch(() => undefined);
      if (body === undefined) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const at = performance.now();
      this.answers.push({ at, body });
      if (!this.firstAt.has(body)) this.firstAt.set(body, at);
    }
  }

  /** The bodies of answers after `since` (performance.now() time). */
  since(since: number): string[] {
    return this.answers.filter((a) => a.at > since).map((a) => a.body);
  }

  /** When `body` last answered, or undefined. */
  lastAt(body: string): number | undefined {
    for (let i = this.answers.length - 1; i >= 0; i--) {
      const a = this.answers[i];
      if (a?.body === body) return a.at;
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/** One GET on a fresh connection; the trimmed body. */
function getOnce(url: string): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request(url, { agent: false, timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => (res.statusCode === 200 ? ok(body.trim()) : fail(new Error(`${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", fail);
    req.end();
  });
}

/** Writes a JSON figure to $SKIFF_TEST_ARTIFACTS or test-artifacts/ (gitignored); returns the path. */
export function saveArtifact(sub: string, name: string, value: unknown): string {
  const root = process.env.SKIFF_TEST_ARTIFACTS ?? resolve(import.meta.dirname, "../../test-artifacts");
  const dir = join(root, sub);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}
