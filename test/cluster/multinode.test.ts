// A second two-machine cluster (names skx*, addresses 10.207/16) for what needs more than one
// node: a NodePort reached through the node that has no backend; a headless Service, pod A
// records and StatefulSet-style names resolved from a pod on the other node; an Ingress served by
// the server (which has no node of its own) and by `skiff agent --ingress`, both reaching a pod on
// the other node, with status.loadBalancer listing the serving node; one Ingress routing two
// hosts and two paths to two services with backends on both nodes, over HTTP and over HTTPS with
// the certificate of its spec.tls Secret (SNI) on agent A; scaling a Deployment up and down moving
// a NodePort's traffic to the new set of pods (the observed EndpointSlice → traffic latency is
// saved to test-artifacts/network/scaling-latency.json); a machine whose Node was deleted
// re-joining with a wrong or an expired token refused in one line with no Node created; and the
// vxlan backend.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";
import { join as joinPath } from "node:path";
import { after, before, test } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { ask, testCa, tlsSecretYaml } from "../ingress/support.ts";
import { BackendSampler, EndpointTimes, saveArtifact } from "./backend-timing.ts";
import { AgentProcess, type Machine, NetnsCluster, sh, until } from "./netns-cluster.ts";

const busybox = "skiff.local/busybox:1";
const c = new NetnsCluster({
  prefix: "skx",
  hostNet: "10.207.0",
  serviceCidr: "10.207.1.0/24",
  clusterCidr: "10.207.128.0/17",
});
const agentIngressPort = 8081;
const agentIngressHttpsPort = 8443;
const mainScript = joinPath(import.meta.dirname, "../../src/cli/main.ts");
let serverIngressPort = 0;
let join: { server: string; token: string; hash: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

before(async () => {
  c.buildNetwork(["a", "b"]);
  serverIngressPort = await freePort();
  const httpsPort = await freePort();
  // The harness disables the server's ingress unless this is set.
  process.env.SKIFF_INGRESS_HTTP_PORT = String(serverIngressPort);
  await c.startServer([
    "--ingress-http-port",
    String(serverIngressPort),
    "--ingress-https-port",
    String(httpsPort),
  ]);
});

after(async () => {
  const left = await c.teardown();
  assert.deepEqual(left, [], "no netns, bridge, route, nft table, cgroup, mount or process is left");
});

const running = (name: string): Promise<Pod> => c.runningPod(name);

function agentFlags(m: Machine): string[] {
  return m.id === "a"
    ? [
        "--ingress",
        "--ingress-http-port",
        String(agentIngressPort),
        "--ingress-https-port",
        String(agentIngressHttpsPort),
      ]
    : [];
}

async function start(m: Machine, args: string[]): Promise<void> {
  const { agent, ready } = AgentProcess.start(m, c.agentArgs(m, [...args, ...agentFlags(m)]));
  m.agent = agent;
  await ready;
}

/** A pod pinned to a node: busybox httpd answering with its hostname, or sleeping. */
function podYaml(name: string, node: string, o: { web?: boolean; labels?: string; extra?: string } = {}) {
  const command = o.web
    ? `["sh", "-c", "mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www"]`
    : `["sleep", "3600"]`;
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {${o.labels ?? `app: ${name}`}}}
spec:
  nodeName: skx-node-${node}
  terminationGracePeriodSeconds: 0
${o.extra ?? ""}  containers:
  - name: c
    image: ${busybox}
    command: ${command}
`;
}

/** A ClusterIP Service on port 80 for the pods labelled app=<app> (their httpd on 8080). */
function serviceYaml(name: string, app: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${app}}
  ports: [{port: 80, targetPort: 8080}]
`;
}

