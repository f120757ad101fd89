import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { importPKCS8, SignJWT } from "jose";
import {
  type RegistryServer,
  registryUser,
  startRegistry,
  testImages,
} from "../../../test/support/images.ts";
import { tempDir } from "../../../test/support/tempdir.ts";
import { DigestMismatchError } from "./blobs.ts";
import { digestHex, MediaType, sha256Digest } from "./oci.ts";
import { InvalidReferenceError } from "./reference.ts";
import { parseChallenge, RegistryError, registryBases } from "./registry.ts";
import { ImageStore } from "./store.ts";

const dir = tempDir("skiff-registry-test-");
const storageDir = join(dir.path, "registry");
let open: RegistryServer;
let locked: RegistryServer;
const images = testImages();

function skopeo(...args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8" });
}

before(async () => {
  open = await startRegistry({ storageDir });
  locked = await startRegistry({ storageDir, auth: "htpasswd" });
  const push = (src: string, dest: string, ...extra: string[]) =>
    skopeo("copy", "-q", "--dest-tls-verify=false", ...extra, src, `docker://${open.host}/${dest}`);
  push(`oci-archive:${images.busybox}:skiff.local/busybox:1`, "busybox:1");
  push(`oci-archive:${images.pause}`, "pause:3.9", "--format", "v2s2");
  // A multi-platform index whose linux/amd64 entry is busybox and whose arm64 entry is pause.
  const layout = join(dir.path, "multi");
  mkdirSync(layout);
  execFileSync("tar", ["-xf", images.busybox, "-C", layout]);
  execFileSync("tar", ["-xf", images.pause, "-C", layout, "--wildcards", "blobs/*"]);
  const busyboxIndex = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  const pauseIndex = JSON.parse(
    execFileSync("tar", ["-xOf", images.pause, "index.json"], { encoding: "utf8" }),
  );
  const entry = (d: { mediaType: string; digest: string; size: number }, architecture: string) => ({
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    platform: { architecture, os: "linux" },
  });
  const nested = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [entry(pauseIndex.manifests[0], "arm64"), entry(busyboxIndex.manifests[0], "amd64")],
    }),
  );
  writeFileSync(join(layout, "blobs/sha256", digestHex(sha256Digest(nested))), nested);
  const top = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: MediaType.ociIndex,
        digest: sha256Digest(nested),
        size: nested.length,
        annotations: { "org.opencontainers.image.ref.name": "multi" },
      },
    ],
  };
  writeFileSync(join(layout, "index.json"), JSON.stringify(top));
  push(`oci:${layout}:multi`, "multi:1", "--all");
});

after(async () => {
  await open?.stop();
  await locked?.stop();
  dir.remove();
});

function newStore(name: string): ImageStore {
  return new ImageStore({ dataDir: join(dir.path, name) });
}

test("pulls an OCI image and a docker schema2 image from a plain-HTTP loopback registry", async () => {
  const store = newStore("pull");
  const id = await store.pullImage({ image: `${open.host}/busybox:1` });
  const status = await store.imageStatus({ image: `${open.host}/busybox:1` });
  assert.equal(status?.id, id);
  assert.equal(status?.repoDigests.length, 1);
  assert.match(status?.repoDigests[0] ?? "", new RegExp(`^${open.host}/busybox@sha256:`));
  const pauseId = await store.pullImage({ image: `${open.host}/pause:3.9` });
  const pause = await store.rootfs(pauseId);
  assert.deepEqual(pause.config.Entrypoint, ["/bin/sleep", "inf"]);
  const busybox = await store.rootfs(`${open.host}/busybox:1`);
  assert.equal(readFileSync(join(busybox.rootfs, "etc/group"), "utf8").split("\n")[0], "root:x:0:");
  // By digest: the same image, found again by that digest.
  const digest = status?.repoDigests[0] ?? "";
  assert.equal(await newStore("by-digest").pullImage({ image: digest }), id);
  assert.equal((await store.imageStatus({ image: digest }))?.id, id);
});

test("concurrent pulls of one reference end in one image; a bad reference rejects", async () => {
  const store = newStore("concurrent");
  const ids = await Promise.all(
    Array.from({ length: 4 }, () => store.pullImage({ image: `${open.host}/busybox:1` })),
  );
  assert.equal(new Set(ids).size, 1);
  assert.equal((await store.listImages()).length, 1);
  await assert.rejects(store.pullImage({ image: "Not A Reference" }), InvalidReferenceError);
});

test("an image index resolves to its linux/amd64 image", async () => {
  const store = newStore("index");
  const id = await store.pullImage({ image: `${open.host}/multi:1` });
  const { config } = await store.imageConfig(id);
  assert.deepEqual(config.Cmd, ["sh"], "the amd64 entry is busybox, not pause");
});

test("basic auth: refused without credentials, accepted with username/password or auth", async () => {
  const store = newStore("auth");
  const image = { image: `${locked.host}/busybox:1` };
  await assert.rejects(
    store.pullImage(image),
    (err: unknown) => err instanceof RegistryError && err.statusCode === 401,
  );
  await assert.rejects(store.pullImage(image, { username: "skiff", password: "wrong" }), RegistryError);
  const id = await store.pullImage(image, registryUser);
  const auth = Buffer.from(`${registryUser.username}:${registryUser.password}`).toString("base64");
  assert.equal(await newStore("auth2").pullImage(image, { auth }), id);
});

