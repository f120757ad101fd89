// The pods of one hollow node: level-triggered sync of each bound pod against the fake runtime
// (sandbox, init containers, containers, restarts with CrashLoopBackOff), its status written back
// when it changes, and graceful deletions finished the way the kubelet finishes them.
import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1.js";
import type { Clock } from "../clock.ts";
import { exitCodeAnnotation, type FakeRuntime, runSecondsAnnotation } from "../runtime/fake/fake-runtime.ts";
import type { ContainerStatus as RuntimeContainerStatus } from "../runtime/runtime.ts";
import { apiContainerStatus, rfc3339 } from "../status/container-status.ts";
import { buildPodStatus, isRestartableInit } from "../status/pod-status.ts";
import { podStatusPatch } from "./status-patch.ts";

/** The API calls a pod worker makes. */
export interface PodApi {
  /**
   * Strategic-merge-patches pods/status with `status` (the changed fields only, see
   * status-patch.ts); the uid guards against a re-created namesake.
   */
  patchStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** DELETE with gracePeriodSeconds 0 and a uid precondition; a missing pod is fine. */
  deleteNow(pod: Pod): Promise<void>;
}

export interface PodWorkerOptions {
  nodeName: string;
  hostIP: string;
  runtime: FakeRuntime;
  clock: Clock;
  api: PodApi;
  /** Asks for `sync(key)` again at `at` (epoch ms): readiness delays, back-offs. */
  wake(key: string, at: number): void;
  /** Extra time a running container needs before it is ready (default 0). */
  readyDelayMs?: number;
  /** First restart back-off and its cap (kubelet: 10 s, 5 min). */
  backOffMs?: number;
  maxBackOffMs?: number;
}

interface Slot {
  spec: Container;
  id?: string;
  previousId?: string;
  restartCount: number;
  /** Delay before the next restart; 0 until the first one (which is immediate, as in the kubelet). */
  nextBackOffMs: number;
  /** When the pending restart may happen. */
  restartAt?: number;
}

interface PodRecord {
  uid: string;
  sandboxId: string;
  ip: string;
  startTime: string;
  inits: Slot[];
  containers: Slot[];
  /** Containers stopped for good (pod finished or deleted); the sandbox is gone. */
  terminal: boolean;
  deleteSent: boolean;
  /** JSON of the last status written (or found already in place), to skip repeats. */
  lastStatus?: string;
  /** The last status written: the server holds it even while the informer's copy lags. */
  lastWritten?: PodStatus;
}

const slot = (spec: Container): Slot => ({ spec, restartCount: 0, nextBackOffMs: 0 });

export class PodWorker {
  private readonly records = new Map<string, PodRecord>();
  private readonly bySandbox = new Map<string, string>();
  /** Pods deleted before they ran here: key → uid whose DELETE was sent. */
  private readonly deletedUnrun = new Map<string, string>();

  constructor(private readonly o: PodWorkerOptions) {}

  get size(): number {
    return this.records.size;
  }

  /** The pod key whose sandbox this is (runtime events are routed with it). */
  keyOfSandbox(sandboxId: string): string | undefined {
    return this.bySandbox.get(sandboxId);
  }

