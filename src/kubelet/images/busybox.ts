// Builds the busybox and pause test images offline from Debian's busybox-static: one reproducible
// layer (the binary, a symlink per applet, /etc files) packaged as oci-archive tarballs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Image, ImageService } from "../runtime/runtime.ts";
import { buildLayer, buildOciArchive, type ImageToWrite, type Layer } from "./layout-writer.ts";
import type { ImageConfig } from "./oci.ts";
import type { TarEntry } from "./tar.ts";

export const BusyboxRefs = ["docker.io/library/busybox:latest", "skiff.local/busybox:1"];
export const PauseRef = "skiff.local/pause:3.9";
/** Where a node keeps the archives it built (`<dataDir>/images-build/<content key>/`). */
export function builtinImagesDir(dataDir: string): string {
  return join(dataDir, "images-build");
}

/** Bump when the image contents change for reasons other than the busybox binary (cache keys). */
export const BusyboxBuilderVersion = 1;

export interface BusyboxBuildOptions {
  /** Where the static busybox binary is (default /bin/busybox, from Debian's busybox-static). */
  busyboxPath?: string;
}

const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const passwd = [
  "root:x:0:0:root:/root:/bin/sh",
  "nobody:x:65534:65534:nobody:/home:/bin/false",
  "user:x:1000:1000:user:/home/user:/bin/sh",
  "",
].join("\n");
const group = ["root:x:0:", "nobody:x:65534:", "user:x:1000:", ""].join("\n");

/** Applet install paths (`usr/bin/wget`, …) as the binary itself lists them. */
export function busyboxApplets(busyboxPath: string): string[] {
  const out = execFileSync(busyboxPath, ["--list-full"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().replace(/^\/+/, ""))
    .filter((l) => l !== "" && l !== "bin/busybox");
}

/** The rootfs entries, sorted by name, as `busybox --install -s` would lay them out. */
export function busyboxRootfsEntries(binary: Buffer, applets: string[]): TarEntry[] {
  const dirs = new Map<string, number>([
    ["bin", 0o755],
    ["dev", 0o755],
    ["etc", 0o755],
    ["home", 0o755],
    ["home/user", 0o755],
    ["proc", 0o755],
    ["root", 0o700],
    ["sys", 0o755],
    ["tmp", 0o1777],
    ["usr", 0o755],
    ["var", 0o755],
  ]);
  const files = new Map<string, TarEntry>();
  const addFile = (name: string, content: Buffer | string, mode: number) =>
    files.set(name, { name, type: "file", mode, content: Buffer.from(content) });
  addFile("bin/busybox", binary, 0o755);
  addFile("etc/passwd", passwd, 0o644);
  addFile("etc/group", group, 0o644);
  // Placeholders so bind-mount targets exist even on runtimes that do not create them.
  addFile("etc/hosts", "127.0.0.1\tlocalhost\n", 0o644);
  addFile("etc/hostname", "", 0o644);
  addFile("etc/resolv.conf", "", 0o644);
  for (const applet of applets) {
    const parts = applet.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!dirs.has(dir)) dirs.set(dir, 0o755);
    }
    if (!files.has(applet)) files.set(applet, { name: applet, type: "symlink", linkname: "/bin/busybox" });
  }
  const entries: { key: string; entry: TarEntry }[] = [];
  for (const [dir, mode] of dirs)
    entries.push({ key: dir, entry: { name: `${dir}/`, type: "directory", mode } });
  for (const [name, entry] of files) entries.push({ key: name, entry });
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return entries.map((e) => e.entry);
}

function imageConfig(runtime: ImageConfig["config"], createdBy: string): Omit<ImageConfig, "rootfs"> {
  return {
    architecture: "amd64",
    os: "linux",
    created: "1970-01-01T00:00:00Z",
    config: runtime,
    history: [{ created: "1970-01-01T00:00:00Z", created_by: createdBy }],
  };
}

export function busyboxImage(layer: Layer): ImageToWrite {
  return {
    refs: BusyboxRefs,
    config: imageConfig({ Env: [PATH_ENV], Cmd: ["sh"], WorkingDir: "/" }, "skiff image build-busybox"),
    layers: [layer],
  };
}

