// Development tool: derives the compact field tables in src/api/proto/tables/ from a checkout of kubernetes/api
// and kubernetes/apimachinery (message field numbers and types from each package's generated.proto,
// JSON names, omitempty, pointer-ness and inlining from the Go struct tags). Only facts are kept.
// Usage: node --import tsx scripts/gen-proto-tables.ts <kubernetes/api dir> <apimachinery dir>
// then `npx biome format --write src/api/proto/tables`. The committed tables come from tag v0.34.9 of
// both repositories; PROTO_TABLE_OUT=<dir> writes elsewhere (to diff against an older release).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface ProtoField {
  num: number;
  name: string;
  type: string;
  repeated: boolean;
  map?: string;
}
interface GoField {
  json: string;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
}
interface Pkg {
  /** Short id used inside the tables ("core.v1", "meta.v1", "resource"). */
  id: string;
  dir: string;
  proto: Map<string, ProtoField[]>;
  go: Map<string, Map<number, GoField>>;
  /** Go types declared as slices (`type ExtraValue []string`): JSON arrays. */
  slices: Set<string>;
}

/** Proto package ("k8s.io.api.core.v1") → short id ("core.v1"). */
function shortId(protoPackage: string): string {
  const m = /^k8s\.io\.(?:api\.(.+)|apimachinery\.pkg\.(?:apis\.|api\.|util\.)?(.+))$/.exec(protoPackage);
  if (!m) throw new Error(`unexpected proto package ${protoPackage}`);
  return (m[1] ?? m[2] ?? "").replace(/^runtime\.schema$/, "schema");
}

