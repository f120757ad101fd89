// The kubelet's container log manager: a running container's CRI log file that reached the max
// size is renamed to `<log>.<YYYYMMDD-hhmmss>` and the runtime reopens the path; rotated files
// beyond max-files go, oldest first, and all but the newest rotated one are gzip-compressed.
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Quantity } from "../../api/quantity.ts";
import type { Runtime } from "../runtime/runtime.ts";

export interface LogRotationPolicy {
  /** Rotate once the current file has this many bytes (kubelet --container-log-max-size, 10Mi). */
  maxSizeBytes: number;
  /** Files per container, the current one included (kubelet --container-log-max-files, 5; >= 2). */
  maxFiles: number;
}

export interface LogRotationOptions extends LogRotationPolicy {
  runtime: Pick<Runtime, "listContainers" | "reopenContainerLog">;
  now?: () => Date;
  onError?: (err: unknown, what: string) => void;
}

/** Thrown for an unusable --container-log-max-size / --container-log-max-files value. */
export class LogRotationPolicyError extends Error {
  override name = "LogRotationPolicyError";
}

/** The kubelet's flags as given (a quantity such as 10Mi, a count >= 2). */
export function parseLogRotationPolicy(maxSize: string, maxFiles: string): LogRotationPolicy {
  const size = Quantity.tryParse(maxSize);
  if (!size || size.value() <= 0n)
    throw new LogRotationPolicyError(
      `--container-log-max-size must be a positive quantity, got "${maxSize}"`,
    );
  const files = Number(maxFiles);
  if (!/^\d+$/.test(maxFiles) || files < 2)
    throw new LogRotationPolicyError(`--container-log-max-files must be at least 2, got "${maxFiles}"`);
  return { maxSizeBytes: Number(size.value()), maxFiles: files };
}

/** Go's "20060102-150405" in UTC: the suffix of a rotated file. */
export function rotationStamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
}

/** The rotated files of `log` (`log.*`), oldest first; leftover temporaries are removed. */
async function rotatedFiles(log: string): Promise<string[]> {
  const prefix = `${basename(log)}.`;
  const names = (await readdir(dirname(log))).filter((n) => n.startsWith(prefix)).sort();
  const out: string[] = [];
  for (const name of names) {
    const path = join(dirname(log), name);
    if (name.endsWith(".tmp")) await rm(path, { force: true });
    // A plain file whose .gz exists: its compression finished but the removal did not.
    else if (!name.endsWith(".gz") && names.includes(`${name}.gz`)) await rm(path, { force: true });
    else out.push(path);
  }
  return out;
}

async function compress(path: string): Promise<void> {
  const tmp = `${path}.gz.tmp`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp));
  await rename(tmp, `${path}.gz`);
  await rm(path, { force: true });
}

export class ContainerLogManager {
  constructor(private readonly o: LogRotationOptions) {}

  /** One pass over the running containers (the kubelet runs it every 10 s). */
  async rotateAll(): Promise<void> {
    if (!this.o.runtime.reopenContainerLog) return;
    const running = await this.o.runtime.listContainers({ state: "CONTAINER_RUNNING" });
    for (const c of running) {
      if (!c.logPath) continue;
      try {
        await this.rotateIfNeeded(c.id, c.logPath);
      } catch (err) {
        this.o.onError?.(err, `log rotation of container ${c.id}`);
      }
    }
  }

  async rotateIfNeeded(containerId: string, log: string): Promise<void> {
    const size = await stat(log).then(
      (s) => s.size,
      () => undefined,
    );
    // The file is gone (an earlier reopen failed): have the runtime create it again.
    if (size === undefined) return this.reopen(containerId);
    if (size < this.o.maxSizeBytes) return;
    const rotated = await rotatedFiles(log);
    // Room for the file rotated now: maxFiles counts the current one and the one being rotated.
    const keep = Math.max(0, this.o.maxFiles - 2);
    while (rotated.length > keep) {
      const oldest = rotated.shift();
      if (oldest) await rm(oldest, { force: true });
    }
    for (const path of rotated) if (!path.endsWith(".gz")) await compress(path);
    const target = `${log}.${rotationStamp(this.o.now?.() ?? new Date())}`;
    // Two rotations within one second would overwrite the first; wait for the next pass.
    if (rotated.some((p) => p === target || p === `${target}.gz`)) return;
    await rename(log, target);
    try {
      await this.reopen(containerId);
    } catch (err) {
      // The runtime still writes to the renamed file: put it back so logs stay readable.
      await rename(target, log).catch(() => {});
      throw err;
    }
  }

  private async reopen(containerId: string): Promise<void> {
    await this.o.runtime.reopenContainerLog?.(containerId);
  }
}
