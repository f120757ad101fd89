// The ingress inside a real `skiff server` (no container runtime): backends are HTTP servers of
// this test on 127.0.0.1, behind selector-less Services with hand-written EndpointSlices, driven
// by real kubectl. Routing, default class, TLS by SNI, balancing, a refusing endpoint, keep-alive
// across a table swap, upgrades, forwarded headers, status ADDRESS and EXTERNAL-IP, a busy port.
import assert from "node:assert/strict";
import { Agent, createServer, request, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { type Answer, ask, eventually, freePort, testCa, tlsSecretYaml } from "./support.ts";

const server = new SkiffServer({});
let httpPort = 0;
let httpsPort = 0;
const backends = new Map<string, { server: Server; port: number }>();
const savedEnv = { http: process.env.SKIFF_INGRESS_HTTP_PORT, https: process.env.SKIFF_INGRESS_HTTPS_PORT };

async function startBackend(name: string): Promise<number> {
  const s = createServer((req, res) => {
    const body = req.url === "/headers" ? JSON.stringify(req.headers) : `${name} ${req.url}`;
    res.writeHead(200, { "content-type": "text/plain", "x-backend": name });
    res.end(body);
  });
  s.on("upgrade", (req, socket: Socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: ${req.headers.upgrade}\r\nconnection: Upgrade\r\n\r\n`,
    );
    socket.on("data", (d: Buffer) => socket.write(`${name}:${d.toString()}`));
    // The server is half-open by default: close when the ingress closes its side.
    socket.on("end", () => socket.end());
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const address = s.address();
  const port = typeof address === "object" && address ? address.port : 0;
  backends.set(name, { server: s, port });
  return port;
}

function sliceYaml(service: string, ports: number[], portName = "http"): string {
  // One slice per port: EndpointSlice ports apply to every endpoint of the slice.
  return ports
    .map(
      (p, i) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${service}-${i}, namespace: default, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [{name: ${portName}, port: ${p}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
`,
    )
    .join("---\n");
}

async function apply(yaml: string): Promise<void> {
  const r = await server.kubectl(["apply", "-f", "-"], { input: yaml });
  assert.equal(r.code, 0, r.stderr);
}

const get = (path: string, host?: string): Promise<Answer> =>
  ask({ port: httpPort, path, ...(host ? { host } : {}) });

before(async () => {
  httpPort = await freePort();
  httpsPort = await freePort();
  process.env.SKIFF_INGRESS_HTTP_PORT = String(httpPort);
  process.env.SKIFF_INGRESS_HTTPS_PORT = String(httpsPort);
  await server.start();
  const a1 = await startBackend("a1");
  const a2 = await startBackend("a2");
  const b1 = await startBackend("b1");
  const h1 = await startBackend("h1");
  await apply(`apiVersion: v1
kind: Service
metadata: {name: svc-a, namespace: default}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc-b, namespace: default}
spec: {ports: [{name: web, port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc-h, namespace: default}
spec: {ports: [{name: http, port: 80}]}
---
${sliceYaml("svc-a", [a1, a2])}
---
${sliceYaml("svc-b", [b1], "web")}
---
${sliceYaml("svc-h", [h1])}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  rules:
  - host: hello.example.test
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: svc-h, port: {number: 80}}}}]
  - http:
      paths:
      - {path: /a, pathType: Prefix, backend: {service: {name: svc-a, port: {number: 80}}}}
      - {path: /b, pathType: Exact, backend: {service: {name: svc-b, port: {name: web}}}}
      - {path: /res, pathType: Prefix, backend: {resource: {apiGroup: example.test, kind: Bucket, name: x}}}
`);
});

after(async () => {
  await server.stop();
  for (const b of backends.values()) {
    b.server.closeAllConnections();
    await new Promise<void>((resolve) => b.server.close(() => resolve()));
  }
  for (const [k, v] of Object.entries({
    SKIFF_INGRESS_HTTP_PORT: savedEnv.http,
    SKIFF_INGRESS_HTTPS_PORT: savedEnv.https,
  })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test("the IngressClass skiff is the default and an Ingress without a class gets it", async () => {
  const classes = await server.kubectl(["get", "ingressclass"]);
  assert.match(classes.stdout, /skiff\s+skiff\.dev\/ingress/);
  const ing = await server.kubectl(["get", "ingress", "web", "-o", "jsonpath={.spec.ingressClassName}"]);
  assert.equal(ing.stdout, "skiff");
});

test("paths and hosts route to their services; no match is 404, a resource backend 503", async () => {
  const a = await eventually("/a to be routed", async () => {
    const r = await get("/a/x");
    return r.status === 200 && r;
  });
  assert.match(a.body, /^a[12] \/a\/x$/);
  assert.equal((await get("/b")).body, "b1 /b");
  assert.equal((await get("/b/x")).status, 404, "Exact /b does not match /b/x");
  assert.equal((await get("/ab")).status, 404, "Prefix /a matches path elements only");
  assert.equal((await get("/a", "hello.example.test")).body, "h1 /a", "the host rule wins for its host");
  assert.equal((await get("/res")).status, 503);
});

test("requests are balanced round robin over both endpoints", async () => {
  const seen = new Map<string, number>();
  for (let i = 0; i < 20; i++) {
    const r = await get("/a");
    const who = String(r.headers["x-backend"]);
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), ["a1", "a2"]);
  assert.equal(seen.get("a1"), 10, "round robin alternates");
});

test("the backend sees X-Forwarded-For/Proto/Host and the original Host", async () => {
  const r = await ask({ port: httpPort, path: "/headers", host: "hello.example.test:8000" });
  const h = JSON.parse(r.body) as Record<string, string>;
  assert.equal(h.host, "hello.example.test:8000");
  assert.equal(h["x-forwarded-for"], "127.0.0.1");
  assert.equal(h["x-forwarded-proto"], "http");
  assert.equal(h["x-forwarded-host"], "hello.example.test:8000");
});

test("an endpoint refusing connections is skipped and GETs are retried on another: no errors", async () => {
  const closed = await freePort();
  const b2 = await startBackend("b2");
  await apply(sliceYaml("svc-b", [backends.get("b1")?.port ?? 0, closed, b2], "web"));
  // b2 answering shows the table with the closed endpoint is in place.
  await eventually("b2 to be routed", async () => (await get("/b")).body === "b2 /b");
  const answers = await Promise.all(Array.from({ length: 12 }, () => get("/b")));
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(12).fill(200),
  );
  assert.deepEqual([...new Set(answers.map((a) => a.body))].sort(), ["b1 /b", "b2 /b"]);
});

test("a keep-alive connection stays open while an Ingress change is applied, and sees the change", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await ask({ port: httpPort, path: "/a", agent });
    assert.equal(first.status, 200);
    assert.equal((await ask({ port: httpPort, path: "/c", agent })).status, 404);
    await apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: extra, namespace: default}
spec:
  ingressClassName: skiff
  rules:
  - http:
      paths: [{path: /c, pathType: Prefix, backend: {service: {name: svc-h, port: {number: 80}}}}]
`);
    const after = await eventually("/c to be routed on the same connection", async () => {
      const r = await ask({ port: httpPort, path: "/c", agent });
      assert.ok(r.reusedSocket, "the same connection carried the request");
      return r.status === 200 && r;
    });
    assert.equal(after.body, "h1 /c");
    assert.ok((await ask({ port: httpPort, path: "/a", agent })).reusedSocket);
  } finally {
    agent.destroy();
  }
});

test("HTTPS picks the Ingress's certificate by SNI and the default one otherwise", async () => {
  const ca = await testCa();
  await apply(tlsSecretYaml("hello-tls", await ca.issue(["hello.example.test"])));
  await apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: default}
spec:
  tls: [{hosts: [hello.example.test], secretName: hello-tls}]
  rules:
  - host: hello.example.test
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: svc-h, port: {number: 80}}}}]
`);
  const r = await eventually("the secret's certificate to be served", () =>
    ask({
      port: httpsPort,
      path: "/s",
      host: "hello.example.test",
      https: { servername: "hello.example.test", ca: ca.ca },
    }),
  );
  assert.equal(r.status, 200);
  assert.equal(r.body, "h1 /s");
  assert.equal(r.peerCn, "hello.example.test");
  const other = await ask({ port: httpsPort, path: "/a", https: { servername: "other.example.test" } });
  assert.equal(other.peerCn, "Skiff Ingress Default Certificate");
  assert.equal(other.status, 200, "routing works over the default certificate too");
  await assert.rejects(
    ask({ port: httpsPort, path: "/", https: { servername: "other.example.test", ca: ca.ca } }),
    "the default certificate is not from the test CA",
  );
  const h = JSON.parse(
    (
      await ask({
        port: httpsPort,
        path: "/headers",
        host: "hello.example.test",
        https: { servername: "hello.example.test", ca: ca.ca },
      })
    ).body,
  ) as Record<string, string>;
  assert.equal(h["x-forwarded-proto"], "https");
});

