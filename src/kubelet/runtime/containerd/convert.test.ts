import assert from "node:assert/strict";
import { test } from "node:test";
import { containerStatusFromCri, criContainerConfig, criSandboxConfig } from "./convert.ts";
import type { CriContainerStatus } from "./cri-types.ts";
import { nanosToMillis } from "./cri-types.ts";

test("oomScoreAdj is clamped to >= 0; pidsLimit is not sent as unified (runc refuses it on cgroup v1)", () => {
  const msg = criContainerConfig({
    metadata: { name: "c", attempt: 1 },
    image: { image: "busybox" },
    linux: { resources: { oomScoreAdj: -997, memoryLimitInBytes: 1024, pidsLimit: 50 } },
  }) as {
    linux: {
      resources: { oomScoreAdj: number; memoryLimitInBytes: number; unified?: Record<string, string> };
    };
  };
  assert.equal(msg.linux.resources.oomScoreAdj, 0);
  assert.equal(msg.linux.resources.memoryLimitInBytes, 1024);
  assert.equal(msg.linux.resources.unified, undefined);
});

test("the sandbox config carries the cgroup parent, port mappings and run-as ids as Int64Value", () => {
  const msg = criSandboxConfig({
    metadata: { name: "p", namespace: "ns", uid: "u", attempt: 0 },
    portMappings: [{ protocol: "TCP", containerPort: 80, hostPort: 8080 }],
    linux: { cgroupParent: "/skiff/podu", securityContext: { runAsUser: 1000 } },
  }) as {
    portMappings: { hostIp: string }[];
    linux: { cgroupParent: string; securityContext: { runAsUser: { value: number } } };
  };
  assert.equal(msg.linux.cgroupParent, "/skiff/podu");
  assert.deepEqual(msg.linux.securityContext.runAsUser, { value: 1000 });
  assert.equal(msg.portMappings[0]?.hostIp, "");
});

function exited(exitCode: number, reason = ""): CriContainerStatus {
  return {
    id: "c1",
    metadata: { name: "c", attempt: 2 },
    state: "CONTAINER_EXITED",
    createdAt: "1700000000000000000",
    startedAt: "1700000001000000000",
    finishedAt: "1700000002500000000",
    exitCode,
    image: { image: "busybox" },
    imageRef: "sha256:x",
    reason,
    message: "",
    labels: {},
    annotations: {},
    logPath: "/logs/c/2.log",
  };
}

test("an exited container gets Completed or Error unless containerd named a reason (OOMKilled)", () => {
  assert.equal(containerStatusFromCri(exited(0), "s").reason, "Completed");
  assert.equal(containerStatusFromCri(exited(2), "s").reason, "Error");
  const oom = containerStatusFromCri(exited(137, "OOMKilled"), "s");
  assert.deepEqual(
    {
      reason: oom.reason,
      exitCode: oom.exitCode,
      finishedAt: oom.finishedAt,
      sandbox: oom.podSandboxId,
      attempt: oom.metadata.attempt,
    },
    { reason: "OOMKilled", exitCode: 137, finishedAt: 1700000002500, sandbox: "s", attempt: 2 },
  );
});

test("nanosecond strings become epoch milliseconds without float rounding", () => {
  assert.equal(nanosToMillis("1795785077514999999"), 1795785077514);
  assert.equal(nanosToMillis("0"), 0);
  assert.equal(nanosToMillis(""), 0);
});
