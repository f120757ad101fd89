// Walks a decoded object against its kind's schema and lists what Kubernetes' strict decoder
// reports: fields the schema does not know and (given the document's members) duplicate fields,
// with paths like `spec.template.spec.containers[0].imagePullPolcy`, in document order.
import { customKindSchema } from "../apiextensions/strict-schema.ts";
import type { JsonValue } from "../object.ts";
import { definitionNameForKind, definitions } from "./definitions.ts";
import { freeFormDefinitions } from "./patch-metadata.ts";
import type { Members } from "./strict-json.ts";
import { type Definitions, refTarget, type Schema } from "./types.ts";

export interface StrictIssue {
  type: "unknown" | "duplicate";
  /** `spec.containers[0].imagePullPolcy` */
  path: string;
}

export interface WalkOptions {
  /** The members of an object in document order, duplicates included; default: Object.entries. */
  members?: (obj: Record<string, JsonValue>) => Members | undefined;
}

/** Kubernetes caps the strict errors of one decode at 100. */
const maxIssues = 100;

/** Unknown fields of `obj` for a served kind, as Kubernetes-style paths. Kinds without a schema: none. */
export function unknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  return strictIssues(group, version, kind, obj as JsonValue)
    .filter((i) => i.type === "unknown")
    .map((i) => i.path);
}

/** Unknown and duplicate fields in document order, deduplicated, at most 100. */
export function strictIssues(
  group: string,
  version: string,
  kind: string,
  obj: JsonValue,
  options: WalkOptions = {},
): StrictIssue[] {
  const name = definitionNameForKind(group, version, kind);
  const defs = definitions();
  const out: StrictIssue[] = [];
  const seen = new Set<string>();
  const report = (issue: StrictIssue) => {
    const key = `${issue.type} ${issue.path}`;
    if (out.length < maxIssues && !seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  };
  // Custom resources: the schema of their CRD while it is served.
  const schema: Schema | undefined = name
    ? { $ref: `#/definitions/${name}` }
    : customKindSchema(group, version, kind);
  walk(obj, schema, "", { defs, report, members: options.members ?? defaultMembers });
  return out;
}

interface Walk {
  defs: Definitions;
  report(issue: StrictIssue): void;
  members(obj: Record<string, JsonValue>): Members | undefined;
}

function defaultMembers(obj: Record<string, JsonValue>): Members {
  return Object.entries(obj);
}

function child(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** `schema` undefined: no schema known (duplicates are still reported, as for unstructured data). */
function walk(value: JsonValue, schema: Schema | undefined, path: string, w: Walk): void {
  let resolved = schema;
  if (schema?.$ref) {
    const name = refTarget(schema.$ref);
    if (freeFormDefinitions.has(name)) return; // decoded from raw bytes, nothing is checked inside
    resolved = w.defs[name];
  }
  if (resolved?.["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      walk(item, resolved?.items, `${path}[${i}]`, w);
    });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const members = w.members(value) ?? defaultMembers(value);
  const keys = new Set<string>();
  const properties = resolved?.properties;
  const additional = resolved?.additionalProperties;
  for (const [key, v] of members) {
    const at = child(path, key);
    if (keys.has(key)) w.report({ type: "duplicate", path: at });
    keys.add(key);
    if (!resolved) {
      walk(v, undefined, at, w);
    } else if (properties?.[key]) {
      walk(v, properties[key], at, w);
    } else if (typeof additional === "object") {
      walk(v, additional, at, w);
    } else if (additional !== true && resolved.type === "object") {
      w.report({ type: "unknown", path: at });
    }
  }
}