  async sync(key: string, pod: Pod | undefined): Promise<void> {
    if (this.deletedUnrun.has(key) && this.deletedUnrun.get(key) !== pod?.metadata?.uid)
      this.deletedUnrun.delete(key);
    let rec = this.records.get(key);
    if (rec && (!pod || pod.metadata?.uid !== rec.uid)) {
      await this.forget(key, rec);
      rec = undefined;
    }
    if (!pod) return;
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp) {
      await this.finishDeletion(key, pod, rec);
      return;
    }
    if (phase === "Succeeded" || phase === "Failed") {
      // Finished before we saw it (or by another hand): nothing may run.
      if (rec && !rec.terminal) await this.teardown(rec);
      return;
    }
    if (rec?.terminal) return;
    rec ??= await this.admit(key, pod);
    await this.runContainers(key, pod, rec);
    let status = this.status(pod, rec, false);
    if (status.phase === "Succeeded" || status.phase === "Failed") {
      await this.teardown(rec);
      status = this.status(pod, rec, false);
    }
    await this.write(pod, rec, status);
  }

  private async admit(key: string, pod: Pod): Promise<PodRecord> {
    const m = pod.metadata ?? {};
    const sandboxId = await this.o.runtime.runPodSandbox({
      metadata: { name: m.name ?? "", namespace: m.namespace ?? "", uid: m.uid ?? "", attempt: 0 },
      hostname: pod.spec?.hostname ?? m.name ?? "",
      labels: { ...m.labels },
      annotations: { ...m.annotations },
    });
    const sandbox = await this.o.runtime.podSandboxStatus(sandboxId);
    const rec: PodRecord = {
      uid: m.uid ?? "",
      sandboxId,
      ip: sandbox.network.ip,
      startTime: rfc3339(this.o.clock.now()),
      inits: (pod.spec?.initContainers ?? []).map(slot),
      containers: (pod.spec?.containers ?? []).map(slot),
      terminal: false,
      deleteSent: false,
    };
    this.records.set(key, rec);
    this.bySandbox.set(sandboxId, key);
    return rec;
  }

  private current(s: Slot): Readonly<RuntimeContainerStatus> | undefined {
    return s.id ? this.o.runtime.peekContainer(s.id) : undefined;
  }

  private async start(pod: Pod, rec: PodRecord, s: Slot, init: boolean): Promise<void> {
    const m = pod.metadata ?? {};
    const sandboxConfig = {
      metadata: { name: m.name ?? "", namespace: m.namespace ?? "", uid: rec.uid, attempt: 0 },
      annotations: { ...m.annotations },
    };
    // Init containers that must complete finish at once; the pod's run-seconds is for its containers.
    const annotations: Record<string, string> =
      init && !isRestartableInit(s.spec) ? { [runSecondsAnnotation]: "0", [exitCodeAnnotation]: "0" } : {};
    const id = await this.o.runtime.createContainer(
      rec.sandboxId,
      {
        metadata: { name: s.spec.name, attempt: s.restartCount },
        image: { image: s.spec.image ?? "" },
        annotations,
      },
      sandboxConfig,
    );
    if (s.previousId) await this.o.runtime.removeContainer(s.previousId);
    s.previousId = s.id;
    s.id = id;
    await this.o.runtime.startContainer(id);
  }

  /** Whether an exited container runs again under the pod's restart policy. */
  private restarts(pod: Pod, s: Slot, exitCode: number, init: boolean): boolean {
    if (init && isRestartableInit(s.spec)) return true;
    const policy = pod.spec?.restartPolicy ?? "Always";
    if (init) return policy !== "Never" && exitCode !== 0;
    return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
  }

  /** Starts one container, or restarts it per the restart policy once its back-off has passed. */
  private async ensure(key: string, pod: Pod, rec: PodRecord, s: Slot, init: boolean): Promise<void> {
    const cur = this.current(s);
    if (!cur) return this.start(pod, rec, s, init);
    if (cur.state !== "CONTAINER_EXITED" || !this.restarts(pod, s, cur.exitCode, init)) return;
    s.restartAt ??= cur.finishedAt + s.nextBackOffMs;
    const now = this.o.clock.now();
    if (now < s.restartAt) {
      this.o.wake(key, s.restartAt);
      return;
    }
    const initial = this.o.backOffMs ?? 10_000;
    s.nextBackOffMs =
      s.nextBackOffMs === 0 ? initial : Math.min(s.nextBackOffMs * 2, this.o.maxBackOffMs ?? 300_000);
    s.restartAt = undefined;
    s.restartCount++;
    await this.start(pod, rec, s, init);
  }

  private async runContainers(key: string, pod: Pod, rec: PodRecord): Promise<void> {
    for (const s of rec.inits) {
      await this.ensure(key, pod, rec, s, true);
      if (isRestartableInit(s.spec)) continue;
      const cur = this.current(s);
      // The next init container waits for this one to complete.
      if (!(cur?.state === "CONTAINER_EXITED" && cur.exitCode === 0)) return;
    }
    for (const s of rec.containers) await this.ensure(key, pod, rec, s, false);
    const delay = this.o.readyDelayMs ?? 0;
    for (const s of rec.containers) {
      const cur = this.current(s);
      const readyAt = (cur?.startedAt ?? 0) + delay;
      if (cur?.state === "CONTAINER_RUNNING" && readyAt > this.o.clock.now()) this.o.wake(key, readyAt);
    }
  }

  private status(pod: Pod, rec: PodRecord, terminal: boolean): PodStatus {
    const now = this.o.clock.now();
    const view = (s: Slot) => {
      const cur = this.current(s);
      const backOff = s.restartAt !== undefined && now < s.restartAt && cur?.state === "CONTAINER_EXITED";
      const m = pod.metadata ?? {};
      return apiContainerStatus({
        spec: s.spec,
        current: cur,
        previous: s.previousId ? this.o.runtime.peekContainer(s.previousId) : undefined,
        restartCount: s.restartCount,
        backOffMessage: backOff
          ? `back-off ${Math.round(s.nextBackOffMs / 1000)}s restarting failed container=${s.spec.name} pod=${m.name}_${m.namespace}(${rec.uid})`
          : undefined,
        runtimeName: "fake",
        readyDelayMs: this.o.readyDelayMs ?? 0,
        now,
      });
    };
    return buildPodStatus({
      pod,
      hostIP: this.o.hostIP,
      ...(rec.ip ? { podIP: rec.ip } : {}),
      sandboxReady: !rec.terminal,
      startTime: rec.startTime,
      initContainerStatuses: rec.inits.map(view),
      containerStatuses: rec.containers.map(view),
      terminal,
      now: rfc3339(now),
    });
  }

  private async write(pod: Pod, rec: PodRecord, status: PodStatus): Promise<void> {
    const json = JSON.stringify(status);
    if (json === rec.lastStatus) return;
    const patch = podStatusPatch(status, [pod.status, rec.lastWritten]);
    if (patch) {
      await this.o.api.patchStatus(pod, patch);
      rec.lastWritten = status;
    }
    rec.lastStatus = json;
  }

  /** Stops every container and the sandbox; the containers stay for the final status. */
  private async teardown(rec: PodRecord): Promise<void> {
    await this.o.runtime.stopPodSandbox(rec.sandboxId);
    for (const s of [...rec.inits, ...rec.containers]) s.restartAt = undefined;
    rec.terminal = true;
  }

  /** Kill, report the terminal phase, then delete with grace 0 (the pod is then gone or waits on finalizers). */
  private async finishDeletion(key: string, pod: Pod, rec: PodRecord | undefined): Promise<void> {
    if (rec && !rec.terminal) {
      await this.teardown(rec);
      await this.write(pod, rec, this.status(pod, rec, true));
    }
    const uid = pod.metadata?.uid ?? "";
    if (rec ? rec.deleteSent : this.deletedUnrun.get(key) === uid) return;
    await this.o.api.deleteNow(pod);
    if (rec) rec.deleteSent = true;
    else this.deletedUnrun.set(key, uid);
  }

  private async forget(key: string, rec: PodRecord): Promise<void> {
    await this.o.runtime.removePodSandbox(rec.sandboxId);
    this.bySandbox.delete(rec.sandboxId);
    this.records.delete(key);
  }

  /** Removes every sandbox (the node is going away). */
  async close(): Promise<void> {
    for (const [key, rec] of [...this.records]) await this.forget(key, rec);
  }
}
