// Kubernetes protobuf request bodies (application/vnd.kubernetes.protobuf) → JSON objects.
export {
  decodeProtobufObject,
  type ProtobufDecodeOptions,
  protobufMediaType,
  type TypeMeta,
} from "./envelope.ts";
export { ProtoDecodeError } from "./message.ts";