/** A GET with a Host header from the test process (the host namespace). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {}, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

test("both machines join, A also serving ingress", async () => {
  // Node A may read TLS Secrets, so its ingress serves the certificates of Ingress spec.tls.
  await c.kubectl(
    "create",
    "clusterrole",
    "skiff:ingress-tls",
    "--verb=get,list,watch",
    "--resource=secrets",
  );
  await c.kubectl(
    "create",
    "clusterrolebinding",
    "skiff:ingress-tls:skx-node-a",
    "--clusterrole=skiff:ingress-tls",
    "--user=system:node:skx-node-a",
  );
  const created = c.token(["create", "--ttl", "1h", "--print-join-command"]);
  const m = /--server (\S+) --token (\S+) --ca-cert-hash (\S+)/.exec(created.out);
  assert.ok(m?.[1] && m[2] && m[3], created.out);
  join = { server: m[1], token: m[2], hash: m[3] };
  const args = ["--server", join.server, "--token", join.token, "--ca-cert-hash", join.hash];
  await Promise.all([start(c.machine("a"), args), start(c.machine("b"), args)]);
  const nodes = await c.readyNodes(2);
  for (const n of nodes) assert.match(n.spec?.podCIDR ?? "", /^10\.207\.\d+\.0\/24$/);
});

test("a NodePort reached through B's address is answered by the pod on A (B DNATs and masquerades)", async () => {
  await c.apply(`${podYaml("np-a", "a", { web: true })}---
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  selector: {app: np-a}
  ports: [{port: 80, targetPort: 8080}]
`);
  await running("np-a");
  const nodePort = (await c.kubectl("get", "svc", "np", "-o", "jsonpath={.spec.ports[0].nodePort}")).trim();
  assert.match(nodePort, /^3\d{4}$/);
  const b = c.machine("b");
  // From the host (outside the cluster) and from node A itself, to B's address.
  const fromHost = await until("the host fetches B's NodePort", async () => {
    const r = await get(`http://${b.ip}:${nodePort}/`);
    return r.body.includes("np-a") ? r.body : undefined;
  });
  assert.equal(fromHost.trim(), "np-a");
  const a = c.machine("a");
  const fromA = await until("node A fetches B's NodePort", async () => {
    const r = c.inMachine(a, ["timeout", "5", "busybox", "wget", "-qO-", `http://${b.ip}:${nodePort}/`]);
    return r.out.includes("np-a") ? r.out : undefined;
  });
  assert.equal(fromA.trim(), "np-a");
  await c.kubectl("delete", "svc", "np");
});

test("a headless Service, pod A records and StatefulSet-style names resolve from a pod on the other node", async () => {
  const member = (name: string, node: string) =>
    podYaml(name, node, {
      web: true,
      labels: "app: db",
      extra: `  hostname: ${name}\n  subdomain: db\n`,
    });
  await c.apply(`${member("db-0", "a")}---
${member("db-1", "b")}---
${podYaml("client-b", "b")}---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: http, port: 8080}]
`);
  const db0 = await running("db-0");
  const db1 = await running("db-1");
  await running("client-b");
  const ip0 = db0.status?.podIP ?? "?";
  const ip1 = db1.status?.podIP ?? "?";
  const lookup = (name: string) => c.server.kubectl(["exec", "client-b", "--", "nslookup", name]);
  const both = await until("the headless name answers both pods", async () => {
    const r = await lookup("db.default.svc.cluster.local");
    return r.stdout.includes(ip0) && r.stdout.includes(ip1) ? r.stdout : undefined;
  });
  assert.ok(both.includes(ip0) && both.includes(ip1));
  const ordinal = await until("db-0.db resolves to the pod on A", async () => {
    const r = await lookup("db-0.db.default.svc.cluster.local");
    return r.stdout.includes(ip0) ? r.stdout : undefined;
  });
  assert.doesNotMatch(ordinal, new RegExp(`Address.*\\b${ip1.replace(/\./g, "\\.")}\\b`));
  const podRecord = await lookup(`${ip0.replaceAll(".", "-")}.default.pod.cluster.local`);
  assert.match(podRecord.stdout, new RegExp(ip0.replace(/\./g, "\\.")));
  // The short name through the search path, and traffic to it crossing to node A.
  const fetched = await until("client-b fetches db-0.db", async () => {
    const r = await c.server.kubectl([
      "exec",
      "client-b",
      "--",
      "timeout",
      "5",
      "wget",
      "-qO-",
      "http://db-0.db:8080/",
    ]);
    return r.stdout.includes("db-0") ? r.stdout : undefined;
  });
  assert.equal(fetched.trim(), "db-0");
  const wrong = await lookup("db-9.db.default.svc.cluster.local");
  assert.notEqual(wrong.code, 0);
  assert.match(`${wrong.stdout}${wrong.stderr}`, /NXDOMAIN|can't find/);
});

test("an Ingress is served by the server and by agent A, both reaching the pod on B; status lists A", async () => {
  await c.apply(`${podYaml("site-b", "b", { web: true })}---
${serviceYaml("site", "site-b")}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site}
spec:
  rules:
  - host: site.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: site, port: {number: 80}}}}
`);
  await running("site-b");
  const viaServer = await until("the server's ingress answers for site.test", async () => {
    const r = await get(`http://${c.hostIP}:${serverIngressPort}/`, "site.test");
    return r.status === 200 && r.body.includes("site-b") ? r.body : undefined;
  });
  assert.equal(viaServer.trim(), "site-b");
  const a = c.machine("a");
  const viaAgent = await until("agent A's ingress answers for site.test", async () => {
    const r = await get(`http://${a.ip}:${agentIngressPort}/`, "site.test");
    return r.status === 200 && r.body.includes("site-b") ? r.body : undefined;
  });
  assert.equal(viaAgent.trim(), "site-b");
  const other = await get(`http://${a.ip}:${agentIngressPort}/`, "other.test");
  assert.equal(other.status, 404);
  const status = await until("status.loadBalancer lists the serving node A", async () => {
    const ips = (
      await c.kubectl("get", "ingress", "site", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}")
    ).trim();
    return ips === a.ip ? ips : undefined;
  });
  assert.equal(status, a.ip);
  await c.kubectl("delete", "ingress", "site");
});

/** Deployment `blue` (httpd answering its pod name on /, /blue/ and /green/), spread over both nodes. */
function blueDeployment(replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: blue}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: blue}}
  template:
    metadata: {labels: {app: blue}}
    spec:
      # Long enough that a removed pod still answers while the proxy has to stop sending to it.
      terminationGracePeriodSeconds: 20
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: blue}}}
      containers:
      - name: web
        image: ${busybox}
        command: ["sh", "-c", "mkdir -p /www/blue /www/green; for d in /www /www/blue /www/green; do hostname > $d/index.html; done; exec httpd -f -p 8080 -h /www"]
