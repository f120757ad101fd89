// Opens the Store a `--datastore` URL names: sqlite://<path> (the embedded default, e.g.
// <data-dir>/state.db) or etcd://host:port[,host:port…] (keys under /registry/).
import { EtcdStore } from "./etcd/etcd-store.ts";
import { SqliteStore } from "./sqlite/sqlite-store.ts";
import type { Store } from "./store.ts";

export type Datastore = { kind: "sqlite"; path: string } | { kind: "etcd"; endpoints: string[] };

export interface StoreLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Opens the backend; a missing, corrupt or unreachable datastore fails here with StoreUnavailableError. */
export async function openStore(datastore: Datastore, logger?: StoreLogger): Promise<Store> {
  if (datastore.kind === "sqlite")
    return SqliteStore.open({ path: datastore.path, ...(logger ? { logger } : {}) });
  return EtcdStore.connect({ endpoints: datastore.endpoints, ...(logger ? { logger } : {}) });
}
