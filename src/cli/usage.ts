import type { Datastore } from "../storage/open.ts";

// User mistakes on the command line: one clear line on stderr and exit status 2, no stack trace.
export class UsageError extends Error {
  override name = "UsageError";
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:6443), got ${JSON.stringify(text)}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

export function parseDatastore(url: string): Datastore {
  if (url.startsWith("sqlite://")) {
    const path = url.slice("sqlite://".length);
    if (path === "")
      throw new UsageError("--datastore sqlite:// needs a file path, e.g. sqlite:///var/lib/skiff/state.db");
    return { kind: "sqlite", path };
  }
  if (url.startsWith("etcd://")) {
    const endpoints = url
      .slice("etcd://".length)
      .split(",")
      .filter((e) => e !== "");
    if (endpoints.length === 0) throw new UsageError("--datastore etcd:// needs host:port endpoints");
    return { kind: "etcd", endpoints };
  }
  throw new UsageError(
    `--datastore must be sqlite://PATH or etcd://HOST:PORT[,HOST:PORT], got ${JSON.stringify(url)}`,
  );
}
