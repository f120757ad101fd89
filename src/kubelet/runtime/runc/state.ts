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

  constructor(dir: string) {
    this.#dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
  }

  async write(record: T): Promise<void> {
    const path = join(this.#dir, `${record.id}.json`);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, path);
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.#dir, `${id}.json`), { force: true });
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
