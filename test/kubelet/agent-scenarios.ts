// The agent scenarios run against each real runtime (containerd, runc): the pods they need and
// the checks, driven through real kubectl 1.32 by the test files.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { busybox, type NodeCluster } from "./agent-support.ts";

const running = (p: Pod) => p.status?.phase === "Running";
const finished = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
const status = (p: Pod, name: string) => p.status?.containerStatuses?.find((s) => s.name === name);

const pod = (name: string, spec: string, labels = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${labels ? `  labels: {${labels}}\n` : ""}spec:
  terminationGracePeriodSeconds: 2
${spec}
---
`;

/** Creates the ConfigMap, Secret and the pods every scenario below waits for. */
export async function createScenarioPods(c: NodeCluster): Promise<void> {
  await c.kubectl("create", "configmap", "cfg", "--from-literal=greeting=hello-cm");
  await c.kubectl("create", "secret", "generic", "sec", "--from-literal=password=s3cret");
  await c.apply(
    pod(
      "pair",
      `  containers:
  - name: c1
    image: ${busybox}
    command: ["sh", "-c", "mkdir -p /www; echo hello-from-c1 > /www/index.html; ip -4 -o addr show eth0; exec httpd -f -p 8080 -h /www"]
  - name: c2
    image: ${busybox}
    command: ["sh", "-c", "ip -4 -o addr show eth0; for i in $(seq 1 30); do timeout 3 wget -qO- http://127.0.0.1:8080/ && break; sleep 1; done; exec sleep 3600"]`,
    ) +
      pod(
        "job",
        `  restartPolicy: Never
  containers:
  - name: main
    image: ${busybox}
    command: ["sh", "-c", "echo job-done; printf bye > /dev/termination-log"]`,
      ) +
      pod(
        "values",
        `  containers:
  - name: main
    image: ${busybox}
    resources: {limits: {memory: 64Mi}}
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    - {name: MY_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    command: ["sh", "-c", "cat /etc/cfg/greeting; echo; cat /etc/sec/password; echo; cat /etc/pod/name; echo; cat /etc/pod/labels; echo; grep ' /cache ' /proc/mounts | cut -d' ' -f3; echo env $GREETING $PASSWORD $MEM; exec sleep 3600"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: sec, mountPath: /etc/sec}
    - {name: pod, mountPath: /etc/pod}
    - {name: cache, mountPath: /cache}
  volumes:
  - {name: cache, emptyDir: {medium: Memory}}
  - {name: cfg, configMap: {name: cfg}}
  - {name: sec, secret: {secretName: sec}}
  - name: pod
    downwardAPI:
      items:
      - {path: name, fieldRef: {fieldPath: metadata.name}}
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}`,
        "app: values",
      ) +
      pod(
        "liveness",
        `  containers:
  - name: main
    image: ${busybox}
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600"]
    livenessProbe:
      exec: {command: ["cat", "/tmp/healthy"]}
      periodSeconds: 1
      failureThreshold: 1`,
      ) +
      pod(
        "whoami",
        `  restartPolicy: Never
  securityContext: {runAsUser: 1234, runAsGroup: 5678}
  containers:
  - name: main
    image: ${busybox}
    command: ["id"]`,
      ) +
      pod(
        "fsgroup",
        `  restartPolicy: Never
  securityContext: {runAsUser: 1000, fsGroup: 2000}
  containers:
  - name: main
    image: ${busybox}
    command: ["sh", "-c", "id; stat -c 'dir %g %a' /data; touch /data/f; stat -c 'file %g' /data/f; cat /etc/sec/password; echo"]
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: sec, mountPath: /etc/sec}
  volumes:
  - {name: data, emptyDir: {}}
  - {name: sec, secret: {secretName: sec, defaultMode: 0400}}`,
      ) +
      pod(
        "nonroot",
        `  securityContext: {runAsNonRoot: true}
  containers:
  - name: main
    image: ${busybox}
    command: ["sleep", "3600"]`,
      ),
  );
}

/** the node registers Ready with host capacity, nodeInfo and a lease */
export async function checkNode(c: NodeCluster, runtimeName: string): Promise<void> {
  const node = JSON.parse(await c.kubectl("get", "node", c.nodeName, "-o", "json")) as Node;
  assert.equal(node.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
  assert.ok((node.status?.nodeInfo?.containerRuntimeVersion ?? "").startsWith(`${runtimeName}://`));
  assert.match(node.status?.nodeInfo?.kubeletVersion ?? "", /^v1\.32\.\d+-skiff$/);
  assert.ok(Number(node.status?.capacity?.cpu) >= 1);
  assert.match(node.status?.capacity?.memory ?? "", /^\d+Ki$/);
  assert.equal(node.status?.capacity?.pods, "110");
  assert.ok(node.status?.addresses?.some((a) => a.type === "InternalIP"));
  assert.match(await c.kubectl("get", "lease", "-n", "kube-node-lease", c.nodeName), new RegExp(c.nodeName));
}

