// The CronJob controller on a real in-process API server with an injected clock: a Job created
// at the fire time (name, annotation, owner, status), Forbid skipping while one is active,
// Replace swapping it, lastSuccessfulTime, history limits, and missed-schedule warnings.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import type { Event } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { eventsResource } from "../util/resources.ts";
import { createCronJobController, cronJobsResource } from "./controller.ts";

const jobsResource = { group: "batch", version: "v1", resource: "jobs", namespaced: true, kind: "Job" };

describe("CronJobController", () => {
  let f: ManagedFixture | undefined;
  // Starts at the real time (creationTimestamps are real); tests move it forward.
  let clock = Date.now();
  before(async () => {
    f = await startManaged([createCronJobController({ now: () => new Date(clock), resyncMs: 50 })]);
  });
  after(async () => {
    await f?.close();
  });
  const fx = (): ManagedFixture => {
    assert.ok(f, "fixture started");
    return f;
  };
  const nextMinute = (): void => {
    clock = (Math.floor(clock / 60_000) + 1) * 60_000 + 1_000;
  };
  const cronJob = (name: string, spec: Partial<NonNullable<CronJob["spec"]>>): CronJob => ({
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "* * * * *",
      jobTemplate: {
        metadata: { labels: { cron: name } },
        spec: {
          template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
        },
      },
      ...spec,
    },
  });
  const jobsOf = async (name: string): Promise<Job[]> =>
    (
      await fx()
        .client.resource<Job>(jobsResource)
        .list({ namespace: "default", labelSelector: `cron=${name}` })
    ).items.filter((j) => !j.metadata?.deletionTimestamp);
  const getCronJob = (name: string) =>
    fx().client.resource<CronJob>(cronJobsResource).get(name, { namespace: "default" });
  const reasons = async (name: string): Promise<string[]> =>
    (await fx().client.resource<Event>(eventsResource).list({ namespace: "default" })).items
      .filter((e) => e.involvedObject.name === name)
      .map((e) => e.reason ?? "");
  /** Waits until the CronJob's lastScheduleTime is the clock's current minute. */
  const processed = (name: string): Promise<void> =>
    eventually(async () =>
      assert.equal(
        (await getCronJob(name)).status?.lastScheduleTime,
        new Date(Math.floor(clock / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      ),
    );
  const complete = async (job: Job): Promise<void> => {
    const at = new Date(clock).toISOString().replace(/\.\d{3}Z$/, "Z");
    await fx()
      .client.resource<Job>(jobsResource)
      .updateStatus(
        {
          ...job,
          status: {
            startTime: at,
            completionTime: at,
            succeeded: 1,
            conditions: [
              { type: "SuccessCriteriaMet", status: "True", lastTransitionTime: at },
              { type: "Complete", status: "True", lastTransitionTime: at },
            ],
          },
        },
        { namespace: "default" },
      );
  };

  it("creates a Job at the fire time; Forbid waits for the active one", async () => {
    await fx()
      .client.resource<CronJob>(cronJobsResource)
      .create(cronJob("tick", { concurrencyPolicy: "Forbid" }));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await jobsOf("tick")).length, 0, "nothing before the first fire time");
    nextMinute();
    const scheduled = Math.floor(clock / 60_000) * 60_000;
    await eventually(async () => assert.equal((await jobsOf("tick")).length, 1));
    const [job] = await jobsOf("tick");
    assert.equal(job?.metadata?.name, `tick-${scheduled / 60_000}`);
    assert.equal(job?.metadata?.ownerReferences?.[0]?.kind, "CronJob");
    assert.ok(
      job?.metadata?.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"],
      "scheduled-timestamp annotation",
    );
    await eventually(async () => {
      const s = (await getCronJob("tick")).status;
      assert.equal(s?.active?.[0]?.name, job?.metadata?.name);
      assert.equal(s?.lastScheduleTime, new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, "Z"));
    });
    nextMinute();
    await eventually(async () =>
      assert.ok((await reasons("tick")).includes("JobAlreadyActive"), "JobAlreadyActive event"),
    );
    assert.equal((await jobsOf("tick")).length, 1);
    await complete(job as Job);
    // The fire time skipped under Forbid is started as soon as the active Job has finished.
    await eventually(async () => {
      const s = (await getCronJob("tick")).status;
      assert.ok(s?.lastSuccessfulTime, "lastSuccessfulTime");
      assert.equal(s?.active?.length, 1);
      assert.notEqual(s?.active?.[0]?.name, job?.metadata?.name);
    });
    assert.equal((await jobsOf("tick")).length, 2);
  });

  it("Replace deletes the running Job and starts the new one; history limits prune", async () => {
    await fx()
      .client.resource<CronJob>(cronJobsResource)
      .create(cronJob("swap", { concurrencyPolicy: "Replace", successfulJobsHistoryLimit: 1 }));
    // The clock runs ahead of the CronJob's (real) creation time, so a fire time may already be
    // due now; each step waits until the controller has processed the clock's current minute.
    nextMinute();
    await processed("swap");
    const [first, ...others] = await jobsOf("swap");
    assert.equal(others.length, 0, "Replace leaves one Job");
    nextMinute();
    await processed("swap");
    const [second, ...rest] = await jobsOf("swap");
    assert.equal(rest.length, 0, "Replace leaves one Job");
    assert.notEqual(second?.metadata?.name, first?.metadata?.name);
    await complete(second as Job);
    nextMinute();
    await processed("swap");
    await eventually(async () => assert.equal((await jobsOf("swap")).length, 2));
    const [, third] = (await jobsOf("swap")).sort((a, b) =>
      (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""),
    );
    await complete(third as Job);
    // Two completed Jobs, limit 1: the older one goes.
    await eventually(async () => {
      const names = (await jobsOf("swap")).map((j) => j.metadata?.name);
      assert.deepEqual(names, [third?.metadata?.name]);
    });
  });

  it("does not start a time missed beyond startingDeadlineSeconds; warns about too many missed times", async () => {
    const cjs = fx().client.resource<CronJob>(cronJobsResource);
    await cjs.create(cronJob("late", { startingDeadlineSeconds: 10, suspend: true }));
    await cjs.create(cronJob("skewed", { suspend: true }));
    // Fire times pass while suspended; resuming 30 s after the last one is past its deadline.
    clock = (Math.floor(clock / 60_000) + 3) * 60_000 + 30_000;
    await cjs.patch("late", { spec: { suspend: false } }, { type: "merge", namespace: "default" });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await jobsOf("late")).length, 0);
    nextMinute();
    await eventually(async () => assert.equal((await jobsOf("late")).length, 1));
    clock += 3 * 3600_000;
    await cjs.patch("skewed", { spec: { suspend: false } }, { type: "merge", namespace: "default" });
    await eventually(async () =>
      assert.ok((await reasons("skewed")).includes("TooManyMissedTimes"), "TooManyMissedTimes event"),
    );
    // Still starts the most recent one.
    await eventually(async () => assert.equal((await jobsOf("skewed")).length, 1));
  });
});
