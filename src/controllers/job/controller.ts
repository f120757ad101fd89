// The Job controller: runs a Job's pods to completion (completions, parallelism, Indexed mode),
// counts finished pods through the job-tracking finalizer and uncountedTerminatedPods so no pod is
// counted twice or lost across restarts, retries failures with exponential backoff up to
// backoffLimit, honours activeDeadlineSeconds, podFailurePolicy and suspend, and writes the
// status and conditions kubectl prints and waits for (Kubernetes' syncJob).
import type { Job, JobStatus } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { namespaceIndex, objectKey, splitKey } from "../../client/informer/indexer.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import type { WorkQueue } from "../../client/workqueue/queue.ts";
import type { ControllerContext, ControllerDescriptor, StopController } from "../manager.ts";
import { claimObjects, getControllerOf } from "../util/controllerref.ts";
import { ControllerExpectations } from "../util/expectations.ts";
import { claimCandidates, ensureControllerUidIndex } from "../util/owner-index.ts";
import { podsToDelete } from "../util/pod.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { podsResource } from "../util/resources.ts";
import { selectorOf } from "../util/selector.ts";
import { type BackoffOptions, defaultBackoff, nextCreateAt } from "./backoff.ts";
import { isFinished, isTrue, messages, reasons, rfc3339, sameStatus, setCondition } from "./conditions.ts";
import { removeTrackingFinalizers } from "./finalizers.ts";
import { parseIndexes, podIndex } from "./indexes.ts";
import {
  failedByIndexes,
  hasBackoffLimitPerIndex,
  indexFailureAnnotations,
  indexNotBefore,
} from "./per-index.ts";
import {
  countPods,
  exceedsBackoffLimit,
  isIndexed,
  isPodFailed,
  isTerminating,
  planIndexed,
  successCriteriaMet,
  wantedActive,
} from "./plan.ts";
import { JobPodControl } from "./pod-control.ts";
import { hasTrackingFinalizer } from "./pods.ts";
import { matchSuccessPolicy, successPolicyReason } from "./success-policy.ts";
import { countFinishedPods } from "./tracking.ts";

export const jobsResource = {
  group: "batch",
  version: "v1",
  resource: "jobs",
  namespaced: true,
  kind: "Job",
};

/** At most this many creates or deletes per sync (Kubernetes' burst). */
const burst = 500;

export interface JobControllerOptions {
  /** Pod-failure backoff (default 10 s doubling, capped at 6 min); tests compress it. */
  backoff?: Partial<BackoffOptions>;
}

type Identity = Job & { apiVersion: string; kind: string };

