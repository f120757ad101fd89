// The Job and TTL-after-finished controllers on a real in-process API server (SQLite), with the
// test standing in for the kubelet: retries after a failure with (compressed) backoff, Indexed
// mode, podFailurePolicy FailJob, suspend/resume and deletion after ttlSecondsAfterFinished.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { podsResource } from "../util/resources.ts";
import { createJobController, jobsResource } from "./controller.ts";
import { completionIndexAnnotation } from "./indexes.ts";
import { trackingFinalizer } from "./pods.ts";
import { finishPod } from "./testing.ts";
import { ttlAfterFinishedController } from "./ttl.ts";

function job(name: string, spec: Partial<NonNullable<Job["spec"]>> = {}): Job {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] } },
      ...spec,
    },
  };
}

describe("JobController", () => {
  // One server for the file; each test uses its own Job names.
  let f: ManagedFixture | undefined;
  before(async () => {
    f = await startManaged([createJobController({ backoff: { baseMs: 50 } }), ttlAfterFinishedController]);
  });
  after(async () => {
    await f?.close();
  });

  async function setup(): Promise<ManagedFixture> {
    assert.ok(f, "fixture started");
    return f;
  }

  const podsOf = async (fx: ManagedFixture, name: string): Promise<Pod[]> =>
    (
      await fx.client
        .resource<Pod>(podsResource)
        .list({ namespace: "default", labelSelector: `batch.kubernetes.io/job-name=${name}` })
    ).items;
  const running = async (fx: ManagedFixture, name: string): Promise<Pod[]> =>
    (await podsOf(fx, name)).filter((p) => !p.status?.phase || p.status.phase === "Pending");
  const getJob = (fx: ManagedFixture, name: string) =>
    fx.client.resource<Job>(jobsResource).get(name, { namespace: "default" });

  it("retries a failed pod after backoff and completes with counts and conditions", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(job("work", { completions: 2 }));
    const first = await waitOne(() => running(fx, "work"));
    assert.ok(first.metadata?.finalizers?.includes(trackingFinalizer), "tracking finalizer");
    assert.match(first.metadata?.name ?? "", /^work-[a-z0-9]{5}$/);
    await finishPod(fx.client, first, 1);
    await eventually(async () => assert.equal((await getJob(fx, "work")).status?.failed, 1));
    for (let i = 0; i < 2; i++) {
      const next = await waitOne(() => running(fx, "work"));
      await finishPod(fx.client, next, 0);
      await eventually(async () => assert.equal((await getJob(fx, "work")).status?.succeeded, i + 1));
    }
    await eventually(async () => {
      const s = (await getJob(fx, "work")).status;
      const types = (s?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);
      assert.deepEqual(types, ["SuccessCriteriaMet", "Complete"]);
      assert.deepEqual([s?.succeeded, s?.failed, s?.active ?? 0], [2, 1, 0]);
      assert.ok(s?.completionTime && s.startTime, "start and completion times");
    });
    for (const p of await podsOf(fx, "work"))
      assert.ok(!p.metadata?.finalizers?.includes(trackingFinalizer), "finalizer removed");
  });

  it("runs an Indexed job: one pod per index with hostname and env, completedIndexes", async () => {
    const fx = await setup();
    await fx.client
      .resource<Job>(jobsResource)
      .create(job("ix", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    await eventually(async () => assert.equal((await running(fx, "ix")).length, 3));
    const pods = await running(fx, "ix");
    const indexes = pods.map((p) => p.metadata?.annotations?.[completionIndexAnnotation]).sort();
    assert.deepEqual(indexes, ["0", "1", "2"]);
    for (const p of pods) {
      const ix = p.metadata?.annotations?.[completionIndexAnnotation];
      assert.equal(p.spec?.hostname, `ix-${ix}`);
      assert.equal(p.metadata?.labels?.[completionIndexAnnotation], ix);
      assert.ok(
        p.spec?.containers[0]?.env?.some((e) => e.name === "JOB_COMPLETION_INDEX"),
        "index env",
      );
      assert.match(p.metadata?.name ?? "", new RegExp(`^ix-${ix}-[a-z0-9]{5}$`));
    }
    const byIndex = (ix: string) =>
      pods.find((p) => p.metadata?.annotations?.[completionIndexAnnotation] === ix) as Pod;
    await finishPod(fx.client, byIndex("1"), 0);
    await eventually(async () => assert.equal((await getJob(fx, "ix")).status?.completedIndexes, "1"));
    // A failed index is retried with the same index.
    await finishPod(fx.client, byIndex("0"), 2);
    await eventually(async () => {
      const again = (await running(fx, "ix")).filter(
        (p) => p.metadata?.annotations?.[completionIndexAnnotation] === "0",
      );
      assert.equal(again.length, 1);
    });
    for (const p of await running(fx, "ix")) await finishPod(fx.client, p, 0);
    await eventually(async () => {
      const s = (await getJob(fx, "ix")).status;
      assert.deepEqual([s?.completedIndexes, s?.succeeded, s?.failed], ["0-2", 3, 1]);
      assert.ok(
        s?.conditions?.some((c) => c.type === "Complete" && c.status === "True"),
        "Complete",
      );
    });
  });

  it("fails the job on a FailJob exit code, and deletes it after ttlSecondsAfterFinished", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(
      job("fatal", {
        backoffLimit: 6,
        ttlSecondsAfterFinished: 1,
        podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] },
      }),
    );
    const pod = await waitOne(() => running(fx, "fatal"));
    await finishPod(fx.client, pod, 42);
    await eventually(async () => {
      const s = (await getJob(fx, "fatal")).status;
      const failed = s?.conditions?.find((c) => c.type === "Failed");
      assert.equal(failed?.reason, "PodFailurePolicy");
      assert.match(
        failed?.message ?? "",
        /Container main for pod default\/fatal-\w+ failed with exit code 42 matching FailJob rule at index 0/,
      );
      assert.ok(
        s?.conditions?.some((c) => c.type === "FailureTarget"),
        "FailureTarget",
      );
    });
    // Foreground deletion: without a garbage collector here the Job stays, marked for deletion.
    await eventually(async () => {
      const left = await fx.client.resource<Job>(jobsResource).list({ namespace: "default" });
      const fatal = left.items.find((j) => j.metadata?.name === "fatal");
      assert.ok(fatal === undefined || fatal.metadata?.deletionTimestamp !== undefined, "job deleted");
    });
  });

  it("fails after backoffLimit failures", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(job("flaky", { backoffLimit: 1 }));
    for (let i = 0; i < 2; i++) await finishPod(fx.client, await waitOne(() => running(fx, "flaky")), 1);
    await eventually(async () => {
      const s = (await getJob(fx, "flaky")).status;
      const failed = s?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
      assert.equal(failed?.reason, "BackoffLimitExceeded");
      assert.equal(s?.failed, 2);
    });
    assert.equal((await running(fx, "flaky")).length, 0);
  });

  it("backoffLimitPerIndex: retries an index within its budget, then marks it failed; FailedIndexes", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(
      job("per", {
        completions: 3,
        parallelism: 3,
        completionMode: "Indexed",
        backoffLimitPerIndex: 1,
        podFailurePolicy: {
          rules: [
            { action: "FailIndex", onExitCodes: { operator: "In", values: [42] } },
            { action: "Ignore", onExitCodes: { operator: "In", values: [7] } },
          ],
        },
      }),
    );
    await eventually(async () => assert.equal((await running(fx, "per")).length, 3));
    const at = async (ix: string) =>
      (await running(fx, "per")).find(
        (p) => p.metadata?.annotations?.[completionIndexAnnotation] === ix,
      ) as Pod;
    const failures = (p: Pod) => p.metadata?.annotations?.["batch.kubernetes.io/job-index-failure-count"];
    assert.equal(failures(await at("0")), "0");
    // Index 0: an ignored failure, then a counted one (within the budget of 1), then a success.
    await finishPod(fx.client, await at("0"), 7);
    await eventually(async () => assert.ok(await at("0"), "index 0 retried after an ignored failure"));
    const second = await at("0");
    assert.equal(failures(second), "0");
    assert.equal(second.metadata?.annotations?.["batch.kubernetes.io/job-index-ignored-failure-count"], "1");
    await finishPod(fx.client, second, 1);
    await eventually(async () => assert.equal(failures(await at("0")), "1"));
    await finishPod(fx.client, await at("0"), 0);
    // Index 1 fails with a FailIndex exit code: failed at once, never retried.
    await finishPod(fx.client, await at("1"), 42);
    await eventually(async () => assert.equal((await getJob(fx, "per")).status?.failedIndexes, "1"));
    assert.equal(await at("1"), undefined);
    await finishPod(fx.client, await at("2"), 0);
    await eventually(async () => {
      const s = (await getJob(fx, "per")).status;
      const failed = s?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
      assert.deepEqual([failed?.reason, failed?.message], ["FailedIndexes", "Job has failed indexes"]);
      assert.deepEqual([s?.completedIndexes, s?.failedIndexes, s?.failed], ["0,2", "1", 2]);
    });
  });

  it("maxFailedIndexes fails the job as soon as too many indexes failed", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(
      job("maxfail", {
        completions: 4,
        parallelism: 4,
        completionMode: "Indexed",
        backoffLimitPerIndex: 0,
        maxFailedIndexes: 0,
      }),
    );
    await eventually(async () => assert.equal((await running(fx, "maxfail")).length, 4));
    await finishPod(fx.client, (await running(fx, "maxfail"))[0] as Pod, 1);
    await eventually(async () => {
      const s = (await getJob(fx, "maxfail")).status;
      const failed = s?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
      assert.equal(failed?.reason, "MaxFailedIndexesExceeded");
      assert.equal(failed?.message, "Job has exceeded the specified maximal number of failed indexes");
    });
  });

  it("successPolicy: the listed index succeeding completes the job with reason SuccessPolicy", async () => {
    const fx = await setup();
    await fx.client.resource<Job>(jobsResource).create(
      job("leader", {
        completions: 3,
        parallelism: 3,
        completionMode: "Indexed",
        successPolicy: { rules: [{ succeededIndexes: "0", succeededCount: 1 }] },
      }),
    );
    await eventually(async () => assert.equal((await running(fx, "leader")).length, 3));
    const workers = await running(fx, "leader");
    const leader = workers.find((p) => p.metadata?.annotations?.[completionIndexAnnotation] === "0") as Pod;
    // A worker's success does not match the rule.
    await finishPod(fx.client, workers.find((p) => p !== leader) as Pod, 0);
    await eventually(async () => assert.equal((await getJob(fx, "leader")).status?.succeeded, 1));
    assert.equal((await getJob(fx, "leader")).status?.conditions, undefined);
    await finishPod(fx.client, leader, 0);
    await eventually(async () => {
      const s = (await getJob(fx, "leader")).status;
      const summary = (s?.conditions ?? []).map((c) => `${c.type}=${c.status}:${c.reason}:${c.message}`);
      assert.deepEqual(summary, [
        "SuccessCriteriaMet=True:SuccessPolicy:Matched rules at index 0",
        "Complete=True:SuccessPolicy:Matched rules at index 0",
      ]);
    });
    // The remaining worker was removed.
    assert.equal((await running(fx, "leader")).filter((p) => !p.metadata?.deletionTimestamp).length, 0);
  });

  it("suspend deletes active pods, resume starts them again", async () => {
    const fx = await setup();
    const jobs = fx.client.resource<Job>(jobsResource);
    await jobs.create(job("sus", { parallelism: 2, completions: 4 }));
    await eventually(async () => assert.equal((await running(fx, "sus")).length, 2));
    await jobs.patch("sus", { spec: { suspend: true } }, { type: "merge", namespace: "default" });
    await eventually(async () => {
      const s = (await getJob(fx, "sus")).status;
      assert.equal(s?.conditions?.find((c) => c.type === "Suspended")?.status, "True");
      assert.equal(s?.active ?? 0, 0);
    });
    await jobs.patch("sus", { spec: { suspend: false } }, { type: "merge", namespace: "default" });
    await eventually(async () => {
      const s = (await getJob(fx, "sus")).status;
      assert.equal(s?.conditions?.find((c) => c.type === "Suspended")?.reason, "JobResumed");
      assert.equal(s?.active, 2);
    });
  });
});

async function waitOne(list: () => Promise<Pod[]>): Promise<Pod> {
  let found: Pod | undefined;
  await eventually(async () => {
    const pods = await list();
    assert.equal(pods.length, 1);
    found = pods[0];
  });
  assert.ok(found, "one pod");
  return found;
}
