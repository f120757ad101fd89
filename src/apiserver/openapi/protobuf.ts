// Encodes our Swagger 2.0 document as the protobuf `openapi.v2.Document` message of google/gnostic
// (what kubectl asks for at /openapi/v2), for the subset of messages and fields we produce.
// Field numbers follow gnostic's openapiv2/OpenAPIv2.proto. Vendor extensions (`x-…`) become
// NamedAny entries whose Any.yaml holds the value as JSON text (JSON is YAML).
import protobuf from "protobufjs/minimal.js";

type Writer = protobuf.Writer;
type JsonObject = Record<string, unknown>;

export const protobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(w: Writer, field: number, value: unknown): void {
  if (typeof value === "string" && value !== "") w.uint32((field << 3) | LEN).string(value);
}
function strs(w: Writer, field: number, value: unknown): void {
  if (Array.isArray(value))
    for (const v of value) if (typeof v === "string") w.uint32((field << 3) | LEN).string(v);
}
function bool(w: Writer, field: number, value: unknown): void {
  if (value === true) w.uint32((field << 3) | VARINT).bool(true);
}
function int64(w: Writer, field: number, value: unknown): void {
  if (typeof value === "number" && value !== 0) w.uint32((field << 3) | VARINT).int64(value);
}
function double(w: Writer, field: number, value: unknown): void {
  if (typeof value === "number" && value !== 0) w.uint32((field << 3) | FIXED64).double(value);
}
function message(w: Writer, field: number, encode: (w: Writer) => void): void {
  w.uint32((field << 3) | LEN).fork();
  encode(w);
  w.ldelim();
}

/** NamedAny { name = 1; Any value = 2 } with Any { string yaml = 2 }. */
function vendorExtensions(w: Writer, field: number, obj: JsonObject): void {
  for (const [key, value] of Object.entries(obj)) {
    if (!key.startsWith("x-")) continue;
    message(w, field, (m) => {
      str(m, 1, key);
      message(m, 2, (any) => str(any, 2, JSON.stringify(value)));
    });
  }
}

function schema(w: Writer, s: JsonObject): void {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 3, s.title);
  str(w, 4, s.description);
  if (s.default !== undefined) message(w, 5, (any) => str(any, 2, JSON.stringify(s.default)));
  double(w, 6, s.multipleOf);
  double(w, 7, s.maximum);
  bool(w, 8, s.exclusiveMaximum);
  double(w, 9, s.minimum);
  bool(w, 10, s.exclusiveMinimum);
  int64(w, 11, s.maxLength);
  int64(w, 12, s.minLength);
  str(w, 13, s.pattern);
  int64(w, 14, s.maxItems);
  int64(w, 15, s.minItems);
  bool(w, 16, s.uniqueItems);
  strs(w, 19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) message(w, 20, (any) => str(any, 2, JSON.stringify(e)));
  const additional = s.additionalProperties;
  if (isObject(additional)) message(w, 21, (a) => message(a, 1, (m) => schema(m, additional)));
  else if (typeof additional === "boolean")
    message(w, 21, (a) => a.uint32((2 << 3) | VARINT).bool(additional));
  if (typeof s.type === "string") message(w, 22, (t) => str(t, 1, s.type));
  const items = s.items;
  if (isObject(items)) message(w, 23, (i) => message(i, 1, (m) => schema(m, items)));
  if (Array.isArray(s.allOf)) for (const a of s.allOf) if (isObject(a)) message(w, 24, (m) => schema(m, a));
  const properties = s.properties;
  if (isObject(properties)) {
    message(w, 25, (p) => {
      for (const [name, value] of Object.entries(properties)) {
        if (isObject(value)) named(p, 1, name, (m) => schema(m, value));
      }
    });
  }
  bool(w, 27, s.readOnly);
  vendorExtensions(w, 31, s);
}

function named(w: Writer, field: number, name: string, encode: (w: Writer) => void): void {
  message(w, field, (m) => {
    str(m, 1, name);
    message(m, 2, encode);
  });
}

