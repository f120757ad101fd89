// Fixtures for scheduler integration tests: an in-process API server (real handler chain over
// SQLite), Node objects created through the API, pods, and waiting on the API for outcomes.
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { coreV1Resources } from "../../src/api/core/index.ts";
import { groupResources } from "../../src/api/groups.ts";
import { priorityAdmission } from "../../src/apiserver/admission/priority.ts";
import type { ObjectSource } from "../../src/apiserver/rest/source.ts";
import { lifecycleSubresources } from "../../src/apiserver/subresources/index.ts";
import { dispatchPatcher, schemaDecoder, schemaPatchSchemaFor } from "../../src/apiserver/wiring.ts";
import { InProcessTransport } from "../../src/cli/inprocess-transport.ts";
import type { ResourceClient } from "../../src/client/resource-client.ts";
import { RestClient } from "../../src/client/rest.ts";
import { nodesResource, podsResource } from "../../src/scheduler/coords.ts";
import { Scheduler, type SchedulerOptions } from "../../src/scheduler/scheduler.ts";
import { admin, TestApi } from "../support/inprocess-api.ts";

export interface ClientFixture {
  api: TestApi;
  client: RestClient;
  close(): Promise<void>;
}

/** The production handler wiring (binding subresource, strategic merge, schemas) in-process. */
export async function startApi(): Promise<ClientFixture> {
  // The admission plugin reads PriorityClasses from the watch cache, which exists only once
  // TestApi is built: defer to it.
  const holder: { source?: ObjectSource } = {};
  const deferred: ObjectSource = {
    list: (def, o) => {
      if (!holder.source) throw new Error("watch cache not ready");
      return holder.source.list(def, o);
    },
    watch: (def, o, l) => {
      if (!holder.source) throw new Error("watch cache not ready");
      return holder.source.watch(def, o, l);
    },
    currentRevision: () => holder.source?.currentRevision() ?? Promise.resolve(0),
  };
  const api = new TestApi({
    resources: [...coreV1Resources, ...groupResources()],
    watchCache: true,
    handler: {
      subresources: lifecycleSubresources(),
      patcher: dispatchPatcher,
      patchSchemaFor: schemaPatchSchemaFor,
      decoder: schemaDecoder,
      admission: [priorityAdmission({ source: deferred })],
    },
  });
  if (api.cache) holder.source = api.cache;
  await api.seed();
  const transport = new InProcessTransport({ handler: api.handler, user: admin });
  const client = new RestClient({ transport });
  return {
    api,
    client,
    close: async () => {
      client.close();
      await api.close();
    },
  };
}

export interface NodeSpec {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: NonNullable<Node["spec"]>["taints"];
  unschedulable?: boolean;
}

export function nodeObject(s: NodeSpec): Node {
  const capacity = {
    cpu: s.cpu ?? "4",
    memory: s.memory ?? "16Gi",
    pods: s.pods ?? "110",
    "ephemeral-storage": "100Gi",
  };
  return {
    metadata: { name: s.name, labels: { "kubernetes.io/hostname": s.name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity, allocatable: capacity, conditions: [{ type: "Ready", status: "True" }] },
  };
}

export function podObject(
  name: string,
  spec: Partial<NonNullable<Pod["spec"]>> = {},
  labels: Record<string, string> = {},
  cpu?: string,
): Pod {
  return {
    metadata: { name, namespace: "default", labels },
    spec: {
      containers: [{ name: "c", image: "busybox", ...(cpu ? { resources: { requests: { cpu } } } : {}) }],
      ...spec,
    },
  };
}

export interface PodsFixture {
  pods: ResourceClient<Pod>;
}

export interface SchedulerFixture extends ClientFixture {
  scheduler: Scheduler;
  pods: ResourceClient<Pod>;
  nodes: ResourceClient<Node>;
  stop(): Promise<void>;
}

export async function startScheduler(options: Partial<SchedulerOptions> = {}): Promise<SchedulerFixture> {
  const api = await startApi();
  const scheduler = new Scheduler({
    client: api.client,
    queue: { initialBackoffMs: 50, maxBackoffMs: 200 },
    ...options,
  });
  await scheduler.start();
  return {
    ...api,
    scheduler,
    pods: api.client.resource<Pod>(podsResource),
    nodes: api.client.resource<Node>(nodesResource),
    stop: async () => {
      await scheduler.stop();
      await api.close();
    },
  };
}

/** Polls the API until `check` returns a value (the tests' only wait; bounded by the test timeout). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function nodeOfPod(f: PodsFixture, name: string): Promise<string> {
  return eventually(
    async () => (await f.pods.get(name, { namespace: "default" })).spec?.nodeName || undefined,
    `${name} bound`,
  );
}

export async function unschedulableMessage(f: PodsFixture, name: string): Promise<string> {
  return eventually(async () => {
    const p = await f.pods.get(name, { namespace: "default" });
    const c = p.status?.conditions?.find((x) => x.type === "PodScheduled");
    return c?.status === "False" && c.reason === "Unschedulable" ? (c.message ?? "") : undefined;
  }, `${name} marked Unschedulable`);
}

/** No kubelet runs in these tests: finish graceful deletions as the pods' kubelets would. */
export async function finishTerminations(f: PodsFixture): Promise<number> {
  const terminating = (await f.pods.list({ namespace: "default" })).items.filter(
    (p) => p.metadata?.deletionTimestamp,
  );
  for (const p of terminating)
    await f.pods.delete(p.metadata?.name ?? "", { namespace: "default", gracePeriodSeconds: 0 });
  return terminating.length;
}
