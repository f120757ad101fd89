// A thin CRI v1 gRPC client: our embedded .proto parsed by protobufjs, unary calls through
// @grpc/grpc-js over containerd's unix socket. Answers come back as plain objects (camelCase
// fields, enums as names, int64 as decimal strings); CRI's NotFound becomes RuntimeNotFoundError.
import { Client, credentials, status as grpcStatus, Metadata, type ServiceError } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { RuntimeNotFoundError } from "../runtime.ts";
import { criProto } from "./cri-proto.ts";

const root = protobuf.parse(criProto, { keepCase: false }).root;

/** A CRI service's RPC: full gRPC path and the request/response message types. */
interface Rpc {
  path: string;
  request: protobuf.Type;
  response: protobuf.Type;
}

function rpcsOf(serviceName: string): Map<string, Rpc> {
  const service = root.lookupService(`runtime.v1.${serviceName}`);
  const rpcs = new Map<string, Rpc>();
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (!request || !response) throw new Error(`CRI proto: ${method.name} has unresolved types`);
    rpcs.set(method.name, { path: `/runtime.v1.${serviceName}/${method.name}`, request, response });
  }
  return rpcs;
}

const rpcs = new Map([...rpcsOf("RuntimeService"), ...rpcsOf("ImageService")]);

const conversion: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

/** Thrown when the runtime answers a CRI call with an error other than NotFound. */
export class CriError extends Error {
  override name = "CriError";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export interface CriClientOptions {
  /** containerd's socket path (absolute) or a `unix://` address. */
  endpoint: string;
  /** Per-call deadline in milliseconds (default 2 minutes: a pull or a stop may take long). */
  timeoutMs?: number;
}

export class CriClient {
  private readonly client: Client;
  private readonly timeoutMs: number;

  constructor(options: CriClientOptions) {
    const address = options.endpoint.startsWith("unix:") ? options.endpoint : `unix://${options.endpoint}`;
    this.client = new Client(address, credentials.createInsecure(), {
      // One connection, kept open: the kubelet calls often and from one process.
      "grpc.max_receive_message_length": 32 * 1024 * 1024,
    });
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Calls RPC `method` (e.g. "RunPodSandbox") with a request in protobufjs object form. */
  call<Res>(method: string, request: object, timeoutMs = this.timeoutMs): Promise<Res> {
    const rpc = rpcs.get(method);
    if (!rpc) throw new Error(`CRI method ${method} is not in Skiff's proto`);
    const serialize = (value: object): Buffer =>
      Buffer.from(rpc.request.encode(rpc.request.fromObject(value)).finish());
    const deserialize = (bytes: Buffer): Res =>
      rpc.response.toObject(rpc.response.decode(bytes), conversion) as Res;
    return new Promise<Res>((resolve, reject) => {
      this.client.makeUnaryRequest(
        rpc.path,
        serialize,
        deserialize,
        request,
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, value?: Res) => {
          if (err) reject(translate(method, err));
          else if (value === undefined)
            reject(new CriError(`CRI ${method}: empty answer`, grpcStatus.INTERNAL));
          else resolve(value);
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

function translate(method: string, err: ServiceError): Error {
  const message = `CRI ${method}: ${err.details || err.message}`;
  if (err.code === grpcStatus.NOT_FOUND) return new RuntimeNotFoundError(message);
  return new CriError(message, err.code);
}
