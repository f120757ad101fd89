// Two machines (network namespaces) join a server with a token from `skiff token create`, then
// pods talk across them: pod IP to pod IP, a ClusterIP whose backend is on the other node (from a
// pod and from the node itself), cluster DNS; drain moves a Deployment's pods; a killed node goes
// NotReady and its pods are evicted to the other; a restarted agent reuses its node certificate.
// A wrong token or CA pin is refused with one line. The host keeps nothing afterwards.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { skiffEntry } from "../support/skiff-entry.ts";
import { AgentProcess, clusterCidr, type Machine, NetnsCluster, sh, until } from "./netns-cluster.ts";

const busybox = "skiff.local/busybox:1";
const c = new NetnsCluster();
let join: { server: string; token: string; hash: string };

before(async () => {
  c.buildNetwork(["a", "b"]);
  await c.startServer();
});

after(async () => {
  const left = await c.teardown();
  assert.deepEqual(left, [], "no netns, bridge, route, nft table, cgroup, mount or process is left");
});

/** A GET from inside pod client-a (busybox wget, 5 s). */
function fetchFromA(url: string) {
  return c.server.kubectl(["exec", "client-a", "--", "timeout", "5", "wget", "-qO-", url]);
}

const running = (name: string): Promise<Pod> => c.runningPod(name);

async function start(m: Machine, args: string[]): Promise<void> {
  const { agent, ready } = AgentProcess.start(m, c.agentArgs(m, args));
  m.agent = agent;
  await ready;
}

function joinArgs(token = join.token, hash = join.hash): string[] {
  return ["--server", join.server, "--token", token, "--ca-cert-hash", hash];
}

function failedJoin(m: Machine, args: string[]): { code: number; out: string } {
  const r = c.inMachine(m, [process.execPath, ...skiffEntry(), "agent", ...c.agentArgs(m, args)], 90_000);
  return r;
}

