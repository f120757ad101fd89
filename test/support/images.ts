// Test images (busybox, pause) built offline once into .cache/images/<content key>/ and shared by
// every test file, and a real docker-registry to pull them from.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type BuiltImages, cachedBusyboxArchives } from "../../src/kubelet/images/busybox.ts";

const cacheRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../.cache/images");

let built: BuiltImages | undefined;

/** Paths of the busybox (docker.io/library/busybox:latest, skiff.local/busybox:1) and pause archives. */
export function testImages(): BuiltImages {
  if (!built) built = cachedBusyboxArchives(cacheRoot);
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
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certificate: string; key: string };
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

/** Starts Debian's docker-registry on a free 127.0.0.1 port; resolves once it accepts connections. */
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
  if (options.tls)
    lines.push("  tls:", `    certificate: ${options.tls.certificate}`, `    key: ${options.tls.key}`);
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
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (listening) return { host: `127.0.0.1:${port}`, stop };
    await sleep(25);
  }
  await stop();
  throw new Error(`docker-registry did not start: ${log}`);
}
