// End to end with the real kubectl 1.32: a tiny node:http server serves discovery plus our
// OpenAPI documents; `kubectl explain` must print our field docs and `kubectl create -f` must
// trust the server (fieldValidation=Strict) instead of validating client-side.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { kubectlBinary } from "../../../test/support/kubectl.ts";
import { decodeBody, fieldValidationDirective } from "../../api/schema/field-validation.ts";
import { buildV2Document } from "./documents.ts";
import { serveOpenApi } from "./handler.ts";
import { encodeV2Document, protobufContentType } from "./protobuf.ts";
import { testRegistry } from "./testing.ts";

const run = promisify(execFile);

const kubectl = kubectlBinary("1.32");

describe("kubectl 1.32 against our OpenAPI documents", () => {
  const registry = testRegistry();
  const writes: { url: string; status: number; body: string }[] = [];
  let server: Server;
  let dir: string;
  let kubeconfig: string;
  /** Turned off to make kubectl fall back to /openapi/v2 (protobuf) and validate client-side. */
  let serveV3 = true;
  /** Serve a v2 protobuf document without paths: kubectl then validates with the definitions. */
  let v2WithoutPaths = false;
  const v2Requests: string[] = [];

  const discovery: Record<string, unknown> = {
    "/version": { major: "1", minor: "32", gitVersion: "v1.32.5", platform: "linux/amd64" },
    "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
    "/apis": {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [
        {
          name: "apps",
          versions: [{ groupVersion: "apps/v1", version: "v1" }],
          preferredVersion: { groupVersion: "apps/v1", version: "v1" },
        },
      ],
    },
  };
  for (const { group, versions } of registry.groups()) {
    for (const version of versions) {
      const gv = group === "" ? version : `${group}/${version}`;
      discovery[group === "" ? `/api/${version}` : `/apis/${gv}`] = {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: gv,
        resources: registry.resources(group, version).map((r) => ({
          name: r.resource,
          singularName: r.singular,
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
          shortNames: r.shortNames ?? [],
        })),
      };
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "skiff-openapi-"));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const v3Off = !serveV3 && url.pathname.startsWith("/openapi/v3");
        if (url.pathname === "/openapi/v2") v2Requests.push(req.headers.accept ?? "");
        if (url.pathname === "/openapi/v2" && v2WithoutPaths) {
          const doc = buildV2Document(registry);
          res
            .writeHead(200, { "Content-Type": protobufContentType })
            .end(encodeV2Document({ ...doc, paths: {} }));
          return;
        }
        const answer = v3Off
          ? undefined
          : serveOpenApi(registry, {
              path: url.pathname,
              hash: url.searchParams.get("hash"),
              accept: req.headers.accept,
              ifNoneMatch: req.headers["if-none-match"],
            });
        if (answer) {
          res.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        const found = discovery[url.pathname];
        if (req.method === "GET" && found) {
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(found));
          return;
        }
        if (req.method === "POST" && url.pathname === "/apis/apps/v1/namespaces/default/deployments") {
          const body = Buffer.concat(chunks).toString("utf8");
          try {
            const decoded = decodeBody({
              group: "apps",
              version: "v1",
              kind: "Deployment",
              body,
              format: "json",
              fieldValidation: fieldValidationDirective(url.searchParams.get("fieldValidation")),
            });
            writes.push({ url: req.url ?? "", status: 201, body });
            const headers: Record<string, string | string[]> = { "Content-Type": "application/json" };
            if (decoded.warnings.length > 0)
              headers.Warning = decoded.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
            res.writeHead(201, headers).end(JSON.stringify(decoded.object));
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            writes.push({ url: req.url ?? "", status: 400, body });
            res.writeHead(400, { "Content-Type": "application/json" }).end(
              JSON.stringify({
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Failure",
                message,
                reason: "BadRequest",
                code: 400,
              }),
            );
          }
          return;
        }
        res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: u\n    namespace: default\ncurrent-context: t\nusers:\n- name: u\n  user: {}\n`,
    );
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const writeManifest = (): string => {
    const manifest = join(dir, "deploy.yaml");
    writeFileSync(
      manifest,
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "spec:",
        "  selector: {matchLabels: {app: web}}",
        "  template:",
        "    metadata: {labels: {app: web}}",
        "    spec:",
        "      containers:",
        "      - name: web",
        "        image: nginx",
        "        imagePullPolcy: Always",
        "",
      ].join("\n"),
    );
    return manifest;
  };

  const kc = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(kubectl ?? "kubectl", [
        "--kubeconfig",
        kubeconfig,
        "--cache-dir",
        join(dir, "cache"),
        ...args,
      ]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("explain deployment.spec.strategy prints our field docs", async () => {
    const out = await kc("explain", "deployment.spec.strategy");
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /KIND:\s+Deployment/);
    assert.match(out.stdout, /FIELD: strategy <DeploymentStrategy>/);
    assert.match(out.stdout, /DeploymentStrategy describes how to replace existing pods with new ones\./);
    assert.match(out.stdout, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(out.stdout, /type\s+<string>/);
  });

  it("explain --recursive walks nested types", async () => {
    const out = await kc("explain", "pods.spec.containers", "--recursive");
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /imagePullPolicy\s+<string>/);
    assert.match(out.stdout, /containerPort\s+<integer> -required-/);
  });

  it("create -f sends fieldValidation=Strict and shows the server's strict decoding error", async () => {
    const manifest = writeManifest();
    const out = await kc("create", "-f", manifest);
    const post = writes.at(-1);
    assert.ok(post, "kubectl sent the object to the server");
    assert.match(post.url, /fieldValidation=Strict/);
    assert.notEqual(out.code, 0);
    assert.match(
      out.stderr,
      /Error from server \(BadRequest\): error when creating ".*deploy\.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
    );

    const warned = await kc("create", "-f", manifest, "--validate=warn");
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(writes.at(-1)?.url ?? "", /fieldValidation=Warn/);
    assert.match(
      warned.stderr,
      /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
    );
  });

  it("without v3, kubectl reads our protobuf /openapi/v2: paths (server-side validation), definitions (client-side)", async () => {
    serveV3 = false;
    try {
      const before = writes.length;
      const viaPaths = await kc("create", "-f", writeManifest(), "--cache-dir", join(dir, "cache-v2"));
      assert.ok(v2Requests.some((accept) => accept.includes("application/com.github.proto-openapi.spec.v2")));
      // Found fieldValidation on the Deployment PATCH operation inside the protobuf document.
      assert.match(writes.at(-1)?.url ?? "", /fieldValidation=Strict/);
      assert.match(viaPaths.stderr, /strict decoding error/);

      v2WithoutPaths = true;
      const clientSide = await kc("create", "-f", writeManifest(), "--cache-dir", join(dir, "cache-v2b"));
      assert.notEqual(clientSide.code, 0);
      assert.match(clientSide.stderr, /unknown field "imagePullPolcy" in io\.k8s\.api\.core\.v1\.Container/);
      assert.equal(writes.length, before + 1, "client-side validation stopped the second write");
    } finally {
      serveV3 = true;
      v2WithoutPaths = false;
    }
  });
});
