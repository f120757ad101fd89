import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setStatus } from "../apps/printing.ts";
import type { FieldError } from "../field.ts";
import { parseCronSchedule } from "./cron.ts";
import { type CronJob, cronjobs } from "./cronjob.ts";
import { type Job, jobs } from "./job.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date("2024-01-01T01:00:00Z");

describe("jobs", () => {
  const s = jobs.strategy;
  const job = (): Job => ({
    metadata: { name: "pi", namespace: "default", uid: "uid-1", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl" }] } } },
  });
  const created = (): Job => {
    const j = job();
    s.defaults?.(j);
    s.prepareForCreate?.(j);
    return j;
  };

  it("defaults completions/parallelism 1, backoffLimit 6, NonIndexed, suspend and manualSelector false", () => {
    const j = created();
    const sp = j.spec;
    assert.deepEqual(
      [
        sp?.completions,
        sp?.parallelism,
        sp?.backoffLimit,
        sp?.completionMode,
        sp?.suspend,
        sp?.manualSelector,
      ],
      [1, 1, 6, "NonIndexed", false, false],
    );
  });

  it("leaves completions unset when only parallelism is given", () => {
    const j = job();
    if (j.spec) j.spec.parallelism = 3;
    s.defaults?.(j);
    assert.equal(j.spec?.completions, undefined);
    assert.equal(j.spec?.parallelism, 3);
  });

  it("generates the selector and template labels at create", () => {
    const j = created();
    assert.deepEqual(j.spec?.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "uid-1" } });
    assert.deepEqual(j.spec?.template.metadata?.labels, {
      "job-name": "pi",
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": "uid-1",
      "batch.kubernetes.io/controller-uid": "uid-1",
    });
    assert.deepEqual(s.validate?.(j), []);
  });

  it("does not generate a selector with manualSelector", () => {
    const j = job();
    if (j.spec) j.spec.manualSelector = true;
    s.defaults?.(j);
    s.prepareForCreate?.(j);
    assert.equal(j.spec?.selector, undefined);
    assert.deepEqual(brief(s.validate?.(j) ?? []), ["FieldValueRequired spec.selector"]);
  });

  it("requires restartPolicy OnFailure or Never", () => {
    const j = job();
    if (j.spec?.template.spec) j.spec.template.spec.restartPolicy = undefined;
    s.defaults?.(j);
    s.prepareForCreate?.(j);
    const errs = s.validate?.(j) ?? [];
    assert.deepEqual(brief(errs), ["FieldValueNotSupported spec.template.spec.restartPolicy"]);
    assert.equal(errs[0]?.badValue, "Always");
  });

  it("rejects negative counts and a foreign controller-uid selector", () => {
    const j = created();
    if (j.spec) {
      j.spec.backoffLimit = -1;
      j.spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": "other" } };
    }
    assert.deepEqual(brief(s.validate?.(j) ?? []), [
      "FieldValueInvalid spec.selector",
      "FieldValueInvalid spec.backoffLimit",
      "FieldValueInvalid spec.template.metadata.labels",
    ]);
  });

  it("keeps the template immutable unless the job is suspended and never started", () => {
    const old = created();
    const next = structuredClone(old);
    if (next.spec?.template.spec) next.spec.template.spec.containers = [{ name: "pi", image: "perl:2" }];
    assert.deepEqual(brief(s.validateUpdate?.(next, old) ?? []), ["FieldValueInvalid spec.template"]);
    const suspended = created();
    if (suspended.spec) suspended.spec.suspend = true;
    const moved = structuredClone(suspended);
    if (moved.spec?.template.spec) moved.spec.template.spec.nodeSelector = { zone: "a" };
    assert.deepEqual(s.validateUpdate?.(moved, suspended), []);
  });

  it("prints Status, Completions and Duration", () => {
    const j = created();
    setStatus(j, {
      succeeded: 1,
      startTime: "2024-01-01T00:00:00Z",
      completionTime: "2024-01-01T00:00:07Z",
      conditions: [{ type: "Complete", status: "True" }],
    });
    assert.deepEqual(s.table?.cells(j, now).slice(0, 5), ["pi", "Complete", "1/1", "7s", "60m"]);
    const running = created();
    if (running.spec) {
      running.spec.completions = undefined;
      running.spec.parallelism = 2;
    }
    setStatus(running, { startTime: "2024-01-01T00:59:00Z" });
    assert.deepEqual(s.table?.cells(running, now).slice(1, 4), ["Running", "0/1 of 2", "60s"]);
    assert.equal(s.fieldSelectors?.["status.successful"]?.(j), "1");
  });
});

