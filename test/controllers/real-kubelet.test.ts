// The workload controllers on a real node (containerd, test slot 6), asserted through kubectl
// 1.32: a Deployment rolls out, updates and undoes to revision 1 with real containers; a Job runs
// to completion (its log read back through the kubelet); a DaemonSet places its pod on the node;
// a StatefulSet of 2 starts web-0 then web-1; a CronJob fires on the minute.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { busybox, type NodeCluster, startNodeCluster } from "../kubelet/agent-support.ts";
import { until } from "./cluster-support.ts";

let cluster: NodeCluster;

// Sleeps until TERM, then exits at once: deletions and rollouts do not wait out a grace period.
const idle = `["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]`;
const podSpec = (labels: string) => `
    metadata: {labels: {${labels}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: ${busybox}, command: ${idle}}`;

// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
async function json(...args: string[]): Promise<any> {
  return JSON.parse(await cluster.kubectl(...args, "-o", "json"));
}

const running = (pod: {
  status?: { containerStatuses?: { state?: { running?: unknown }; containerID?: string }[] };
}) =>
  pod.status?.containerStatuses?.every(
    (s) => s.state?.running && s.containerID?.startsWith("containerd://"),
  ) ?? false;

before(async () => {
  cluster = await startNodeCluster({ index: 6, runtime: "containerd" });
  // Created first: it fires at the next minute while the other scenarios run.
  await cluster.apply(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - {name: tick, image: ${busybox}, command: ["echo", "tick"]}
`);
});

after(async () => {
  // Controllers would replace the pods the harness deletes: remove their owners first.
  await cluster?.kubectl(
    "delete",
    "cronjobs,jobs,deployments,daemonsets,statefulsets",
    "--all",
    "--wait=true",
    "--timeout=90s",
  );
  const left = await cluster?.teardown();
  assert.deepEqual(left ?? [], []);
});

test("a Deployment rolls out, updates and undoes to revision 1 with real containers", async () => {
  await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:${podSpec("app: web")}
`);
  await cluster.kubectl("rollout", "status", "deployment/web", "--timeout=120s");
  const pods = (await json("get", "pods", "-l", "app=web")).items;
  assert.equal(pods.length, 2);
  assert.ok(pods.every(running), "both pods run in containerd");

  await cluster.kubectl("set", "env", "deployment/web", "STAGE=two");
  await cluster.kubectl("rollout", "status", "deployment/web", "--timeout=120s");
  const history = await cluster.kubectl("rollout", "history", "deployment/web");
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  const updated = (await json("get", "pods", "-l", "app=web")).items.filter(
    (p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp,
  );
  assert.ok(
    updated.every((p: { spec: { containers: { env?: { name: string }[] }[] } }) =>
      p.spec.containers[0]?.env?.some((e) => e.name === "STAGE"),
    ),
    "the new pods carry STAGE",
  );

  await cluster.kubectl("rollout", "undo", "deployment/web", "--to-revision=1");
  await cluster.kubectl("rollout", "status", "deployment/web", "--timeout=120s");
  const restored = await json("get", "deployment", "web");
  assert.equal(restored.spec.template.spec.containers[0].env, undefined);
  assert.equal(restored.metadata.annotations["deployment.kubernetes.io/revision"], "3");
  const settled = await until(async () => {
    const items = (await json("get", "pods", "-l", "app=web")).items;
    return items.length === 2 && items.every(running) ? items : undefined;
  }, "two running pods of the restored template");
  assert.ok(
    settled.every(
      (p: { spec: { containers: { env?: unknown }[] } }) => p.spec.containers[0]?.env === undefined,
    ),
  );
});

test("a Job runs its container to completion", async () => {
  await cluster.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: once, image: ${busybox}, command: ["sh", "-c", "echo finished"]}
`);
  await cluster.kubectl("wait", "--for=condition=complete", "job/once", "--timeout=120s");
  const job = await json("get", "job", "once");
  assert.deepEqual([job.status.succeeded, job.status.failed ?? 0], [1, 0]);
  assert.equal((await cluster.kubectl("logs", "job/once")).trim(), "finished");
  assert.match(await cluster.kubectl("get", "job", "once", "--no-headers"), /^once\s+Complete\s+1\/1\s/);
});

test("a DaemonSet runs one pod on the node", async () => {
  await cluster.apply(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:${podSpec("app: agent")}
`);
  await cluster.kubectl("rollout", "status", "daemonset/agent", "--timeout=120s");
  const pods = (await json("get", "pods", "-l", "app=agent")).items;
  assert.equal(pods.length, 1);
  assert.equal(pods[0].spec.nodeName, cluster.nodeName);
  assert.ok(running(pods[0]), "the daemon pod runs in containerd");
  const ds = await json("get", "daemonset", "agent");
  assert.deepEqual([ds.status.desiredNumberScheduled, ds.status.numberReady], [1, 1]);
});

test("a StatefulSet of 2 starts web-0, then web-1", async () => {
  await cluster.apply(`
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:${podSpec("app: db")}
`);
  await cluster.kubectl("rollout", "status", "statefulset/db", "--timeout=120s");
  const first = await cluster.pod("db-0");
  const second = await cluster.pod("db-1");
  assert.ok(running(first) && running(second), "both members run in containerd");
  // OrderedReady: db-1 is created only once db-0 is ready.
  const ready0 = first.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "";
  assert.ok(
    Date.parse(second.metadata?.creationTimestamp ?? "") >= Date.parse(ready0),
    `db-1 created ${second.metadata?.creationTimestamp}, db-0 ready ${ready0}`,
  );
  assert.equal(second.spec?.hostname, "db-1");
  assert.equal(second.spec?.subdomain, "db");
});

test("the CronJob fires on the minute and its Job completes", async () => {
  const job = await until(
    async () => {
      const items = (await json("get", "jobs")).items.filter(
        (j: { metadata: { ownerReferences?: { kind: string; name: string }[] } }) =>
          j.metadata.ownerReferences?.some((o) => o.kind === "CronJob" && o.name === "tick"),
      );
      return items.find((j: { status?: { succeeded?: number } }) => j.status?.succeeded === 1);
    },
    "a completed Job of the CronJob",
    1500,
  );
  assert.match(job.metadata.name, /^tick-\d+$/);
  const cron = await json("get", "cronjob", "tick");
  assert.ok(cron.status.lastScheduleTime, "lastScheduleTime");
  assert.equal((await cluster.kubectl("logs", `job/${job.metadata.name}`)).trim(), "tick");
});
