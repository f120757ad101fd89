// Removes a pod's cgroup parent from every cgroup v1 hierarchy (and the unified one) after its
// sandbox is gone: containerd removes the container cgroups but leaves the parent (RUNTIME.md).
import { existsSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";

const cgroupRoot = "/sys/fs/cgroup";

/** Hierarchy mount points: /sys/fs/cgroup/<controller> (symlinked aliases such as `cpu` skipped). */
function hierarchies(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const result: string[] = [];
  for (const name of names) {
    const path = join(root, name);
    try {
      const st = statSync(path);
      const key = `${st.dev}:${st.ino}`;
      if (!st.isDirectory() || seen.has(key)) continue;
      seen.add(key);
      result.push(path);
    } catch {
      // Vanished or unreadable: nothing to clean there.
    }
  }
  return result;
}

/** rmdir depth-first; a cgroup still holding processes stays (rmdir fails with EBUSY). */
function removeTree(path: string): void {
  let entries: string[];
  try {
    entries = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return;
  }
  for (const child of entries) removeTree(join(path, child));
  try {
    rmdirSync(path);
  } catch {
    // Busy or already gone.
  }
}

/**
 * `cgroupParent` is a cgroupfs path such as `/skiff/kubepods/pod<uid>`; "" or "/" does nothing.
 * True when no hierarchy holds it any more (false: a cgroup still had processes).
 */
export function removeCgroup(cgroupParent: string, root = cgroupRoot): boolean {
  const relative = cgroupParent.replace(/^\/+/, "");
  if (relative === "" || relative.split("/").includes("..")) return true;
  let gone = true;
  for (const hierarchy of hierarchies(root)) {
    const path = join(hierarchy, relative);
    removeTree(path);
    if (existsSync(path)) gone = false;
  }
  return gone;
}

/**
 * The pod uids with a `pod<uid>` cgroup under `parent` or its QoS children (burstable,
 * besteffort) in any hierarchy: the kubelet's view of pod cgroups, swept when orphaned.
 */
export function podCgroupUids(parent: string, root = cgroupRoot): Set<string> {
  const relative = parent.replace(/^\/+/, "");
  const uids = new Set<string>();
  if (relative === "" || relative.split("/").includes("..")) return uids;
  for (const hierarchy of hierarchies(root)) {
    for (const qos of ["", "burstable", "besteffort"]) {
      let names: string[];
      try {
        names = readdirSync(join(hierarchy, relative, qos));
      } catch {
        continue;
      }
      for (const name of names) if (name.startsWith("pod") && name.length > 3) uids.add(name.slice(3));
    }
  }
  return uids;
}
