// Wraps the datastore for `--encryption-provider-config`: reads the file, encrypts the named
// resources from now on and rewrites values left by older keys or written in plain text.
import { readFileSync } from "node:fs";
import { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { Store } from "../../storage/store.ts";
import { EncryptionConfigError, parseEncryptionConfig } from "./config.ts";
import { EncryptingStore } from "./store.ts";

export async function encryptedStore(
  inner: Store,
  configPath: string,
  resources: readonly ResourceDef[],
): Promise<EncryptingStore> {
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (err) {
    throw new EncryptionConfigError(
      `cannot read encryption provider config ${configPath}: ${(err as Error).message}`,
    );
  }
  const rules = parseEncryptionConfig(text);
  const stored = resources.map((def) => ({
    prefix: Registry.storagePrefix(def),
    group: def.group,
    resource: def.resource,
  }));
  const store = new EncryptingStore(inner, rules, stored);
  await store.rewriteStale();
  return store;
}
