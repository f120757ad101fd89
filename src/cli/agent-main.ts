// Entry point of the agent bundle (dist/skiff-agent.cjs): `skiff agent` alone, so a node agent
// neither loads nor keeps in memory the code of the server, controllers, scheduler and tools.
import { Command } from "commander";
import { registerAgent } from "./agent-command.ts";
import { runProgram } from "./run-program.ts";

const program = new Command("skiff").exitOverride().configureOutput({
  // Commander's own "error: …" lines are replaced by runProgram's; help text still shows.
  writeErr: (text) => {
    if (!text.startsWith("error:")) process.stderr.write(text);
  },
});
registerAgent(program);
runProgram(program);
