// CertificateSigningRequests end to end with kubectl 1.32: a client certificate request is
// pending until `kubectl certificate approve`, then issued by the cluster CA and the issued
// certificate authenticates; a bootstrapping node's kubelet-client request is approved and issued
// without anyone; a denied request gets no certificate; a request that is not PEM is refused.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Kubectl } from "../support/kubectl.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
const bootstrapToken = "abcdef.0123456789abcdef";

before(async () => {
  const tokens = join(server.dir.path, "tokens.csv");
  writeFileSync(
    tokens,
    `${bootstrapToken},system:bootstrap:abcdef,uid-b,"system:bootstrappers,system:authenticated"\n`,
  );
  await server.start(["--token-auth-file", tokens]);
});

after(async () => {
  await server.stop();
});

function keyAndRequest(name: string, subject: string): { key: string; request: string } {
  const key = join(server.dir.path, `${name}.key`);
  const csr = join(server.dir.path, `${name}.csr`);
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
  return { key, request: readFileSync(csr).toString("base64") };
}

function csrManifest(name: string, signer: string, request: string, usages: string[]): string {
  const file = join(server.dir.path, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: ${name}}
spec:
  signerName: ${signer}
  request: ${request}
  usages: [${usages.map((u) => `"${u}"`).join(", ")}]
`,
  );
  return file;
}

async function waitFor(kubectl: Kubectl, args: string[], pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  let last = "";
  while (Date.now() < deadline) {
    const r = await kubectl.run(args);
    last = r.stdout + r.stderr;
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`kubectl ${args.join(" ")} never matched ${pattern}: ${last}`);
}

test("a client certificate is issued after approval and then authenticates", async () => {
  const k = server.client("1.32");
  const { key, request } = keyAndRequest("alice", "/CN=alice/O=devs");
  await k.ok(
    "apply",
    "-f",
    csrManifest("alice", "kubernetes.io/kube-apiserver-client", request, ["client auth"]),
  );
  const pending = await k.ok("get", "csr", "alice");
  assert.match(pending, /alice\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+admin\s+<none>\s+Pending/);
  await k.ok("certificate", "approve", "alice");
  await waitFor(k, ["get", "csr", "alice"], /Approved,Issued/);
  const cert = Buffer.from(
    await k.ok("get", "csr", "alice", "-o", "jsonpath={.status.certificate}"),
    "base64",
  );
  const certFile = join(server.dir.path, "alice.crt");
  writeFileSync(certFile, cert);
  const subject = execFileSync("openssl", ["x509", "-noout", "-subject", "-issuer", "-in", certFile], {
    encoding: "utf8",
  });
  assert.match(subject, /subject=CN = alice, O = devs/);
  assert.match(subject, /issuer=CN = skiff-ca@/);
  // A kubeconfig with the issued certificate: the server accepts it as alice.
  const kubeconfig = join(server.dir.path, "alice.kubeconfig");
  const admin = readFileSync(server.kubeconfig, "utf8");
  const b64 = (f: string) => readFileSync(f).toString("base64");
  writeFileSync(
    kubeconfig,
    admin
      .replace(/client-certificate-data: .*/, `client-certificate-data: ${b64(certFile)}`)
      .replace(/client-key-data: .*/, `client-key-data: ${b64(key)}`),
  );
  const alice = new Kubectl({ version: "1.32", kubeconfig, cacheDir: join(server.dir.path, "alice-cache") });
  const r = await alice.run(["get", "--raw", "/version"]);
  assert.equal(r.code, 0, r.stderr);
  const anonymous = await alice.run(["get", "--raw", "/version", "--client-certificate=/dev/null"]);
  assert.notEqual(anonymous.code, 0);
});

test("a bootstrapping node's kubelet client certificate is approved and issued by itself", async () => {
  const k = server.client("1.32");
  await k.ok(
    "create",
    "clusterrolebinding",
    "test-bootstrappers",
    "--clusterrole=system:node-bootstrapper",
    "--group=system:bootstrappers",
  );
  const { request } = keyAndRequest("node", "/CN=system:node:worker-1/O=system:nodes");
  const manifest = csrManifest("node-csr-1", "kubernetes.io/kube-apiserver-client-kubelet", request, [
    "digital signature",
    "client auth",
  ]);
  const out = await k.run([
    "--token",
    bootstrapToken,
    "--client-certificate=",
    "--client-key=",
    "apply",
    "-f",
    manifest,
  ]);
  assert.equal(out.code, 0, out.stderr);
  const issued = await waitFor(k, ["get", "csr", "node-csr-1"], /Approved,Issued/);
  assert.match(issued, /system:bootstrap:abcdef/);
  const reason = await k.ok("get", "csr", "node-csr-1", "-o", "jsonpath={.status.conditions[0].reason}");
  assert.equal(reason, "AutoApproved");
});

test("a kubelet client request with the wrong subject fails with the signer's reason", async () => {
  const k = server.client("1.32");
  const { request } = keyAndRequest("bad", "/CN=mallory/O=system:nodes");
  await k.ok(
    "apply",
    "-f",
    csrManifest("bad", "kubernetes.io/kube-apiserver-client-kubelet", request, ["client auth"]),
  );
  await k.ok("certificate", "approve", "bad");
  await waitFor(k, ["get", "csr", "bad"], /Approved,Failed/);
  const message = await k.ok(
    "get",
    "csr",
    "bad",
    "-o",
    "jsonpath={.status.conditions[?(@.type=='Failed')].message}",
  );
  assert.match(message, /must start with "system:node:"/);
});

test("a denied request gets no certificate; an approval cannot be withdrawn", async () => {
  const k = server.client("1.32");
  const { request } = keyAndRequest("bob", "/CN=bob");
  await k.ok(
    "apply",
    "-f",
    csrManifest("bob", "kubernetes.io/kube-apiserver-client", request, ["client auth"]),
  );
  await k.ok("certificate", "deny", "bob");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.match(await k.ok("get", "csr", "bob"), /Denied/);
  assert.equal(await k.ok("get", "csr", "bob", "-o", "jsonpath={.status.certificate}"), "");
  const both = await k.run(["certificate", "approve", "bob"]);
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /Denied/);
});

test("a request that is not a PEM certificate request is refused with the field", async () => {
  const k = server.client("1.32");
  const r = await k.run([
    "apply",
    "-f",
    csrManifest("junk", "kubernetes.io/kube-apiserver-client", Buffer.from("hello").toString("base64"), [
      "client auth",
    ]),
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.request/);
});