test("skiff token create prints a join command; a wrong token or CA pin is refused with one line", async () => {
  const created = c.token(["create", "--ttl", "1h", "--description", "test nodes", "--print-join-command"]);
  assert.equal(created.code, 0, created.out);
  const m =
    /skiff agent --server (\S+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --ca-cert-hash (sha256:[0-9a-f]{64})/.exec(
      created.out,
    );
  assert.ok(m?.[1] && m[2] && m[3], created.out);
  join = { server: m[1], token: m[2], hash: m[3] };
  assert.equal(join.server, c.url);
  const list = c.token(["list"]);
  assert.match(
    list.out,
    new RegExp(
      `${join.token.replace(".", "\\.")}\\s+\\d+[hm]\\s+\\S+\\s+authentication,signing\\s+test nodes\\s+system:bootstrappers:skiff:default-node-token`,
    ),
  );
  const a = c.machine("a");
  const id = join.token.split(".")[0] ?? "";
  const wrongSecret = failedJoin(a, joinArgs(`${id}.0123456789abcdef`));
  assert.notEqual(wrongSecret.code, 0);
  assert.deepEqual(wrongSecret.out.trim().split("\n").length, 1, wrongSecret.out);
  assert.match(wrongSecret.out, /^error: cannot join: the token \w+\.… does not sign the cluster-info/);
  const wrongPin = failedJoin(a, joinArgs(join.token, `sha256:${"0".repeat(64)}`));
  assert.notEqual(wrongPin.code, 0);
  assert.match(
    wrongPin.out.trim(),
    /^error: cannot join: the cluster CA of \S+ does not match --ca-cert-hash/,
  );
  assert.equal(wrongPin.out.trim().split("\n").length, 1, wrongPin.out);
  // Nothing was asked of the API with a wrong token.
  const csrs = await c.kubectl("get", "csr", "-o", "name");
  assert.equal(csrs.trim(), "");
});

test("both machines join with the token and become Ready as themselves, with pod CIDRs from node IPAM", async () => {
  await Promise.all([start(c.machine("a"), joinArgs()), start(c.machine("b"), joinArgs())]);
  const nodes = await c.readyNodes(2);
  const cidrs = nodes.map((n) => n.spec?.podCIDR ?? "");
  assert.equal(new Set(cidrs).size, 2);
  for (const cidr of cidrs) assert.match(cidr, /^10\.206\.\d+\.0\/24$/, `${cidr} inside ${clusterCidr}`);
  const csrs = await c.kubectl("get", "csr");
  assert.match(csrs, /kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:\w+.*Approved,Issued/);
  // The agent authenticates as the node: its kubeconfig holds a certificate for system:node:<name>.
  const a = c.machine("a");
  const who = sh("kubectl", [
    "--kubeconfig",
    `${a.dataDir}/kubelet.kubeconfig`,
    "auth",
    "whoami",
    "-o",
    "jsonpath={.status.userInfo.username}",
  ]);
  assert.equal(who.out.trim(), "system:node:skj-node-a", who.out);
  // host-gw: node A routes B's pod CIDR via B's address, with Skiff's route protocol.
  const b = nodes.find((n) => n.metadata?.name === "skj-node-b");
  const routes = c.inMachine(a, ["ip", "-4", "route", "show", "proto", "205"]).out;
  assert.match(routes, new RegExp(`${(b?.spec?.podCIDR ?? "?").replace(/\./g, "\\.")} via 10\\.205\\.0\\.3`));
  assert.match(routes, /10\.205\.1\.0\/24 dev skjbr0/);
});

test("a pod on A reaches a pod on B by IP, and a ClusterIP backed on B from a pod and from node A", async () => {
  await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: web-b, labels: {app: web-b}}
spec:
  nodeName: skj-node-b
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${busybox}
    # /cgi-bin/ip answers with the address the request came from (busybox httpd sets REMOTE_ADDR).
    command: ["sh", "-c", "mkdir -p /www/cgi-bin; echo hello-from-b > /www/index.html; echo '#!/bin/sh' > /www/cgi-bin/ip; echo 'echo Content-Type: text/plain; echo; echo $REMOTE_ADDR' >> /www/cgi-bin/ip; chmod +x /www/cgi-bin/ip; exec httpd -f -p 8080 -h /www"]
---
apiVersion: v1
kind: Pod
metadata: {name: client-a}
spec:
  nodeName: skj-node-a
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${busybox}
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web-b}
  ports: [{port: 80, targetPort: 8080}]
`);
  const web = await running("web-b");
  const client = await running("client-a");
  const direct = await until("pod A fetches pod B", async () => {
    const r = await fetchFromA(`http://${web.status?.podIP}:8080/`);
    return r.stdout.includes("hello-from-b") ? r.stdout : undefined;
  });
  assert.match(direct, /hello-from-b/);
  // Kubernetes' network model: pod B sees pod A's own address, not node A's (no NAT between pods).
  const seen = await fetchFromA(`http://${web.status?.podIP}:8080/cgi-bin/ip`);
  // httpd listens on IPv6 too, so the IPv4 client shows as [::ffff:a.b.c.d].
  assert.equal(seen.stdout.trim().replace(/^\[::ffff:(.*)\]$/, "$1"), client.status?.podIP, seen.stderr);
  const clusterIP = (await c.kubectl("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}")).trim();
  assert.match(clusterIP, /^10\.205\.1\.\d+$/);
  const viaService = await until("pod A fetches the ClusterIP", async () => {
    const r = await fetchFromA(`http://${clusterIP}/`);
    return r.stdout.includes("hello-from-b") ? r.stdout : undefined;
  });
  assert.match(viaService, /hello-from-b/);
  const a = c.machine("a");
  const fromNode = await until("node A fetches the ClusterIP", async () => {
    const r = c.inMachine(a, ["timeout", "5", "busybox", "wget", "-qO-", `http://${clusterIP}/`]);
    return r.out.includes("hello-from-b") ? r.out : undefined;
  });
  assert.match(fromNode, /hello-from-b/);
  // Node A has no default route: the service CIDR route is what lets the host's packet be DNATed.
  assert.doesNotMatch(c.inMachine(a, ["ip", "route", "show", "default"]).out, /default/);
});

