// A Runtime double for the streaming-protocol tests only: one pod sandbox and one container whose
// exec/attach run as host processes and whose port-forward dials 127.0.0.1. It proves the bytes
// kubectl → API server → kubelet server → runtime streams, not container behaviour (the kubelet
// suites do that on containerd and runc). Every call the tests do not need refuses.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import type {
  ContainerStatus,
  PodSandboxStatus,
  Runtime,
  StreamOptions,
  StreamSession,
} from "../../src/kubelet/runtime/runtime.ts";
import { RuntimeUnsupportedError } from "../../src/kubelet/runtime/runtime.ts";

export interface HostProcessRuntimeOptions {
  namespace: string;
  pod: string;
  container: string;
  logPath: string;
}

function session(child: ChildProcess, tty: boolean): StreamSession {
  const exitCode = new Promise<number>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? (signal ? 137 : 1))),
  );
  return {
    ...(child.stdin ? { stdin: child.stdin } : {}),
    ...(child.stdout ? { stdout: child.stdout } : {}),
    ...(child.stderr && !tty ? { stderr: child.stderr } : {}),
    resize: () => {},
    exitCode,
    close: () => child.kill("SIGKILL"),
  };
}

export class HostProcessRuntime implements Partial<Runtime> {
  running = true;
  /** The ports port-forward may dial (anything else is refused like a closed port). */
  readonly ports = new Set<number>();
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly options: HostProcessRuntimeOptions) {}

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    const o = this.options;
    return [
      {
        id: "sandbox-1",
        metadata: { name: o.pod, namespace: o.namespace, uid: "uid-1", attempt: 0 },
        state: "SANDBOX_READY",
        createdAt: 1,
        network: { ip: "127.0.0.1", additionalIps: [] },
        labels: {},
        annotations: {},
      },
    ];
  }

  async listContainers(): Promise<ContainerStatus[]> {
    return [await this.containerStatus()];
  }

  async containerStatus(): Promise<ContainerStatus> {
    return {
      id: "container-1",
      podSandboxId: "sandbox-1",
      metadata: { name: this.options.container, attempt: 0 },
      state: this.running ? "CONTAINER_RUNNING" : "CONTAINER_EXITED",
      createdAt: 1,
      startedAt: 1,
      finishedAt: 0,
      exitCode: 0,
      image: { image: "busybox" },
      imageRef: "busybox",
      reason: "",
      message: "",
      labels: {},
      annotations: {},
      logPath: this.options.logPath,
    };
  }

  async exec(_id: string, options: StreamOptions & { cmd: string[] }): Promise<StreamSession> {
    const [file, ...args] = options.cmd;
    if (!file) throw new Error("no command");
    const child = spawn(file, args, { stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    this.children.add(child);
    child.once("close", () => this.children.delete(child));
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    return session(child, options.tty);
  }

  async attach(): Promise<StreamSession> {
    throw new RuntimeUnsupportedError("attach is not part of the host-process double");
  }

  async portForward(_sandboxId: string, port: number): Promise<Duplex> {
    if (!this.ports.has(port)) throw new Error(`connect: connection refused (port ${port})`);
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return socket;
  }

  /** Kills anything still running. */
  killAll(): void {
    for (const c of this.children) c.kill("SIGKILL");
  }

  asRuntime(): Runtime {
    return this as unknown as Runtime;
  }
}
