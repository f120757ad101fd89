// Entry point of the agent bundle (dist/skiff-agent.cjs): `skiff agent` alone, so a node agent
// neither loads nor keeps in memory the code of the server, controllers, scheduler and tools.
import { Command, CommanderError } from "commander";
import { registerAgent } from "./agent-command.ts";
import { UsageError } from "./usage.ts";

const program = new Command("skiff").exitOverride().configureOutput({
  writeErr: (text) => {
    if (!text.startsWith("error:")) process.stderr.write(text);
  },
});
registerAgent(program);

function fail(message: string, code: number): never {
  process.stderr.write(`error: ${message.replace(/^error: /, "")}\n`);
  process.exit(code);
}

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.exitCode === 0) process.exit(0);
      if (err.code === "commander.help") process.exit(2);
      fail(err.message.replace(/\s*\n\s*/g, " "), 2);
    }
    if (err instanceof UsageError) fail(err.message, 2);
    fail(err instanceof Error ? err.message : String(err), 1);
  },
);
