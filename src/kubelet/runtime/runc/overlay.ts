// A container's root filesystem: overlayfs with the image's shared unpacked rootfs as the lowerdir
// and a per-container upper/work pair, so containers of one image share its files on disk.
import { mkdir, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../../network/exec-file.ts";

/** Mounts the overlay at `<bundle>/rootfs` and returns that path. */
export async function mountOverlay(options: { lowerdir: string; bundle: string }): Promise<string> {
  const upper = join(options.bundle, "upper");
  const work = join(options.bundle, "work");
  const target = join(options.bundle, "rootfs");
  await Promise.all([
    mkdir(upper, { recursive: true }),
    mkdir(work, { recursive: true }),
    mkdir(target, { recursive: true }),
  ]);
  await run("mount", [
    "-t",
    "overlay",
    "overlay",
    "-o",
    `lowerdir=${options.lowerdir},upperdir=${upper},workdir=${work}`,
    target,
  ]);
  return target;
}

/** Unmounts the rootfs (lazily, in case a process of the host still has a file open). Idempotent. */
export async function unmountOverlay(bundle: string): Promise<void> {
  const target = join(bundle, "rootfs");
  if (!(await isMountPoint(target))) return;
  await run("umount", ["-l", target]);
}

/** Whether `path` (symlinks resolved) is a mount point in this mount namespace; read in-process, no spawn. */
export async function isMountPoint(path: string): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return false;
  }
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  // Field 5 is the mount point, with spaces escaped as \040.
  return mountinfo.split("\n").some((line) => line.split(" ")[4]?.replace(/\\040/g, " ") === real);
}
