// CRD conversion webhooks: a CRD with `conversion.strategy: Webhook` whose v2 splits v1's
// spec.hostPort into host and port. A conversion webhook in this process (HTTPS, its own CA)
// answers ConversionReviews; kubectl 1.32 writes v2 (stored as v1 through the webhook), reads both
// versions, and sees the webhook's failure message.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ensurePki } from "../../src/apiserver/pki.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

interface Seen {
  desiredAPIVersion: string;
  from: string;
}

const seen: Seen[] = [];
const pkiDir = tempDir("skiff-conversion-webhook-");
const server = new SkiffServer({ apiOnly: true });
let webhook: Server | undefined;
let url = "";
let caBundle = "";

// biome-ignore lint/suspicious/noExplicitAny: converted objects are arbitrary JSON
function convert(obj: any, desired: string): { converted?: unknown; error?: string } {
  const spec = obj.spec ?? {};
  if (desired === "conv.example.com/v1") {
    if (spec.host === "bad") return { error: `host "bad" cannot be converted` };
    const { host, port, ...rest } = spec;
    return { converted: { ...obj, apiVersion: desired, spec: { ...rest, hostPort: `${host}:${port}` } } };
  }
  const { hostPort = "", ...rest } = spec;
  const [host, port] = String(hostPort).split(":");
  return { converted: { ...obj, apiVersion: desired, spec: { ...rest, host, port: Number(port) } } };
}

before(async () => {
  const pki = await ensurePki(pkiDir.path, {});
  caBundle = Buffer.from(pki.ca.cert).toString("base64");
  webhook = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const { uid, desiredAPIVersion, objects } = review.request;
      const results = objects.map((o: { apiVersion: string }) => {
        seen.push({ desiredAPIVersion, from: o.apiVersion });
        return convert(o, desiredAPIVersion);
      });
      const failed = results.find((r: { error?: string }) => r.error);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          apiVersion: "apiextensions.k8s.io/v1",
          kind: "ConversionReview",
          response: failed
            ? { uid, result: { status: "Failure", message: failed.error } }
            : {
                uid,
                result: { status: "Success" },
                convertedObjects: results.map((r: { converted: unknown }) => r.converted),
              },
        }),
      );
    });
  });
  const listening = webhook;
  await new Promise<void>((r) => listening.listen(0, "127.0.0.1", r));
  url = `https://127.0.0.1:${(listening.address() as AddressInfo).port}/convert`;
  await server.start();
});
after(async () => {
  await server.stop();
  webhook?.closeAllConnections();
  await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  pkiDir.remove();
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const crd = () => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.conv.example.com}
spec:
  group: conv.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig: {url: "${url}", caBundle: ${caBundle}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {hostPort: {type: string}}}
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {host: {type: string}, port: {type: integer}}}
`;

const widget = (name: string, host: string, port: number) =>
  JSON.stringify({
    apiVersion: "conv.example.com/v2",
    kind: "Widget",
    metadata: { name, namespace: "default" },
    spec: { host, port },
  });

test("a v2 write is stored as v1 through the webhook; both versions read back", async () => {
  await ok(["apply", "-f", "-"], crd());
  await ok(["wait", "--for=condition=Established", "crd/widgets.conv.example.com", "--timeout=30s"]);
  await ok(["apply", "-f", "-"], widget("w1", "example.org", 8080));
  assert.ok(
    seen.some((s) => s.from === "conv.example.com/v2" && s.desiredAPIVersion === "conv.example.com/v1"),
  );
  // The storage version is read without the webhook: what it holds is v1's form.
  const before = seen.length;
  assert.equal(
    await ok(["get", "widgets.v1.conv.example.com", "w1", "-o", "jsonpath={.apiVersion} {.spec.hostPort}"]),
    "conv.example.com/v1 example.org:8080",
  );
  assert.equal(seen.length, before);
  assert.equal(
    await ok([
      "get",
      "widgets.v2.conv.example.com",
      "w1",
      "-o",
      "jsonpath={.apiVersion} {.spec.host} {.spec.port}",
    ]),
    "conv.example.com/v2 example.org 8080",
  );
  assert.ok(seen.slice(before).some((s) => s.desiredAPIVersion === "conv.example.com/v2"));
});

test("a v1 object written directly reads as v2", async () => {
  await ok(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "conv.example.com/v1",
      kind: "Widget",
      metadata: { name: "w2", namespace: "default" },
      spec: { hostPort: "10.0.0.1:53" },
    }),
  );
  assert.equal(
    await ok(["get", "widgets.v2.conv.example.com", "w2", "-o", "jsonpath={.spec.host} {.spec.port}"]),
    "10.0.0.1 53",
  );
});

test("the webhook's failure message reaches kubectl", async () => {
  const r = await server.kubectl(["apply", "-f", "-"], { input: widget("w3", "bad", 1) });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /conversion webhook for conv.example.com\/v2, Kind=Widget failed: host "bad" cannot be converted/,
  );
});
