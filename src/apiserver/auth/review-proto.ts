// Protobuf bodies of the authorization.k8s.io/v1 reviews (kubectl sends SelfSubjectAccessReview and
// SelfSubjectRulesReview as protobuf). The shared proto tables have no authorization.v1 package, so
// these few messages (k8s.io/api/authorization/v1/generated.proto) are decoded here.
import { BadRequestError } from "../../api/errors.ts";
import { WireReader } from "../../api/proto/wire.ts";

type Field = [json: string, type: "string" | "[]string" | "extra" | string];
const messages: Record<string, Record<number, Field>> = {
  Review: { 1: ["metadata", "skip"], 2: ["spec", "Spec"], 3: ["status", "skip"] },
  RulesReview: { 1: ["metadata", "skip"], 2: ["spec", "RulesSpec"], 3: ["status", "skip"] },
  Spec: {
    1: ["resourceAttributes", "ResourceAttributes"],
    2: ["nonResourceAttributes", "NonResourceAttributes"],
    3: ["user", "string"],
    4: ["groups", "[]string"],
    5: ["extra", "extra"],
    6: ["uid", "string"],
  },
  RulesSpec: { 1: ["namespace", "string"] },
  ResourceAttributes: {
    1: ["namespace", "string"],
    2: ["verb", "string"],
    3: ["group", "string"],
    4: ["version", "string"],
    5: ["resource", "string"],
    6: ["subresource", "string"],
    7: ["name", "string"],
    8: ["fieldSelector", "skip"],
    9: ["labelSelector", "skip"],
  },
  NonResourceAttributes: { 1: ["path", "string"], 2: ["verb", "string"] },
};

function text(v: bigint | Uint8Array): string {
  if (typeof v === "bigint")
    throw new BadRequestError("malformed protobuf: expected a length-delimited field");
  return Buffer.from(v).toString("utf8");
}

function bytes(v: bigint | Uint8Array): Uint8Array {
  if (typeof v === "bigint")
    throw new BadRequestError("malformed protobuf: expected a length-delimited field");
  return v;
}

function decodeExtraEntry(b: Uint8Array, out: Record<string, string[]>): void {
  let key = "";
  const values: string[] = [];
  const r = new WireReader(b);
  for (let f = r.next(); f; f = r.next()) {
    if (f.number === 1) key = text(f.value);
    else if (f.number === 2) {
      const vr = new WireReader(bytes(f.value));
      for (let g = vr.next(); g; g = vr.next()) if (g.number === 1) values.push(text(g.value));
    }
  }
  out[key] = values;
}

function decodeMessage(name: string, b: Uint8Array): Record<string, unknown> {
  const def = messages[name] ?? {};
  const out: Record<string, unknown> = {};
  const r = new WireReader(b);
  for (let f = r.next(); f; f = r.next()) {
    const field = def[f.number];
    if (!field) throw new BadRequestError(`unknown field number ${f.number} in protobuf message ${name}`);
    const [json, type] = field;
    if (type === "skip") continue;
    if (type === "string") out[json] = text(f.value);
    else if (type === "[]string") {
      const list = (out[json] ?? []) as string[];
      list.push(text(f.value));
      out[json] = list;
    } else if (type === "extra") {
      const extra = (out[json] ?? {}) as Record<string, string[]>;
      decodeExtraEntry(bytes(f.value), extra);
      out[json] = extra;
    } else out[json] = decodeMessage(type, bytes(f.value));
  }
  return out;
}

/** Decodes a `k8s\0`-prefixed authorization.k8s.io/v1 review into its JSON form. */
export function decodeReviewProtobuf(body: Uint8Array, kind: string): Record<string, unknown> {
  try {
    if (body.length < 4 || Buffer.from(body.subarray(0, 4)).toString("latin1") !== "k8s\0") {
      throw new BadRequestError("the protobuf body does not start with the k8s\\0 prefix");
    }
    let raw: Uint8Array = new Uint8Array();
    const envelope = new WireReader(body.subarray(4));
    for (let f = envelope.next(); f; f = envelope.next()) if (f.number === 2) raw = bytes(f.value);
    const review = decodeMessage(kind === "SelfSubjectRulesReview" ? "RulesReview" : "Review", raw);
    const out: Record<string, unknown> = { apiVersion: "authorization.k8s.io/v1", kind, metadata: {} };
    out.spec = review.spec ?? {};
    return out;
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
    throw new BadRequestError(`malformed protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
}
