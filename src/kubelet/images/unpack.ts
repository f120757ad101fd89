// Applies image layers to a directory as the OCI image spec says: entries in order, `.wh.<name>`
// deletes <name> from lower layers, `.wh..wh..opq` empties its directory of lower-layer content.
// Paths are resolved inside the root (symlinks in the rootfs can never lead a write outside it).
import { createReadStream, createWriteStream } from "node:fs";
import {
  chmod,
  lchown,
  link,
  lstat,
  mkdir,
  readdir,
  readlink,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { readTar, type TarEntry } from "./tar.ts";

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** Thrown for a layer entry that would write outside the root or that cannot be applied. */
export class LayerError extends Error {
  override name = "LayerError";
}

/** Splits an archive path into clean components; `..` may not climb above the root. */
function components(name: string): string[] {
  const out: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) throw new LayerError(`layer entry ${JSON.stringify(name)} escapes the root`);
      out.pop();
    } else out.push(part);
  }
  return out;
}

/**
 * The host path of the parent directory of `parts` inside `root`, following symlinks of the rootfs as
 * if `root` were `/` (an absolute link target restarts at the root; `..` stops at it).
 */
async function resolveParent(root: string, parts: string[]): Promise<string> {
  const resolved: string[] = [];
  const pending = parts.slice(0, -1);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    if (part === "." || part === "") continue;
    const host = posix.join(root, ...resolved, part);
    const info = await lstat(host).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      if (++links > 255) throw new LayerError(`too many symlinks resolving ${parts.join("/")}`);
      const target = await readlink(host);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/"));
      continue;
    }
    if (!info) await mkdir(host, { mode: 0o755 });
    else if (!info.isDirectory()) throw new LayerError(`${parts.join("/")}: a parent is not a directory`);
    resolved.push(part);
  }
  return posix.join(root, ...resolved);
}

const runningAsRoot = process.getuid?.() === 0 && process.getgid?.() === 0;

/** `created`: we just made the path, so as root it is already owned by 0:0. */
async function setOwnerAndMode(path: string, entry: TarEntry, options: { link: boolean; created: boolean }) {
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  // Ownership first: chown clears setuid/setgid bits, chmod then restores them.
  if (!(options.created && runningAsRoot && uid === 0 && gid === 0)) {
    await lchown(path, uid, gid).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EPERM" && err.code !== "EINVAL") throw err;
    });
  }
  if (!options.link) await chmod(path, entry.mode ?? 0o644);
}

interface LayerState {
  /** Paths written by this layer: an opaque whiteout hides only lower layers' content. */
  written: Set<string>;
  /** Resolved parent directories (archive path → host path); cleared whenever anything is removed. */
  parents: Map<string, string>;
}

async function removePath(state: LayerState, path: string): Promise<void> {
  state.parents.clear();
  await rm(path, { recursive: true, force: true });
}

async function applyEntry(root: string, entry: TarEntry, state: LayerState): Promise<void> {
  const { written: layerPaths } = state;
  const parts = components(entry.name);
  if (parts.length === 0) return; // the root itself
  const base = parts[parts.length - 1] as string;
  const parentKey = parts.slice(0, -1).join("/");
  let parent = state.parents.get(parentKey);
  if (parent === undefined) {
    parent = await resolveParent(root, parts);
    state.parents.set(parentKey, parent);
  }
  if (base === OPAQUE) {
    for (const child of await readdir(parent)) {
      const key = parentKey ? `${parentKey}/${child}` : child;
      if (!layerPaths.has(key)) await removePath(state, posix.join(parent, child));
    }
    return;
  }
  if (base.startsWith(WHITEOUT)) {
    await removePath(state, posix.join(parent, base.slice(WHITEOUT.length)));
    return;
  }
  const path = posix.join(parent, base);
  layerPaths.add(parts.join("/"));
  const existing = await lstat(path).catch(() => undefined);
  if (entry.type === "directory") {
    if (existing && !existing.isDirectory()) await removePath(state, path);
    if (!existing?.isDirectory()) await mkdir(path);
    await setOwnerAndMode(path, entry, { link: false, created: !existing?.isDirectory() });
    return;
  }
  if (existing) await removePath(state, path);
  switch (entry.type) {
    case "file":
      if (entry.stream) await pipeline(entry.stream, createWriteStream(path));
      else await writeFile(path, entry.content ?? Buffer.alloc(0));
      await setOwnerAndMode(path, entry, { link: false, created: true });
      break;
    case "symlink":
      await symlink(entry.linkname ?? "", path);
      await setOwnerAndMode(path, entry, { link: true, created: true });
      break;
    case "hardlink": {
      const targetParts = components(entry.linkname ?? "");
      const target = posix.join(await resolveParent(root, targetParts), targetParts.at(-1) ?? "");
      await link(target, path);
      break;
    }
    default:
      // Device nodes and fifos: containers get /dev from the runtime; nothing to create here.
      break;
  }
}

/** Applies one layer (a tar, gzip-compressed or not) from `source` onto `root`. */
export async function applyLayer(root: string, source: Readable, options: { gzip: boolean }): Promise<void> {
  let stream: Readable = source;
  if (options.gzip) {
    const gunzip = createGunzip();
    source.on("error", (err) => gunzip.destroy(err));
    stream = source.pipe(gunzip);
  }
  const state: LayerState = { written: new Set(), parents: new Map() };
  try {
    // Files above 1 MiB are streamed to disk, so a large file never sits in memory whole.
    for await (const entry of readTar(stream, { maxBufferedBytes: 1 << 20 }))
      await applyEntry(root, entry, state);
  } finally {
    source.destroy();
  }
}

/** Applies the layer blob at `path`. */
export function applyLayerFile(root: string, path: string, options: { gzip: boolean }): Promise<void> {
  return applyLayer(root, createReadStream(path), options);
}
