// Decodes one protobuf message into its Kubernetes JSON form, driven by the field tables.
// Zero values follow Go's encoding/json on the decoded struct: a scalar that is zero is dropped
// unless its Go field is a pointer (present ⇒ explicitly set) or has no `omitempty`; messages are
// kept even when empty (`"status": {}`, as Go marshals non-pointer structs); a zero Time is null and
// dropped; repeated fields and maps appear only when they have elements (nil and empty look alike on
// the wire). Unknown field numbers are errors naming the message, so a gap in the tables shows.
import { type FieldDef, isScalar, messageDef, openApiName } from "./table.ts";
import { decodeWellKnown, type NestedDecoder } from "./wellknown.ts";
import { fixedToFloat, type WireField, WireReader, WireType } from "./wire.ts";

export class ProtoDecodeError extends Error {}

type Json = Record<string, unknown>;

interface Decoded {
  value: unknown;
  zero: boolean;
}

function wireMismatch(message: string, field: FieldDef, wireType: number): ProtoDecodeError {
  return new ProtoDecodeError(
    `field ${field.number} (${field.json || "inline"}) of ${openApiName(message)} has wire type ${wireType}, expected ${field.type}`,
  );
}

function scalarValue(type: string, value: bigint | Uint8Array): Decoded | undefined {
  if (value instanceof Uint8Array) {
    if (type === "string") {
      const s = Buffer.from(value).toString("utf8");
      return { value: s, zero: s === "" };
    }
    if (type === "bytes") return { value: Buffer.from(value).toString("base64"), zero: value.length === 0 };
    return undefined;
  }
  switch (type) {
    case "bool":
      return { value: value !== 0n, zero: value === 0n };
    case "int32":
    case "int64":
      return { value: Number(BigInt.asIntN(type === "int32" ? 32 : 64, value)), zero: value === 0n };
    case "uint32":
    case "uint64":
      return { value: Number(value), zero: value === 0n };
    case "double":
    case "float": {
      const n = fixedToFloat(value, type === "double" ? 8 : 4);
      return { value: n, zero: n === 0 };
    }
    default:
      return undefined;
  }
}

/** Splits a packed repeated number (wire type 2 for a numeric type) into its raw values. */
function unpack(type: string, bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  const reader = new WireReader(bytes);
  while (!reader.done) {
    out.push(type === "double" ? reader.fixed(8) : type === "float" ? reader.fixed(4) : reader.varint());
  }
  return out;
}

/** The list or map a repeated field collects into (a throwaway one for retired fields). */
function slot<T>(out: Json, field: FieldDef, empty: () => T): T {
  if (field.retired) return empty();
  if (out[field.json] === undefined) out[field.json] = empty();
  return out[field.json] as T;
}

export class MessageDecoder {
  constructor(private readonly nested: NestedDecoder) {}

  /** Decodes `bytes` as message `name` ("core.v1.Pod") into its JSON value. */
  decode(name: string, bytes: Uint8Array): unknown {
    return this.element(name, name, bytes).value;
  }

  private element(owner: string, type: string, bytes: Uint8Array): Decoded {
    const known = decodeWellKnown(type, bytes, this.nested);
    if (known) return known;
    const def = messageDef(type);
    if (!def)
      throw new ProtoDecodeError(
        `no protobuf table for ${openApiName(type)} (used by ${openApiName(owner)})`,
      );
    const reader = new WireReader(bytes);
    if (def.arrayOf !== undefined) {
      const items: unknown[] = [];
      for (let f = reader.next(); f; f = reader.next()) {
        if (f.number !== 1) throw new ProtoDecodeError(`unknown field ${f.number} in ${openApiName(type)}`);
        items.push(
          this.single(
            type,
            { number: 1, json: "items", type: def.arrayOf, repeated: true, pointer: false, keepZero: true },
            f,
          ).value,
        );
      }
      return { value: items, zero: false };
    }
    const out: Json = {};
    const inlined: Json[] = [];
    for (let f = reader.next(); f; f = reader.next()) {
      const field = def.fields.get(f.number);
      if (!field) {
        throw new ProtoDecodeError(
          `unknown field number ${f.number} in protobuf message ${openApiName(type)}`,
        );
      }
      if (field.mapKey !== undefined) this.mapEntry(type, field, f, out);
      else if (field.repeated) this.repeated(type, field, f, out);
      else {
        const d = this.single(type, field, f);
        if (field.retired || field.json === "-") continue;
        if (field.json === "") {
          if (typeof d.value === "object" && d.value !== null) inlined.push(d.value as Json);
          continue;
        }
        if (d.value === undefined || (d.zero && !field.pointer && !field.keepZero)) delete out[field.json];
        else out[field.json] = d.value;
      }
    }
    for (const part of inlined) Object.assign(out, part);
    return { value: out, zero: false };
  }

  private single(owner: string, field: FieldDef, f: WireField): Decoded {
    if (isScalar(field.type)) {
      const d = scalarValue(field.type, f.value);
      if (!d) throw wireMismatch(owner, field, f.wireType);
      return d;
    }
    if (!(f.value instanceof Uint8Array)) throw wireMismatch(owner, field, f.wireType);
    return this.element(owner, field.type, f.value);
  }

  private repeated(owner: string, field: FieldDef, f: WireField, out: Json): void {
    const list = slot<unknown[]>(out, field, () => []);
    if (
      isScalar(field.type) &&
      f.wireType === WireType.bytes &&
      field.type !== "string" &&
      field.type !== "bytes"
    ) {
      for (const v of unpack(field.type, f.value as Uint8Array)) list.push(scalarValue(field.type, v)?.value);
      return;
    }
    list.push(this.single(owner, field, f).value);
  }

  private mapEntry(owner: string, field: FieldDef, f: WireField, out: Json): void {
    if (!(f.value instanceof Uint8Array)) throw wireMismatch(owner, field, f.wireType);
    const map = slot<Json>(out, field, () => ({}));
    const reader = new WireReader(f.value);
    let key = "";
    let value: unknown;
    for (let e = reader.next(); e; e = reader.next()) {
      if (e.number === 1)
        key = String(this.single(owner, { ...field, type: field.mapKey ?? "string" }, e).value);
      else if (e.number === 2) value = this.single(owner, field, e).value;
      else throw new ProtoDecodeError(`unknown field ${e.number} in a map entry of ${openApiName(owner)}`);
    }
    // A missing value is the value type's zero value.
    map[key] =
      value ?? (field.type === "string" || field.type === "bytes" ? "" : isScalar(field.type) ? 0 : {});
  }
}
