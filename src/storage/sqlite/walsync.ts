// Durability off the event loop: the connection commits with synchronous = NORMAL (no fsync in
// the commit), and the WAL file is then fdatasync'ed on libuv's thread pool before the batch is
// acknowledged. One sync covers every batch committed before it starts, so while the disk syncs,
// the event loop keeps serving requests and the next batches commit behind it.
import { close, fdatasync, open } from "node:fs";
import { StoreUnavailableError } from "../store.ts";

type Waiter = (error?: StoreUnavailableError) => void;

export class WalSync {
  private fd: number | undefined;
  private syncing = false;
  /** Batches committed since the running sync started: the next sync covers them. */
  private waiting: Waiter[] = [];
  private idle: (() => void)[] = [];

  /** `walPath`: the database's `-wal` file, which exists once the connection is in WAL mode. */
  constructor(private readonly walPath: string) {}

  /** Calls `done` once everything committed so far is on disk (or with the error that stops it). */
  after(done: Waiter): void {
    this.waiting.push(done);
    if (!this.syncing) this.start();
  }

  /** Resolves when no sync is running or waiting (used before closing the database). */
  drain(): Promise<void> {
    if (!this.syncing && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Closes the WAL file descriptor; call after drain(). */
  close(): void {
    if (this.fd !== undefined) close(this.fd, () => {});
    this.fd = undefined;
  }

  private start(): void {
    const group = this.waiting;
    this.waiting = [];
    this.syncing = true;
    const finish = (err: NodeJS.ErrnoException | null): void => {
      this.syncing = false;
      const error = err
        ? new StoreUnavailableError(`cannot sync state database log ${this.walPath}: ${err.message}`)
        : undefined;
      for (const done of group) done(error);
      if (this.waiting.length > 0) this.start();
      else for (const resolve of this.idle.splice(0)) resolve();
    };
    if (this.fd !== undefined) {
      fdatasync(this.fd, finish);
      return;
    }
    // Opened on first use: SQLite creates the WAL file with the first write. A read-only
    // descriptor suffices, fdatasync flushes the file's pages whoever wrote them.
    open(this.walPath, "r", (err, fd) => {
      if (err) {
        finish(err);
        return;
      }
      this.fd = fd;
      fdatasync(fd, finish);
    });
  }
}
