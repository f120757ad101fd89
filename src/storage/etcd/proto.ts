// The subset of etcd's v3 gRPC protocol that EtcdStore speaks, as our own protobufjs
// descriptor (no .proto files at runtime, so the CLI bundles into one file). Field names are
// ours (camelCase); only the numbers and types must match etcd's wire format.
import protobuf from "protobufjs";

type FieldSpec = { type: string; id: number; rule?: "repeated" };
type MessageSpec = { fields: Record<string, FieldSpec>; oneofs?: Record<string, { oneof: string[] }> };

const f = (type: string, id: number): FieldSpec => ({ type, id });
const repeated = (type: string, id: number): FieldSpec => ({ type, id, rule: "repeated" });

const mvccpb: Record<string, MessageSpec | { values: Record<string, number> }> = {
  KeyValue: {
    fields: {
      key: f("bytes", 1),
      createRevision: f("int64", 2),
      modRevision: f("int64", 3),
      version: f("int64", 4),
      value: f("bytes", 5),
      lease: f("int64", 6),
    },
  },
  Event: { fields: { type: f("int32", 1), kv: f("KeyValue", 2), prevKv: f("KeyValue", 3) } },
};

const kv = ".mvccpb.KeyValue";
const header = f("ResponseHeader", 1);

const etcdserverpb: Record<string, MessageSpec> = {
  ResponseHeader: {
    fields: {
      clusterId: f("uint64", 1),
      memberId: f("uint64", 2),
      revision: f("int64", 3),
      raftTerm: f("uint64", 4),
    },
  },
  RangeRequest: {
    fields: {
      key: f("bytes", 1),
      rangeEnd: f("bytes", 2),
      limit: f("int64", 3),
      revision: f("int64", 4),
      sortOrder: f("int32", 5),
      sortTarget: f("int32", 6),
      serializable: f("bool", 7),
      keysOnly: f("bool", 8),
      countOnly: f("bool", 9),
    },
  },
  RangeResponse: { fields: { header, kvs: repeated(kv, 2), more: f("bool", 3), count: f("int64", 4) } },
  PutRequest: {
    fields: { key: f("bytes", 1), value: f("bytes", 2), lease: f("int64", 3), prevKv: f("bool", 4) },
  },
  PutResponse: { fields: { header, prevKv: f(kv, 2) } },
  DeleteRangeRequest: { fields: { key: f("bytes", 1), rangeEnd: f("bytes", 2), prevKv: f("bool", 3) } },
  DeleteRangeResponse: { fields: { header, deleted: f("int64", 2), prevKvs: repeated(kv, 3) } },
  RequestOp: {
    fields: {
      requestRange: f("RangeRequest", 1),
      requestPut: f("PutRequest", 2),
      requestDeleteRange: f("DeleteRangeRequest", 3),
    },
    oneofs: { request: { oneof: ["requestRange", "requestPut", "requestDeleteRange"] } },
  },
  ResponseOp: {
    fields: {
      responseRange: f("RangeResponse", 1),
      responsePut: f("PutResponse", 2),
      responseDeleteRange: f("DeleteRangeResponse", 3),
    },
    oneofs: { response: { oneof: ["responseRange", "responsePut", "responseDeleteRange"] } },
  },
  Compare: {
    fields: {
      result: f("int32", 1),
      target: f("int32", 2),
      key: f("bytes", 3),
      version: f("int64", 4),
      createRevision: f("int64", 5),
      modRevision: f("int64", 6),
      value: f("bytes", 7),
      lease: f("int64", 8),
      rangeEnd: f("bytes", 64),
    },
    oneofs: { targetUnion: { oneof: ["version", "createRevision", "modRevision", "value", "lease"] } },
  },
  TxnRequest: {
    fields: {
      compare: repeated("Compare", 1),
      success: repeated("RequestOp", 2),
      failure: repeated("RequestOp", 3),
    },
  },
  TxnResponse: { fields: { header, succeeded: f("bool", 2), responses: repeated("ResponseOp", 3) } },
  CompactionRequest: { fields: { revision: f("int64", 1), physical: f("bool", 2) } },
  CompactionResponse: { fields: { header } },
  WatchCreateRequest: {
    fields: {
      key: f("bytes", 1),
      rangeEnd: f("bytes", 2),
      startRevision: f("int64", 3),
      progressNotify: f("bool", 4),
      prevKv: f("bool", 6),
      watchId: f("int64", 7),
    },
  },
  WatchCancelRequest: { fields: { watchId: f("int64", 1) } },
  WatchProgressRequest: { fields: {} },
  WatchRequest: {
    fields: {
      createRequest: f("WatchCreateRequest", 1),
      cancelRequest: f("WatchCancelRequest", 2),
      progressRequest: f("WatchProgressRequest", 3),
    },
    oneofs: { requestUnion: { oneof: ["createRequest", "cancelRequest", "progressRequest"] } },
  },
  WatchResponse: {
    fields: {
      header,
      watchId: f("int64", 2),
      created: f("bool", 3),
      canceled: f("bool", 4),
      compactRevision: f("int64", 5),
      cancelReason: f("string", 6),
      fragment: f("bool", 7),
      events: repeated(".mvccpb.Event", 11),
    },
  },
  LeaseGrantRequest: { fields: { ttl: f("int64", 1), id: f("int64", 2) } },
  LeaseGrantResponse: { fields: { header, id: f("int64", 2), ttl: f("int64", 3), error: f("string", 4) } },
  LeaseRevokeRequest: { fields: { id: f("int64", 1) } },
  LeaseRevokeResponse: { fields: { header } },
};

