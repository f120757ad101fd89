// kubectl logs, exec and port-forward through the API server to a kubelet server, with kubectl
// 1.32 (WebSocket, and SPDY when forced) and 1.20 (SPDY). The runtime behind the kubelet server is
// a host-process double: this suite proves the protocols, the container suites prove containers.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect, createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureServingCert } from "../../src/kubelet/server/cert.ts";
import { type RunningKubeletServer, startKubeletServer } from "../../src/kubelet/server/server.ts";
import { HostProcessRuntime } from "../support/host-process-runtime.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const server = new SkiffServer({ apiOnly: true });
const dir = tempDir("skiff-kubelet-stream-");
const logPath = join(dir.path, "main.log");
const runtime = new HostProcessRuntime({ namespace: "default", pod: "web", container: "main", logPath });
let kubelet: RunningKubeletServer;
let echo: Server;
let echoPort = 0;

before(async () => {
  await server.start();
  writeFileSync(
    logPath,
    [
      "2026-11-27T10:00:00.000000001Z stdout F hello from main",
      "2026-11-27T10:00:01.000000001Z stderr F a warning",
      "2026-11-27T10:00:02.000000001Z stdout F last line",
      "",
    ].join("\n"),
  );
  const tls = await ensureServingCert(join(dir.path, "pki"), "node-1", ["127.0.0.1"]);
  kubelet = await startKubeletServer({
    runtime: runtime.asRuntime(),
    host: "127.0.0.1",
    port: 0,
    tls,
    clientCa: readFileSync(join(server.dir.path, "pki", "ca.crt"), "utf8"),
  });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoPort = (echo.address() as { port: number }).port;
  runtime.ports.add(echoPort);
  const k = server.client("1.32");
  await k.ok("apply", "-f", writeManifest());
  await k.ok(
    "patch",
    "node",
    "node-1",
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({
      status: {
        addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
        daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
      },
    }),
  );
  // kubectl port-forward refuses a pod that is not Running.
  await k.ok(
    "patch",
    "pod",
    "web",
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status: { phase: "Running", podIP: "127.0.0.1" } }),
  );
});

function writeManifest(): string {
  const path = join(dir.path, "objects.yaml");
  writeFileSync(
    path,
    `apiVersion: v1
kind: Node
metadata:
  name: node-1
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  nodeName: node-1
  containers:
  - name: main
    image: busybox
`,
  );
  return path;
}

after(async () => {
  runtime.killAll();
  await kubelet?.close();
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  await server.stop();
  dir.remove();
});

describe("logs", () => {
  test("kubectl logs prints the container's output, with --tail and --timestamps", async () => {
    const k = server.client("1.32");
    assert.equal(await k.ok("logs", "web"), "hello from main\na warning\nlast line\n");
    assert.equal(await k.ok("logs", "web", "--tail=1"), "last line\n");
    assert.equal(
      await k.ok("logs", "web", "--tail=1", "--timestamps"),
      "2026-11-27T10:00:02.000000001Z last line\n",
    );
    assert.equal(await server.client("1.20").ok("logs", "web", "--tail=2"), "a warning\nlast line\n");
  });

  test("a container that does not exist is a clear error", async () => {
    const r = await server.kubectl(["logs", "web", "-c", "nope"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod web/);
  });
});

describe("exec", () => {
  const script = ["sh", "-c", "echo out; echo err >&2; exit 3"];
  for (const [name, version, env] of [
    ["1.32 over WebSocket", "1.32", {}],
    ["1.32 over SPDY", "1.32", { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" }],
    ["1.20 over SPDY", "1.20", {}],
  ] as const) {
    test(`stdout, stderr and the exit code come back (${name})`, async () => {
      const r = await server.client(version).run(["exec", "web", "--", ...script], { env });
      assert.equal(r.stdout, "out\n");
      assert.match(r.stderr, /^err$/m);
      assert.equal(r.code, 3);
    });

    test(`stdin reaches the command and its end ends it (${name})`, async () => {
      const r = await server
        .client(version)
        .run(["exec", "-i", "web", "--", "cat"], { env, input: "hello\nworld\n" });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "hello\nworld\n");
    });
  }

  test("exec in a stopped container is refused with the reason", async () => {
    runtime.running = false;
    try {
      const r = await server.kubectl(["exec", "web", "--", "true"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /container main is not running in pod web/);
    } finally {
      runtime.running = true;
    }
  });
});

async function roundTrip(port: number, payload: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  let got = "";
  return new Promise((resolve, reject) => {
    socket.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.length >= payload.length) {
        socket.end();
        resolve(got);
      }
    });
    socket.on("error", reject);
    socket.write(payload);
  });
}

describe("port-forward", () => {
  for (const [name, version, env] of [
    ["1.32 over WebSocket", "1.32", {}],
    ["1.32 over SPDY", "1.32", { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }],
    ["1.20 over SPDY", "1.20", {}],
  ] as const) {
    test(`bytes reach the pod's port and come back, over two connections (${name})`, async () => {
      const pf = server.client(version).start(["port-forward", "pod/web", `:${echoPort}`], { env });
      try {
        await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/);
        const local = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.stdout)?.[1]);
        assert.equal(await roundTrip(local, "ping-1"), "ping-1");
        const big = "x".repeat(200_000);
        assert.equal(await roundTrip(local, big), big);
      } finally {
        await pf.stop();
      }
    });
  }
});

test("the kubelet server refuses callers without the API server's certificate", async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: kubelet.port, path: "/pods", rejectUnauthorized: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
  assert.equal(status, 401);
});