/** ParametersItem { Parameter parameter = 1 } → Parameter { body = 1 | non_body = 2 }. */
function parameter(w: Writer, p: JsonObject): void {
  message(w, 1, (param) => {
    if (p.in === "body") {
      message(param, 1, (b) => {
        str(b, 1, p.description);
        str(b, 2, p.name);
        str(b, 3, p.in);
        bool(b, 4, p.required);
        if (isObject(p.schema)) message(b, 5, (m) => schema(m, p.schema as JsonObject));
        vendorExtensions(b, 6, p);
      });
      return;
    }
    message(param, 2, (nonBody) => {
      if (p.in === "path") {
        // PathParameterSubSchema
        message(nonBody, 4, (s) => {
          bool(s, 1, p.required);
          str(s, 2, p.in);
          str(s, 3, p.description);
          str(s, 4, p.name);
          str(s, 5, p.type);
          str(s, 6, p.format);
          bool(s, 19, p.uniqueItems);
          vendorExtensions(s, 22, p);
        });
      } else {
        // QueryParameterSubSchema
        message(nonBody, 3, (s) => {
          bool(s, 1, p.required);
          str(s, 2, p.in);
          str(s, 3, p.description);
          str(s, 4, p.name);
          str(s, 6, p.type);
          str(s, 7, p.format);
          bool(s, 20, p.uniqueItems);
          vendorExtensions(s, 23, p);
        });
      }
    });
  });
}

function operation(w: Writer, op: JsonObject): void {
  strs(w, 1, op.tags);
  str(w, 2, op.summary);
  str(w, 3, op.description);
  str(w, 5, op.operationId);
  strs(w, 6, op.produces);
  strs(w, 7, op.consumes);
  if (Array.isArray(op.parameters)) {
    for (const p of op.parameters) if (isObject(p)) message(w, 8, (m) => parameter(m, p));
  }
  const responses = op.responses;
  if (isObject(responses)) {
    message(w, 9, (r) => {
      for (const [code, value] of Object.entries(responses)) {
        if (!isObject(value)) continue;
        // NamedResponseValue { name = 1; ResponseValue value = 2 { Response response = 1 } }
        named(r, 1, code, (rv) =>
          message(rv, 1, (resp) => {
            str(resp, 1, value.description);
            if (isObject(value.schema))
              message(resp, 2, (si) => message(si, 1, (m) => schema(m, value.schema as JsonObject)));
            vendorExtensions(resp, 5, value);
          }),
        );
      }
    });
  }
  strs(w, 10, op.schemes);
  bool(w, 11, op.deprecated);
  vendorExtensions(w, 13, op);
}

const pathItemFields: Record<string, number> = {
  get: 2,
  put: 3,
  post: 4,
  delete: 5,
  options: 6,
  head: 7,
  patch: 8,
};

/** The protobuf encoding of a Swagger 2.0 JSON document. */
export function encodeV2Document(doc: JsonObject): Uint8Array {
  const w = protobuf.Writer.create();
  str(w, 1, doc.swagger);
  const info = doc.info;
  if (isObject(info)) {
    message(w, 2, (m) => {
      str(m, 1, info.title);
      str(m, 2, info.version);
      str(m, 3, info.description);
      vendorExtensions(m, 7, info);
    });
  }
  const paths = doc.paths;
  if (isObject(paths)) {
    message(w, 8, (m) => {
      vendorExtensions(m, 1, paths);
      for (const [path, item] of Object.entries(paths)) {
        if (!isObject(item)) continue;
        named(m, 2, path, (pi) => {
          for (const [method, field] of Object.entries(pathItemFields)) {
            const op = item[method];
            if (isObject(op)) message(pi, field, (o) => operation(o, op));
          }
          vendorExtensions(pi, 10, item);
        });
      }
    });
  }
  const definitions = doc.definitions;
  if (isObject(definitions)) {
    message(w, 9, (m) => {
      for (const [name, s] of Object.entries(definitions)) {
        if (isObject(s)) named(m, 1, name, (sm) => schema(sm, s));
      }
    });
  }
  vendorExtensions(w, 16, doc);
  return w.finish();
}
