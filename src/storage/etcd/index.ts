// The etcd backend of the Store: what the rest of Skiff imports.
export { parseEtcdUrl } from "./client.ts";
export { EtcdStore, type EtcdStoreOptions, type StoreLogger } from "./etcd-store.ts";
