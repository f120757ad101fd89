// Liveness, readiness and startup probing of running containers: one worker per container and
// probe kind on the kubelet's clock, honouring initialDelaySeconds, periodSeconds, timeoutSeconds
// and the success/failure thresholds; a flipped result asks for a pod sync.
import type { Container, Probe } from "kubernetes-types/core/v1.js";
import type { Cancellable, Clock } from "../clock.ts";
import type { ProbeRunner, ProbeTarget } from "./probe-runner.ts";

export type ProbeKind = "liveness" | "readiness" | "startup";

export interface ProberOptions {
  clock: Clock;
  runner: ProbeRunner;
  /** A result flipped for a container of this pod key. */
  onChange(podKey: string, kind: ProbeKind, containerName: string, message: string): void;
}

interface Worker {
  kind: ProbeKind;
  probe: Probe;
  podKey: string;
  target: ProbeTarget;
  /** The current result: undefined until the first threshold is reached. */
  result: boolean | undefined;
  /** Consecutive successes (positive) or failures (negative). */
  streak: number;
  timer?: Cancellable;
  stopped: boolean;
  message: string;
}

export class Prober {
  /** containerId → its workers. */
  private readonly workers = new Map<string, Worker[]>();

  constructor(private readonly o: ProberOptions) {}

  /** Starts the workers of a running container once (later calls for the same id do nothing). */
  ensure(podKey: string, container: Container, containerId: string, podIP: string, startedAt: number): void {
    if (this.workers.has(containerId)) return;
    const list: Worker[] = [];
    const add = (kind: ProbeKind, probe: Probe | undefined): void => {
      if (!probe) return;
      const w: Worker = {
        kind,
        probe,
        podKey,
        target: { podIP, container, containerId },
        result: undefined,
        streak: 0,
        stopped: false,
        message: "",
      };
      list.push(w);
      this.schedule(w, startedAt + (probe.initialDelaySeconds ?? 0) * 1000);
    };
    add("startup", container.startupProbe);
    add("liveness", container.livenessProbe);
    add("readiness", container.readinessProbe);
    this.workers.set(containerId, list);
  }

  private schedule(w: Worker, at: number): void {
    if (w.stopped) return;
    w.timer = this.o.clock.at(Math.max(at, this.o.clock.now()), () => {
      void this.runOnce(w);
    });
  }

  private worker(containerId: string, kind: ProbeKind): Worker | undefined {
    return this.workers.get(containerId)?.find((w) => w.kind === kind);
  }

  private async runOnce(w: Worker): Promise<void> {
    const started = this.started(w.target.containerId);
    // Liveness and readiness wait for the startup probe; startup stops once it succeeded.
    const skip = (w.kind !== "startup" && !started) || (w.kind === "startup" && w.result === true);
    const begun = this.o.clock.now();
    if (!skip) {
      const p = w.probe;
      const r = await this.o.runner.run(p, w.target, p.timeoutSeconds ?? 1);
      if (w.stopped) return;
      w.streak = r.ok ? Math.max(1, w.streak + 1) : Math.min(-1, w.streak - 1);
      w.message = r.ok ? "" : r.message;
      const success = w.kind === "liveness" || w.kind === "startup" ? 1 : (p.successThreshold ?? 1);
      const failure = p.failureThreshold ?? 3;
      let next = w.result;
      if (w.streak >= success) next = true;
      else if (-w.streak >= failure) next = false;
      if (next !== w.result) {
        const flipped = w.result !== undefined || next === false || w.kind !== "liveness";
        w.result = next;
        if (flipped) this.o.onChange(w.podKey, w.kind, w.target.container.name, w.message);
      }
      // A failed liveness or startup probe restarts the container: probing it further is moot.
      if (next === false && w.kind !== "readiness") return;
    }
    this.schedule(w, begun + (w.probe.periodSeconds ?? 10) * 1000);
  }

  /** Startup probe passed (or there is none). */
  started(containerId: string): boolean {
    const w = this.worker(containerId, "startup");
    return !w || w.result === true;
  }

  /** Readiness: no probe means ready once started; with one, ready after its success threshold. */
  ready(containerId: string): boolean {
    if (!this.started(containerId)) return false;
    const w = this.worker(containerId, "readiness");
    return !w || w.result === true;
  }

  /** Why the container must be restarted (liveness or startup failure), if it must. */
  failure(containerId: string): { kind: ProbeKind; message: string } | undefined {
    for (const kind of ["liveness", "startup"] as const) {
      const w = this.worker(containerId, kind);
      if (w?.result === false) return { kind, message: w.message };
    }
    return undefined;
  }

  /** Stops probing a container (it exited or is being replaced). */
  remove(containerId: string): void {
    for (const w of this.workers.get(containerId) ?? []) {
      w.stopped = true;
      w.timer?.cancel();
    }
    this.workers.delete(containerId);
  }

  /** Keeps only the given container ids of a pod (the others are gone). */
  retain(podKey: string, keep: ReadonlySet<string>): void {
    for (const [id, list] of [...this.workers]) {
      if (list[0]?.podKey === podKey && !keep.has(id)) this.remove(id);
    }
  }

  stop(): void {
    for (const id of [...this.workers.keys()]) this.remove(id);
  }
}
