// A pod worker on the fake runtime with a manual clock, in-memory API objects and real volumes
// in a temp dir — what the sync-loop tests drive.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap, Pod, PodStatus, Secret } from "kubernetes-types/core/v1.js";
import { ManualClock } from "../clock.ts";
import { BackOff } from "../pod/backoff.ts";
import { parseResolvConf } from "../pod/sandbox-config.ts";
import { FakeRuntime } from "../runtime/fake/fake-runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "../runtime/fake/ipam.ts";
import { VolumeManager } from "../volumes/manager.ts";
import { ContainerRunner } from "./containers.ts";
import { ImageManager } from "./images.ts";
import { PodWorker } from "./pod-worker.ts";
import { DefaultProbeRunner } from "./probe-runner.ts";
import { Prober } from "./prober.ts";

export class WorkerHarness {
  readonly clock = new ManualClock();
  readonly runtime = new FakeRuntime({
    clock: this.clock,
    ipam: new PodIpAllocator(parseIpv4Cidr("10.1.0.0/24")),
  });
  readonly dir = mkdtempSync(join(tmpdir(), "skiff-worker-"));
  readonly configMaps: ConfigMap[] = [];
  readonly secrets: Secret[] = [];
  readonly events: string[] = [];
  readonly patches: PodStatus[] = [];
  readonly deletes: string[] = [];
  readonly wakes: number[] = [];
  readonly changed = new Set<string>();
  readonly worker: PodWorker;
  readonly prober: Prober;
  pod: Pod;

  constructor(pod: Pod) {
    this.pod = pod;
    const objects = {
      configMap: async (ns: string, name: string) =>
        this.configMaps.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
      secret: async (ns: string, name: string) =>
        this.secrets.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
      persistentVolumeClaim: async () => undefined,
      persistentVolume: async () => undefined,
    };
    const event = (_pod: Pod, _type: string, reason: string, message: string) => {
      this.events.push(`${reason}: ${message}`);
    };
    const backOff = new BackOff({ clock: this.clock });
    const runner = new DefaultProbeRunner(this.runtime);
    this.prober = new Prober({ clock: this.clock, runner, onChange: (key) => this.changed.add(key) });
    this.worker = new PodWorker({
      hostIP: "192.168.0.10",
      runtime: this.runtime,
      runtimeName: "fake",
      clock: this.clock,
      sandbox: {
        clusterDomain: "cluster.local",
        clusterDNS: "10.43.0.10",
        hostDNS: parseResolvConf("nameserver 1.1.1.1\n"),
        podLogsRoot: join(this.dir, "logs"),
      },
      containers: new ContainerRunner({
        runtime: this.runtime,
        clock: this.clock,
        images: new ImageManager({
          images: this.runtime.images,
          backOff,
          pullSecrets: async () => [],
          event,
        }),
        objects,
        allocatable: { cpu: "2", memory: "2Gi" },
        memoryCapacityBytes: 2 * 1024 ** 3,
        hooks: runner,
        event,
      }),
      volumes: new VolumeManager({ dataDir: this.dir, objects, allocatable: {}, event, tmpfs: false }),
      prober: this.prober,
      backOff,
      api: {
        patchStatus: async (_pod, status) => {
          this.patches.push(status);
          this.pod = { ...this.pod, status: structuredClone(status) };
        },
        deleteNow: async (p) => {
          this.deletes.push(p.metadata?.name ?? "");
        },
      },
      event,
      wake: (_key, at) => this.wakes.push(at),
    });
  }

  get key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  async sync(): Promise<PodStatus | undefined> {
    await this.worker.sync(this.key, this.pod);
    return this.pod.status;
  }

  /** Lets timers due within `ms` fire and the async work they start settle. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  containerStatus(name: string) {
    return [
      ...(this.pod.status?.initContainerStatuses ?? []),
      ...(this.pod.status?.containerStatuses ?? []),
    ].find((s) => s.name === name);
  }

  condition(type: string): string | undefined {
    return this.pod.status?.conditions?.find((c) => c.type === type)?.status;
  }

  async close(): Promise<void> {
    this.worker.close();
    await this.runtime.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function testPod(
  spec: Partial<NonNullable<Pod["spec"]>>,
  annotations: Record<string, string> = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", uid: "uid-1", annotations },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox:1.36" }], ...spec },
    status: { phase: "Pending", qosClass: "BestEffort" },
  };
}
