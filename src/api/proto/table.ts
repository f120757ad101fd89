// Field tables of the Kubernetes protobuf messages we decode, keyed by short names ("core.v1.Pod").
// Each message is one string of space-separated fields `json=number:type`, where
//   json      the Go JSON name; "" means an inlined struct (`json:",inline"`), "-" a field JSON never shows;
//             a trailing "!" marks a field without `omitempty` (its zero value is part of the JSON form);
//   type      a scalar (string, bool, bytes, int32, int64, uint32, uint64, double, float), a message
//             name (bare = same package, else "meta.v1.Time"), `[]T` for repeated, `map<K,V>`, and a
//             leading "*" when the Go field is a pointer (present on the wire ⇒ set, even when zero).
// A message whose Go type is a slice (`type ExtraValue []string`) is written as `[]T`: its JSON form
// is the array of its repeated field 1.
import { appsV1 } from "./tables/apps-v1.ts";
import { authenticationV1 } from "./tables/authentication-v1.ts";
import { autoscalingV1 } from "./tables/autoscaling-v1.ts";
import { autoscalingV2 } from "./tables/autoscaling-v2.ts";
import { batchV1 } from "./tables/batch-v1.ts";
import { certificatesV1 } from "./tables/certificates-v1.ts";
import { coordinationV1 } from "./tables/coordination-v1.ts";
import { coreV1 } from "./tables/core-v1.ts";
import { discoveryV1 } from "./tables/discovery-v1.ts";
import { eventsV1 } from "./tables/events-v1.ts";
import { metaV1 } from "./tables/meta-v1.ts";
import { networkingV1 } from "./tables/networking-v1.ts";
import { policyV1 } from "./tables/policy-v1.ts";
import { policyV1beta1 } from "./tables/policy-v1beta1.ts";
import { rbacV1 } from "./tables/rbac-v1.ts";
import { schedulingV1 } from "./tables/scheduling-v1.ts";
import { storageV1 } from "./tables/storage-v1.ts";

export interface PackageTable {
  package: string;
  messages: Record<string, string>;
}

export type Scalar =
  | "string"
  | "bool"
  | "bytes"
  | "int32"
  | "int64"
  | "uint32"
  | "uint64"
  | "double"
  | "float";

export interface FieldDef {
  number: number;
  /** JSON name; "" inlines the sub-object into its parent, "-" drops the value. */
  json: string;
  /** Element type: a scalar or a qualified message name. */
  type: string;
  repeated: boolean;
  /** Set for `map<K,V>` fields (entries are messages {key=1, value=2}). */
  mapKey?: Scalar;
  pointer: boolean;
  /** No `omitempty`: a zero value stays in the JSON form. */
  keepZero: boolean;
  /** Removed upstream but still sent by older clients (kubectl 1.20): decoded and dropped. */
  retired?: boolean;
}

export interface MessageDef {
  name: string;
  fields: Map<number, FieldDef>;
  /** For slice types: the JSON form is an array of field 1's elements. */
  arrayOf?: string;
}

const packages: PackageTable[] = [
  metaV1,
  coreV1,
  appsV1,
  batchV1,
  rbacV1,
  policyV1,
  policyV1beta1,
  schedulingV1,
  networkingV1,
  authenticationV1,
  autoscalingV1,
  autoscalingV2,
  certificatesV1,
  coordinationV1,
  discoveryV1,
  eventsV1,
  storageV1,
];

/**
 * Fields that kubectl 1.20's types still have but current Kubernetes removed. gogo-protobuf emits
 * non-pointer fields even when empty, so 1.20 sends `clusterName: ""` in every ObjectMeta. Current
 * servers ignore these fields; so do we (the payload is skipped, never interpreted).
 */
const retired: Record<string, string> = {
  "meta.v1.ObjectMeta": "clusterName=15:string",
  "core.v1.EphemeralVolumeSource": "readOnly=2:bool",
  "core.v1.ServiceSpec": "topologyKeys=16:[]string",
  // ClaimSource (1.26–1.30) was replaced by resourceClaimName/resourceClaimTemplateName in 1.31.
  "core.v1.PodResourceClaim": "source=2:bytes",
};

