import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { after, before, test } from "node:test";
import { selfSignedCertificate } from "./certs.ts";
import { IngressDataPlane } from "./dataplane.ts";
import { buildRoutingTable } from "./table.ts";

const servers: Server[] = [];
let plane: IngressDataPlane;
let port = 0;

async function backend(name: string): Promise<number> {
  const s = createServer((req, res) => {
    res.writeHead(200, {
      "x-backend": name,
      connection: "keep-alive",
      "x-drop": "1",
      "keep-alive": "timeout=5",
    });
    res.end(`${name} ${req.url} ${req.headers["x-forwarded-proto"]} ${req.headers.te ?? "-"}`);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  servers.push(s);
  const a = s.address();
  return typeof a === "object" && a ? a.port : 0;
}

function table(ports: number[], paths = ["/"]) {
  return buildRoutingTable({
    ingressClasses: [{ metadata: { name: "skiff" }, spec: { controller: "skiff.dev/ingress" } }],
    ingresses: [
      {
        metadata: { namespace: "t", name: "t" },
        spec: {
          ingressClassName: "skiff",
          rules: [
            {
              http: {
                paths: paths.map((path) => ({
                  path,
                  pathType: "Prefix",
                  backend: { service: { name: "w", port: { number: 80 } } },
                })),
              },
            },
          ],
        },
      },
    ],
    services: [{ metadata: { namespace: "t", name: "w" }, spec: { ports: [{ name: "http", port: 80 }] } }],
    endpointSlices: ports.map((p, i) => ({
      metadata: { namespace: "t", name: `w-${i}`, labels: { "kubernetes.io/service-name": "w" } },
      addressType: "IPv4",
      ports: [{ name: "http", port: p, protocol: "TCP" }],
      endpoints: [{ addresses: ["127.0.0.1"] }],
    })),
    secrets: [],
  });
}

function get(
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method,
      headers: { te: "trailers", connection: "te" },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  plane = new IngressDataPlane({ defaultCertificate: await selfSignedCertificate() });
  const { http, https } = await plane.listen({ http: 0 });
  assert.equal(https.port, undefined);
  port = http.port ?? 0;
});

after(async () => {
  await plane.close();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

test("an empty table answers 404; a swapped-in table routes at once", async () => {
  assert.equal((await get("/")).status, 404);
  plane.setTable(table([await backend("one")]));
  const r = await get("/x");
  assert.equal(r.status, 200);
  assert.equal(r.body, "one /x http -", "hop-by-hop TE named in Connection is not forwarded");
  assert.equal(r.headers["x-backend"], "one");
});

test("a refused endpoint is skipped for GET, but a POST is not retried and gets 502", async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const a = closed.address();
  const dead = typeof a === "object" && a ? a.port : 0;
  await new Promise<void>((r) => closed.close(() => r()));
  const live = await backend("two");
  plane.setTable(table([dead, live]));
  // The dead endpoint comes first in the table (lower port or not): requests still all succeed.
  for (let i = 0; i < 4; i++) assert.equal((await get("/")).status, 200);
  plane.setTable(table([dead]));
  assert.equal((await get("/", "POST")).status, 502);
  plane.setTable(table([]));
  assert.equal((await get("/")).status, 503);
});

test("close() ends upgraded connections that are still open", async () => {
  const s = createServer();
  s.on("upgrade", (_req, socket: import("node:net").Socket) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: x\r\n\r\n");
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  servers.push(s);
  const a = s.address();
  const live = typeof a === "object" && a ? a.port : 0;
  const other = new IngressDataPlane({ defaultCertificate: await selfSignedCertificate() });
  other.setTable(table([live]));
  const { http } = await other.listen({ http: 0 });
  const client = await new Promise<import("node:net").Socket>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: http.port,
      path: "/",
      headers: { connection: "Upgrade", upgrade: "x" },
    });
    req.on("upgrade", (_res, socket) => resolve(socket));
    req.on("error", reject);
    req.end();
  });
  // Half-closed from the client side, as a client going away leaves it.
  client.end();
  await other.close();
  client.destroy();
});
