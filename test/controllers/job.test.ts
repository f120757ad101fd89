// Job, CronJob and TTL-after-finished through the real kubectl 1.32 against `skiff server` and
// hollow nodes. The controller-manager runs in this process (the server's own is disabled) so the
// Job backoff can be compressed and the CronJob clock injected.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defaultControllers, startControllerManager } from "../../src/cli/controller-manager.ts";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { createCronJobController } from "../../src/controllers/cronjob/controller.ts";
import { createJobController } from "../../src/controllers/job/controller.ts";
import { type ControllerManager, silentLogger } from "../../src/controllers/manager.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const server = new SkiffServer();
let sim: SkiffChild | undefined;
let manager: ControllerManager | undefined;
// The CronJob controller's clock; tests move it forward.
let clock = Date.now();

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, { timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const apply = (obj: unknown) => kubectl(["apply", "-f", "-"], JSON.stringify(obj));

function jobManifest(name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) {
  const { template, ...rest } = spec as { template?: { spec?: Record<string, unknown> } };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      ...rest,
      template: {
        metadata: { annotations: { "sim.skiff.dev/run-seconds": "1", ...annotations } },
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "main", image: "busybox:1.36" }],
          ...template?.spec,
        },
      },
    },
  };
}

before(async () => {
  await server.start(["--disable-controller-manager"]);
  sim = await SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", "2"], "skiff sim ready");
  const ours = new Set(["job-controller", "cronjob-controller"]);
  manager = startControllerManager({
    transport: new HttpsTransport({
      connection: loadKubeconfig(server.kubeconfig),
      // One watch per kind (the garbage collector watches them all) must not starve requests.
      maxSockets: 256,
      userAgent: "job-test",
    }),
    logger: silentLogger,
    leaderElection: false,
    controllers: [
      ...defaultControllers().filter((c) => !ours.has(c.name)),
      createJobController({ backoff: { baseMs: 500 } }),
      createCronJobController({ now: () => new Date(clock), resyncMs: 200 }),
    ],
  });
});

after(async () => {
  await manager?.stop();
  await sim?.stop();
  await server.stop();
});

describe("Jobs with kubectl on hollow nodes", () => {
  it("retries a failed attempt after backoff and completes; kubectl wait and get columns", async () => {
    // The pod cannot be scheduled until a node carries job-ready=yes, so the test can mark the
    // first attempt to exit with code 1 before it starts; the retry (from the template) succeeds.
    await apply(
      jobManifest("retry", { backoffLimit: 2, template: { spec: { nodeSelector: { "job-ready": "yes" } } } }),
    );
    const first = await until(async () => {
      const names = (
        await kubectl(["get", "pods", "-l", "job-name=retry", "-o", "jsonpath={.items[*].metadata.name}"])
      )
        .split(" ")
        .filter((n) => n !== "");
      return names.length === 1 ? names[0] : undefined;
    }, "the first pod");
    await kubectl(["annotate", "pod", first ?? "", "sim.skiff.dev/exit-code=1"]);
    await kubectl(["label", "node", "hollow-node-0", "job-ready=yes"]);
    await kubectl(["wait", "--for=condition=complete", "job/retry", "--timeout=90s"]);
    const status = JSON.parse(await kubectl(["get", "job", "retry", "-o", "json"])).status;
    assert.deepEqual([status.succeeded, status.failed, status.active ?? 0], [1, 1, 0]);
    assert.deepEqual(
      status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
      ["SuccessCriteriaMet=True", "Complete=True"],
    );
    const cols = (await kubectl(["get", "job", "retry", "--no-headers"])).trim().split(/\s+/);
    assert.equal(cols[1], "Complete");
    assert.equal(cols[2], "1/1");
    assert.match(cols[3] ?? "", /^\d+s$/);
    const phases = await kubectl([
      "get",
      "pods",
      "-l",
      "job-name=retry",
      "-o",
      "jsonpath={.items[*].status.phase}",
    ]);
    assert.deepEqual(phases.split(" ").sort(), ["Failed", "Succeeded"]);
    const finalizers = await kubectl([
      "get",
      "pods",
      "-l",
      "job-name=retry",
      "-o",
      "jsonpath={.items[*].metadata.finalizers}",
    ]);
    assert.doesNotMatch(finalizers, /job-tracking/);
  });

  it("runs an Indexed job to completion", async () => {
    await apply(jobManifest("indexed", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    await kubectl(["wait", "--for=condition=complete", "job/indexed", "--timeout=90s"]);
    assert.equal(
      await kubectl(["get", "job", "indexed", "-o", "jsonpath={.status.completedIndexes}"]),
      "0-2",
    );
    const hosts = await kubectl([
      "get",
      "pods",
      "-l",
      "job-name=indexed",
      "-o",
      "jsonpath={.items[*].spec.hostname}",
    ]);
    assert.deepEqual(hosts.split(" ").sort(), ["indexed-0", "indexed-1", "indexed-2"]);
    assert.match(
      (await kubectl(["get", "job", "indexed", "--no-headers"])).trim(),
      /^indexed\s+Complete\s+3\/3\s/,
    );
  });

  it("fails on a FailJob exit code and is deleted after ttlSecondsAfterFinished", async () => {
    await apply(
      jobManifest(
        "fatal",
        {
          ttlSecondsAfterFinished: 10,
          podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }] },
        },
        { "sim.skiff.dev/exit-code": "42" },
      ),
    );
    await kubectl(["wait", "--for=condition=failed", "job/fatal", "--timeout=90s"]);
    assert.equal(
      await kubectl([
        "get",
        "job",
        "fatal",
        "-o",
        'jsonpath={.status.conditions[?(@.type=="Failed")].reason}',
      ]),
      "PodFailurePolicy",
    );
    await kubectl(["wait", "--for=delete", "job/fatal", "--timeout=60s"]);
    await until(
      async () =>
        (await kubectl(["get", "pods", "-l", "job-name=fatal", "-o", "name"])).trim() === ""
          ? true
          : undefined,
      "the fatal job's pods garbage-collected",
    );
  });
});

