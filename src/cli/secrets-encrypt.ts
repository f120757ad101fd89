// `skiff secrets-encrypt`: the keys of `skiff server --secrets-encryption` (like k3s's command of
// that name). `rotate-keys` adds a new first key; the next server start re-encrypts every Secret
// under it and drops the older keys.
import type { Command } from "commander";
import { managedConfigPath, rotateManagedKeys } from "../apiserver/encryption/managed.ts";
import { UsageError } from "./usage.ts";

export function registerSecretsEncrypt(program: Command): void {
  const command = program
    .command("secrets-encrypt")
    .description("manage the key that encrypts Secrets at rest (skiff server --secrets-encryption)");
  command
    .command("rotate-keys")
    .description("add a new encryption key; the next server start re-encrypts every Secret with it")
    .option("--data-dir <dir>", "server data dir", "./.skiff")
    .action((opts: { dataDir: string }) => {
      let result: { added: string; keys: number };
      try {
        result = rotateManagedKeys(opts.dataDir);
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      process.stdout.write(
        `added key ${result.added} to ${managedConfigPath(opts.dataDir)} (${result.keys} keys); restart skiff server to re-encrypt Secrets with it, which then drops the older keys\n`,
      );
    });
}
