// `skiff reset`: removes the cluster kept in a data dir — after confirmation, and only when no
// Skiff process still uses it — leaving no containers, mounts, netns, cgroups or rules behind.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { readNodeRecord, resetNode, unmountUnder } from "../kubelet/reset.ts";
import { UsageError } from "./usage.ts";

export interface ResetFlags {
  dataDir: string;
  yes?: boolean;
}

const markers = ["kubeconfig", "state.db", "node.json", "pki", "agent"];

/** Pids of other processes whose command line names `dir` (a server or agent still using it). */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (!args.includes("server") && !args.includes("agent")) continue;
    const at = args.indexOf("--data-dir");
    // Without --data-dir only a process that names skiff counts (./.skiff is the default).
    if (at < 0 && !args.some((a) => a.includes("skiff"))) continue;
    let used: string | undefined;
    try {
      // Without --data-dir a server or agent uses ./.skiff of its working directory.
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      used = at >= 0 ? resolve(cwd, args[at + 1] ?? "") : resolve(cwd, ".skiff");
    } catch {
      continue;
    }
    if (used === dir) pids.push(Number(entry));
  }
  return pids;
}

async function confirm(dir: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`refusing to remove ${dir} without confirmation: run again with --yes`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Remove the cluster in ${dir} (state, certificates, pods)? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function runReset(flags: ResetFlags): Promise<void> {
  const dir = resolve(flags.dataDir);
  if (!existsSync(dir)) throw new UsageError(`no cluster at ${dir}: the directory does not exist`);
  if (!markers.some((m) => existsSync(join(dir, m)))) {
    throw new UsageError(`${dir} does not look like a Skiff data dir (no kubeconfig, state.db or node.json)`);
  }
  const users = processesUsing(dir);
  if (users.length > 0) {
    throw new UsageError(`${dir} is in use by process ${users.join(", ")}: stop skiff first`);
  }
  if (!flags.yes && !(await confirm(dir))) {
    process.stdout.write("nothing removed\n");
    return;
  }
  const say = (line: string) => process.stdout.write(`skiff reset: ${line}\n`);
  // The embedded agent of `skiff server` keeps its node in <dir>/agent; `skiff agent` in <dir>.
  for (const nodeDir of [join(dir, "agent"), dir]) {
    if (readNodeRecord(nodeDir)) await resetNode(nodeDir, say);
  }
  await unmountUnder(dir, say);
  rmSync(dir, { recursive: true, force: true });
  say(`removed ${dir}`);
}
