// Runs a host tool (ip, mount, runc, a CNI plugin) to completion and returns its output; a non-zero
// exit becomes a CommandError carrying the tool's stderr, so callers can report what the tool said.
import { spawn } from "node:child_process";

export interface RunOptions {
  /** Written to the child's stdin (CNI configs travel this way). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Resolve instead of throwing on a non-zero exit (default false). */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} exited with ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
  }
}

export function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.stdin.on("error", () => {
      // A tool that exits without reading its stdin: its exit status tells what happened.
    });
    child.on("close", (code, signal) => {
      const result = {
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      if (result.code !== 0 && !options.allowFailure)
        reject(new CommandError([file, ...args].join(" "), result));
      else resolve(result);
    });
    child.stdin.end(options.input ?? "");
  });
}