// Built on first use: a server on SQLite never pays for etcd's message types.
let root: protobuf.Root | undefined;
function lookupType(name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON({
    nested: { mvccpb: { nested: mvccpb }, etcdserverpb: { nested: etcdserverpb } },
  });
  return root.lookupType(name);
}

/** protobufjs decodes int64 as Long when the `long` package is present, else as number. */
export type Int64 = number | { toNumber(): number };

export function toNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

// Message shapes as we write them (requests) and read them (responses).
export interface PbKeyValue {
  key: Uint8Array;
  createRevision: Int64;
  modRevision: Int64;
  version: Int64;
  value: Uint8Array;
  lease: Int64;
}
export interface PbEvent {
  /** 0 = PUT, 1 = DELETE */
  type: number;
  kv?: PbKeyValue | null;
  prevKv?: PbKeyValue | null;
}
export interface PbHeader {
  revision: Int64;
}
export interface RangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  limit?: number;
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}
export interface RangeResponse {
  header?: PbHeader | null;
  kvs: PbKeyValue[];
  more: boolean;
  count: Int64;
}
export interface PutRequest {
  key: Uint8Array;
  value: Uint8Array;
  lease?: number;
  prevKv?: boolean;
}
export interface PutResponse {
  header?: PbHeader | null;
  prevKv?: PbKeyValue | null;
}
export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}
export interface DeleteRangeResponse {
  header?: PbHeader | null;
  deleted: Int64;
  prevKvs: PbKeyValue[];
}
export type RequestOp =
  | { requestRange: RangeRequest }
  | { requestPut: PutRequest }
  | { requestDeleteRange: DeleteRangeRequest };
export interface ResponseOp {
  responseRange?: RangeResponse | null;
  responsePut?: PutResponse | null;
  responseDeleteRange?: DeleteRangeResponse | null;
}
export const CompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
export const CompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;
export type Compare = { result: number; target: number; key: Uint8Array } & (
  | { createRevision: number }
  | { modRevision: number }
  | { version: number }
);
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}
export interface TxnResponse {
  header?: PbHeader | null;
  succeeded: boolean;
  responses: ResponseOp[];
}
export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}
export interface CompactionResponse {
  header?: PbHeader | null;
}
export interface WatchCreateRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  startRevision?: number;
  progressNotify?: boolean;
  prevKv?: boolean;
}
export type WatchRequest =
  | { createRequest: WatchCreateRequest }
  | { cancelRequest: { watchId: number } }
  | { progressRequest: Record<string, never> };
export interface WatchResponse {
  header?: PbHeader | null;
  watchId: Int64;
  created: boolean;
  canceled: boolean;
  compactRevision: Int64;
  cancelReason: string;
  fragment: boolean;
  events: PbEvent[];
}
export interface LeaseGrantRequest {
  ttl: number;
  id?: number;
}
export interface LeaseGrantResponse {
  header?: PbHeader | null;
  id: Int64;
  ttl: Int64;
  error: string;
}
export interface LeaseRevokeRequest {
  id: number;
}
export interface LeaseRevokeResponse {
  header?: PbHeader | null;
}

/** A gRPC method: its path and the codec of its request and response. */
export interface Method<Req, Res> {
  path: string;
  serialize(value: Req): Buffer;
  deserialize(bytes: Buffer): Res;
}

function method<Req, Res>(service: string, name: string, req: string, res: string): Method<Req, Res> {
  let reqType: protobuf.Type | undefined;
  let resType: protobuf.Type | undefined;
  return {
    path: `/etcdserverpb.${service}/${name}`,
    serialize: (value) => {
      reqType ??= lookupType(`etcdserverpb.${req}`);
      const w = reqType.encode(value as unknown as protobuf.Message);
      const bytes = w.finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    deserialize: (bytes) => {
      resType ??= lookupType(`etcdserverpb.${res}`);
      return resType.decode(bytes) as unknown as Res;
    },
  };
}

export const methods = {
  range: method<RangeRequest, RangeResponse>("KV", "Range", "RangeRequest", "RangeResponse"),
  put: method<PutRequest, PutResponse>("KV", "Put", "PutRequest", "PutResponse"),
  deleteRange: method<DeleteRangeRequest, DeleteRangeResponse>(
    "KV",
    "DeleteRange",
    "DeleteRangeRequest",
    "DeleteRangeResponse",
  ),
  txn: method<TxnRequest, TxnResponse>("KV", "Txn", "TxnRequest", "TxnResponse"),
  compact: method<CompactionRequest, CompactionResponse>(
    "KV",
    "Compact",
    "CompactionRequest",
    "CompactionResponse",
  ),
  watch: method<WatchRequest, WatchResponse>("Watch", "Watch", "WatchRequest", "WatchResponse"),
  leaseGrant: method<LeaseGrantRequest, LeaseGrantResponse>(
    "Lease",
    "LeaseGrant",
    "LeaseGrantRequest",
    "LeaseGrantResponse",
  ),
  leaseRevoke: method<LeaseRevokeRequest, LeaseRevokeResponse>(
    "Lease",
    "LeaseRevoke",
    "LeaseRevokeRequest",
    "LeaseRevokeResponse",
  ),
};