const scalars = new Set<string>([
  "string",
  "bool",
  "bytes",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "double",
  "float",
]);

export function isScalar(type: string): type is Scalar {
  return scalars.has(type);
}

const specs = new Map<string, string>();
for (const p of packages)
  for (const [name, spec] of Object.entries(p.messages)) specs.set(`${p.package}.${name}`, spec);

const cache = new Map<string, MessageDef>();

function qualify(type: string, pkg: string): string {
  return isScalar(type) || type.includes(".") ? type : `${pkg}.${type}`;
}

function parseField(spec: string, pkg: string): FieldDef {
  const m = /^([\w-]*)(!?)=(\d+):(\*?)(.+)$/.exec(spec);
  if (!m) throw new Error(`malformed protobuf table entry ${JSON.stringify(spec)}`);
  let type = m[5] ?? "";
  const field: FieldDef = {
    number: Number(m[3]),
    json: m[1] ?? "",
    type: "",
    repeated: false,
    pointer: m[4] === "*",
    keepZero: m[2] === "!",
  };
  const map = /^map<(\w+),(.+)>$/.exec(type);
  if (map) {
    const key = map[1] ?? "";
    if (!isScalar(key)) throw new Error(`map key ${key} is not a scalar`);
    field.mapKey = key;
    type = map[2] ?? "";
  } else if (type.startsWith("[]")) {
    field.repeated = true;
    type = type.slice(2);
  }
  field.type = qualify(type, pkg);
  return field;
}

/** The definition of a message by its short qualified name, or undefined when it is not tabled. */
export function messageDef(name: string): MessageDef | undefined {
  const cached = cache.get(name);
  if (cached) return cached;
  const spec = specs.get(name);
  if (spec === undefined) return undefined;
  const pkg = name.slice(0, name.lastIndexOf("."));
  const def: MessageDef = { name, fields: new Map() };
  if (spec.startsWith("[]")) def.arrayOf = qualify(spec.slice(2), pkg);
  else
    for (const f of spec.split(" ").filter((s) => s !== "")) {
      const field = parseField(f, pkg);
      def.fields.set(field.number, field);
    }
  const old = retired[name];
  if (old !== undefined) {
    const field = parseField(old, pkg);
    def.fields.set(field.number, { ...field, retired: true });
  }
  cache.set(name, def);
  return def;
}

/** Every tabled message name (for tests). */
export function messageNames(): string[] {
  return [...specs.keys()];
}

/** The message of a kind: `apps/v1` + `Deployment` → "apps.v1.Deployment"; options kinds → meta.v1. */
export function kindMessage(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  // Group "rbac.authorization.k8s.io" is package rbac; every served group's package is its first label.
  const pkg = group === "" ? "core" : (group.split(".")[0] ?? group);
  const name = `${pkg}.${version}.${kind}`;
  if (specs.has(name)) return name;
  // DeleteOptions is registered in every group version.
  if (specs.has(`meta.v1.${kind}`) && kind.endsWith("Options")) return `meta.v1.${kind}`;
  return undefined;
}

/** Kubernetes' OpenAPI name of a message, for error messages ("io.k8s.api.core.v1.Pod"). */
export function openApiName(name: string): string {
  if (name.startsWith("meta.v1.")) return `io.k8s.apimachinery.pkg.apis.meta.v1.${name.slice(8)}`;
  if (name.startsWith("resource.")) return `io.k8s.apimachinery.pkg.api.resource.${name.slice(9)}`;
  if (name.startsWith("intstr.")) return `io.k8s.apimachinery.pkg.util.intstr.${name.slice(7)}`;
  if (name.startsWith("runtime.")) return `io.k8s.apimachinery.pkg.runtime.${name.slice(8)}`;
  return `io.k8s.api.${name}`;
}
