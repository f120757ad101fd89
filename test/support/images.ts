// Test images (busybox, pause) built offline once into .cache/images/<content key>/ and shared by
// every test file; concurrent builders write under temporary names and rename, so none sees a partial file.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  type BuiltImages,
  BusyboxBuilderVersion,
  writeBusyboxArchives,
} from "../../src/kubelet/images/busybox.ts";

const busyboxPath = "/bin/busybox";
const cacheRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../.cache/images");

let built: BuiltImages | undefined;

/** Paths of the busybox (docker.io/library/busybox:latest, skiff.local/busybox:1) and pause archives. */
export function testImages(): BuiltImages {
  if (built) return built;
  const key = createHash("sha256")
    .update(`builder ${BusyboxBuilderVersion}\n`)
    .update(readFileSync(busyboxPath))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  const paths: BuiltImages = { busybox: join(dir, "busybox.oci.tar"), pause: join(dir, "pause.oci.tar") };
  built =
    existsSync(paths.busybox) && existsSync(paths.pause) ? paths : writeBusyboxArchives(dir, { busyboxPath });
  return built;
}

/** htpasswd line for user `skiff`, password `s3cret` (bcrypt; Node has no bcrypt to make one). */
export const registryUser = { username: "skiff", password: "s3cret" };
const htpasswdLine = "skiff:$2a$05$abcdefghijklmnopqrstuuLK7U1u6pVRmL7L1BBM2aS35PSZnDXlK\n";

export interface RegistryServerOptions {
  /** Storage root; several registries may share one (e.g. an open one to push, an authenticated one to pull). */
  storageDir: string;
  /** Extra registry config under `auth:` (htpasswd is written for "htpasswd"; token settings as given). */
  auth?: "htpasswd" | { token: { realm: string; service: string; issuer: string; rootcertbundle: string } };
}

export interface RegistryServer {
  /** `127.0.0.1:<port>` */
  host: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts Debian's docker-registry on a free 127.0.0.1 port; resolves once /v2/ answers. */
export async function startRegistry(options: RegistryServerOptions): Promise<RegistryServer> {
  const port = await freePort();
  const confDir = mkdtempSync(join(tmpdir(), "skiff-registry-"));
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${options.storageDir}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
  ];
  if (options.auth === "htpasswd") {
    writeFileSync(join(confDir, "htpasswd"), htpasswdLine);
    lines.push("auth:", "  htpasswd:", "    realm: skiff-test", `    path: ${join(confDir, "htpasswd")}`);
  } else if (options.auth) {
    const t = options.auth.token;
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
    );
    lines.push(`    rootcertbundle: ${t.rootcertbundle}`);
  }
  writeFileSync(join(confDir, "config.yml"), `${lines.join("\n")}\n`);
  const child = spawn("docker-registry", ["serve", join(confDir, "config.yml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d: Buffer) => {
    log += d.toString();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(confDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    const status = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200 || status === 401) return { host: `127.0.0.1:${port}`, stop };
    await sleep(25);
  }
  await stop();
  throw new Error(`docker-registry did not start: ${log}`);
}