test("cluster DNS answers from a pod on A", async () => {
  const clusterIP = (await c.kubectl("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}")).trim();
  const out = await until("nslookup from client-a", async () => {
    const r = await c.server.kubectl(["exec", "client-a", "--", "nslookup", "web.default.svc.cluster.local"]);
    return r.stdout.includes(clusterIP) ? r.stdout : undefined;
  });
  assert.match(out, new RegExp(clusterIP.replace(/\./g, "\\.")));
});

test("a ClusterIP spreads 50 requests from a pod on A over backends on both nodes", async () => {
  const echo = (node: string) => `apiVersion: v1
kind: Pod
metadata: {name: echo-${node}, labels: {app: echo}}
spec:
  nodeName: skj-node-${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: web
    image: ${busybox}
    command: ["sh", "-c", "mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www"]
`;
  await c.apply(`${echo("a")}---
${echo("b")}---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
`);
  await running("echo-a");
  await running("echo-b");
  const clusterIP = (await c.kubectl("get", "svc", "echo", "-o", "jsonpath={.spec.clusterIP}")).trim();
  const counts = await until("both backends answer", async () => {
    const r = await c.server.kubectl([
      "exec",
      "client-a",
      "--",
      "sh",
      "-c",
      `for i in $(seq 50); do timeout 3 wget -qO- http://${clusterIP}/; done`,
    ]);
    const seen = new Map<string, number>();
    for (const line of r.stdout.split("\n").filter((l) => l !== ""))
      seen.set(line, (seen.get(line) ?? 0) + 1);
    return seen.size === 2 ? seen : undefined;
  });
  assert.deepEqual([...counts.keys()].sort(), ["echo-a", "echo-b"]);
  assert.equal(
    [...counts.values()].reduce((x, y) => x + y, 0),
    50,
    "every request answered",
  );
  await c.kubectl("delete", "pod", "echo-a", "echo-b", "--wait=false");
  await c.kubectl("delete", "svc", "echo");
});

test("a UDP flow pinned to a removed endpoint is flushed from conntrack and moves to the new one", async (t) => {
  const a = c.machine("a");
  if (c.inMachine(a, ["conntrack", "--version"]).code !== 0) {
    t.skip("the conntrack tool is not installed (apt package conntrack)");
    return;
  }
  const udpPod = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: udp}}
spec:
  nodeName: skj-node-b
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: ${busybox}
    command: ["sleep", "3600"]
`;
  await c.apply(`${udpPod("udp-1")}---
apiVersion: v1
kind: Service
metadata: {name: udp}
spec:
  selector: {app: udp}
  ports: [{port: 5353, protocol: UDP}]
`);
  const first = await running("udp-1");
  const clusterIP = (await c.kubectl("get", "svc", "udp", "-o", "jsonpath={.spec.clusterIP}")).trim();
  // One client socket on a fixed port sending every 200 ms keeps its conntrack entry alive: without
  // a flush it would stay DNATed to the first endpoint for as long as the client keeps sending.
  const sender = spawn(
    "nsenter",
    [
      `--net=/run/netns/${a.netns}`,
      "--",
      process.execPath,
      "-e",
      `const s=require("node:dgram").createSocket("udp4");s.on("error",()=>{});s.bind(40053,()=>setInterval(()=>s.send("x",5353,"${clusterIP}"),200));`,
    ],
    { stdio: "ignore" },
  );
  try {
    const entry = (ip: string) =>
      until(`a conntrack entry DNATed to ${ip}`, async () => {
        const r = c.inMachine(a, [
          "conntrack",
          "-L",
          "-p",
          "udp",
          "--orig-dst",
          clusterIP,
          "--sport",
          "40053",
        ]);
        return r.out.includes(`src=${ip} `) ? r.out : undefined;
      });
    await entry(first.status?.podIP ?? "?");
    await c.apply(udpPod("udp-2"));
    const second = await running("udp-2");
    await c.kubectl("delete", "pod", "udp-1", "--wait=false");
    await entry(second.status?.podIP ?? "?");
  } finally {
    sender.kill("SIGKILL");
  }
  await c.kubectl("delete", "pod", "udp-2", "--wait=false");
  await c.kubectl("delete", "svc", "udp");
});

async function deploymentPods(app: string): Promise<Pod[]> {
  const list = JSON.parse(await c.kubectl("get", "pods", "-l", `app=${app}`, "-o", "json")).items as Pod[];
  return list.filter((p) => !p.metadata?.deletionTimestamp);
}

function deployment(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      tolerations:
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      containers:
      - name: c
        image: ${busybox}
        command: ["sleep", "3600"]
`;
}

