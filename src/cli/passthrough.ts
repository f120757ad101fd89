// `skiff kubectl …` and `skiff helm …`: run the tool against this cluster (KUBECONFIG defaults to
// the data dir's admin kubeconfig), with the terminal, signals and exit status passed through.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { locateTool, type Tool, ToolNotFoundError } from "./tools.ts";
import { UsageError } from "./usage.ts";

/** KUBECONFIG as set, else <SKIFF_DATA_DIR or ./.skiff>/kubeconfig when it exists. */
export function clusterKubeconfig(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECONFIG) return env.KUBECONFIG;
  const candidate = join(resolve(env.SKIFF_DATA_DIR ?? ".skiff"), "kubeconfig");
  return existsSync(candidate) ? candidate : undefined;
}

export async function runTool(tool: Tool, args: string[]): Promise<never> {
  let path: string;
  try {
    path = locateTool(tool);
  } catch (err) {
    if (err instanceof ToolNotFoundError) throw new UsageError(err.message);
    throw err;
  }
  // Without a cluster kubeconfig the tool keeps its own default (~/.kube/config).
  const kubeconfig = clusterKubeconfig();
  const env = kubeconfig ? { ...process.env, KUBECONFIG: kubeconfig } : process.env;
  const child = spawn(path, args, { stdio: "inherit", env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((done, fail) => {
    child.once("error", fail);
    child.once("exit", (c, signal) => done(c ?? (signal ? 128 + 15 : 1)));
  });
  process.exit(code);
}
