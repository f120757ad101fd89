// A `skiff` subcommand (sim, controller-manager, scheduler) as a child process: started until it
// prints its ready text, its stderr kept for failure messages, stopped with SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { skiffEntry } from "./skiff-entry.ts";

export class SkiffChild {
  log = "";
  /** Everything the child wrote to stdout so far. */
  out = "";
  private constructor(readonly process: ChildProcess) {
    process.stderr?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
  }

  /** Starts `skiff <args>` and resolves once stdout contains `readyText`. */
  static async start(args: string[], readyText: string): Promise<SkiffChild> {
    const child = new SkiffChild(
      spawn(process.execPath, [...skiffEntry(), ...args], { stdio: ["ignore", "pipe", "pipe"] }),
    );
    await new Promise<void>((ready, fail) => {
      child.process.stdout?.on("data", (d: Buffer) => {
        child.out += d.toString();
        if (child.out.includes(readyText)) ready();
      });
      child.process.once("exit", (code) =>
        fail(new Error(`skiff ${args[0]} exited with ${code}: ${child.log}`)),
      );
    });
    return child;
  }

  /** SIGTERM and wait; resolves with the exit code (null when killed by a signal). */
  async stop(): Promise<number | null> {
    const p = this.process;
    if (p.exitCode !== null || p.signalCode !== null) return p.exitCode;
    const exited = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
    p.kill("SIGTERM");
    return exited;
  }
}