export function pauseImage(layer: Layer): ImageToWrite {
  return {
    refs: [PauseRef],
    config: imageConfig(
      { Env: [PATH_ENV], Entrypoint: ["/bin/sleep", "inf"], WorkingDir: "/" },
      "skiff image build-busybox (pause)",
    ),
    layers: [layer],
  };
}

/** The two archives' bytes: busybox (two tags) and pause, sharing one layer. */
export function buildBusyboxArchives(options: BusyboxBuildOptions = {}): { busybox: Buffer; pause: Buffer } {
  const busyboxPath = options.busyboxPath ?? "/bin/busybox";
  const layer = buildLayer(busyboxRootfsEntries(readFileSync(busyboxPath), busyboxApplets(busyboxPath)));
  return { busybox: buildOciArchive([busyboxImage(layer)]), pause: buildOciArchive([pauseImage(layer)]) };
}

export interface BuiltImages {
  /** oci-archive of docker.io/library/busybox:latest and skiff.local/busybox:1. */
  busybox: string;
  /** oci-archive of skiff.local/pause:3.9. */
  pause: string;
}

/**
 * Writes busybox.oci.tar and pause.oci.tar into `outputDir`. Each file is written under a temporary
 * name and renamed, so concurrent builders never expose a partial archive.
 */
export function writeBusyboxArchives(outputDir: string, options: BusyboxBuildOptions = {}): BuiltImages {
  mkdirSync(outputDir, { recursive: true });
  const archives = buildBusyboxArchives(options);
  const out: BuiltImages = {
    busybox: join(outputDir, "busybox.oci.tar"),
    pause: join(outputDir, "pause.oci.tar"),
  };
  for (const key of ["busybox", "pause"] as const) {
    const tmp = `${out[key]}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, archives[key]);
    renameSync(tmp, out[key]);
  }
  return out;
}

/**
 * The archives built once per busybox binary under `cacheRoot/<content key>/` (a new binary or
 * builder version gets a new directory; concurrent callers at worst build twice, never expose a
 * partial file).
 */
export function cachedBusyboxArchives(cacheRoot: string, options: BusyboxBuildOptions = {}): BuiltImages {
  const busyboxPath = options.busyboxPath ?? "/bin/busybox";
  const key = createHash("sha256")
    .update(`builder ${BusyboxBuilderVersion}\n`)
    .update(readFileSync(busyboxPath))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  const paths: BuiltImages = { busybox: join(dir, "busybox.oci.tar"), pause: join(dir, "pause.oci.tar") };
  return existsSync(paths.busybox) && existsSync(paths.pause)
    ? paths
    : writeBusyboxArchives(dir, { busyboxPath });
}

/**
 * Makes sure the pause image (and, with `busybox`, the busybox image) is in `images`, building the
 * archives offline into `cacheRoot` when needed: a node must never need the internet for its sandbox.
 * Returns the images imported (empty when all were present).
 */
export async function ensureBuiltinImages(
  images: ImageService,
  options: BusyboxBuildOptions & {
    cacheRoot: string;
    busybox?: boolean;
    /**
     * Builds (or finds) the archives; default: cachedBusyboxArchives in this process. The agent
     * builds them in a child process: tar and gzip of the layer left ~6 MB of malloc residue in a
     * first start's RSS for good.
     */
    build?: (cacheRoot: string) => Promise<BuiltImages>;
  },
): Promise<Image[]> {
  const wanted: { ref: string; archive: keyof BuiltImages }[] = [{ ref: PauseRef, archive: "pause" }];
  if (options.busybox) wanted.push({ ref: BusyboxRefs[1] as string, archive: "busybox" });
  const imported: Image[] = [];
  let built: BuiltImages | undefined;
  for (const { ref, archive } of wanted) {
    if (await images.imageStatus({ image: ref })) continue;
    built ??= options.build
      ? await options.build(options.cacheRoot)
      : cachedBusyboxArchives(options.cacheRoot, options);
    imported.push(...(await images.importImage(built[archive])));
  }
  return imported;
}