describe("per-index backoff and success policies with kubectl on hollow nodes", () => {
  // Pods wait for a node labelled job-gate=<job> so the test can script them before they start.
  const gated = (name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
    jobManifest(
      name,
      {
        completions: 3,
        parallelism: 3,
        completionMode: "Indexed",
        ...spec,
        template: { spec: { nodeSelector: { "job-gate": name } } },
      },
      annotations,
    );
  const podsByIndex = async (job: string): Promise<Map<string, string>> => {
    const out = await kubectl([
      "get",
      "pods",
      "-l",
      `job-name=${job}`,
      "-o",
      'jsonpath={range .items[*]}{.metadata.annotations.batch\\.kubernetes\\.io/job-completion-index}={.metadata.name}{"\\n"}{end}',
    ]);
    return new Map(
      out
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => l.split("=") as [string, string]),
    );
  };

  it("a FailIndex exit code fails only its index; the job ends Failed with reason FailedIndexes", async () => {
    await apply(
      gated("perindex", {
        backoffLimitPerIndex: 1,
        podFailurePolicy: { rules: [{ action: "FailIndex", onExitCodes: { operator: "In", values: [42] } }] },
      }),
    );
    const pods = await until(async () => {
      const m = await podsByIndex("perindex");
      return m.size === 3 ? m : undefined;
    }, "three pods");
    await kubectl(["annotate", "pod", pods.get("1") ?? "", "sim.skiff.dev/exit-code=42"]);
    await kubectl(["label", "node", "hollow-node-1", "job-gate=perindex"]);
    await kubectl(["wait", "--for=condition=failed", "job/perindex", "--timeout=90s"]);
    const status = JSON.parse(await kubectl(["get", "job", "perindex", "-o", "json"])).status;
    assert.deepEqual([status.completedIndexes, status.failedIndexes, status.failed], ["0,2", "1", 1]);
    const failed = status.conditions.find((c: { type: string }) => c.type === "Failed");
    assert.deepEqual([failed.reason, failed.message], ["FailedIndexes", "Job has failed indexes"]);
    assert.match(
      (await kubectl(["get", "job", "perindex", "--no-headers"])).trim(),
      /^perindex\s+Failed\s+2\/3\s/,
    );
  });

  it("successPolicy: index 0 succeeding completes the job and removes the other pods", async () => {
    await apply(
      gated(
        "leader",
        { successPolicy: { rules: [{ succeededIndexes: "0" }] } },
        { "sim.skiff.dev/run-seconds": "3600" },
      ),
    );
    const pods = await until(async () => {
      const m = await podsByIndex("leader");
      return m.size === 3 ? m : undefined;
    }, "three pods");
    await kubectl(["annotate", "--overwrite", "pod", pods.get("0") ?? "", "sim.skiff.dev/run-seconds=1"]);
    await kubectl(["label", "node", "hollow-node-1", "job-gate=leader", "--overwrite"]);
    await kubectl(["wait", "--for=condition=complete", "job/leader", "--timeout=90s"]);
    const status = JSON.parse(await kubectl(["get", "job", "leader", "-o", "json"])).status;
    assert.deepEqual(
      status.conditions.map((c: { type: string; reason: string }) => `${c.type}:${c.reason}`),
      ["SuccessCriteriaMet:SuccessPolicy", "Complete:SuccessPolicy"],
    );
    assert.equal(status.completedIndexes, "0");
    await until(
      async () =>
        (
          await kubectl([
            "get",
            "pods",
            "-l",
            "job-name=leader",
            "--field-selector=status.phase=Running",
            "-o",
            "name",
          ])
        ).trim() === ""
          ? true
          : undefined,
      "the other indexes' pods stopped",
    );
  });

  it("rejects per-index fields outside Indexed mode with Kubernetes' messages", async () => {
    const r = await server.kubectl(["apply", "-f", "-"], {
      input: JSON.stringify(
        jobManifest("bad", { maxFailedIndexes: 1, successPolicy: { rules: [{ succeededCount: 1 }] } }),
      ),
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified/);
    assert.match(r.stderr, /spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode/);
    assert.match(r.stderr, /spec.successPolicy: Invalid value: .*requires indexed completion mode/);
  });
});

describe("CronJobs with kubectl on hollow nodes", () => {
  it("fires on schedule in its time zone, Forbid skips while active, Replace swaps, create job --from works", async () => {
    const cronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly" },
      spec: {
        schedule: "30 2 * * *",
        timeZone: "Asia/Kolkata",
        concurrencyPolicy: "Forbid",
        jobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { "sim.skiff.dev/run-seconds": "3600" } },
              spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] },
            },
          },
        },
      },
    };
    await apply(cronJob);
    const jobNames = async (): Promise<string[]> =>
      (
        await kubectl([
          "get",
          "jobs",
          "-o",
          'jsonpath={range .items[?(@.metadata.ownerReferences[0].kind=="CronJob")]}{.metadata.name}{" "}{.metadata.deletionTimestamp}{"\\n"}{end}',
        ])
      )
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.includes(" "));
    // 02:30 in Kolkata is 21:00 UTC the day before.
    const nextFire = (from: number): number => {
      const day = Math.floor(from / 86_400_000) * 86_400_000 + 21 * 3_600_000;
      return day > from ? day : day + 86_400_000;
    };
    const first = nextFire(clock);
    clock = first + 5_000;
    const [name] = await until(async () => {
      const n = await jobNames();
      return n.length === 1 ? n : undefined;
    }, "the first scheduled job");
    assert.equal(name, `nightly-${first / 60_000}`);
    assert.equal(
      await kubectl([
        "get",
        "job",
        name ?? "",
        "-o",
        "jsonpath={.metadata.annotations.batch\\.kubernetes\\.io/cronjob-scheduled-timestamp}",
      ]),
      new Date(first + 5.5 * 3_600_000).toISOString().replace(/\.000Z$/, "+05:30"),
    );
    const row = (await kubectl(["get", "cronjob", "nightly", "--no-headers"])).trim().split(/\s+/);
    assert.deepEqual(row.slice(0, 6), ["nightly", "30", "2", "*", "*", "*"]);
    assert.equal(row[6], "Asia/Kolkata");
    assert.equal(row[8], "1", `ACTIVE in ${row.join(" ")}`);
    // Forbid: the next night passes while the first job still runs.
    clock = nextFire(clock) + 5_000;
    await until(async () => {
      const events = await kubectl([
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=nightly,reason=JobAlreadyActive",
        "-o",
        "name",
      ]);
      return events.trim() !== "" ? true : undefined;
    }, "JobAlreadyActive event");
    assert.deepEqual(await jobNames(), [name]);
    // Replace: the running job is deleted and the due one started.
    await kubectl([
      "patch",
      "cronjob",
      "nightly",
      "--type=merge",
      "-p",
      '{"spec":{"concurrencyPolicy":"Replace"}}',
    ]);
    const replaced = await until(async () => {
      const n = await jobNames();
      return n.length === 1 && n[0] !== name ? n[0] : undefined;
    }, "the replacement job");
    assert.equal(replaced, `nightly-${(clock - 5_000) / 60_000}`);
    // kubectl builds a Job from the template client-side.
    await kubectl(["create", "job", "--from=cronjob/nightly", "manual"]);
    const manual = JSON.parse(await kubectl(["get", "job", "manual", "-o", "json"]));
    assert.equal(manual.metadata.annotations["cronjob.kubernetes.io/instantiate"], "manual");
    assert.equal(manual.metadata.ownerReferences[0].kind, "CronJob");
    await until(
      async () =>
        (await kubectl(["get", "job", "manual", "-o", "jsonpath={.status.active}"])) === "1"
          ? true
          : undefined,
      "the manual job running",
    );
  });
});
