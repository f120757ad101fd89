// The Endpoints and EndpointSlice controllers in `skiff server`, driven by the real kubectl 1.32:
// pod status is set through the status subresource (no kubelet runs in the test).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually } from "../client/gated-transport.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
before(async () => {
  await server.start();
});
after(async () => {
  assert.equal(await server.stop(), 0, "server exits cleanly on SIGTERM");
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

async function runningPod(name: string, ip: string, ready: boolean): Promise<void> {
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: web}}
spec:
  nodeName: node1
  containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]
`,
  );
  const status = {
    status: {
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
  await ok(["patch", "pod", name, "--subresource=status", "--type=merge", "-p", JSON.stringify(status)]);
}

test("kubectl get endpoints / describe svc show the ready pods; slices carry conditions", async () => {
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`,
  );
  await runningPod("web-1", "10.244.0.11", true);
  await runningPod("web-2", "10.244.0.12", false);
  await eventually(async () => {
    assert.match(await ok(["get", "endpoints", "web"]), /^web\s+10\.244\.0\.11:8080\s+/m);
  }, 500);
  assert.match(await ok(["describe", "service", "web"]), /Endpoints:\s+10\.244\.0\.11:8080\n/);
  const slices = await ok(["get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json"]);
  const items = (
    JSON.parse(slices) as { items: { endpoints: { addresses: string[]; conditions: object }[] }[] }
  ).items;
  assert.equal(items.length, 1);
  assert.deepEqual(
    items[0]?.endpoints.map((e) => [e.addresses[0], e.conditions]),
    [
      ["10.244.0.11", { ready: true, serving: true, terminating: false }],
      ["10.244.0.12", { ready: false, serving: false, terminating: false }],
    ],
  );
  // web-2 becomes ready: both addresses listed.
  await ok([
    "patch",
    "pod",
    "web-2",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}',
  ]);
  await eventually(async () => {
    assert.match(await ok(["get", "endpoints", "web"]), /10\.244\.0\.11:8080,10\.244\.0\.12:8080/);
  }, 500);
});
