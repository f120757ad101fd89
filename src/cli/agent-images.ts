// The agent's first start prepares the pause and busybox images in a child process (this same
// command, `skiff agent --build-builtin-images DIR` or `--import-builtin-images DATA_DIR`): tar,
// gzip and the rootfs unpack left ~6 MB of malloc residue in the long-lived agent (a first start
// idled at 70–71 MB where a restart idles at 62).
import { execFile } from "node:child_process";
import type { BuiltImages } from "../kubelet/images/busybox.ts";

export const buildImagesFlag = "--build-builtin-images";
export const importImagesFlag = "--import-builtin-images";

/** Runs `skiff agent <flag> <dir>` as this process was started (node flags, script); its stdout. */
function runChild(flag: string, dir: string): Promise<string> {
  const script = process.argv[1];
  if (!script) return Promise.reject(new Error("cannot re-run skiff: no script path in argv"));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, script, "agent", flag, dir],
      { encoding: "utf8", maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`preparing the pause and busybox images failed: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** Builds (or finds) the archives under `cacheRoot` in a child process. */
export async function buildImagesInChild(cacheRoot: string): Promise<BuiltImages> {
  const stdout = await runChild(buildImagesFlag, cacheRoot);
  try {
    const o = JSON.parse(stdout.slice(stdout.indexOf("{"))) as Record<string, unknown>;
    if (typeof o.busybox === "string" && typeof o.pause === "string")
      return { busybox: o.busybox, pause: o.pause };
  } catch {
    // Reported below.
  }
  throw new Error(`building the pause and busybox images printed no paths: ${stdout.trim()}`);
}

/** Imports the images into Skiff's image store under `dataDir` (runc), busybox unpacked, in a child process. */
export async function importImagesInChild(dataDir: string): Promise<void> {
  await runChild(importImagesFlag, dataDir);
}

/** The child's side of buildImagesInChild: prints the archive paths. */
export async function printBuiltImages(cacheRoot: string): Promise<void> {
  const { cachedBusyboxArchives } = await import("../kubelet/images/busybox.ts");
  process.stdout.write(`${JSON.stringify(cachedBusyboxArchives(cacheRoot))}\n`);
}

/** The child's side of importImagesInChild. */
export async function importBuiltImages(dataDir: string): Promise<void> {
  const { BusyboxRefs, builtinImagesDir, ensureBuiltinImages } = await import("../kubelet/images/busybox.ts");
  const { ImageStore } = await import("../kubelet/images/store.ts");
  const store = new ImageStore({ dataDir });
  await ensureBuiltinImages(store, { cacheRoot: builtinImagesDir(dataDir), busybox: true });
  // The first pod's rootfs: unpacking it is the largest allocation of a first start.
  await store.rootfs(BusyboxRefs[1] ?? "");
}