async function allRunningOn(app: string, replicas: number, node: string): Promise<Pod[]> {
  return until(
    `${app}: ${replicas} pods running on ${node}`,
    async () => {
      const pods = await deploymentPods(app);
      const ok = pods.filter((p) => p.status?.phase === "Running" && p.spec?.nodeName === node);
      return ok.length === replicas && pods.length === replicas ? pods : undefined;
    },
    120_000,
  );
}

test("kubectl drain of B moves a Deployment's pods onto A", async () => {
  await c.kubectl("cordon", "skj-node-a");
  await c.apply(deployment("spread", 2));
  await allRunningOn("spread", 2, "skj-node-b");
  await c.kubectl("uncordon", "skj-node-a");
  await c.kubectl("drain", "skj-node-b", "--ignore-daemonsets", "--force", "--timeout=120s");
  await allRunningOn("spread", 2, "skj-node-a");
  await c.kubectl("uncordon", "skj-node-b");
  await c.kubectl("delete", "deployment", "spread", "--wait=true");
});

test("a killed node goes NotReady and its pods are evicted onto A; its restarted agent reuses its certificate", async () => {
  await c.kubectl("cordon", "skj-node-a");
  await c.apply(deployment("evict", 1));
  const [onB] = await allRunningOn("evict", 1, "skj-node-b");
  await c.kubectl("uncordon", "skj-node-a");
  const b = c.machine("b");
  await b.agent?.stop("SIGKILL");
  await until(
    "node B NotReady",
    async () => {
      const n = JSON.parse(await c.kubectl("get", "node", "skj-node-b", "-o", "json")) as Node;
      const ready = n.status?.conditions?.find((x) => x.type === "Ready");
      return ready && ready.status !== "True" ? ready : undefined;
    },
    120_000,
  );
  const moved = await allRunningOn("evict", 1, "skj-node-a");
  assert.notEqual(moved[0]?.metadata?.name, onB?.metadata?.name);
  // A restart needs no token: the node kubeconfig written at join is reused.
  await start(b, ["--server", join.server]);
  assert.doesNotMatch(b.agent?.log ?? "", /certificate issued/);
  await until("node B Ready again", async () => {
    const n = JSON.parse(await c.kubectl("get", "node", "skj-node-b", "-o", "json")) as Node;
    return n.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True") ? n : undefined;
  });
  await until(
    "the evicted pod is gone",
    async () => {
      const r = await c.server.kubectl(["get", "pod", onB?.metadata?.name ?? "", "-o", "name"]);
      return r.code !== 0 ? true : undefined;
    },
    120_000,
  );
});

test("kubectl delete node takes its route off the other node; the restarted agent re-registers and it comes back", async () => {
  const a = c.machine("a");
  const b = c.machine("b");
  const podCidr = (await c.kubectl("get", "node", "skj-node-b", "-o", "jsonpath={.spec.podCIDR}")).trim();
  const routeToB = () =>
    c.inMachine(a, ["ip", "-4", "route", "show", "proto", "205"]).out.includes(`${podCidr} via ${b.ip}`);
  assert.ok(routeToB(), "A routes B's pod CIDR while B is a node");
  await c.kubectl("delete", "node", "skj-node-b");
  await until("A's route to B's pod CIDR removed", async () => (routeToB() ? undefined : true));
  await b.agent?.stop();
  await start(b, ["--server", join.server]);
  const again = await until("B registered with a pod CIDR", async () => {
    const cidr = (await c.kubectl("get", "node", "skj-node-b", "-o", "jsonpath={.spec.podCIDR}")).trim();
    return cidr === "" ? undefined : cidr;
  });
  await until("A routes B's pod CIDR again", async () =>
    c.inMachine(a, ["ip", "-4", "route", "show", "proto", "205"]).out.includes(`${again} via ${b.ip}`)
      ? true
      : undefined,
  );
});
