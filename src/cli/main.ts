// The `skiff` command: entry point of the bundled CLI.
import { Command } from "commander";

const program = new Command("skiff").description("A lightweight Kubernetes-compatible orchestrator");
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