/** two containers share the pod's IP and reach each other on localhost */
export async function checkPair(c: NodeCluster): Promise<void> {
  const p = await c.waitPod(
    "pair",
    (x) => running(x) && c.logs(x, "c2").includes("hello-from-c1"),
    "c2 reaches c1",
  );
  const ip = p.status?.podIP ?? "";
  assert.ok(ip.startsWith(c.podCidr.replace(/0\/24$/, "")), `${ip} is in ${c.podCidr}`);
  assert.ok(c.logs(p, "c1").includes(`inet ${ip}/`), "c1 sees the pod IP");
  assert.ok(c.logs(p, "c2").includes(`inet ${ip}/`), "c2 sees the same IP");
}

/** a Job-like pod completes with exit code 0 */
export async function checkJob(c: NodeCluster): Promise<void> {
  const p = await c.waitPod("job", finished, "completion");
  assert.equal(p.status?.phase, "Succeeded");
  assert.equal(status(p, "main")?.state?.terminated?.exitCode, 0);
  assert.equal(status(p, "main")?.state?.terminated?.reason, "Completed");
  assert.equal(c.logs(p, "main"), "job-done");
  assert.equal(status(p, "main")?.state?.terminated?.message, "bye");
}

/** configMap, secret and downwardAPI values are visible inside the container; emptyDir Memory is tmpfs */
export async function checkValues(c: NodeCluster): Promise<void> {
  const p = await c.waitPod(
    "values",
    (x) => running(x) && c.logs(x, "main").includes("env "),
    "values printed",
  );
  const lines = c.logs(p, "main").split("\n");
  assert.deepEqual(lines.slice(0, 5), ["hello-cm", "s3cret", "values", 'app="values"', "tmpfs"]);
  assert.equal(lines.at(-1), "env hello-cm s3cret 64");
}

/** a failing liveness probe restarts the container */
export async function checkLiveness(c: NodeCluster): Promise<void> {
  const p = await c.waitPod("liveness", (x) => (status(x, "main")?.restartCount ?? 0) >= 1, "a restart");
  assert.equal(status(p, "main")?.lastState?.terminated?.exitCode, 137);
  const events = await c.kubectl("get", "events", "--field-selector", "involvedObject.name=liveness");
  assert.match(events, /Liveness probe failed/);
}

/** a readiness probe gates Ready */
export async function checkReadiness(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "readiness",
      `  containers:
  - name: main
    image: ${busybox}
    command: ["sh", "-c", "sleep 8; mkdir -p /www; echo ok > /www/index.html; exec httpd -f -p 8080 -h /www"]
    readinessProbe:
      httpGet: {path: /, port: 8080}
      periodSeconds: 1`,
    ),
  );
  const before = await c.waitPod(
    "readiness",
    (x) => status(x, "main")?.state?.running !== undefined,
    "running",
  );
  assert.equal(status(before, "main")?.ready, false, "not ready while nothing listens");
  assert.equal(before.status?.conditions?.find((x) => x.type === "Ready")?.status, "False");
  const after = await c.waitPod("readiness", (x) => status(x, "main")?.ready === true, "ready");
  assert.equal(after.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
}

/** runAsUser and runAsGroup show in id */
export async function checkWhoami(c: NodeCluster): Promise<void> {
  const p = await c.waitPod("whoami", finished, "completion");
  assert.match(c.logs(p, "main"), /^uid=1234 gid=5678/);
}

/** fsGroup: a supplementary group, group-owned setgid emptyDir, a 0400 secret readable by the group */
export async function checkFsGroup(c: NodeCluster): Promise<void> {
  const p = await c.waitPod("fsgroup", finished, "completion");
  assert.equal(p.status?.phase, "Succeeded", c.logs(p, "main"));
  const out = c.logs(p, "main");
  // Without runAsGroup the primary group comes from the image's /etc/passwd entry for the uid.
  assert.match(out, /^uid=1000\S* gid=\d+\S* groups=.*\b2000\b/m);
  assert.match(out, /^dir 2000 2777$/m);
  assert.match(out, /^file 2000$/m);
  assert.match(out, /^s3cret$/m);
}

/** runAsNonRoot without runAsUser is refused for an image that runs as root */
export async function checkRunAsNonRoot(c: NodeCluster): Promise<void> {
  const p = await c.waitPod(
    "nonroot",
    (x) => status(x, "main")?.state?.waiting?.reason === "CreateContainerConfigError",
    "CreateContainerConfigError",
  );
  assert.match(
    status(p, "main")?.state?.waiting?.message ?? "",
    /container has runAsNonRoot and image will run as root/,
  );
}

