// The runtime's durable records: one JSON per sandbox and per container under the state dir,
// written atomically (temp file + rename), so a restarted runtime re-adopts what it left running.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type {
  ContainerMetadata,
  ContainerState,
  ContainerStatus,
  PodSandboxMetadata,
  PodSandboxState,
  PodSandboxStatus,
} from "../runtime.ts";
import type { SandboxFiles } from "./sandbox-files.ts";

export interface SandboxRecord {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  hostname: string;
  netnsName: string;
  ip: string;
  /** The pod cgroup (cgroupfs path) the sandbox created and removes. */
  cgroupParent: string;
  logDirectory: string;
  files: SandboxFiles;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Whether CNI ADD succeeded and DEL is still owed. */
  networkAttached: boolean;
}

export interface ContainerRecord {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
  cgroupsPath: string;
  /** Directory with config.json, the overlay upper/work dirs and the rootfs mount point. */
  bundle: string;
  /** The image's StopSignal (Kubernetes sends it instead of SIGTERM); absent: SIGTERM. */
  stopSignal?: string;
  /** Whether the overlay rootfs is mounted (unmounted at removal). */
  rootfsMounted: boolean;
  /** The container keeps a stdin pipe (spec stdin: true): conmon runs with --stdin. */
  stdin?: boolean;
  /** stdinOnce: the first attach session's end closes the container's stdin (EOF), as on CRI. */
  stdinOnce?: boolean;
  /** A stdinOnce container whose stdin was closed: later attaches get no stdin. */
  stdinClosed?: boolean;
}

export class RecordStore<T extends { id: string }> {
  readonly #dir: string;
  /** The last queued file operation per record: writes and removals land in call order. */
  readonly #queued = new Map<string, Promise<void>>();
  #seq = 0;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
  }

  /**
   * Writes the record as it is now. Two writes of one record may be in flight at once (an exit
   * seen while a start is recorded): each gets its own temp file, and they rename in call order.
   */
  write(record: T): Promise<void> {
    const json = JSON.stringify(record);
    const path = join(this.#dir, `${record.id}.json`);
    const tmp = `${path}.tmp-${process.pid}-${++this.#seq}`;
    return this.#enqueue(record.id, async () => {
      await writeFile(tmp, json);
      await rename(tmp, path);
    });
  }

  remove(id: string): Promise<void> {
    return this.#enqueue(id, () => rm(join(this.#dir, `${id}.json`), { force: true }));
  }

  #enqueue(id: string, op: () => Promise<void>): Promise<void> {
    const done = (this.#queued.get(id) ?? Promise.resolve()).catch(() => {}).then(op);
    this.#queued.set(id, done);
    const forget = (): void => {
      if (this.#queued.get(id) === done) this.#queued.delete(id);
    };
    done.then(forget, forget);
    return done;
  }

  async loadAll(): Promise<T[]> {
    const names = (await readdir(this.#dir)).filter((n) => n.endsWith(".json"));
    const records: T[] = [];
    for (const name of names) {
      try {
        records.push(JSON.parse(await readFile(join(this.#dir, name), "utf8")) as T);
      } catch {
        // A torn write cannot happen (rename), but a foreign file is skipped rather than fatal.
      }
    }
    return records;
  }
}

export function toSandboxStatus(record: SandboxRecord): PodSandboxStatus {
  return {
    id: record.id,
    metadata: record.metadata,
    state: record.state,
    createdAt: record.createdAt,
    network: { ip: record.ip, additionalIps: [] },
    labels: record.labels,
    annotations: record.annotations,
  };
}

export function toContainerStatus(record: ContainerRecord): ContainerStatus {
  return {
    id: record.id,
    podSandboxId: record.podSandboxId,
    metadata: record.metadata,
    state: record.state,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    exitCode: record.exitCode,
    image: { image: record.image },
    imageRef: record.imageRef,
    reason: record.reason,
    message: record.message,
    labels: record.labels,
    annotations: record.annotations,
    logPath: record.logPath,
  };
}
