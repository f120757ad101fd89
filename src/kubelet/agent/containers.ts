// Starting and stopping one container of a pod: image, env, mounts and config, create and
// start, the postStart hook; and the graceful stop (preStop hook, then the runtime's SIGTERM →
// SIGKILL within what is left of the grace period).
import { mkdirSync } from "node:fs";
import { join, normalize } from "node:path";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { Clock } from "../clock.ts";
import { containerConfig, verifyRunAsNonRoot } from "../pod/container-config.ts";
import { containerEnv, type ObjectSource } from "../pod/env.ts";
import { expandWith } from "../pod/expansion.ts";
import { type Allocatable, ContainerConfigError } from "../pod/fieldref.ts";
import type {
  ContainerStatus,
  Mount,
  PodSandboxConfig,
  PodSandboxStatus,
  Runtime,
} from "../runtime/runtime.ts";
import { type ImageManager, ImagePullError } from "./images.ts";
import type { ProbeRunner } from "./probe-runner.ts";
import type { EventSink } from "./types.ts";

export interface ContainerRunnerOptions {
  runtime: Runtime;
  clock: Clock;
  images: ImageManager;
  objects: ObjectSource;
  allocatable: Allocatable;
  memoryCapacityBytes: number;
  hooks: ProbeRunner;
  event: EventSink;
  serviceEnv?(pod: Pod): Promise<Record<string, string>>;
}

/** Why a start did not happen: the container's waiting reason and message. */
export interface StartFailure {
  reason: string;
  message: string;
}

export interface StartInput {
  pod: Pod;
  container: Container;
  attempt: number;
  sandbox: PodSandboxStatus;
  sandboxConfig: PodSandboxConfig;
  volumes: Map<string, string>;
  hostsFile?: string;
  /** Host file bound at the container's terminationMessagePath. */
  terminationLog?: string;
  /** An ephemeral container's target container (runtime id). */
  targetContainerId?: string;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class ContainerRunner {
  /** Graceful stops in progress (preStop hook and SIGTERM → SIGKILL within a grace period > 0). */
  gracefulStops = 0;

  constructor(private readonly o: ContainerRunnerOptions) {}

  private mounts(i: StartInput, env: Map<string, string>): Mount[] {
    const out: Mount[] = [];
    for (const vm of i.container.volumeMounts ?? []) {
      const host = i.volumes.get(vm.name);
      if (host === undefined) {
        throw new ContainerConfigError(
          `cannot find volume "${vm.name}" to mount into container "${i.container.name}"`,
        );
      }
      const sub = vm.subPath ?? (vm.subPathExpr ? expandWith(vm.subPathExpr, env) : "");
      let hostPath = host;
      if (sub) {
        const clean = normalize(sub);
        if (clean.startsWith("..") || clean.startsWith("/"))
          throw new ContainerConfigError(`invalid subPath "${sub}"`);
        hostPath = join(host, clean);
        mkdirSync(hostPath, { recursive: true });
      }
      out.push({
        containerPath: vm.mountPath,
        hostPath,
        readonly: vm.readOnly === true,
        ...(vm.mountPropagation === "Bidirectional"
          ? { propagation: "PROPAGATION_BIDIRECTIONAL" as const }
          : vm.mountPropagation === "HostToContainer"
            ? { propagation: "PROPAGATION_HOST_TO_CONTAINER" as const }
            : {}),
      });
    }
    if (i.hostsFile && !out.some((m) => m.containerPath === "/etc/hosts")) {
      out.push({ containerPath: "/etc/hosts", hostPath: i.hostsFile });
    }
    const termPath = i.container.terminationMessagePath ?? "/dev/termination-log";
    if (i.terminationLog && !out.some((m) => m.containerPath === termPath)) {
      out.push({ containerPath: termPath, hostPath: i.terminationLog });
    }
    return out;
  }

  /** Creates and starts the container; returns its id, or why it could not. */
  async start(i: StartInput): Promise<{ id: string } | StartFailure> {
    const { pod, container: c } = i;
    let image: string;
    try {
      image = await this.o.images.ensure(pod, c);
    } catch (err) {
      if (err instanceof ImagePullError) return { reason: err.reason, message: err.message };
      return { reason: "ErrImagePull", message: message(err) };
    }
    let config: ReturnType<typeof containerConfig>;
    try {
      const envs = await containerEnv({
        pod,
        container: c,
        objects: this.o.objects,
        allocatable: this.o.allocatable,
        ...(this.o.serviceEnv && pod.spec?.enableServiceLinks !== false
          ? { serviceEnv: await this.o.serviceEnv(pod) }
          : {}),
      });
      const env = new Map(envs.map((e) => [e.key, e.value]));
      verifyRunAsNonRoot(pod, c, (await this.o.runtime.images.imageStatus({ image })) ?? {});
      config = containerConfig({
        pod,
        container: c,
        attempt: i.attempt,
        image: c.image ?? image,
        envs,
        mounts: this.mounts(i, env),
        memoryCapacityBytes: this.o.memoryCapacityBytes,
        ...(i.targetContainerId ? { targetContainerId: i.targetContainerId } : {}),
      });
    } catch (err) {
      const why = message(err);
      this.o.event(pod, "Warning", "Failed", `Error: ${why}`);
      return { reason: "CreateContainerConfigError", message: why };
    }
    let id: string;
    try {
      id = await this.o.runtime.createContainer(i.sandbox.id, config, i.sandboxConfig);
    } catch (err) {
      const why = message(err);
      this.o.event(pod, "Warning", "Failed", `Error: ${why}`);
      return { reason: "CreateContainerError", message: why };
    }
    this.o.event(pod, "Normal", "Created", `Created container ${c.name}`);
    try {
      await this.o.runtime.startContainer(id);
    } catch (err) {
      const why = message(err);
      this.o.event(pod, "Warning", "Failed", `Error: ${why}`);
      return { reason: "RunContainerError", message: why };
    }
    this.o.event(pod, "Normal", "Started", `Started container ${c.name}`);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const r = await this.o.hooks.run(
        postStart,
        { podIP: i.sandbox.network.ip, container: c, containerId: id },
        30,
      );
      if (!r.ok) {
        this.o.event(pod, "Warning", "FailedPostStartHook", `PostStartHook failed: ${r.message}`);
        await this.o.runtime.stopContainer(id, 0);
      }
    }
    return { id };
  }

