// Kubernetes' atomic writer for configMap/secret/downwardAPI/projected volumes: the files live in
// a timestamped `..<ts>` directory, `..data` is a symlink to it swapped by rename(2), and each
// top-level name is a symlink through `..data` — so a reader sees the old set or the new set,
// never a mix. Unchanged content is not rewritten.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, normalize } from "node:path";

export interface FileProjection {
  data: Buffer;
  /** Permission bits (default 0o644). */
  mode?: number;
}

const dataLink = "..data";

/** Rejects absolute paths, `..` segments and names starting with `..` (they would collide with ours). */
export function validPath(p: string): boolean {
  if (p === "" || p.startsWith("/")) return false;
  const clean = normalize(p);
  return !clean.split("/").some((seg) => seg === ".." || seg.startsWith(".."));
}

function currentFiles(dir: string): Map<string, { data: Buffer; mode: number }> | undefined {
  const target = join(dir, dataLink);
  if (!existsSync(target)) return undefined;
  const out = new Map<string, { data: Buffer; mode: number }>();
  const walk = (base: string, rel: string): void => {
    for (const name of readdirSync(join(base, rel))) {
      const relPath = rel ? `${rel}/${name}` : name;
      const st = statSync(join(base, relPath));
      if (st.isDirectory()) walk(base, relPath);
      else out.set(relPath, { data: readFileSync(join(base, relPath)), mode: st.mode & 0o777 });
    }
  };
  walk(target, "");
  return out;
}

function same(a: Map<string, { data: Buffer; mode: number }>, b: Map<string, FileProjection>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of b) {
    const cur = a.get(k);
    if (!cur?.data.equals(v.data) || cur.mode !== (v.mode ?? 0o644)) return false;
  }
  return true;
}

/** Writes `files` into `dir` atomically; returns false when nothing changed. */
export function writeAtomically(dir: string, files: Map<string, FileProjection>, now = Date.now()): boolean {
  for (const p of files.keys()) if (!validPath(p)) throw new Error(`invalid volume file path "${p}"`);
  mkdirSync(dir, { recursive: true });
  const existing = currentFiles(dir);
  if (existing && same(existing, files)) return false;
  const tsDir = `..${new Date(now).toISOString().replace(/[:.]/g, "_")}.${process.pid}.${Math.floor(Math.random() * 1e6)}`;
  const tsPath = join(dir, tsDir);
  mkdirSync(tsPath, { mode: 0o755 });
  for (const [p, f] of files) {
    const full = join(tsPath, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.data);
    chmodSync(full, f.mode ?? 0o644);
  }
  let oldTarget: string | undefined;
  try {
    oldTarget = readlinkSync(join(dir, dataLink));
  } catch {
    oldTarget = undefined;
  }
  const tmpLink = join(dir, "..data_tmp");
  rmSync(tmpLink, { force: true });
  symlinkSync(tsDir, tmpLink);
  renameSync(tmpLink, join(dir, dataLink));
  // User-visible names: one symlink per top-level entry, through ..data.
  const top = new Set([...files.keys()].map((p) => p.split("/")[0] as string));
  for (const name of top) {
    const link = join(dir, name);
    let ok = false;
    try {
      ok = lstatSync(link).isSymbolicLink() && readlinkSync(link) === join(dataLink, name);
    } catch {
      ok = false;
    }
    if (!ok) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(join(dataLink, name), link);
    }
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith("..") || top.has(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (oldTarget && oldTarget !== tsDir) rmSync(join(dir, oldTarget), { recursive: true, force: true });
  return true;
}