/** a static pod from the manifest dir appears as a mirror pod */
export async function checkStaticPod(c: NodeCluster): Promise<void> {
  writeFileSync(join(c.manifests, ".ignored.yaml"), "not: a pod\n");
  writeFileSync(
    join(c.manifests, "static.yaml"),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: static-web}\nspec:\n  terminationGracePeriodSeconds: 2\n  containers:\n  - name: web\n    image: ${busybox}\n    command: ["sleep", "3600"]\n`,
  );
  const name = `static-web-${c.nodeName}`;
  const p = await c.waitPod(name, running, "mirror pod Running");
  assert.ok(p.metadata?.annotations?.["kubernetes.io/config.mirror"]);
  assert.equal(p.metadata?.annotations?.["kubernetes.io/config.source"], "file");
  assert.equal(p.metadata?.ownerReferences?.[0]?.kind, "Node");
}

/** kill -9 of the agent leaves containers running; a restarted agent re-adopts them */
export async function checkKill9(c: NodeCluster): Promise<void> {
  const p = await c.pod("pair");
  const ids = p.status?.containerStatuses?.map((s) => s.containerID);
  const exited = new Promise((r) => c.agent.process.once("exit", r));
  c.agent.process.kill("SIGKILL");
  await exited;
  // With no agent at all, c1 still serves on the pod IP.
  const body = await fetch(`http://${p.status?.podIP}:8080/`).then((r) => r.text());
  assert.equal(body.trim(), "hello-from-c1");
  await c.startAgent();
  await new Promise((r) => setTimeout(r, 4000));
  const again = await c.pod("pair");
  assert.deepEqual(
    again.status?.containerStatuses?.map((s) => s.containerID),
    ids,
    "same containers",
  );
  assert.deepEqual(
    again.status?.containerStatuses?.map((s) => s.restartCount),
    [0, 0],
  );
  assert.equal(again.status?.phase, "Running");
  assert.equal(again.status?.podIP, p.status?.podIP);
}

/** kubectl logs, exec (stdout, stderr, exit code, stdin) and port-forward reach the container */
export async function checkStreaming(c: NodeCluster): Promise<void> {
  const p = await c.waitPod(
    "pair",
    (x) => running(x) && c.logs(x, "c2").includes("hello-from-c1"),
    "the pair pod serving",
  );
  const k = c.server.client("1.32");
  // logs: the container's own output, through API server → kubelet server → CRI log file.
  assert.match(await c.kubectl("logs", "pair", "-c", "c2"), /hello-from-c1/);
  assert.match(await c.kubectl("logs", "pair", "-c", "c1", "--tail=1"), /inet /);
  // exec: the pod's hostname, stderr and the exit code come back.
  const r = await k.run(["exec", "pair", "-c", "c1", "--", "sh", "-c", "hostname; echo oops >&2; exit 7"]);
  assert.equal(r.code, 7, r.stderr);
  assert.equal(r.stdout.trim(), "pair");
  assert.match(r.stderr, /oops/);
  const cat = await k.run(["exec", "-i", "pair", "-c", "c1", "--", "cat"], { input: "from-stdin\n" });
  assert.equal(cat.stdout, "from-stdin\n", cat.stderr);
  // port-forward: a local port reaches httpd in the pod's network namespace.
  const pf = k.start(["port-forward", "pod/pair", ":8080"]);
  try {
    await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/);
    const port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.stdout)?.[1]);
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.equal(body.trim(), "hello-from-c1");
  } finally {
    await pf.stop();
  }
  assert.ok(p.status?.podIP);
}

/**
 * Services and cluster DNS from inside a pod: the service name resolves through kube-dns (the
 * node's proxy DNATs the kube-dns IP to the server's DNS), a wrong name is NXDOMAIN, and the
 * ClusterIP reaches the backend pod through the proxy's nftables rules.
 */
export async function checkServicesAndDns(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "svcweb",
      `  containers:
  - name: web
    image: ${busybox}
    command: ["sh", "-c", "mkdir -p /www; echo hello-from-svc > /www/index.html; exec httpd -f -p 8080 -h /www"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}`,
      "app: svcweb",
    ) +
      `apiVersion: v1
kind: Service
metadata: {name: svcweb}
spec:
  selector: {app: svcweb}
  ports: [{name: http, port: 80, targetPort: 8080}]
`,
  );
  const clusterIP = (await c.kubectl("get", "service", "svcweb", "-o", "jsonpath={.spec.clusterIP}")).trim();
  assert.match(clusterIP, /^10\.204\./);
  await c.apply(
    pod(
      "svcclient",
      `  containers:
  - name: main
    image: ${busybox}
    command: ["sh", "-c", "for i in $(seq 1 60); do if nslookup svcweb.default.svc.cluster.local && timeout 3 wget -qO- http://${clusterIP}/; then break; fi; sleep 1; done; nslookup nope.default.svc.cluster.local || echo lookup-failed; exec sleep 3600"]`,
    ),
  );
  const p = await c.waitPod(
    "svcclient",
    (x) => running(x) && c.logs(x, "main").includes("lookup-failed"),
    "the client to resolve and fetch through the service",
    120_000,
  );
  const out = c.logs(p, "main");
  assert.ok(out.includes(`Address: ${clusterIP}`), `the service name resolves to ${clusterIP}:\n${out}`);
  assert.ok(out.includes("hello-from-svc"), `the ClusterIP reaches the backend:\n${out}`);
  assert.match(out, /NXDOMAIN|can't find/, "a wrong name is NXDOMAIN");
}
