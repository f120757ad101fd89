// The CronJob controller: creates a Job at each fire time of the schedule in spec.timeZone,
// honouring suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid, Replace);
// reports status.active / lastScheduleTime / lastSuccessfulTime; prunes finished Jobs beyond the
// history limits; warns about missed schedules (Kubernetes' CronJob controller v2). The clock is
// injectable so tests can fire a schedule without waiting.
import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1.js";
import type { ObjectReference } from "kubernetes-types/core/v1.js";
import { AlreadyExistsError, NotFoundError } from "../../api/errors.ts";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import { canonicalJson } from "../deployment/hash.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { getControllerOf, isControlledBy } from "../util/controllerref.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { finishedCondition, jobsBeyondHistory, newScheduledJob } from "./jobs.ts";
import { checkTimeZone, mostRecent, parseSchedule, rfc1123z, type Schedule } from "./schedule.ts";

export const cronJobsResource = {
  group: "batch",
  version: "v1",
  resource: "cronjobs",
  namespaced: true,
  kind: "CronJob",
};
const jobsResource = { group: "batch", version: "v1", resource: "jobs", namespaced: true, kind: "Job" };

export interface CronJobControllerOptions {
  /** The clock schedules are evaluated on (default: the manager's clock). */
  now?: () => Date;
  /**
   * Re-examine every CronJob this often (default: never; each one is requeued for its next fire
   * time). Tests with an injected clock set it, since real timers do not follow that clock.
   */
  resyncMs?: number;
}

type Identity = CronJob & { apiVersion: string; kind: string };

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function jobRef(job: Job): ObjectReference {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    name: job.metadata?.name ?? "",
    namespace: job.metadata?.namespace ?? "",
    uid: job.metadata?.uid ?? "",
    resourceVersion: job.metadata?.resourceVersion ?? "",
  };
}