`;
}

/** The Running, not terminating pods of `blue`, once there are `n` of them. */
function bluePods(n: number): Promise<Pod[]> {
  return until(
    `${n} blue pods running`,
    async () => {
      const list = JSON.parse(await c.kubectl("get", "pods", "-l", "app=blue", "-o", "json")).items as Pod[];
      const live = list.filter((p) => !p.metadata?.deletionTimestamp);
      const ok = live.filter((p) => p.status?.phase === "Running");
      return live.length === n && ok.length === n ? ok : undefined;
    },
    120_000,
  );
}
const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name ?? "?").sort();

test("an Ingress routes two hosts and two paths to two services with backends on both nodes, over HTTP and TLS by SNI on agent A", async () => {
  const ca = await testCa();
  await c.apply(`${blueDeployment(2)}---
${podYaml("green-a", "a", { web: true, labels: "app: green" }).replace("hostname > /www/index.html", "mkdir -p /www/blue /www/green; for d in /www /www/blue /www/green; do hostname > $d/index.html; done")}---
${tlsSecretYaml("one-tls", await ca.issue(["one.test"]))}---
apiVersion: v1
kind: Service
metadata: {name: blue}
spec:
  type: NodePort
  selector: {app: blue}
  ports: [{port: 80, targetPort: 8080}]
---
${serviceYaml("green", "green")}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: routes}
spec:
  tls: [{hosts: [one.test], secretName: one-tls}]
  rules:
  - host: one.test
    http:
      paths:
      - {path: /blue, pathType: Prefix, backend: {service: {name: blue, port: {number: 80}}}}
      - {path: /green, pathType: Prefix, backend: {service: {name: green, port: {number: 80}}}}
  - host: two.test
    http:
      paths:
      - {path: /blue, pathType: Prefix, backend: {service: {name: green, port: {number: 80}}}}
      - {path: /green, pathType: Prefix, backend: {service: {name: blue, port: {number: 80}}}}
