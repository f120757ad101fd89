// Runs a commander program as the `skiff` command does (main.ts, and agent-main.ts for the agent
// bundle): exit 0 on success, 2 with "error: …" for usage errors, 1 for any other failure.
import { type Command, CommanderError } from "commander";
import { UsageError } from "./usage.ts";

function fail(message: string, code: number): never {
  process.stderr.write(`error: ${message.replace(/^error: /, "")}\n`);
  process.exit(code);
}

export function runProgram(program: Command): void {
  program.parseAsync(process.argv).then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof CommanderError) {
        if (
          err.code === "commander.helpDisplayed" ||
          err.code === "commander.version" ||
          err.exitCode === 0
        ) {
          process.exit(0);
        }
        if (err.code === "commander.help") process.exit(2);
        fail(err.message.replace(/\s*\n\s*/g, " "), 2);
      }
      if (err instanceof UsageError) fail(err.message, 2);
      fail(err instanceof Error ? err.message : String(err), 1);
    },
  );
}