describe("cronjobs", () => {
  const s = cronjobs.strategy;
  const cj = (schedule = "*/5 * * * *"): CronJob => ({
    metadata: { name: "hello", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {
      schedule,
      jobTemplate: {
        spec: {
          template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    },
  });

  it("defaults concurrency, suspend and history limits, not the job spec", () => {
    const c = cj();
    s.defaults?.(c);
    const sp = c.spec;
    assert.deepEqual(
      [sp?.concurrencyPolicy, sp?.suspend, sp?.successfulJobsHistoryLimit, sp?.failedJobsHistoryLimit],
      ["Allow", false, 3, 1],
    );
    assert.equal(sp?.jobTemplate.spec?.backoffLimit, undefined);
    assert.deepEqual(s.validate?.(c), []);
  });

  it("rejects bad schedules, TZ in the schedule, unknown time zones and policies", () => {
    for (const bad of ["* * *", "61 * * * *", "@sometimes", "*/0 * * * *"]) {
      const c = cj(bad);
      s.defaults?.(c);
      assert.deepEqual(brief(s.validate?.(c) ?? []), ["FieldValueInvalid spec.schedule"], bad);
    }
    const tz = cj("CRON_TZ=UTC 0 * * * *");
    s.defaults?.(tz);
    assert.equal(
      s.validate?.(tz)?.[0]?.detail,
      "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
    );
    const c = cj();
    if (c.spec) {
      c.spec.timeZone = "Mars/Olympus";
      c.spec.concurrencyPolicy = "Sometimes";
    }
    s.defaults?.(c);
    assert.deepEqual(brief(s.validate?.(c) ?? []), [
      "FieldValueInvalid spec.timeZone",
      "FieldValueNotSupported spec.concurrencyPolicy",
    ]);
  });

  it("rejects names longer than 52 characters", () => {
    const c = cj();
    if (c.metadata) c.metadata.name = "a".repeat(53);
    s.defaults?.(c);
    assert.deepEqual(brief(s.validate?.(c) ?? []), ["FieldValueInvalid metadata.name"]);
  });

  it("prints schedule, time zone, suspend, active and last schedule", () => {
    const c = cj();
    s.defaults?.(c);
    setStatus(c, { active: [{ name: "hello-1" }], lastScheduleTime: "2024-01-01T00:55:00Z" });
    assert.deepEqual(s.table?.cells(c, now).slice(0, 7), [
      "hello",
      "*/5 * * * *",
      "<none>",
      "False",
      1,
      "5m",
      "60m",
    ]);
  });
});

describe("cron schedule parser", () => {
  it("parses fields, ranges, steps, names and descriptors", () => {
    const p = parseCronSchedule("0-10/5 9-17 * JAN,mar MON-FRI");
    assert.ok("minutes" in p);
    assert.deepEqual([...p.minutes], [0, 5, 10]);
    assert.deepEqual([...p.months], [1, 3]);
    assert.deepEqual([...p.daysOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(p.domStar, true);
    const d = parseCronSchedule("@daily");
    assert.ok("hours" in d && d.hours.has(0) && d.hours.size === 1);
    assert.deepEqual(parseCronSchedule("@every 1h30m"), { everySeconds: 5400 });
  });
  it("reports robfig-style errors", () => {
    assert.throws(() => parseCronSchedule("* * *"), /expected exactly 5 fields, found 3: \[\* \* \*\]/);
    assert.throws(() => parseCronSchedule("60 * * * *"), /end of range \(60\) above maximum \(59\): 60/);
    assert.throws(
      () => parseCronSchedule("5-1 * * * *"),
      /beginning of range \(5\) beyond end of range \(1\)/,
    );
  });
});
