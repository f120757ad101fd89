// Running `skiff image …` in tests: in-process (commander program, output captured, not a TTY)
// and as the real CLI process (stdout a pipe).
import { execFile } from "node:child_process";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { registerImage } from "../../src/cli/image.ts";
import { skiffEntry } from "../support/skiff-entry.ts";

/** `skiff image <args>` in this process; resolves to what it printed. */
export async function imageCommand(...args: string[]): Promise<string> {
  const program = new Command("skiff").exitOverride();
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => {
    text += d.toString();
  });
  registerImage(program, out);
  await program.parseAsync(["image", ...args], { from: "user" });
  return text;
}

/** The real `skiff` CLI as a child process. */
export function skiffCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...skiffEntry(), ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
