// The OCI runtime's command line (runc, or crun through a wrapper that gives it a private mount
// namespace without /sys/fs/cgroup/unified: crun refuses the host's hybrid cgroup layout otherwise).
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CommandError, run } from "../../network/exec-file.ts";

export type OciRuntimeName = "runc" | "crun";

export interface OciState {
  id: string;
  pid: number;
  status: "creating" | "created" | "running" | "stopped" | "paused";
}

export class OciCli {
  /** Executable conmon and we call: runc itself, or the crun wrapper script. */
  readonly path: string;
  /** `--root` of the runtime: its own state, so instances never see each other's containers. */
  readonly root: string;

  constructor(options: { path: string; root: string }) {
    this.path = options.path;
    this.root = options.root;
  }

  /** Global arguments (conmon passes them with --runtime-arg). */
  get globalArgs(): string[] {
    return [`--root=${this.root}`];
  }

  /** undefined when the runtime does not know the container. */
  async state(id: string): Promise<OciState | undefined> {
    const result = await run(this.path, [...this.globalArgs, "state", id], { allowFailure: true });
    if (result.code !== 0) return undefined;
    return JSON.parse(result.stdout) as OciState;
  }

  async start(id: string): Promise<void> {
    await run(this.path, [...this.globalArgs, "start", id]);
  }

  /** Signals the container's init (with `all`, every process of it); a stopped container is no error. */
  async kill(id: string, signal: string, all = false): Promise<void> {
    const result = await run(this.path, [...this.globalArgs, "kill", ...(all ? ["--all"] : []), id, signal], {
      allowFailure: true,
    });
    if (result.code !== 0) {
      const state = await this.state(id);
      if (state && state.status !== "stopped") throw new CommandError(`${this.path} kill ${id}`, result);
    }
  }

  /** Deletes the container (forced: killed first if it still runs). Idempotent. */
  async delete(id: string): Promise<void> {
    const result = await run(this.path, [...this.globalArgs, "delete", "--force", id], {
      allowFailure: true,
    });
    if (result.code !== 0 && (await this.state(id)))
      throw new CommandError(`${this.path} delete ${id}`, result);
  }

  /** Arguments of `exec` for a command in the container (the spec's env, cwd and user are inherited). */
  execArgs(id: string, cmd: string[], options: { tty?: boolean } = {}): string[] {
    return [...this.globalArgs, "exec", ...(options.tty ? ["--tty"] : []), id, ...cmd];
  }

  async version(): Promise<string> {
    const result = await run(this.path, ["--version"]);
    return /version\s+(\S+)/.exec(result.stdout)?.[1] ?? "unknown";
  }
}

/**
 * Writes the crun wrapper into `dir`: a private mount namespace with the cgroup2 mount removed,
 * then crun. Every call (create by conmon, start, exec, kill, delete) goes through it, so crun sees
 * the same pure-v1 layout each time (RUNTIME.md measured this as the fastest path).
 */
export async function writeCrunWrapper(dir: string, crunPath = "/usr/bin/crun"): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, "crun-v1");
  const script = [
    "#!/bin/sh",
    "# crun in a private mount namespace without the hybrid cgroup2 mount (written by Skiff).",
    `exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec ${crunPath} "$@"' crun "$@"`,
    "",
  ].join("\n");
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}
