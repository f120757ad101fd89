import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { imageUser } from "../runtime/runtime.ts";
import {
  containerConfig,
  containerHash,
  containerResources,
  containerSecurity,
  verifyRunAsNonRoot,
} from "./container-config.ts";
import { ContainerConfigError } from "./fieldref.ts";

const gi = 1024 ** 3;

test("resources: shares from the request, quota from the limit, memory limit", () => {
  const pod: Pod = { metadata: { uid: "u" }, spec: { containers: [] }, status: { qosClass: "Burstable" } };
  const r = containerResources(
    pod,
    {
      name: "c",
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
    },
    2 * gi,
  );
  assert.equal(r.cpuShares, 256);
  assert.equal(r.cpuQuota, 50_000);
  assert.equal(r.cpuPeriod, 100_000);
  assert.equal(r.memoryLimitInBytes, gi);
  assert.equal(r.oomScoreAdj, 750);
  const none = containerResources({ ...pod, status: { qosClass: "BestEffort" } }, { name: "c" }, gi);
  assert.equal(none.cpuShares, 2);
  assert.equal(none.cpuQuota, undefined);
  assert.equal(none.oomScoreAdj, 1000);
});

test("security: container fields override the pod's; runAsNonRoot with uid 0 is refused", () => {
  const pod: Pod = {
    metadata: { name: "p", namespace: "d", uid: "u" },
    spec: { containers: [], securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 } },
  };
  const s = containerSecurity(pod, {
    name: "c",
    securityContext: {
      runAsUser: 1001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
  });
  assert.equal(s.runAsUser, 1001);
  assert.equal(s.runAsGroup, 3000);
  assert.deepEqual(s.supplementalGroups, [2000]);
  assert.equal(s.noNewPrivs, true);
  assert.equal(s.readonlyRootfs, true);
  assert.deepEqual(s.capabilities?.dropCapabilities, ["ALL"]);
  assert.ok((s.maskedPaths ?? []).includes("/proc/kcore"));
  assert.throws(
    () => containerSecurity(pod, { name: "c", securityContext: { runAsNonRoot: true, runAsUser: 0 } }),
    ContainerConfigError,
  );
});

test("config: command and args expanded, log path per attempt, labels and hash", () => {
  const c = {
    name: "app",
    image: "busybox",
    command: ["sh", "-c"],
    args: ["echo $(GREETING) $$(X)"],
    workingDir: "/w",
  };
  const pod: Pod = { metadata: { name: "p", namespace: "d", uid: "u" }, spec: { containers: [c] } };
  const cfg = containerConfig({
    pod,
    container: c,
    attempt: 3,
    image: "busybox:latest",
    envs: [{ key: "GREETING", value: "hi" }],
    mounts: [],
    memoryCapacityBytes: gi,
  });
  assert.deepEqual(cfg.args, ["echo hi $(X)"]);
  assert.equal(cfg.logPath, "app/3.log");
  assert.equal(cfg.workingDir, "/w");
  assert.equal(cfg.labels?.["io.kubernetes.container.name"], "app");
  assert.equal(cfg.annotations?.["io.kubernetes.container.hash"], containerHash(c));
});

test("runAsNonRoot is checked against the image's user when no runAsUser is set", () => {
  const pod = (sc: object): Pod => ({
    metadata: { name: "p", namespace: "ns", uid: "u" },
    spec: { securityContext: sc, containers: [{ name: "c" }] },
  });
  const c = { name: "c" };
  assert.deepEqual(imageUser(""), {});
  assert.deepEqual(imageUser("1000:1000"), { uid: 1000 });
  assert.deepEqual(imageUser("nobody"), { username: "nobody" });
  assert.throws(
    () => verifyRunAsNonRoot(pod({ runAsNonRoot: true }), c, imageUser("")),
    /image will run as root/,
  );
  assert.throws(
    () => verifyRunAsNonRoot(pod({ runAsNonRoot: true }), c, imageUser("0")),
    /image will run as root/,
  );
  assert.throws(
    () => verifyRunAsNonRoot(pod({ runAsNonRoot: true }), c, imageUser("nobody")),
    /image has non-numeric user \(nobody\), cannot verify user is non-root \(pod: "p_ns\(u\)", container: c\)/,
  );
  verifyRunAsNonRoot(pod({ runAsNonRoot: true }), c, imageUser("1000"));
  verifyRunAsNonRoot(pod({ runAsNonRoot: true, runAsUser: 1000 }), c, imageUser(""));
  verifyRunAsNonRoot(pod({}), c, imageUser(""));
});
