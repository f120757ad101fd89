// Request bodies: size limit (3 MiB like Kubernetes), content types, and JSON/YAML decoding
// that turns every malformed input into 400 instead of an exception.
import { parseAllDocuments } from "yaml";
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from "../../api/errors.ts";
import { isPlainObject } from "../../api/object.ts";
import {
  decodeProtobufObject,
  ProtoDecodeError,
  protobufMediaType,
  type TypeMeta,
} from "../../api/proto/index.ts";
import { type ApiRequest, header } from "./sink.ts";

export const maxBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: ApiRequest, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(header(req, "content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new RequestEntityTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > limit) throw new RequestEntityTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

export type BodyFormat = "json" | "yaml";

export function bodyFormat(contentType: string): BodyFormat {
  const type = mediaType(contentType);
  if (type === "" || type === "application/json" || type === "*/*") return "json";
  if (type === "application/yaml" || type === "application/x-yaml" || type === "text/yaml") return "yaml";
  throw new UnsupportedMediaTypeError(type);
}

/** Parses JSON or YAML into a value; malformed input → 400 with the parser's position. */
export function decodeValue(body: Buffer, format: BodyFormat): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new BadRequestError("the request body is empty");
  if (format === "json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new BadRequestError(
        `error decoding JSON: ${err instanceof Error ? err.message : "malformed JSON"}`,
      );
    }
  }
  const docs = parseAllDocuments(text, { version: "1.2", uniqueKeys: false });
  if (!Array.isArray(docs)) throw new BadRequestError("error decoding YAML: empty document");
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length !== 1) {
    throw new BadRequestError(`error decoding YAML: expected one document, found ${nonEmpty.length}`);
  }
  const doc = nonEmpty[0];
  if (!doc) throw new BadRequestError("error decoding YAML: empty document");
  if (doc.errors.length > 0) {
    throw new BadRequestError(`error converting YAML to JSON: ${doc.errors[0]?.message ?? "malformed YAML"}`);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Decodes a request body that must be one JSON object. */
export function decodeObject(body: Buffer, contentType: string): Record<string, unknown> {
  const value = decodeValue(body, bodyFormat(contentType));
  if (!isPlainObject(value)) {
    throw new BadRequestError("Object 'Kind' is missing in the request body: expected a JSON object");
  }
  return value;
}

export function isProtobuf(contentType: string): boolean {
  return mediaType(contentType) === protobufMediaType;
}

/** Re-encodes a Kubernetes protobuf body as JSON (`fallback` names the kind when the body does not). */
export function protobufAsJson(body: Buffer, fallback?: TypeMeta): Buffer {
  try {
    return Buffer.from(JSON.stringify(decodeProtobufObject(body, fallback ? { fallback } : {})));
  } catch (err) {
    if (err instanceof ProtoDecodeError) throw new BadRequestError(err.message);
    throw err;
  }
}