`);
  const blue = await bluePods(2);
  await running("green-a");
  assert.deepEqual(
    blue.map((p) => p.spec?.nodeName).sort(),
    ["skx-node-a", "skx-node-b"],
    "one blue pod on each node",
  );
  const a = c.machine("a");
  const via = (host: string, path: string) => get(`http://${a.ip}:${agentIngressPort}${path}`, host);
  // Round robin over the blue endpoints: both pods answer within a few requests.
  const seen = await until("one.test/blue/ answered by both blue pods", async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await via("one.test", "/blue/")).body.trim());
    return bodies.size === 2 ? [...bodies].sort() : undefined;
  });
  assert.deepEqual(seen, names(blue));
  assert.equal((await via("one.test", "/green/")).body.trim(), "green-a");
  assert.equal((await via("two.test", "/blue/")).body.trim(), "green-a", "two.test crosses the paths");
  assert.match((await via("two.test", "/green/")).body.trim(), /^blue-/);
  assert.equal((await via("three.test", "/blue/")).status, 404, "an unknown host");
  assert.equal((await via("one.test", "/red/")).status, 404, "an unknown path");
  // HTTPS on agent A with the Secret's certificate for one.test, the default one otherwise.
  const secure = await until("agent A serves one.test's certificate", async () => {
    const r = await ask({
      address: a.ip,
      port: agentIngressHttpsPort,
      path: "/green/",
      host: "one.test",
      https: { servername: "one.test", ca: ca.ca },
    });
    return r.status === 200 ? r : undefined;
  });
  assert.equal(secure.peerCn, "one.test");
  assert.equal(secure.body.trim(), "green-a");
  const other = await ask({
    address: a.ip,
    port: agentIngressHttpsPort,
    path: "/green/",
    host: "two.test",
    https: { servername: "two.test" },
  });
  assert.equal(other.peerCn, "Skiff Ingress Default Certificate");
  assert.match(other.body.trim(), /^blue-/);
  assert.doesNotMatch(a.agent?.log ?? "", /self-signed certificate only/);
});

test("scaling the Deployment moves a NodePort's traffic to the new set of pods (latency recorded)", async (t) => {
  const b = c.machine("b");
  const nodePort = (await c.kubectl("get", "svc", "blue", "-o", "jsonpath={.spec.ports[0].nodePort}")).trim();
  const times = await EndpointTimes.start(c.server.kubeconfig, "blue");
  // Through B's NodePort from the host: B balances over the blue pods on A and B.
  const sampler = new BackendSampler(`http://${b.ip}:${nodePort}/`, 8);
  sampler.start();
  try {
    const before = names(await bluePods(2));
    await until("both blue pods answer through the NodePort", async () =>
      before.every((p) => sampler.firstAt.has(p)) ? true : undefined,
    );
    await c.kubectl("scale", "deployment", "blue", "--replicas=4");
    const upPods = await bluePods(4);
    const up = names(upPods);
    const added = up.filter((p) => !before.includes(p));
    assert.equal(added.length, 2);
    await until(
      "the new blue pods answer through the NodePort",
      async () => (added.every((p) => sampler.firstAt.has(p)) ? true : undefined),
      60_000,
    );
    const upMs = added.map((p) => (sampler.firstAt.get(p) ?? 0) - (times.readyAt.get(p) ?? 0));

    await c.kubectl("scale", "deployment", "blue", "--replicas=1");
    const kept = names(await bluePods(1));
    const removed = up.filter((p) => !kept.includes(p));
    assert.equal(removed.length, 3);
    const goneAt = await until("the removed pods leave the EndpointSlice", async () =>
      removed.every((p) => times.goneAt.has(p))
        ? Math.max(...removed.map((p) => times.goneAt.get(p) ?? 0))
        : undefined,
    );
    // Drained: 40 answers in a row from the kept pod only.
    await until(
      "only the kept pod answers",
      async () => {
        const recent = sampler.since(goneAt).slice(-40);
        return recent.length === 40 && recent.every((x) => kept.includes(x)) ? true : undefined;
      },
      60_000,
    );
    // …while the removed pods still serve (their grace period is 20 s): the proxy stopped it.
    const b4 = upPods.filter((p) => removed.includes(p.metadata?.name ?? ""));
    const alive = b4.filter((p) => {
      const r = c.inMachine(b, [
        "timeout",
        "3",
        "busybox",
        "wget",
        "-qO-",
        `http://${p.status?.podIP}:8080/`,
      ]);
      return r.out.trim() === p.metadata?.name;
    });
    assert.ok(alive.length > 0, "a removed pod still answers on its own IP, yet not through the NodePort");
    const downMs = removed.map((p) => Math.max(0, (sampler.lastAt(p) ?? 0) - (times.goneAt.get(p) ?? 0)));
    const round = (xs: number[]) => xs.map((x) => Math.round(x));
    const figures = {
      what: "EndpointSlice change seen by a watch in the test → traffic through node B's NodePort follows",
      scaleUp: { added, firstAnswerAfterReadyMs: round(upMs) },
      scaleDown: { removed, lastAnswerAfterRemovalMs: round(downMs) },
      requests: sampler.answers.length,
    };
    const file = saveArtifact("network", "scaling-latency.json", figures);
    t.diagnostic(
      `scale up: ${round(upMs).join(", ")} ms; scale down: ${round(downMs).join(", ")} ms (${file})`,
    );
  } finally {
    await sampler.stop();
    times.stop();
  }
  await c.kubectl("delete", "ingress", "routes");
  await c.kubectl("delete", "deployment", "blue", "--wait=false");
  await c.kubectl("delete", "svc", "blue", "green");
  await c.kubectl("delete", "pod", "green-a", "--wait=false");
});

