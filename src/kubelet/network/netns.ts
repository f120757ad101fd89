// Named network namespaces (`ip netns add`, bind-mounted under /run/netns) for pod sandboxes:
// containers join one by path, so a pod needs no pause process to hold its network.
import { existsSync } from "node:fs";
import { run } from "./exec-file.ts";

export const netnsDir = "/run/netns";

export function netnsPath(name: string): string {
  return `${netnsDir}/${name}`;
}

/** Creates the namespace and brings its loopback up (pods reach each other's ports on localhost). */
export async function createNetns(name: string): Promise<string> {
  await run("ip", ["netns", "add", name]);
  try {
    await run("ip", ["-n", name, "link", "set", "lo", "up"]);
  } catch (err) {
    await deleteNetns(name);
    throw err;
  }
  return netnsPath(name);
}

/** Deletes the namespace; the kernel frees its veth asynchronously (1–2 s). Idempotent. */
export async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(netnsPath(name))) return;
  await run("ip", ["netns", "delete", name]);
}