export class JobController {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly backoff: BackoffOptions;
  readonly expectations = new ControllerExpectations();
  private readonly podControl: JobPodControl;
  private queue: WorkQueue<string> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    options: JobControllerOptions = {},
  ) {
    this.jobs = ctx.informers.informerFor<Job>(jobsResource);
    this.pods = ctx.informers.informerFor<Pod>(podsResource);
    ensureControllerUidIndex(this.pods.indexer);
    this.jobClient = ctx.client.resource<Job>(jobsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.podControl = new JobPodControl({
      podClient: this.podClient,
      expectations: this.expectations,
      recorder: ctx.recorder,
    });
  }

  start(): StopController {
    return startQueueController({
      ctx: this.ctx,
      name: "job-controller",
      informers: [this.jobs, this.pods],
      register: (queue) => {
        this.queue = queue;
        return [
          this.jobs.addEventHandler({
            onAdd: (j) => queue.add(objectKey(j)),
            onUpdate: (_, j) => queue.add(objectKey(j)),
            onDelete: (j) => {
              this.expectations.delete(objectKey(j));
              queue.add(objectKey(j));
            },
          }),
          this.pods.addEventHandler({
            onAdd: (p) => this.podChanged(undefined, p),
            onUpdate: (old, p) => this.podChanged(old, p),
            onDelete: (p) => this.podGone(p),
          }),
        ];
      },
      sync: (key) => this.sync(key),
    });
  }

  private ownerKey(pod: Pod): string | undefined {
    const ref = getControllerOf(pod);
    if (ref?.kind !== "Job") return undefined;
    const key = `${pod.metadata?.namespace ?? ""}/${ref.name}`;
    return this.jobs.indexer.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (old && old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const key = this.ownerKey(pod);
    if (old) {
      const oldKey = this.ownerKey(old);
      if (oldKey && oldKey !== key) this.queue?.add(oldKey);
    }
    if (key) {
      if (!old) this.expectations.creationObserved(key);
      if (pod.metadata?.deletionTimestamp !== undefined && old?.metadata?.deletionTimestamp === undefined)
        this.expectations.deletionObserved(key, objectKey(pod));
      this.queue?.add(key);
      return;
    }
    if (getControllerOf(pod)) return;
    // An orphan: any Job selecting it may adopt it.
    for (const j of this.jobs.indexer.byIndex(namespaceIndex, pod.metadata?.namespace ?? "")) {
      if (selectorOf(j.spec?.selector).matches(pod.metadata?.labels)) this.queue?.add(objectKey(j));
    }
  }

  private podGone(pod: Pod): void {
    const key = this.ownerKey(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue?.add(key);
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    let job: Job = structuredClone(cached);
    const managedBy = job.spec?.managedBy;
    if (managedBy && managedBy !== "kubernetes.io/job-controller") return;
    const { namespace } = splitKey(key);
    const identity: Identity = { ...job, apiVersion: "batch/v1", kind: "Job" };
    const selector = selectorOf(job.spec?.selector);
    const pods = await claimObjects<Pod>({
      owner: identity,
      client: this.podClient,
      candidates: claimCandidates(this.pods.indexer, namespace, job.metadata?.uid),
      matches: (p) => selector.matches(p.metadata?.labels),
      canAdopt: async () => {
        const fresh = await this.jobClient.get(job.metadata?.name ?? "", { namespace });
        return fresh.metadata?.uid === job.metadata?.uid && fresh.metadata?.deletionTimestamp === undefined;
      },
    });
    if (isFinished(job) || job.metadata?.deletionTimestamp !== undefined) {
      // Nothing more is counted; finished pods must not stay blocked by our finalizer.
      await removeTrackingFinalizers(this.podClient, pods.filter(hasTrackingFinalizer));
      return;
    }
    const now = this.ctx.now();
    job = await countFinishedPods({
      job,
      pods,
      now,
      podClient: this.podClient,
      writeStatus: (j, status) => this.writeStatus(j, status),
    });
    await this.reconcile(key, job, identity, pods, now);
  }

  private async reconcile(key: string, job: Job, identity: Identity, pods: Pod[], now: Date): Promise<void> {
    const status: JobStatus = structuredClone(job.status ?? {});
    if (hasBackoffLimitPerIndex(job)) status.failedIndexes ??= "";
    const counts = countPods(pods);
    const { recorder } = this.ctx;
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    let active = counts.active;
    const ending = () => isTrue(status, "FailureTarget") || isTrue(status, "SuccessCriteriaMet");
    if (!ending() && !job.spec?.suspend) {
      const deadline = job.spec?.activeDeadlineSeconds;
      const started = status.startTime ? Date.parse(status.startTime) : undefined;
      const verdict = this.indexVerdict(job, status);
      const policyMessage = this.successPolicyMessage(job, status);
      if (exceedsBackoffLimit(job, failed, counts.restarts)) {
        setCondition(
          status,
          "FailureTarget",
          "True",
          reasons.backoffLimitExceeded,
          messages.backoffLimitExceeded,
          now,
        );
      } else if (verdict) {
        setCondition(status, "FailureTarget", "True", verdict.reason, verdict.message, now);
      } else if (
        deadline !== undefined &&
        started !== undefined &&
        now.getTime() - started >= deadline * 1000
      ) {
        setCondition(
          status,
          "FailureTarget",
          "True",
          reasons.deadlineExceeded,
          messages.deadlineExceeded,
          now,
        );
      } else if (policyMessage !== undefined) {
        setCondition(status, "SuccessCriteriaMet", "True", successPolicyReason, policyMessage, now);
      } else if (successCriteriaMet(job, succeeded, active.length)) {
        setCondition(
          status,
          "SuccessCriteriaMet",
          "True",
          reasons.completionsReached,
          messages.completionsReached,
          now,
        );
      } else if (deadline !== undefined && started !== undefined) {
        this.queue?.addAfter(key, started + deadline * 1000 - now.getTime() + 10);
      }
    }
    if (ending()) {
      // Terminal conditions wait until no pod of the Job runs any more.
      if (active.length > 0) await this.podControl.delete(key, identity, active);
      active = [];
      if (counts.terminating === 0 && counts.active.length === 0) {
        const target = status.conditions?.find((c) => c.type === "FailureTarget" && c.status === "True");
        if (target) {
          setCondition(status, "Failed", "True", target.reason ?? "", target.message ?? "", now);
          recorder.event(identity, "Warning", target.reason ?? "Failed", target.message ?? "");
        } else {
          // Complete repeats why success was reached (completions, or a successPolicy rule).
          const met = status.conditions?.find((c) => c.type === "SuccessCriteriaMet" && c.status === "True");
          setCondition(
            status,
            "Complete",
            "True",
            met?.reason ?? reasons.completionsReached,
            met?.message ?? messages.completionsReached,
            now,
          );
          status.completionTime = rfc3339(now);
          recorder.event(identity, "Normal", "Completed", "Job completed");
        }
      }
    } else if (job.spec?.suspend) {
      if (active.length > 0) await this.podControl.delete(key, identity, active);
      active = [];
      if (setCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now))
        recorder.event(identity, "Normal", "Suspended", "Job suspended");
    } else {
      if (isTrue(status, "Suspended")) {
        setCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
        recorder.event(identity, "Normal", "Resumed", "Job resumed");
        status.startTime = rfc3339(now);
      }
      status.startTime ??= rfc3339(now);
      if (this.expectations.satisfied(key)) active = await this.manage(key, job, identity, pods, active, now);
    }
    status.active = active.length;
    status.ready = counts.ready;
    status.terminating = counts.terminating;
    await this.writeStatus(job, status);
  }

  private indexVerdict(job: Job, status: JobStatus) {
    const completions = job.spec?.completions ?? 0;
    const failed = parseIndexes(status.failedIndexes, completions).size;
    return failedByIndexes(job, failed, parseIndexes(status.completedIndexes, completions).size);
  }

  private successPolicyMessage(job: Job, status: JobStatus): string | undefined {
    if (!isIndexed(job) || !job.spec?.successPolicy) return undefined;
    return matchSuccessPolicy(job, parseIndexes(status.completedIndexes, job.spec?.completions ?? 0));
  }

  /** Creates or deletes pods towards the wanted active set; returns the active pods left. */
  private async manage(
    key: string,
    job: Job,
    identity: Identity,
    pods: Pod[],
    active: Pod[],
    now: Date,
  ): Promise<Pod[]> {
    const waitForTerminating =
      job.spec?.podReplacementPolicy === "Failed" || job.spec?.podFailurePolicy !== undefined;
    const terminating = pods.filter(isTerminating);
    let remove: Pod[] = [];
    let create: (number | undefined)[] = [];
    if (isIndexed(job)) {
      const completions = job.spec?.completions ?? 0;
      const done = parseIndexes(job.status?.completedIndexes, completions);
      for (const ix of parseIndexes(job.status?.failedIndexes, completions)) done.add(ix);
      const busy = new Set<number>();
      if (waitForTerminating) for (const p of terminating) busy.add(podIndex(p) ?? -1);
      const plan = planIndexed(job, active, done, busy);
      remove = plan.remove;
      create = plan.create;
    } else {
      const want = wantedActive(job, job.status?.succeeded ?? 0);
      const running = active.length + (waitForTerminating ? terminating.length : 0);
      if (active.length > want) remove = podsToDelete(active, active, active.length - want);
      else if (running < want) create = Array.from({ length: want - running }, () => undefined);
    }
    if (remove.length > 0) {
      await this.podControl.delete(key, identity, remove.slice(0, burst));
      const gone = new Set(remove.map((p) => p.metadata?.uid));
      active = active.filter((p) => !gone.has(p.metadata?.uid));
    }
    if (create.length === 0) return active;
    if (hasBackoffLimitPerIndex(job)) {
      await this.createPerIndex(key, job, identity, pods, create, now);
      return active;
    }
    const finished = pods
      .filter((p) => p.status?.phase === "Succeeded" || isPodFailed(p, job))
      .map((p) => ({ pod: p, failed: p.status?.phase !== "Succeeded" }));
    const notBefore = nextCreateAt(finished, this.backoff, now.getTime());
    if (notBefore > now.getTime()) {
      this.queue?.addAfter(key, notBefore - now.getTime());
      return active;
    }
    await this.podControl.create(key, job, identity, create.slice(0, burst));
    return active;
  }

  /** backoffLimitPerIndex: each index waits out its own failures' backoff. */
  private async createPerIndex(
    key: string,
    job: Job,
    identity: Identity,
    pods: Pod[],
    create: (number | undefined)[],
    now: Date,
  ): Promise<void> {
    const due: number[] = [];
    let wait = Number.POSITIVE_INFINITY;
    for (const ix of create) {
      if (ix === undefined) continue;
      const notBefore = indexNotBefore(job, pods, ix, this.backoff, now.getTime());
      if (notBefore > now.getTime()) wait = Math.min(wait, notBefore - now.getTime());
      else due.push(ix);
    }
    if (wait !== Number.POSITIVE_INFINITY) this.queue?.addAfter(key, wait);
    if (due.length === 0) return;
    const annotations = new Map(due.map((ix) => [ix, indexFailureAnnotations(job, pods, ix)]));
    await this.podControl.create(key, job, identity, due.slice(0, burst), annotations);
  }

  private async writeStatus(job: Job, status: JobStatus): Promise<Job> {
    if (sameStatus(job.status, status)) return job;
    // A conflict means the cache was behind: the error requeues the key and the next sync starts over.
    return this.jobClient.updateStatus({ ...job, status }, { namespace: job.metadata?.namespace ?? "" });
  }
}

export function createJobController(options: JobControllerOptions = {}): ControllerDescriptor {
  return { name: "job-controller", start: (ctx) => new JobController(ctx, options).start() };
}

export const jobController = createJobController();