/** A command run without blocking the event loop: exit code and stdout+stderr. */
function run(cmd: string, args: string[], timeoutMs = 90_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

test("machine B, its agent stopped and its Node deleted, re-joins with a wrong or an expired token: refused in one line, no Node appears", async (t) => {
  const b = c.machine("b");
  // Stopping the agent takes a while; the refused joins never reach the API as the node, so they
  // run meanwhile and the Node's absence is checked once both are done.
  const stopping = (async () => {
    const t0 = Date.now();
    await b.agent?.stop();
    await c.kubectl("delete", "node", b.nodeName);
    return Date.now() - t0;
  })();
  // A re-provisioned machine: a fresh data dir, so no node kubeconfig from the first join.
  const fresh: Machine = { ...b, dataDir: joinPath(c.dir.path, "agent-b-again") };
  const rejoin = (token: string) =>
    run("nsenter", [
      `--net=/run/netns/${b.netns}`,
      "--",
      process.execPath,
      "--import",
      "tsx",
      mainScript,
      "agent",
      ...c.agentArgs(fresh, ["--server", join.server, "--token", token, "--ca-cert-hash", join.hash]),
    ]);
  const id = join.token.split(".")[0] ?? "";
  // The two attempts run side by side: the expired one first waits for its token to expire and
  // go. Its cluster-info then has no signature for it, and with the pinned CA hash the agent asks
  // the API (TLS verified against the pin), which refuses the token at once.
  const expiredAttempt = async () => {
    // A bootstrap token is a Secret (as kubeadm's are): this one expires 3 s from now.
    const tokenId = "exp1ry";
    const token = `${tokenId}.0123456789abcdef`;
    await c.apply(`apiVersion: v1
kind: Secret
metadata: {name: bootstrap-token-${tokenId}, namespace: kube-system}
type: bootstrap.kubernetes.io/token
stringData:
  token-id: ${tokenId}
  token-secret: 0123456789abcdef
  expiration: ${new Date(Date.now() + 3000).toISOString().replace(/\.\d+Z$/, "Z")}
  usage-bootstrap-authentication: "true"
  usage-bootstrap-signing: "true"
  auth-extra-groups: system:bootstrappers:skiff:default-node-token
`);
    await until("the expired token is cleaned up", async () => {
      const r = await c.server.kubectl(["get", "secret", "-n", "kube-system", `bootstrap-token-${tokenId}`]);
      return r.code !== 0 ? true : undefined;
    });
    return rejoin(token);
  };
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const start = Date.now();
    return [await f(), Date.now() - start];
  };
  const [[wrong, wrongMs], [expired, expiredMs], stoppedMs] = await Promise.all([
    timed(() => rejoin(`${id}.0123456789abcdef`)),
    timed(expiredAttempt),
    stopping,
  ]);
  t.diagnostic(
    `agent B stopped and its Node deleted in ${stoppedMs} ms; wrong token refused after ${wrongMs} ms, expired after ${expiredMs} ms`,
  );
  assert.notEqual(wrong.code, 0);
  assert.equal(wrong.out.trim().split("\n").length, 1, wrong.out);
  assert.match(wrong.out.trim(), /^error: cannot join: the token \w+\.… does not sign the cluster-info/);
  assert.notEqual(expired.code, 0);
  assert.equal(expired.out.trim().split("\n").length, 1, expired.out);
  assert.match(
    expired.out.trim(),
    /^error: cannot join: the cluster-info of \S+ carries no signature for token id \w+: the token is unknown, expired/,
  );
  const node = await c.server.kubectl(["get", "node", b.nodeName, "-o", "name"]);
  assert.notEqual(node.code, 0, "no Node object for B");
  assert.match(node.stderr, /NotFound/);
  assert.equal(sh("ls", [fresh.dataDir]).out.includes("kubelet.kubeconfig"), false, "no credentials written");
  // B stays stopped; the next test restarts it with its first join's credentials (re-registering).
});

