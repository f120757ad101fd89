// Named network namespaces (bind-mounted under /run/netns, as `ip netns` keeps them) for pod
// sandboxes: containers join one by path, so a pod needs no pause process to hold its network.
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { run } from "./exec-file.ts";

export const netnsDir = "/run/netns";

export function netnsPath(name: string): string {
  return `${netnsDir}/${name}`;
}

/** Whether /run/netns is already the shared mount `ip netns` sets up on first use. */
function netnsDirMounted(): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === netnsDir);
}

/**
 * Creates the namespace with its loopback up (pods reach their own ports on localhost). Once
 * /run/netns is set up, one `unshare --net=<file> ip link set lo up` does both in a single spawn;
 * the first namespace goes through `ip netns add`, which prepares the shared mount.
 */
export async function createNetns(name: string): Promise<string> {
  const path = netnsPath(name);
  if (netnsDirMounted()) {
    // "wx": a name in use is refused here, before anything exists that a cleanup could wrongly remove.
    await writeFile(path, "", { flag: "wx" });
    try {
      await run("unshare", [`--net=${path}`, "ip", "link", "set", "lo", "up"]);
    } catch (err) {
      await deleteNetns(name).catch(() => {});
      throw err;
    }
  } else {
    await run("ip", ["netns", "add", name]);
    try {
      await run("ip", ["-n", name, "link", "set", "lo", "up"]);
    } catch (err) {
      await deleteNetns(name).catch(() => {});
      throw err;
    }
  }
  return path;
}

/** Deletes the namespace; the kernel frees its veth asynchronously (1–2 s). Idempotent. */
export async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(netnsPath(name))) return;
  await run("ip", ["netns", "delete", name]);
}
