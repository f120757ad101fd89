import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseResolvConf, podCgroupParent, type SandboxOptions, sandboxConfig } from "./sandbox-config.ts";

const options: SandboxOptions = {
  clusterDomain: "cluster.local",
  clusterDNS: "10.43.0.10",
  hostDNS: parseResolvConf("# host\nnameserver 192.168.1.1\nsearch example.com\noptions edns0\n"),
  podLogsRoot: "/data/pods",
};

const pod = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({
  metadata: { name: "web", namespace: "shop", uid: "u-1", labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "busybox" }], ...spec },
});

test("ClusterFirst: cluster DNS, the namespace's search path and ndots:5", () => {
  const c = sandboxConfig(pod({}), 0, options);
  assert.deepEqual(c.dnsConfig, {
    servers: ["10.43.0.10"],
    searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.com"],
    options: ["ndots:5"],
  });
  assert.equal(c.hostname, "web");
  assert.equal(c.labels?.["io.kubernetes.pod.uid"], "u-1");
  assert.equal(c.logDirectory, "/data/pods/shop_web_u-1");
  assert.equal(c.linux?.cgroupParent, "/skiff/kubepods/besteffort/podu-1");
});

test("Default uses the host's resolv.conf; None only the pod's dnsConfig", () => {
  assert.deepEqual(sandboxConfig(pod({ dnsPolicy: "Default" }), 0, options).dnsConfig, {
    servers: ["192.168.1.1"],
    searches: ["example.com"],
    options: ["edns0"],
  });
  const none = sandboxConfig(
    pod({
      dnsPolicy: "None",
      dnsConfig: { nameservers: ["1.1.1.1"], searches: ["a.b"], options: [{ name: "ndots", value: "2" }] },
    }),
    0,
    options,
  );
  assert.deepEqual(none.dnsConfig, { servers: ["1.1.1.1"], searches: ["a.b"], options: ["ndots:2"] });
});

test("hostPorts become port mappings; QoS picks the cgroup parent", () => {
  const c = sandboxConfig(
    pod({
      hostname: "h",
      containers: [
        {
          name: "c",
          ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }],
          resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } },
        },
      ],
    }),
    2,
    options,
  );
  assert.deepEqual(c.portMappings, [{ protocol: "TCP", containerPort: 80, hostPort: 8080 }]);
  assert.equal(c.hostname, "h");
  assert.equal(c.metadata.attempt, 2);
  assert.equal(podCgroupParent({ ...pod({}), status: { qosClass: "Guaranteed" } }), "/skiff/kubepods/podu-1");
});
