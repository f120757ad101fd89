// HTTP-level behaviour of a real `skiff server`: watch headers are sent at once (client-go's Do
// waits for them, and an idle resource may have no event for minutes), and /api advertises the
// address the server really listens on.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import https from "node:https";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { SkiffServer } from "../support/skiff-server.ts";

// The API server alone: what it stores and answers, with no controller acting on it.
const server = new SkiffServer({ apiOnly: true });
before(() => server.start());
after(() => server.stop());

test("watch response headers arrive before the first event", async () => {
  interface Kubeconfig {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  }
  const kc = parse(readFileSync(server.kubeconfig, "utf8")) as Kubeconfig;
  const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64");
  const agent = new https.Agent({
    ca: b64(kc.clusters[0]?.cluster["certificate-authority-data"]),
    cert: b64(kc.users[0]?.user["client-certificate-data"]),
    key: b64(kc.users[0]?.user["client-key-data"]),
  });
  const list = await new Promise<string>((done, fail) => {
    https
      .get(`${server.url}/api/v1/namespaces/default/configmaps`, { agent }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => done(body));
      })
      .on("error", fail);
  });
  const rv = (JSON.parse(list) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  // Nothing changes in this namespace, so no event will come: only the headers can.
  const status = await new Promise<number>((done, fail) => {
    const req = https.get(
      `${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`,
      { agent },
      (res) => {
        done(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on("error", (e) => {
      if (!req.destroyed) fail(e);
    });
    req.setTimeout(10_000, () => fail(new Error("no response headers within 10 s")));
  });
  agent.destroy();
  assert.equal(status, 200);
});

test("/api advertises the bound address, not the requested port 0", async () => {
  const { stdout } = await server.kubectl(["get", "--raw", "/api"]);
  const api = JSON.parse(stdout) as { serverAddressByClientCIDRs: { serverAddress: string }[] };
  assert.equal(api.serverAddressByClientCIDRs[0]?.serverAddress, new URL(server.url).host);
});

test("the kubernetes service's Endpoints and EndpointSlice point at the server", async () => {
  const { hostname, port } = new URL(server.url);
  const ep = await server.kubectl([
    "get",
    "endpoints",
    "kubernetes",
    "-o",
    "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}",
  ]);
  assert.equal(ep.stdout, `${hostname.replace(/^\[|\]$/g, "")}:${port}`);
  const slice = await server.kubectl([
    "get",
    "endpointslices",
    "kubernetes",
    "-o",
    "jsonpath={.endpoints[0].addresses[0]}:{.ports[0].port}",
  ]);
  assert.equal(slice.stdout, `${hostname.replace(/^\[|\]$/g, "")}:${port}`);
});
