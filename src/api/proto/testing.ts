// Test-vector builder: encodes protobuf bytes field by field with protobufjs' Writer, the way
// gogo-protobuf lays them out (including empty non-pointer fields), plus the k8s\0 envelope.
import protobuf from "protobufjs/minimal.js";

type Writer = protobuf.Writer;
export type Build = (w: Writer) => void;

export function bytes(build: Build): Uint8Array {
  const w = protobuf.Writer.create();
  build(w);
  return w.finish();
}

export function str(w: Writer, field: number, value: string): void {
  w.uint32((field << 3) | 2).string(value);
}
export function raw(w: Writer, field: number, value: Uint8Array): void {
  w.uint32((field << 3) | 2).bytes(value);
}
export function varint(w: Writer, field: number, value: number): void {
  w.uint32(field << 3).int64(value);
}
export function bool(w: Writer, field: number, value: boolean): void {
  w.uint32(field << 3).bool(value);
}
export function msg(w: Writer, field: number, build: Build): void {
  w.uint32((field << 3) | 2).fork();
  build(w);
  w.ldelim();
}
/** One `map<string,string>` entry. */
export function entry(w: Writer, field: number, key: string, value: string): void {
  msg(w, field, (e) => {
    str(e, 1, key);
    str(e, 2, value);
  });
}

/** The request body a client-go typed client sends: `k8s\0` + runtime.Unknown. */
export function envelope(apiVersion: string, kind: string, object: Uint8Array): Buffer {
  const unknown = bytes((w) => {
    msg(w, 1, (t) => {
      if (apiVersion !== "") str(t, 1, apiVersion);
      if (kind !== "") str(t, 2, kind);
    });
    raw(w, 2, object);
    str(w, 3, "");
    str(w, 4, "");
  });
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), unknown]);
}

/** ObjectMeta as gogo writes it: every non-pointer field, empty or not. */
export function objectMeta(
  w: Writer,
  field: number,
  name: string,
  labels: Record<string, string> = {},
): void {
  msg(w, field, (m) => {
    str(m, 1, name);
    str(m, 2, "");
    str(m, 3, "");
    str(m, 4, "");
    str(m, 5, "");
    str(m, 6, "");
    varint(m, 7, 0);
    msg(m, 8, () => {});
    for (const [k, v] of Object.entries(labels)) entry(m, 11, k, v);
  });
}