function parseProto(text: string): { id: string; messages: Map<string, ProtoField[]> } {
  const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
  if (!pkg) throw new Error("no package");
  const id = shortId(pkg);
  const messages = new Map<string, ProtoField[]>();
  let current: ProtoField[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    const open = /^message (\w+) \{$/.exec(line);
    if (open?.[1]) {
      current = [];
      messages.set(open[1], current);
      continue;
    }
    if (line === "}") {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const map = /^map<(\w+), ?([\w.]+)> (\w+) = (\d+);$/.exec(line);
    if (map) {
      current.push({
        num: Number(map[4]),
        name: map[3] ?? "",
        type: typeRef(map[2] ?? "", id),
        repeated: false,
        map: map[1] ?? "",
      });
      continue;
    }
    const field = /^(optional|repeated|required) ([\w.]+) (\w+) = (\d+);$/.exec(line);
    if (field) {
      current.push({
        num: Number(field[4]),
        name: field[3] ?? "",
        type: typeRef(field[2] ?? "", id),
        repeated: field[1] === "repeated",
      });
    } else if (line !== "" && !line.startsWith("option") && !line.startsWith("reserved")) {
      throw new Error(`unparsed proto line in ${id}: ${line}`);
    }
  }
  return { id, messages };
}

/** ".k8s.io.apimachinery.pkg.apis.meta.v1.Time" → "meta.v1.Time"; same-package names stay bare. */
function typeRef(type: string, id: string): string {
  if (!type.includes(".")) return type;
  const full = type.replace(/^\./, "");
  const dot = full.lastIndexOf(".");
  const ref = shortId(full.slice(0, dot));
  const name = full.slice(dot + 1);
  return ref === id ? name : `${ref}.${name}`;
}

function parseGo(dir: string): { structs: Map<string, Map<number, GoField>>; slices: Set<string> } {
  const structs = new Map<string, Map<number, GoField>>();
  const slices = new Set<string>();
  for (const file of readdirSync(dir).sort()) {
    if (
      !file.endsWith(".go") ||
      file.endsWith("_test.go") ||
      file.startsWith("zz_") ||
      file.startsWith("generated")
    )
      continue;
    let current: Map<number, GoField> | undefined;
    for (const raw of readFileSync(join(dir, file), "utf8").split("\n")) {
      const open = /^type (\w+) struct \{/.exec(raw);
      if (open?.[1]) {
        current = new Map();
        structs.set(open[1], current);
        continue;
      }
      const slice = /^type (\w+) \[\]\w+$/.exec(raw.trim());
      if (slice?.[1]) slices.add(slice[1]);
      if (raw.startsWith("}")) current = undefined;
      if (!current) continue;
      const m = /^\s*(?:\w+\s+)?([*[\]\w.]+)\s+`([^`]*)`/.exec(raw);
      if (!m) continue;
      const tag = m[2] ?? "";
      const proto = /protobuf:"\w+,(\d+),/.exec(tag);
      if (!proto) continue;
      const json = (/json:"([^"]*)"/.exec(tag)?.[1] ?? "").split(",");
      current.set(Number(proto[1]), {
        json: json[0] ?? "",
        pointer: (m[1] ?? "").startsWith("*"),
        omitempty: json.includes("omitempty") || json.includes("omitzero"),
        inline: json.includes("inline"),
      });
    }
  }
  return { structs, slices };
}

function loadPkg(dir: string): Pkg {
  const { id, messages } = parseProto(readFileSync(join(dir, "generated.proto"), "utf8"));
  const { structs, slices } = parseGo(dir);
  return { id, dir, proto: messages, go: structs, slices };
}

/** Messages whose JSON form is special (custom MarshalJSON): decoded by name, not by table. */
const wellKnown = new Set([
  "meta.v1.Time",
  "meta.v1.MicroTime",
  "meta.v1.Duration",
  "meta.v1.FieldsV1",
  "resource.Quantity",
  "intstr.IntOrString",
  "runtime.RawExtension",
]);

function fieldSpec(pkg: Pkg, message: string, f: ProtoField): string {
  const go = pkg.go.get(message)?.get(f.num);
  if (!go) throw new Error(`${pkg.id}.${message}: no Go field for protobuf field ${f.num} (${f.name})`);
  const name = go.inline ? "" : go.json === "-" ? "-" : go.json || f.name;
  const keep = !go.omitempty && !go.inline && go.json !== "-" ? "!" : "";
  let type = f.map !== undefined ? `map<${f.map},${f.type}>` : f.repeated ? `[]${f.type}` : f.type;
  if (go.pointer) type = `*${type}`;
  return `${name}${keep}=${f.num}:${type}`;
}

function main(): void {
  const [apiDir, machineryDir] = process.argv.slice(2);
  if (!apiDir || !machineryDir) throw new Error("usage: gen-proto-tables.ts <kubernetes/api> <apimachinery>");
  const apiPackages = [
    "core/v1",
    "apps/v1",
    "batch/v1",
    "rbac/v1",
    "policy/v1",
    "policy/v1beta1",
    "scheduling/v1",
    "networking/v1",
    "authentication/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "certificates/v1",
    "coordination/v1",
    "discovery/v1",
    "events/v1",
    "storage/v1",
  ];
  const pkgs = new Map<string, Pkg>();
  for (const p of apiPackages) {
    if (!existsSync(join(apiDir, p, "generated.proto"))) continue;
    const pkg = loadPkg(join(apiDir, p));
    pkgs.set(pkg.id, pkg);
  }
  for (const p of ["apis/meta/v1", "api/resource", "util/intstr", "runtime"]) {
    const pkg = loadPkg(join(machineryDir, "pkg", p));
    pkgs.set(pkg.id, pkg);
  }
  // Roots: every top-level kind (a message with ObjectMeta as field 1) except lists, plus the
  // options and subresource bodies clients send.
  const roots: string[] = ["meta.v1.DeleteOptions"];
  for (const pkg of pkgs.values()) {
    if (pkg.id === "meta.v1") continue;
    for (const [name, fields] of pkg.proto) {
      const first = fields.find((f) => f.num === 1);
      if (first?.type === "meta.v1.ObjectMeta" && first.name === "metadata") roots.push(`${pkg.id}.${name}`);
    }
  }
  const reachable = new Set<string>();
  const visit = (qualified: string): void => {
    if (reachable.has(qualified) || wellKnown.has(qualified)) return;
    const dot = qualified.lastIndexOf(".");
    const pkg = pkgs.get(qualified.slice(0, dot));
    const name = qualified.slice(dot + 1);
    const fields = pkg?.proto.get(name);
    if (!pkg || !fields) throw new Error(`unknown message ${qualified}`);
    reachable.add(qualified);
    for (const f of fields) {
      if (/^(string|bool|bytes|u?int(32|64)|s?fixed(32|64)|double|float)$/.test(f.type)) continue;
      visit(f.type.includes(".") ? f.type : `${pkg.id}.${f.type}`);
    }
  };
  for (const r of roots) visit(r);
  for (const pkg of pkgs.values()) {
    const names = [...pkg.proto.keys()].filter((n) => reachable.has(`${pkg.id}.${n}`)).sort();
    if (names.length === 0) continue;
    const lines = names.map((name) => {
      const fields = pkg.proto.get(name) ?? [];
      const spec = pkg.slices.has(name)
        ? `[]${fields[0]?.type ?? "string"}`
        : fields.map((f) => fieldSpec(pkg, name, f)).join(" ");
      return `  ${name}: ${JSON.stringify(spec)},`;
    });
    const file = pkg.id.replace(".", "-");
    const text = [
      `// Protobuf field table of ${pkg.id} (generated by scripts/gen-proto-tables.ts from kubernetes/api and apimachinery;`,
      "// format in ../table.ts). Only messages reachable from the kinds clients create are listed.",
      'import type { PackageTable } from "../table.ts";',
      "",
      `export const ${file.replace(/-(\w)/, (_, c: string) => c.toUpperCase())}: PackageTable = {`,
      `  package: ${JSON.stringify(pkg.id)},`,
      "  messages: {",
      ...lines.map((l) => `  ${l}`),
      "  },",
      "};",
      "",
    ].join("\n");
    writeFileSync(
      join(process.env.PROTO_TABLE_OUT ?? join(import.meta.dirname, "../src/api/proto/tables"), `${file}.ts`),
      text,
    );
    console.log(`${pkg.id}: ${names.length} messages`);
  }
}

main();
