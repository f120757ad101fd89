// A second two-machine cluster (names skx*, addresses 10.207/16) for what needs more than one
// node: a NodePort reached through the node that has no backend; a headless Service, pod A
// records and StatefulSet-style names resolved from a pod on the other node; an Ingress served by
// the server (which has no node of its own) and by `skiff agent --ingress`, both reaching a pod on
// the other node, with status.loadBalancer listing the serving node; and the vxlan backend.
import assert from "node:assert/strict";
import { request } from "node:http";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess, type Machine, NetnsCluster, until } from "./netns-cluster.ts";

const busybox = "skiff.local/busybox:1";
const c = new NetnsCluster({
  prefix: "skx",
  hostNet: "10.207.0",
  serviceCidr: "10.207.1.0/24",
  clusterCidr: "10.207.128.0/17",
});
const agentIngressPort = 8081;
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
    ? ["--ingress", "--ingress-http-port", String(agentIngressPort), "--ingress-https-port", "8443"]
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
apiVersion: v1
kind: Service
metadata: {name: site}
spec:
  selector: {app: site-b}
  ports: [{port: 80, targetPort: 8080}]
---
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
