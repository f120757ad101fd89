// The skeleton shared by controllers: a workqueue fed by informer handlers, workers that start
// once the informers' caches have synced, and a stop that removes handlers and drains workers.
import { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, StopController } from "../manager.ts";
import { runWorkers } from "./worker.ts";

export interface QueueControllerOptions {
  ctx: ControllerContext;
  name: string;
  /** Caches that must be filled before the first sync. */
  informers: { waitForSync(): Promise<boolean> }[];
  /** Adds informer handlers that enqueue keys; returns their registrations. */
  register(queue: WorkQueue<string>): { remove(): void }[];
  sync(key: string): Promise<void>;
  /** Default ctx.workers. */
  workers?: number;
  queue?: WorkQueue<string>;
}

export function startQueueController(o: QueueControllerOptions): StopController {
  const queue = o.queue ?? new WorkQueue<string>({ name: o.name });
  const registrations = o.register(queue);
  const synced = Promise.all(o.informers.map((i) => i.waitForSync())).then((r) => r.every(Boolean));
  let running = false;
  const workers = synced.then((ok) => {
    if (!ok || queue.shuttingDown) return;
    running = true;
    return runWorkers({
      queue,
      sync: o.sync,
      workers: o.workers ?? o.ctx.workers,
      onError: (err, key) => o.ctx.logger.warn({ err, key, controller: o.name }, "sync failed; requeued"),
    });
  });
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      for (const r of registrations) r.remove();
      queue.shutDown();
      await queue.shutDownWithDrain();
      // Informers that never synced (manager stopping first) leave `synced` pending: no workers to wait for.
      if (running) await workers;
    })();
    return stopping;
  };
}