test("vxlan backend: restarted with --network-backend vxlan, pods on A and B talk through the vxlan devices", async () => {
  const a = c.machine("a");
  const b = c.machine("b");
  await Promise.all([a.agent?.stop(), b.agent?.stop()]);
  await c.kubectl("delete", "pods", "--all", "--wait=false");
  const args = ["--server", join.server, "--network-backend", "vxlan"];
  await Promise.all([start(a, args), start(b, args)]);
  const nodes = await c.readyNodes(2);
  const nodeB = nodes.find((n) => n.metadata?.name === b.nodeName);
  const cidrB = nodeB?.spec?.podCIDR ?? "?";
  const gatewayB = cidrB.replace(/\/\d+$/, "");
  const macB = await until("B announces its VTEP", async () => {
    const n = JSON.parse(await c.kubectl("get", "node", b.nodeName, "-o", "json")) as Node;
    return n.metadata?.annotations?.["skiff.io/vxlan-vtep-mac"];
  });
  assert.equal(
    (
      await c.kubectl(
        "get",
        "node",
        b.nodeName,
        "-o",
        "jsonpath={.metadata.annotations.skiff\\.io/public-ip}",
      )
    ).trim(),
    b.ip,
  );
  const link = c.inMachine(a, ["ip", "-d", "link", "show", "skiff.vxlan"]).out;
  assert.match(link, /mtu 1450/);
  assert.match(link, new RegExp(`vxlan id 1 local ${a.ip.replace(/\./g, "\\.")} .*dstport 8472`));
  await until("A routes B's pod CIDR through the vxlan device", async () => {
    const routes = c.inMachine(a, ["ip", "-4", "route", "show", "proto", "205"]).out;
    return routes.includes(`${cidrB} via ${gatewayB} dev skiff.vxlan`) ? routes : undefined;
  });
  const fdb = c.inMachine(a, ["bridge", "fdb", "show", "dev", "skiff.vxlan"]).out;
  assert.match(fdb, new RegExp(`${macB} dst ${b.ip.replace(/\./g, "\\.")} self permanent`));
  await c.apply(`${podYaml("vx-a", "a")}---
${podYaml("vx-b", "b", { web: true })}`);
  await running("vx-a");
  const web = await running("vx-b");
  const txPackets = (): number => {
    const out = c.inMachine(a, ["ip", "-s", "-j", "link", "show", "skiff.vxlan"]).out;
    const [dev] = JSON.parse(out || "[]") as { stats64?: { tx?: { packets?: number } } }[];
    return dev?.stats64?.tx?.packets ?? 0;
  };
  const txBefore = txPackets();
  const body = await until("vx-a fetches vx-b by pod IP", async () => {
    const r = await c.server.kubectl([
      "exec",
      "vx-a",
      "--",
      "timeout",
      "5",
      "wget",
      "-qO-",
      `http://${web.status?.podIP}:8080/`,
    ]);
    return r.stdout.includes("vx-b") ? r.stdout : undefined;
  });
  assert.equal(body.trim(), "vx-b");
  const txAfter = txPackets();
  assert.ok(txAfter > txBefore, `packets left A through skiff.vxlan (${txBefore} → ${txAfter})`);
});