export class CronJobController {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly cronJobClient: ResourceClient<CronJob>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly now: () => Date;
  private queue: WorkQueue<string> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly options: CronJobControllerOptions = {},
  ) {
    this.cronJobs = ctx.informers.informerFor<CronJob>(cronJobsResource);
    this.jobs = ctx.informers.informerFor<Job>(jobsResource);
    this.cronJobClient = ctx.client.resource<CronJob>(cronJobsResource);
    this.jobClient = ctx.client.resource<Job>(jobsResource);
    this.now = options.now ?? ctx.now;
  }

  start(): StopController {
    const enqueueOwner = (j: Job): void => {
      const ref = getControllerOf(j);
      if (ref?.kind === "CronJob") this.queue?.add(`${j.metadata?.namespace ?? ""}/${ref.name}`);
    };
    const stop = startQueueController({
      ctx: this.ctx,
      name: "cronjob-controller",
      informers: [this.cronJobs, this.jobs],
      register: (queue) => {
        this.queue = queue;
        return [
          this.cronJobs.addEventHandler({
            onAdd: (c) => queue.add(objectKey(c)),
            onUpdate: (_, c) => queue.add(objectKey(c)),
          }),
          this.jobs.addEventHandler({
            onAdd: enqueueOwner,
            onUpdate: (_, j) => enqueueOwner(j),
            onDelete: enqueueOwner,
          }),
        ];
      },
      sync: (key) => this.sync(key),
    });
    const resync = this.options.resyncMs;
    const timer =
      resync === undefined
        ? undefined
        : setInterval(() => {
            for (const c of this.cronJobs.indexer.list()) this.queue?.add(objectKey(c));
          }, resync);
    return async () => {
      if (timer) clearInterval(timer);
      await stop();
    };
  }

  async sync(key: string): Promise<void> {
    const cached = this.cronJobs.indexer.get(key);
    if (!cached || cached.metadata?.deletionTimestamp !== undefined) return;
    const cj: CronJob = structuredClone(cached);
    const identity: Identity = { ...cj, apiVersion: "batch/v1", kind: "CronJob" };
    const { namespace } = splitKey(key);
    const owned = this.jobs.indexer.byIndex(namespaceIndex, namespace).filter((j) => isControlledBy(j, cj));
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    await this.syncActive(identity, status, owned);
    await this.cleanupHistory(identity, owned);
    const requeueAt = await this.schedule(identity, status);
    if (canonicalJson(status) !== canonicalJson(cj.status ?? {})) {
      await this.cronJobClient.updateStatus({ ...cj, status }, { namespace });
    }
    if (requeueAt !== undefined && this.options.resyncMs === undefined) {
      // A little after the fire time, so the clock has certainly passed it.
      this.queue?.addAfter(key, Math.max(0, requeueAt - this.now().getTime()) + 100);
    }
  }

  /** Drops finished and vanished Jobs from status.active, adds running ones it lacks. */
  private async syncActive(cj: Identity, status: CronJobStatus, owned: Job[]): Promise<void> {
    const { recorder } = this.ctx;
    const byUid = new Map(owned.map((j) => [j.metadata?.uid ?? "", j]));
    const active: ObjectReference[] = [];
    for (const ref of status.active ?? []) {
      const job = byUid.get(ref.uid ?? "") ?? (await this.fetch(ref));
      if (!job) {
        recorder.event(cj, "Normal", "MissingJob", `Active job went missing: ${ref.name ?? ""}`);
        continue;
      }
      const done = finishedCondition(job);
      if (done) {
        recorder.event(
          cj,
          "Normal",
          "SawCompletedJob",
          `Saw completed job: ${ref.name ?? ""}, condition: ${done}`,
        );
        continue;
      }
      active.push(ref);
    }
    for (const job of owned) {
      const done = finishedCondition(job);
      if (done === "Complete") {
        const finished = job.status?.completionTime;
        if (finished && (!status.lastSuccessfulTime || finished > status.lastSuccessfulTime))
          status.lastSuccessfulTime = finished;
      }
      if (!done && !job.metadata?.deletionTimestamp && !active.some((r) => r.uid === job.metadata?.uid))
        active.push(jobRef(job));
    }
    if (active.length > 0) status.active = active;
    else delete status.active;
  }

  /** A Job the cache lacks may just be newer than the cache: ask the API before calling it gone. */
  private async fetch(ref: ObjectReference): Promise<Job | undefined> {
    try {
      const job = await this.jobClient.get(ref.name ?? "", { namespace: ref.namespace ?? "" });
      return job.metadata?.uid === ref.uid ? job : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** The Job named for a fire time, from the cache or else the API (it may be newer than the cache). */
  private async existing(wanted: Job): Promise<Job | undefined> {
    const name = wanted.metadata?.name ?? "";
    const namespace = wanted.metadata?.namespace ?? "";
    const cached = this.jobs.indexer.get(`${namespace}/${name}`);
    if (cached) return cached;
    try {
      return await this.jobClient.get(name, { namespace });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  private async cleanupHistory(cj: Identity, owned: Job[]): Promise<void> {
    for (const job of jobsBeyondHistory(cj, owned)) {
      try {
        await this.jobClient.delete(job.metadata?.name ?? "", {
          namespace: job.metadata?.namespace ?? "",
          propagationPolicy: "Background",
        });
        this.ctx.recorder.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata?.name ?? ""}`);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
  }

  /** Starts the Job due now, if any; returns when to look again (epoch ms). */
  private async schedule(cj: Identity, status: CronJobStatus): Promise<number | undefined> {
    if (cj.spec?.suspend) return undefined;
    const { recorder } = this.ctx;
    const zone = cj.spec?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    let schedule: Schedule;
    try {
      checkTimeZone(zone);
      schedule = parseSchedule(cj.spec?.schedule ?? "");
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const reason = err instanceof RangeError ? "UnknownTimeZone" : "UnparseableSchedule";
      recorder.event(cj, "Warning", reason, `invalid schedule: ${cj.spec?.schedule ?? ""} : ${message}`);
      return undefined;
    }
    const now = this.now().getTime();
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? "") || now;
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
    const recent = mostRecent(schedule, earliest, now, zone);
    if (recent.missed > 100) {
      recorder.event(
        cj,
        "Warning",
        "TooManyMissedTimes",
        `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    const scheduled = recent.latest;
    if (scheduled === undefined) return recent.next;
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      recorder.event(
        cj,
        "Warning",
        "MissSchedule",
        `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
      );
      return recent.next;
    }
    const wanted = newScheduledJob(cj, scheduled, zone);
    // The cached CronJob may predate the status write of the sync that started this time's Job (as
    // upstream, a Job already named for the time means it was processed): without this check a
    // Replace policy would delete the Job it just created.
    const started = await this.existing(wanted);
    if (started && isControlledBy(started, cj)) {
      if (!finishedCondition(started) && !status.active?.some((r) => r.uid === started.metadata?.uid))
        status.active = [...(status.active ?? []), jobRef(started)];
      status.lastScheduleTime = rfc3339(scheduled);
      return recent.next;
    }
    const policy = cj.spec?.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && (status.active?.length ?? 0) > 0) {
      recorder.event(
        cj,
        "Normal",
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
      );
      return recent.next;
    }
    if (policy === "Replace") {
      for (const ref of status.active ?? []) {
        try {
          await this.jobClient.delete(ref.name ?? "", {
            namespace: ref.namespace ?? "",
            propagationPolicy: "Background",
          });
          recorder.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${ref.name ?? ""}`);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      delete status.active;
    }
    let created: Job;
    try {
      created = await this.jobClient.create(wanted, { namespace: wanted.metadata?.namespace ?? "" });
      recorder.event(cj, "Normal", "SuccessfulCreate", `Created job ${created.metadata?.name ?? ""}`);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) {
        recorder.event(
          cj,
          "Warning",
          "FailedCreate",
          `Error creating job: ${err instanceof Error ? err.message : String(err)}`,
        );
        throw err;
      }
      // Created by an earlier sync whose status write was lost: take it over if it is ours.
      created = await this.jobClient.get(wanted.metadata?.name ?? "", {
        namespace: wanted.metadata?.namespace ?? "",
      });
      if (!isControlledBy(created, cj)) throw err;
    }
    if (!finishedCondition(created) && !status.active?.some((r) => r.uid === created.metadata?.uid))
      status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return recent.next;
  }
}

export function createCronJobController(options: CronJobControllerOptions = {}): ControllerDescriptor {
  return { name: "cronjob-controller", start: (ctx) => new CronJobController(ctx, options).start() };
}

export const cronJobController = createCronJobController();
