import assert from "node:assert/strict";
import http from "node:http";
import type net from "node:net";
import { test } from "node:test";
import { ManualClock } from "../clock.ts";
import { FakeRuntime } from "../runtime/fake/fake-runtime.ts";
import { DefaultProbeRunner, resolvePort } from "./probe-runner.ts";

const container = { name: "c", ports: [{ name: "web", containerPort: 8080 }] };

test("httpGet: 2xx/3xx succeed, 5xx fails, a closed port fails; named ports resolve", async () => {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === "/bad" ? 500 : req.headers["x-probe"] === "yes" ? 204 : 302;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const runner = new DefaultProbeRunner(new FakeRuntime({ clock: new ManualClock() }));
  const target = { podIP: "127.0.0.1", container, containerId: "x" };
  try {
    assert.deepEqual(await runner.run({ httpGet: { port, path: "/" } }, target, 1), { ok: true });
    assert.deepEqual(
      await runner.run(
        { httpGet: { port, path: "/", httpHeaders: [{ name: "X-Probe", value: "yes" }] } },
        target,
        1,
      ),
      { ok: true },
    );
    const bad = await runner.run({ httpGet: { port, path: "/bad" } }, target, 1);
    assert.deepEqual(bad, { ok: false, message: "HTTP probe failed with statuscode: 500" });
    assert.deepEqual(await runner.run({ tcpSocket: { port } }, target, 1), { ok: true });
  } finally {
    await new Promise((r) => server.close(r));
  }
  const closed = await runner.run({ tcpSocket: { port } }, target, 1);
  assert.equal(closed.ok, false);
  assert.equal(resolvePort("web", container), 8080);
  assert.throws(() => resolvePort("nope", container), /couldn't find port nope/);
});

test("exec runs through the runtime; a non-zero exit fails with the output", async () => {
  const clock = new ManualClock();
  const runtime = new FakeRuntime({ clock });
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: "p", namespace: "d", uid: "u", attempt: 0 },
  });
  const id = await runtime.createContainer(
    sandbox,
    { metadata: { name: "c", attempt: 0 }, image: { image: "i" } },
    {
      metadata: { name: "p", namespace: "d", uid: "u", attempt: 0 },
    },
  );
  await runtime.startContainer(id);
  runtime.setExecHandler((_c, cmd) => ({
    stdout: Buffer.from(cmd.join(" ")),
    stderr: Buffer.alloc(0),
    exitCode: cmd[0] === "true" ? 0 : 1,
    timedOut: false,
  }));
  const runner = new DefaultProbeRunner(runtime);
  const target = { podIP: "", container, containerId: id };
  assert.deepEqual(await runner.run({ exec: { command: ["true"] } }, target, 1), { ok: true });
  assert.deepEqual(await runner.run({ exec: { command: ["false", "x"] } }, target, 1), {
    ok: false,
    message: "false x",
  });
});
