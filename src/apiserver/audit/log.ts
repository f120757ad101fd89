// `--audit-log-path`: audit events as JSON lines, written synchronously so a line is on disk
// when its response is; `--audit-log-maxsize` (MiB) rotates the file to
// <name>-<timestamp><ext> and `--audit-log-maxbackup` keeps that many old files.
import { closeSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";

export interface AuditLogOptions {
  path: string;
  /** MiB; 0 or absent: never rotate. */
  maxSizeMb?: number;
  /** Rotated files kept; 0 or absent: all. */
  maxBackups?: number;
}

export class AuditLog {
  private fd: number;
  private size: number;

  constructor(private readonly options: AuditLogOptions) {
    // "-" is standard output, as for kube-apiserver (never rotated).
    this.fd = options.path === "-" ? 1 : openSync(options.path, "a", 0o600);
    this.size = options.path === "-" ? 0 : statSync(options.path).size;
  }

  write(event: object): void {
    const line = `${JSON.stringify(event)}\n`;
    const bytes = Buffer.byteLength(line);
    const max = (this.options.maxSizeMb ?? 0) * 1024 * 1024;
    if (max > 0 && this.fd !== 1 && this.size > 0 && this.size + bytes > max) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  close(): void {
    if (this.fd !== 1) closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    const { path } = this.options;
    const ext = extname(path);
    const stem = basename(path, ext);
    const stamp = new Date().toISOString().replace(/:/g, "-").replace("Z", "");
    renameSync(path, join(dirname(path), `${stem}-${stamp}${ext}`));
    const keep = this.options.maxBackups ?? 0;
    if (keep > 0) {
      const backups = readdirSync(dirname(path))
        .filter((f) => f.startsWith(`${stem}-`) && f.endsWith(ext))
        .sort();
      for (const old of backups.slice(0, Math.max(0, backups.length - keep)))
        unlinkSync(join(dirname(path), old));
    }
    this.fd = openSync(path, "a", 0o600);
    this.size = 0;
  }
}