  /** preStop (bounded by the grace period), then stop with what is left of it (at least 2 s, as the kubelet gives). */
  async stop(
    pod: Pod,
    c: Container | undefined,
    cur: ContainerStatus,
    graceSeconds: number,
    podIP: string,
  ): Promise<void> {
    if (cur.state !== "CONTAINER_RUNNING" && cur.state !== "CONTAINER_CREATED") return;
    if (graceSeconds <= 0) {
      await this.o.runtime.stopContainer(cur.id, 0);
      return;
    }
    this.gracefulStops++;
    try {
      const began = this.o.clock.now();
      const preStop = c?.lifecycle?.preStop;
      if (preStop && cur.state === "CONTAINER_RUNNING" && c) {
        let timer: { cancel(): void } | undefined;
        const r = await Promise.race([
          this.o.hooks.run(preStop, { podIP, container: c, containerId: cur.id }, graceSeconds),
          new Promise<{ ok: false; message: string }>((done) => {
            timer = this.o.clock.at(began + graceSeconds * 1000, () =>
              done({ ok: false, message: "timed out" }),
            );
          }),
        ]);
        timer?.cancel();
        if (!r.ok) this.o.event(pod, "Warning", "FailedPreStopHook", `PreStopHook failed: ${r.message}`);
      }
      const left = graceSeconds - Math.floor((this.o.clock.now() - began) / 1000);
      await this.o.runtime.stopContainer(cur.id, Math.max(2, left));
    } finally {
      this.gracefulStops--;
    }
  }
}
