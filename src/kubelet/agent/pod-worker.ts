// The agent's per-pod sync, level-triggered: each sync compares the pod's spec with what the
// runtime holds (volumes, sandbox, init containers in order, containers, restarts under the
// restart policy with CrashLoopBackOff, liveness kills) and acts on the difference, then writes
// the pod status when it changed; deletions run the graceful termination and the final DELETE.
import type { Container, Pod, PodStatus } from "kubernetes-types/core/v1.js";
import type { Clock } from "../clock.ts";
import type { BackOff } from "../pod/backoff.ts";
import { containerHash, containerHashAnnotation } from "../pod/container-config.ts";
import { type SandboxOptions, sandboxConfig } from "../pod/sandbox-config.ts";
import { podCgroupUids, removeCgroup } from "../runtime/containerd/cgroups.ts";
import type { ContainerStatus, PodSandboxStatus, Runtime } from "../runtime/runtime.ts";
import { rfc3339 } from "../status/container-status.ts";
import { deepEqual } from "../status/equal.ts";
import { isRestartableInit } from "../status/pod-status.ts";
import type { ContainerRunner, StartFailure } from "./containers.ts";
import { ephemeralToStart } from "./ephemeral.ts";
import { type ObservedPod, observePod, readySandbox } from "./pod-state.ts";
import type { Prober } from "./prober.ts";
import { observedPodStatus } from "./status-view.ts";
import type { EventSink, PodApi, PodVolumes } from "./types.ts";

export interface PodWorkerOptions {
  hostIP: string;
  runtime: Runtime;
  /** Prefix of container ids in the API (`containerd://…`). */
  runtimeName: string;
  clock: Clock;
  sandbox: SandboxOptions;
  containers: ContainerRunner;
  volumes: PodVolumes;
  prober: Prober;
  backOff: BackOff;
  api: PodApi;
  event: EventSink;
  /** Asks for `sync(key)` again at `at` (epoch ms): back-offs. */
  wake(key: string, at: number): void;
}

interface PodRecord {
  uid: string;
  pod: Pod;
  startTime: string;
  /** Container name → why its next attempt waits (image pull, config, create errors, back-off). */
  waiting: Map<string, StartFailure>;
  /** Containers stopped for good (the pod finished); nothing runs again. */
  terminal: boolean;
  /** Set by the eviction manager: the pod is killed and reported Failed with reason Evicted. */
  evicted?: string;
  lastStatus?: string;
}

interface Ctx {
  key: string;
  pod: Pod;
  rec: PodRecord;
  observed: ObservedPod;
  sandbox: PodSandboxStatus;
  volumes: Map<string, string>;
  hostsFile?: string;
}

const podGrace = (pod: Pod): number =>
  pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;

export class PodWorker {
  private readonly records = new Map<string, PodRecord>();
  /** Uids whose final DELETE was sent. */
  private readonly deleted = new Set<string>();

  constructor(private readonly o: PodWorkerOptions) {}

  get size(): number {
    return this.records.size;
  }

  keys(): string[] {
    return [...this.records.keys()];
  }

  uidOf(key: string): string | undefined {
    return this.records.get(key)?.uid;
  }

