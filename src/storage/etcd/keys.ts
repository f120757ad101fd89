// Key layout under the store prefix, byte-level range ends, conversion of etcd's KeyValue to
// the Store's, and the opaque continue token of paged lists.
import { InvalidRequestError, type KeyValue } from "../store.ts";
import { type PbKeyValue, toNumber } from "./proto.ts";

/** Maps the Store's relative keys ("pods/default/x") to etcd keys under a prefix and back. */
export class KeySpace {
  private readonly prefixBytes: Buffer;

  constructor(readonly prefix: string) {
    this.prefixBytes = Buffer.from(prefix, "utf8");
  }

  key(relative: string): Buffer {
    return Buffer.from(this.prefix + relative, "utf8");
  }

  /** [key, rangeEnd) covering every key that starts with the relative prefix. */
  range(relativePrefix: string): { key: Buffer; rangeEnd: Buffer } {
    const key = this.key(relativePrefix);
    return { key, rangeEnd: rangeEndOf(key) };
  }

  relative(key: Uint8Array): string {
    return asBuffer(key).subarray(this.prefixBytes.length).toString("utf8");
  }

  toKeyValue(kv: PbKeyValue): KeyValue {
    return {
      key: this.relative(kv.key),
      value: asBuffer(kv.value).toString("utf8"),
      createRevision: toNumber(kv.createRevision),
      modRevision: toNumber(kv.modRevision),
      version: toNumber(kv.version),
      lease: toNumber(kv.lease),
    };
  }
}

/** protobufjs leaves an absent bytes field as an empty array (delete events carry no value). */
function asBuffer(bytes: Uint8Array | readonly number[] | null | undefined): Buffer {
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Buffer.from(bytes ?? []);
}

/** The smallest byte string greater than every key starting with `prefix` (etcd's prefix range end). */
export function rangeEndOf(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (or empty): to the end of the keyspace, which etcd spells as a single zero byte.
  return Buffer.from([0]);
}

interface ContinueState {
  /** Revision the first page was read at. */
  rev: number;
  /** Relative key the next page starts at (inclusive). */
  start: string;
}

export function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

/** Decodes a token and checks it belongs to a list of `prefix`; InvalidRequestError otherwise. */
export function decodeContinue(token: string, prefix: string): ContinueState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new InvalidRequestError("malformed continue token");
  }
  if (typeof parsed !== "object" || parsed === null)
    throw new InvalidRequestError("malformed continue token");
  const { rev, start } = parsed as Record<string, unknown>;
  if (typeof rev !== "number" || !Number.isSafeInteger(rev) || rev <= 0 || typeof start !== "string") {
    throw new InvalidRequestError("malformed continue token");
  }
  if (!start.startsWith(prefix))
    throw new InvalidRequestError("continue token does not match the listed prefix");
  return { rev, start };
}
