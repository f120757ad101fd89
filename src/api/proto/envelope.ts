// The Kubernetes protobuf envelope: 4 magic bytes `k8s\0`, then a runtime.Unknown message
// (typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4) whose `raw` is the
// object's own message. Decodes it into the JSON object the server handles for JSON bodies.
import { MessageDecoder, ProtoDecodeError } from "./message.ts";
import { kindMessage } from "./table.ts";
import { hasMagic } from "./wellknown.ts";
import { WireError, WireReader } from "./wire.ts";

export const protobufMediaType = "application/vnd.kubernetes.protobuf";

export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

export interface ProtobufDecodeOptions {
  /** Used when the envelope carries no apiVersion/kind (the resource the URL names). */
  fallback?: TypeMeta;
}

interface Unknown {
  typeMeta: TypeMeta;
  raw: Uint8Array;
  contentEncoding: string;
}

function bytesOf(v: bigint | Uint8Array, what: string): Uint8Array {
  if (typeof v === "bigint") throw new ProtoDecodeError(`runtime.Unknown ${what} must be length-delimited`);
  return v;
}

function readUnknown(bytes: Uint8Array): Unknown {
  const out: Unknown = { typeMeta: { apiVersion: "", kind: "" }, raw: new Uint8Array(), contentEncoding: "" };
  const reader = new WireReader(bytes);
  for (let f = reader.next(); f; f = reader.next()) {
    const value = bytesOf(f.value, `field ${f.number}`);
    if (f.number === 1) {
      const tm = new WireReader(value);
      for (let t = tm.next(); t; t = tm.next()) {
        const s = Buffer.from(bytesOf(t.value, "typeMeta")).toString("utf8");
        if (t.number === 1) out.typeMeta.apiVersion = s;
        else if (t.number === 2) out.typeMeta.kind = s;
        else throw new ProtoDecodeError(`unknown field number ${t.number} in runtime.TypeMeta`);
      }
    } else if (f.number === 2) out.raw = value;
    else if (f.number === 3) out.contentEncoding = Buffer.from(value).toString("utf8");
    else if (f.number !== 4)
      throw new ProtoDecodeError(`unknown field number ${f.number} in runtime.Unknown`);
  }
  return out;
}

/**
 * Decodes a `k8s\0`-prefixed protobuf object into JSON with apiVersion and kind first.
 * Throws ProtoDecodeError for anything it cannot decode faithfully.
 */
export function decodeProtobufObject(
  body: Uint8Array,
  options: ProtobufDecodeOptions = {},
): Record<string, unknown> {
  if (!hasMagic(body)) throw new ProtoDecodeError("the protobuf body does not start with the k8s\\0 prefix");
  try {
    const unknown = readUnknown(body.subarray(4));
    if (unknown.contentEncoding !== "") {
      throw new ProtoDecodeError(
        `unsupported protobuf content encoding ${JSON.stringify(unknown.contentEncoding)}`,
      );
    }
    const typeMeta = unknown.typeMeta.kind !== "" ? unknown.typeMeta : options.fallback;
    if (!typeMeta) throw new ProtoDecodeError("the protobuf body names no apiVersion and kind");
    const message = kindMessage(typeMeta.apiVersion, typeMeta.kind);
    if (!message) {
      throw new ProtoDecodeError(
        `protobuf is not supported for kind ${typeMeta.kind} in ${typeMeta.apiVersion}`,
      );
    }
    const decoder = new MessageDecoder((nested) => decodeProtobufObject(nested));
    const object = decoder.decode(message, unknown.raw);
    return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...(object as Record<string, unknown>) };
  } catch (err) {
    if (err instanceof WireError) throw new ProtoDecodeError(`malformed protobuf: ${err.message}`);
    throw err;
  }
}
