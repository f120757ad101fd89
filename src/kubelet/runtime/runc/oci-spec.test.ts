// The OCI spec builder: CRI command/args semantics, env merging, capabilities, resources,
// clamped oomScoreAdj, mounts and the sandbox's network namespace by path.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerConfig } from "../runtime.ts";
import { buildSpec, defaultCapabilities, processArgs, processEnv } from "./oci-spec.ts";

const base: ContainerConfig = { metadata: { name: "c", attempt: 0 }, image: { image: "busybox" } };

function spec(config: Partial<ContainerConfig>, netnsPath?: string) {
  return buildSpec({
    config: { ...base, ...config },
    image: {
      Entrypoint: ["/entry"],
      Cmd: ["default"],
      Env: ["PATH=/bin", "FROM_IMAGE=1"],
      WorkingDir: "/work",
    },
    rootfs: "/b/rootfs",
    hostname: "pod",
    ...(netnsPath ? { netnsPath } : {}),
    cgroupsPath: "/skiff/pod1/c1",
    sandboxFiles: { hosts: "/s/hosts", resolvConf: "/s/resolv.conf", hostname: "/s/hostname" },
    user: { uid: 1000, gid: 1000, additionalGids: [5] },
  });
}

test("command replaces the entrypoint and drops the image's Cmd; args replace Cmd", () => {
  const image = { Entrypoint: ["/entry"], Cmd: ["default"] };
  assert.deepEqual(processArgs(base, image), ["/entry", "default"]);
  assert.deepEqual(processArgs({ ...base, args: ["x"] }, image), ["/entry", "x"]);
  assert.deepEqual(processArgs({ ...base, command: ["sh"] }, image), ["sh"]);
  assert.deepEqual(processArgs({ ...base, command: ["sh"], args: ["-c", "true"] }, image), [
    "sh",
    "-c",
    "true",
  ]);
  assert.throws(() => buildSpec({ ...spec({}), config: base, image: {} } as never));
});

test("env: image first, the config's values win", () => {
  const env = processEnv(
    {
      ...base,
      envs: [
        { key: "PATH", value: "/x" },
        { key: "A", value: "b=c" },
      ],
    },
    { Env: ["PATH=/bin", "I=1"] },
    "h",
  );
  assert.deepEqual(env, ["PATH=/x", "I=1", "HOSTNAME=h", "A=b=c"]);
});

test("process, root, namespaces and cgroup", () => {
  const s = spec(
    { workingDir: "", linux: { securityContext: { readonlyRootfs: true, noNewPrivs: true } } },
    "/run/netns/sb",
  );
  assert.equal(s.process.cwd, "/work");
  assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [5] });
  assert.equal(s.process.noNewPrivileges, true);
  assert.deepEqual(s.root, { path: "/b/rootfs", readonly: true });
  assert.equal(s.hostname, "pod");
  assert.deepEqual(
    s.linux.namespaces.find((n) => n.type === "network"),
    { type: "network", path: "/run/netns/sb" },
  );
  assert.equal(s.linux.cgroupsPath, "/skiff/pod1/c1");
  assert.deepEqual(s.process.capabilities.bounding, defaultCapabilities);
  assert.ok(s.linux.maskedPaths.includes("/proc/kcore"));
  assert.equal(
    spec({}).linux.namespaces.some((n) => n.type === "network"),
    false,
    "host network: no netns entry",
  );
});

test("resources, and oomScoreAdj is clamped to >= 0", () => {
  const s = spec({
    linux: {
      resources: {
        cpuShares: 512,
        cpuQuota: 50_000,
        cpuPeriod: 100_000,
        memoryLimitInBytes: 1 << 26,
        pidsLimit: 64,
        oomScoreAdj: -997,
      },
    },
  });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, quota: 50_000, period: 100_000 });
  assert.deepEqual(s.linux.resources.memory, { limit: 1 << 26, swap: 1 << 26 });
  assert.deepEqual(s.linux.resources.pids, { limit: 64 });
  assert.equal(s.process.oomScoreAdj, 0);
  assert.equal(spec({ linux: { resources: { oomScoreAdj: 1000 } } }).process.oomScoreAdj, 1000);
});

test("capabilities: drop ALL then add; privileged gets every capability and no masked paths", () => {
  const s = spec({
    linux: {
      securityContext: { capabilities: { dropCapabilities: ["ALL"], addCapabilities: ["NET_ADMIN"] } },
    },
  });
  assert.deepEqual(s.process.capabilities.effective, ["CAP_NET_ADMIN"]);
  const p = spec({ linux: { securityContext: { privileged: true } } });
  assert.ok(p.process.capabilities.bounding.includes("CAP_SYS_ADMIN"));
  assert.deepEqual(p.linux.maskedPaths, []);
});

test("mounts: CRI mounts as binds; a CRI mount over /etc/hosts replaces the sandbox's", () => {
  const s = spec({
    mounts: [
      {
        containerPath: "/data",
        hostPath: "/h/data",
        readonly: true,
        propagation: "PROPAGATION_HOST_TO_CONTAINER",
      },
      { containerPath: "/etc/hosts", hostPath: "/h/hosts" },
    ],
  });
  const data = s.mounts.find((m) => m.destination === "/data");
  assert.deepEqual(data, {
    destination: "/data",
    type: "bind",
    source: "/h/data",
    options: ["rbind", "rslave", "ro"],
  });
  assert.deepEqual(
    s.mounts.filter((m) => m.destination === "/etc/hosts").map((m) => m.source),
    ["/h/hosts"],
  );
  assert.ok(s.mounts.some((m) => m.destination === "/etc/resolv.conf" && m.source === "/s/resolv.conf"));
  assert.ok(s.mounts.some((m) => m.destination === "/proc" && m.type === "proc"));
});