test("a missing tag is a 404 RegistryError; a corrupted blob fails digest verification", async () => {
  const store = newStore("bad");
  await assert.rejects(
    store.pullImage({ image: `${open.host}/busybox:nope` }),
    (err: unknown) => err instanceof RegistryError && err.statusCode === 404,
  );
  const corrupt = tempDir("skiff-registry-corrupt-");
  const server = await startRegistry({ storageDir: corrupt.path });
  try {
    skopeo(
      "copy",
      "-q",
      "--dest-tls-verify=false",
      `oci-archive:${images.pause}`,
      `docker://${server.host}/p:1`,
    );
    const configDigest = JSON.parse(
      skopeo("inspect", "--tls-verify=false", "--raw", `docker://${server.host}/p:1`),
    ).config.digest as string;
    const hex = digestHex(configDigest);
    const data = join(corrupt.path, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
    writeFileSync(data, readFileSync(data, "utf8").replace("amd64", "arm64"));
    await assert.rejects(store.pullImage({ image: `${server.host}/p:1` }), DigestMismatchError);
    assert.deepEqual(await store.listImages(), []);
    assert.deepEqual(readdirSync(join(store.root, "tmp")), []);
  } finally {
    await server.stop();
    corrupt.remove();
  }
});

test("registry endpoints and challenges", () => {
  assert.deepEqual(registryBases("127.0.0.1:5000"), ["https://127.0.0.1:5000", "http://127.0.0.1:5000"]);
  assert.deepEqual(registryBases("localhost"), ["https://localhost", "http://localhost"]);
  assert.deepEqual(registryBases("docker.io"), ["https://registry-1.docker.io"]);
  assert.deepEqual(registryBases("reg.example:5000"), ["https://reg.example:5000"]);
  assert.deepEqual(registryBases("reg.example:5000", { insecureRegistries: ["reg.example:5000"] }), [
    "https://reg.example:5000",
    "http://reg.example:5000",
  ]);
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"',
    ),
    {
      scheme: "bearer",
      params: { realm: "https://auth.example/token", service: "registry", scope: "repository:a/b:pull" },
    },
  );
});

test("Bearer token auth: the token server gets the basic credentials, the registry the token", async () => {
  const certDir = tempDir("skiff-token-");
  const key = join(certDir.path, "key.pem");
  const cert = join(certDir.path, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=skiff-test-token",
      "-days",
      "1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: "ignore" },
  );
  const signingKey = await importPKCS8(readFileSync(key, "utf8"), "ES256");
  const der = new X509Certificate(readFileSync(cert)).raw.toString("base64");
  const requests: URLSearchParams[] = [];
  const tokenServer = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.searchParams);
    const expected = `Basic ${Buffer.from(`${registryUser.username}:${registryUser.password}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401).end();
      return;
    }
    const [type, name, actions] = (url.searchParams.get("scope") ?? "").split(":");
    new SignJWT({ access: [{ type, name, actions: (actions ?? "").split(",") }] })
      .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c: [der] })
      .setIssuer("skiff-test-issuer")
      .setAudience("skiff-test-registry")
      .setSubject(registryUser.username)
      .setIssuedAt()
      .setNotBefore("-1m")
      .setExpirationTime("5m")
      .setJti(String(requests.length))
      .sign(signingKey)
      .then((token) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token })),
      )
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
  const address = tokenServer.address() as AddressInfo;
  const server = await startRegistry({
    storageDir,
    auth: {
      token: {
        realm: `http://127.0.0.1:${address.port}/token`,
        service: "skiff-test-registry",
        issuer: "skiff-test-issuer",
        rootcertbundle: cert,
      },
    },
  });
  try {
    const store = newStore("token");
    await assert.rejects(store.pullImage({ image: `${server.host}/busybox:1` }), RegistryError);
    const id = await store.pullImage({ image: `${server.host}/busybox:1` }, registryUser);
    assert.equal((await store.imageStatus({ image: `${server.host}/busybox:1` }))?.id, id);
    const last = requests.at(-1);
    assert.equal(last?.get("service"), "skiff-test-registry");
    assert.equal(last?.get("scope"), "repository:busybox:pull");
  } finally {
    await server.stop();
    await new Promise((resolve) => tokenServer.close(resolve));
    certDir.remove();
  }
});

test("a TLS registry: trusted through the CA option, refused (never downgraded) without it", async () => {
  const certDir = tempDir("skiff-registry-tls-");
  const key = join(certDir.path, "key.pem");
  const cert = join(certDir.path, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      "/CN=127.0.0.1",
    ].concat(["-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert]),
    { stdio: "ignore" },
  );
  const server = await startRegistry({ storageDir, tls: { certificate: cert, key } });
  try {
    const image = { image: `${server.host}/busybox:1` };
    await assert.rejects(newStore("tls-untrusted").pullImage(image), (err: NodeJS.ErrnoException) =>
      /SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? ""),
    );
    const store = new ImageStore({ dataDir: join(dir.path, "tls"), registry: { ca: readFileSync(cert) } });
    const id = await store.pullImage(image);
    assert.equal((await store.imageStatus(image))?.id, id);
  } finally {
    await server.stop();
    certDir.remove();
  }
});
