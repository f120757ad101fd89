// The TTL-after-finished controller: deletes a finished Job (and, in the foreground, its pods)
// once ttlSecondsAfterFinished has passed since it completed or failed.
import type { Job } from "kubernetes-types/batch/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import { objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { finishTime, isFinished } from "./conditions.ts";
import { jobsResource } from "./controller.ts";

function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || !isFinished(job) || job.metadata?.deletionTimestamp)
    return undefined;
  const finished = finishTime(job);
  return finished === undefined ? undefined : finished + ttl * 1000;
}

export class TtlAfterFinishedController {
  private readonly jobs: Informer<Job>;
  private readonly client: ResourceClient<Job>;
  private queue: WorkQueue<string> | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.jobs = ctx.informers.informerFor<Job>(jobsResource);
    this.client = ctx.client.resource<Job>(jobsResource);
  }

  start(): StopController {
    const enqueue = (j: Job): void => {
      if (expiresAt(j) !== undefined) this.queue?.add(objectKey(j));
    };
    return startQueueController({
      ctx: this.ctx,
      name: "ttl-after-finished-controller",
      informers: [this.jobs],
      register: (queue) => {
        this.queue = queue;
        return [this.jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_, j) => enqueue(j) })];
      },
      sync: (key) => this.sync(key),
    });
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.indexer.get(key);
    const at = cached ? expiresAt(cached) : undefined;
    if (!cached || at === undefined) return;
    const now = this.ctx.now().getTime();
    if (now < at) {
      this.queue?.addAfter(key, at - now);
      return;
    }
    const { namespace, name } = splitKey(key);
    // The cache may be stale (TTL changed, Job re-created): decide on a fresh read.
    let fresh: Job;
    try {
      fresh = await this.client.get(name, { namespace });
    } catch (err) {
      if (err instanceof NotFoundError) return;
      throw err;
    }
    const freshAt = expiresAt(fresh);
    if (freshAt === undefined) return;
    if (now < freshAt) {
      this.queue?.addAfter(key, freshAt - now);
      return;
    }
    try {
      await this.client.delete(name, {
        namespace,
        propagationPolicy: "Foreground",
        preconditions: {
          uid: fresh.metadata?.uid ?? "",
          resourceVersion: fresh.metadata?.resourceVersion ?? "",
        },
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: "ttl-after-finished-controller",
  start: (ctx) => new TtlAfterFinishedController(ctx).start(),
};