  async sync(key: string, pod: Pod | undefined): Promise<void> {
    let rec = this.records.get(key);
    if (rec && (!pod || pod.metadata?.uid !== rec.uid)) {
      await this.cleanUp(rec.uid, rec.pod);
      this.records.delete(key);
      rec = undefined;
    }
    if (!pod) return;
    const uid = pod.metadata?.uid ?? "";
    if (!rec) {
      rec = { uid, pod, startTime: rfc3339(this.o.clock.now()), waiting: new Map(), terminal: false };
      this.records.set(key, rec);
    }
    rec.pod = pod;
    if (pod.metadata?.deletionTimestamp) return this.terminate(key, pod, rec);
    if (rec.evicted !== undefined && !rec.terminal) {
      // Node-pressure eviction kills at once (the kubelet's 1 s grace for hard thresholds).
      await this.stopAll(key, rec, await observePod(this.o.runtime, uid), 1);
      rec.terminal = true;
      await this.write(pod, rec, this.status(pod, rec, await observePod(this.o.runtime, uid), true));
      return;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed" || rec.terminal) {
      if (!rec.terminal) await this.stopAll(key, rec, await observePod(this.o.runtime, uid), 0);
      rec.terminal = true;
      return;
    }
    let observed = await observePod(this.o.runtime, uid);
    let volumes: Map<string, string>;
    try {
      volumes = await this.o.volumes.setUp(pod);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.o.event(pod, "Warning", "FailedMount", why);
      await this.write(pod, rec, this.status(pod, rec, observed, false));
      throw err;
    }
    let sandbox = readySandbox(observed);
    if (!sandbox) {
      if (observed.sandboxes.length > 0 && !this.mayRestartSandbox(pod, observed)) {
        await this.finish(key, pod, rec, observed);
        return;
      }
      sandbox = await this.createSandbox(pod, observed);
      observed = await observePod(this.o.runtime, uid);
    }
    const ctx: Ctx = { key, pod, rec, observed, sandbox, volumes };
    if (!pod.spec?.hostNetwork) ctx.hostsFile = await this.o.volumes.hostsFile(pod, sandbox.network.ip);
    let changed = await this.runContainers(ctx);
    for (const e of ephemeralToStart(pod, observed, sandbox.id))
      changed = (await this.start(ctx, e.container, 0, [], e.targetContainerId)) || changed;
    if (changed) observed = await observePod(this.o.runtime, uid);
    // Containers started in this sync get their probers before their readiness is reported.
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      const cur = observed.containers.get(c.name)?.[0];
      if (cur?.state === "CONTAINER_RUNNING" && cur.podSandboxId === sandbox.id)
        this.o.prober.ensure(key, c, cur.id, sandbox.network.ip, cur.startedAt);
    }
    const status = this.status(pod, rec, observed, false);
    if (status.phase === "Succeeded" || status.phase === "Failed") {
      await this.finish(key, pod, rec, observed);
      return;
    }
    await this.write(pod, rec, status);
  }

  /** A dead sandbox is replaced unless the pod can never run containers again (restartPolicy Never and all ran). */
  private mayRestartSandbox(pod: Pod, observed: ObservedPod): boolean {
    if ((pod.spec?.restartPolicy ?? "Always") !== "Never") return true;
    return !(pod.spec?.containers ?? []).every((c) => (observed.containers.get(c.name) ?? []).length > 0);
  }

  private async createSandbox(pod: Pod, observed: ObservedPod): Promise<PodSandboxStatus> {
    const old = observed.sandboxes[0];
    const attempt = old ? old.metadata.attempt + 1 : 0;
    if (old) {
      this.o.event(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      for (const s of observed.sandboxes) await this.o.runtime.stopPodSandbox(s.id);
    }
    const id = await this.o.runtime.runPodSandbox(sandboxConfig(pod, attempt, this.o.sandbox));
    return this.o.runtime.podSandboxStatus(id);
  }

  /** Whether an exited container runs again under the pod's restart policy. */
  private restarts(pod: Pod, c: Container, exitCode: number, init: boolean): boolean {
    if (init && isRestartableInit(c)) return true;
    const policy = pod.spec?.restartPolicy ?? "Always";
    if (init) return policy !== "Never" && exitCode !== 0;
    return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
  }

  /** Init containers in order (each must complete, sidecars must have started), then the containers. */
  private async runContainers(ctx: Ctx): Promise<boolean> {
    let changed = false;
    for (const c of ctx.pod.spec?.initContainers ?? []) {
      changed = (await this.ensure(ctx, c, true)) || changed;
      const cur = this.current(ctx, c);
      if (isRestartableInit(c)) {
        if (!(cur?.state === "CONTAINER_RUNNING" && this.o.prober.started(cur.id))) return changed;
        continue;
      }
      if (!(cur?.state === "CONTAINER_EXITED" && cur.exitCode === 0)) return changed;
    }
    for (const c of ctx.pod.spec?.containers ?? []) changed = (await this.ensure(ctx, c, false)) || changed;
    return changed;
  }

  /** The newest attempt of a container in the current sandbox. */
  private current(ctx: Ctx, c: Container): ContainerStatus | undefined {
    const cur = ctx.observed.containers.get(c.name)?.[0];
    return cur && cur.podSandboxId === ctx.sandbox.id ? cur : undefined;
  }

  /** Starts, keeps or restarts one container; true when the runtime state changed. */
  private async ensure(ctx: Ctx, c: Container, init: boolean): Promise<boolean> {
    const { pod, key } = ctx;
    const attempts = ctx.observed.containers.get(c.name) ?? [];
    const newest = attempts[0];
    let cur = this.current(ctx, c);
    if (!cur) {
      // Never ran in this sandbox. A regular container that finished in an older sandbox stays finished.
      if (
        newest &&
        !init &&
        newest.state === "CONTAINER_EXITED" &&
        !this.restarts(pod, c, newest.exitCode, false)
      )
        return false;
      return this.start(ctx, c, newest ? newest.metadata.attempt + 1 : 0, attempts);
    }
    if (cur.state === "CONTAINER_CREATED") {
      await this.o.runtime.startContainer(cur.id);
      return true;
    }
    if (cur.state === "CONTAINER_RUNNING") {
      this.o.prober.ensure(key, c, cur.id, ctx.sandbox.network.ip, cur.startedAt);
      const failed = this.o.prober.failure(cur.id);
      const specChanged =
        cur.annotations[containerHashAnnotation] !== undefined &&
        cur.annotations[containerHashAnnotation] !== containerHash(c);
      if (!failed && !specChanged) return false;
      const why = failed
        ? `Container ${c.name} failed ${failed.kind} probe, will be restarted`
        : `Container ${c.name} definition changed, will be restarted`;
      if (failed)
        this.o.event(
          pod,
          "Warning",
          "Unhealthy",
          `${failed.kind === "liveness" ? "Liveness" : "Startup"} probe failed: ${failed.message}`,
        );
      this.o.event(pod, "Normal", "Killing", why);
      this.o.prober.remove(cur.id);
      await this.o.containers.stop(
        pod,
        c,
        cur,
        pod.spec?.terminationGracePeriodSeconds ?? 30,
        ctx.sandbox.network.ip,
      );
      cur = await this.o.runtime.containerStatus(cur.id);
      // A probe kill restarts whatever the exit code, unless the policy is Never.
      if ((pod.spec?.restartPolicy ?? "Always") === "Never" && !(init && isRestartableInit(c))) return true;
      return this.restartAfterBackOff(ctx, c, cur, attempts, true);
    }
    this.o.prober.remove(cur.id);
    if (!this.restarts(pod, c, cur.exitCode, init)) return false;
    return this.restartAfterBackOff(ctx, c, cur, attempts, false);
  }

  private async restartAfterBackOff(
    ctx: Ctx,
    c: Container,
    cur: ContainerStatus,
    attempts: ContainerStatus[],
    changedAlready: boolean,
  ): Promise<boolean> {
    const { pod, rec, key } = ctx;
    const backOffKey = `${rec.uid}/${c.name}`;
    if (this.o.backOff.isInBackOffSince(backOffKey, cur.finishedAt)) {
      const m = pod.metadata ?? {};
      const seconds = Math.round(this.o.backOff.delay(backOffKey) / 1000);
      rec.waiting.set(c.name, {
        reason: "CrashLoopBackOff",
        message: `back-off ${seconds}s restarting failed container=${c.name} pod=${m.name}_${m.namespace}(${rec.uid})`,
      });
      this.o.event(pod, "Warning", "BackOff", "Back-off restarting failed container");
      this.o.wake(key, this.o.backOff.until(backOffKey, cur.finishedAt));
      return changedAlready;
    }
    this.o.backOff.next(backOffKey);
    return (await this.start(ctx, c, cur.metadata.attempt + 1, attempts)) || changedAlready;
  }

  private async start(
    ctx: Ctx,
    c: Container,
    attempt: number,
    attempts: ContainerStatus[],
    targetContainerId?: string,
  ): Promise<boolean> {
    const { pod, rec } = ctx;
    rec.waiting.delete(c.name);
    const r = await this.o.containers.start({
      pod,
      container: c,
      attempt,
      sandbox: ctx.sandbox,
      sandboxConfig: sandboxConfig(pod, ctx.sandbox.metadata.attempt, this.o.sandbox),
      volumes: ctx.volumes,
      ...(ctx.hostsFile ? { hostsFile: ctx.hostsFile } : {}),
      terminationLog: this.o.volumes.terminationLog(rec.uid, c.name, attempt, true),
      ...(targetContainerId ? { targetContainerId } : {}),
    });
    if (!("id" in r)) {
      rec.waiting.set(c.name, r);
      // Retry later: pull back-off or a missing ConfigMap that may appear.
      this.o.wake(ctx.key, this.o.clock.now() + 10_000);
      return false;
    }
    // Keep the newest earlier attempt (lastState, logs --previous); older ones go.
    for (const old of attempts.slice(1)) await this.o.runtime.removeContainer(old.id);
    return true;
  }

  /** The pod is done (all containers finished for good): stop what is left and report the final phase. */
  private async finish(key: string, pod: Pod, rec: PodRecord, observed: ObservedPod): Promise<void> {
    await this.stopAll(key, rec, observed, pod.spec?.terminationGracePeriodSeconds ?? 30);
    rec.terminal = true;
    await this.write(pod, rec, this.status(pod, rec, await observePod(this.o.runtime, rec.uid), true));
  }

  /** Stops regular containers, then sidecars (init containers), then the sandboxes. */
  private async stopAll(key: string, rec: PodRecord, observed: ObservedPod, grace: number): Promise<void> {
    const pod = rec.pod;
    const ip = observed.sandboxes[0]?.network.ip ?? "";
    const stopped = new Set<string>();
    const stopGroup = (list: Container[]) =>
      Promise.all(
        list.map(async (c) => {
          const cur = observed.containers.get(c.name)?.[0];
          if (!cur || (cur.state !== "CONTAINER_RUNNING" && cur.state !== "CONTAINER_CREATED")) return;
          stopped.add(cur.id);
          this.o.event(pod, "Normal", "Killing", `Stopping container ${c.name}`);
          await this.o.containers.stop(pod, c, cur, grace, ip);
        }),
      );
    await stopGroup(pod.spec?.containers ?? []);
    await stopGroup([...(pod.spec?.initContainers ?? [])].reverse());
    // Anything the spec no longer names (or a spec we never saw) goes too.
    for (const list of observed.containers.values()) {
      for (const cur of list) {
        if (cur.state === "CONTAINER_RUNNING" && !stopped.has(cur.id))
          await this.o.runtime.stopContainer(cur.id, Math.min(grace, 2));
      }
    }
    for (const s of observed.sandboxes) await this.o.runtime.stopPodSandbox(s.id);
    this.o.prober.retain(key, new Set());
  }

  /** Graceful deletion: stop everything within the grace period, report, clean up, then DELETE with grace 0. */
  private async terminate(key: string, pod: Pod, rec: PodRecord): Promise<void> {
    const uid = rec.uid;
    if (this.deleted.has(uid)) return;
    const observed = await observePod(this.o.runtime, uid);
    await this.stopAll(key, rec, observed, podGrace(pod));
    rec.terminal = true;
    await this.write(pod, rec, this.status(pod, rec, await observePod(this.o.runtime, uid), true));
    await this.removeRuntimeState(uid, observed);
    this.deleted.add(uid);
    await this.o.api.deleteNow(pod);
  }

  private async removeRuntimeState(uid: string, observed: ObservedPod): Promise<void> {
    for (const s of observed.sandboxes) await this.o.runtime.removePodSandbox(s.id);
    // Runtimes may leave the pod's cgroup parent behind (RUNTIME.md): the kubelet removes it,
    // under whichever QoS class the pod had. Busy (non-empty) cgroups stay.
    // Processes of a just-stopped sandbox can take a moment to leave their cgroup (EBUSY): retry
    // briefly; housekeeping sweeps whatever still stays (removeOrphanCgroups).
    for (let attempt = 0; attempt < 10 && !this.removePodCgroups(uid); attempt++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.o.volumes.tearDown(uid);
    this.o.backOff.resetPrefix(`${uid}/`);
  }

  /** The pod left the API (or was replaced): kill and remove whatever it still has. */
  private async cleanUp(uid: string, pod: Pod): Promise<void> {
    const observed = await observePod(this.o.runtime, uid);
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const rec: PodRecord = { uid, pod, startTime: "", waiting: new Map(), terminal: true };
    await this.stopAll(key, rec, observed, 0);
    await this.removeRuntimeState(uid, observed);
    this.deleted.delete(uid);
  }

  /** Removes runtime state of a pod uid the API does not know (housekeeping after a restart). */
  async removeOrphan(uid: string): Promise<void> {
    const observed = await observePod(this.o.runtime, uid);
    for (const list of observed.containers.values()) {
      for (const cur of list)
        if (cur.state === "CONTAINER_RUNNING") await this.o.runtime.stopContainer(cur.id, 0);
    }
    for (const s of observed.sandboxes) await this.o.runtime.stopPodSandbox(s.id);
    await this.removeRuntimeState(uid, observed);
  }

  /** Removes the (empty) pod cgroups under the cgroup root of uids that `keep` rejects. */
  removeOrphanCgroups(keep: (uid: string) => boolean): void {
    for (const uid of podCgroupUids(this.cgroupRoot)) if (!keep(uid)) this.removePodCgroups(uid);
  }

  private get cgroupRoot(): string {
    return this.o.sandbox.cgroupRoot ?? "/skiff/kubepods";
  }

  /** Removes the pod's cgroup under every QoS class; true when none is left (none was busy). */
  private removePodCgroups(uid: string): boolean {
    const gone = ["", "burstable/", "besteffort/"].map((qos) =>
      removeCgroup(`${this.cgroupRoot}/${qos}pod${uid}`),
    );
    return gone.every(Boolean);
  }

  /** Marks a pod for node-pressure eviction; the caller requeues its key. False when unknown or done. */
  markEvicted(key: string, message: string): boolean {
    const rec = this.records.get(key);
    if (!rec || rec.terminal || rec.evicted !== undefined) return false;
    rec.evicted = message;
    return true;
  }

  private status(pod: Pod, rec: PodRecord, observed: ObservedPod, terminal: boolean): PodStatus {
    const status = this.observedStatus(pod, rec, observed, terminal);
    if (rec.evicted === undefined) return status;
    const now = rfc3339(this.o.clock.now());
    const target = {
      type: "DisruptionTarget",
      status: "True",
      reason: "TerminationByKubelet",
      message: rec.evicted,
    };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
    const previous = pod.status?.conditions?.find((c) => c.type === "DisruptionTarget");
    return {
      ...status,
      phase: "Failed",
      reason: "Evicted",
      message: rec.evicted,
      conditions: [...conditions, { ...target, lastTransitionTime: previous?.lastTransitionTime ?? now }],
    };
  }

  private observedStatus(pod: Pod, rec: PodRecord, observed: ObservedPod, terminal: boolean): PodStatus {
    return observedPodStatus({
      pod,
      uid: rec.uid,
      startTime: rec.startTime,
      waiting: rec.waiting,
      observed,
      terminal,
      prober: this.o.prober,
      runtimeName: this.o.runtimeName,
      hostIP: this.o.hostIP,
      now: this.o.clock.now(),
      terminationLog: (container, attempt) =>
        this.o.volumes.terminationLog(rec.uid, container, attempt, false),
    });
  }

  private async write(pod: Pod, rec: PodRecord, status: PodStatus): Promise<void> {
    const json = JSON.stringify(status);
    if (json === rec.lastStatus) return;
    if (!deepEqual(pod.status, status)) await this.o.api.patchStatus(pod, status);
    rec.lastStatus = json;
  }

  /** Stops probing (the agent is going away); containers keep running. */
  close(): void {
    this.o.prober.stop();
    this.records.clear();
  }
}