test("a protocol upgrade passes through to the backend", async () => {
  const echoed = await new Promise<string>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: httpPort,
      path: "/ws",
      headers: { host: "hello.example.test", connection: "Upgrade", upgrade: "websocket" },
    });
    req.on("upgrade", (res, socket) => {
      assert.equal(res.statusCode, 101);
      socket.once("data", (d: Buffer) => {
        resolve(d.toString());
        socket.destroy();
      });
      socket.write("ping");
    });
    req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
  assert.equal(echoed, "h1:ping");
});

test("Ingress status and a LoadBalancer Service get the node's address", async () => {
  await apply(`apiVersion: v1
kind: Node
metadata: {name: lb-node}
`);
  const patched = await server.kubectl([
    "patch",
    "node",
    "lb-node",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"lb-node"}]}}',
  ]);
  assert.equal(patched.code, 0, patched.stderr);
  await eventually("ADDRESS in kubectl get ingress", async () => {
    const r = await server.kubectl(["get", "ingress", "web"]);
    return /web\s+skiff\s+hello\.example\.test\s+127\.0\.0\.1\s+80\s/.test(r.stdout) && r.stdout;
  });
  await apply(`apiVersion: v1
kind: Service
metadata: {name: lb, namespace: default}
spec: {type: LoadBalancer, ports: [{name: http, port: 8088}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb-other, namespace: default}
spec: {type: LoadBalancer, loadBalancerClass: example.test/other, ports: [{name: http, port: 8089}]}
`);
  await eventually("EXTERNAL-IP of the LoadBalancer Service", async () => {
    const r = await server.kubectl(["get", "svc", "lb"]);
    return /lb\s+LoadBalancer\s+\S+\s+127\.0\.0\.1\s+8088:/.test(r.stdout) && r.stdout;
  });
  await new Promise((r) => setTimeout(r, 1000));
  const other = await server.kubectl(["get", "svc", "lb-other", "-o", "jsonpath={.status.loadBalancer}"]);
  assert.equal(other.stdout, "{}", "another class's Service is left alone");
  // Kubernetes drops externalTrafficPolicy itself on this change (dropTypeDependentFields); Skiff's
  // Service strategy does not yet, so the patch clears it.
  const toClusterIp = await server.kubectl([
    "patch",
    "svc",
    "lb",
    "--type=merge",
    "-p",
    '{"spec":{"type":"ClusterIP","externalTrafficPolicy":null}}',
  ]);
  assert.equal(toClusterIp.code, 0, toClusterIp.stderr);
  await eventually("the status to be cleared when the Service stops being a LoadBalancer", async () => {
    const r = await server.kubectl(["get", "svc", "lb", "-o", "jsonpath={.status.loadBalancer}"]);
    return r.stdout === "{}";
  });
});

test("a port already in use is reported in one line and the cluster keeps running", async () => {
  const busy = createNetServer();
  await new Promise<void>((resolve) => busy.listen(0, "0.0.0.0", resolve));
  const address = busy.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const second = new SkiffServer({ apiOnly: true });
  try {
    await second.start(["--ingress-http-port", String(port), "--ingress-https-port", "0"]);
    const lines = second.log.split("\n").filter((l) => l.includes("ingress HTTP"));
    assert.equal(lines.length, 1, second.log);
    assert.match(lines[0] ?? "", new RegExp(`cannot listen on 0\\.0\\.0\\.0:${port}: address in use`));
    assert.equal((await second.kubectl(["get", "ns", "default"])).code, 0);
  } finally {
    await second.stop();
    busy.close();
  }
});
