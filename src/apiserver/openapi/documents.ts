// Builds the OpenAPI v2 document and the v3 per-group-version documents of a Registry from our
// schema definitions and the operations model (operations.ts). Pure functions; handler.ts caches.
import type { Registry } from "../../api/registry.ts";
import { definitions } from "../../api/schema/definitions.ts";
import { type Definitions, refTarget, type Schema } from "../../api/schema/types.ts";
import { customResourceDefinitionsFor, type OpenApiFlavor } from "./customresources.ts";
import {
  groupVersionPaths,
  kindDefinitionName,
  metaDefinitions,
  type OperationSpec,
  type ParamSpec,
  type PathSpec,
} from "./operations.ts";

export interface DocumentOptions {
  /** info.version, the server's gitVersion (`v1.32.5`). */
  serverVersion?: string;
}

type JsonObject = Record<string, unknown>;

const produces = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

/** The URL path key of a group version in the v3 index: `api/v1`, `apis/apps/v1`. */
export function groupVersionKey(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

/** The definitions the given paths need: their kinds plus everything reachable by $ref. */
function definitionClosure(
  registry: Registry,
  paths: PathSpec[],
  flavor: OpenApiFlavor,
): Record<string, Schema> {
  const defs = definitions();
  const synthetic = syntheticDefinitions(registry, defs, flavor);
  const lookup = (name: string): Schema | undefined => defs[name] ?? synthetic[name];
  const out: Record<string, Schema> = {};
  const queue: string[] = [...metaDefinitions];
  for (const p of paths) {
    for (const op of p.operations) queue.push(op.response, ...(op.body ? [op.body] : []));
  }
  const visit = (s: Schema | boolean | undefined): void => {
    if (typeof s !== "object") return;
    if (s.$ref) queue.push(refTarget(s.$ref));
    visit(s.items);
    visit(s.additionalProperties);
    for (const p of Object.values(s.properties ?? {})) visit(p);
  };
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (out[name]) continue;
    const def = lookup(name);
    if (!def) continue;
    out[name] = def;
    visit(def);
  }
  const sorted: Record<string, Schema> = {};
  for (const key of Object.keys(out).sort()) sorted[key] = out[key] as Schema;
  return sorted;
}

/** Free-form definitions for served kinds kubernetes-types does not declare (metrics, CRD-like kinds). */
function syntheticDefinitions(
  registry: Registry,
  defs: Definitions,
  flavor: OpenApiFlavor,
): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const def of registry.all()) {
    Object.assign(out, customResourceDefinitionsFor(def, flavor));
    for (const kind of [def.kind, def.listKind ?? `${def.kind}List`]) {
      const gvk = { group: def.group, version: def.version, kind };
      const name = kindDefinitionName(gvk);
      if (defs[name] || out[name]) continue;
      out[name] = {
        description: `${kind} of ${def.group === "" ? "the core group" : def.group}/${def.version}.`,
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
        "x-kubernetes-group-version-kind": [gvk],
      };
    }
  }
  return out;
}

function allPaths(registry: Registry): PathSpec[] {
  const out: PathSpec[] = [];
  for (const { group, versions } of registry.groups()) {
    for (const version of versions) out.push(...groupVersionPaths(registry, group, version));
  }
  return out;
}

/** The Swagger 2.0 document (what `/openapi/v2` serves as JSON, and encodes as protobuf). */
export function buildV2Document(registry: Registry, options: DocumentOptions = {}): JsonObject {
  const paths = allPaths(registry);
  const pathsJson: JsonObject = {};
  for (const p of paths) {
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = v2Operation(op);
    pathsJson[p.path] = item;
  }
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: options.serverVersion ?? "v1.32.0" },
    paths: pathsJson,
    definitions: definitionClosure(registry, paths, "v2"),
  };
}

function v2Operation(op: OperationSpec): JsonObject {
  const parameters: JsonObject[] = [];
  if (op.body) {
    parameters.push({
      name: "body",
      in: "body",
      required: true,
      schema: { $ref: `#/definitions/${op.body}` },
    });
  }
  for (const p of op.params) parameters.push(v2Parameter(p));
  return {
    description: op.description,
    consumes: op.consumes ? [...op.consumes] : ["*/*"],
    produces,
    schemes: ["https"],
    operationId: op.operationId,
    parameters,
    responses: {
      "200": { description: "OK", schema: { $ref: `#/definitions/${op.response}` } },
      "401": { description: "Unauthorized" },
    },
    "x-kubernetes-action": op.action,
    "x-kubernetes-group-version-kind": { ...op.gvk },
  };
}

function v2Parameter(p: ParamSpec): JsonObject {
  const out: JsonObject = { name: p.name, in: p.in, type: p.type, description: p.description };
  if (p.required) out.required = true;
  else out.uniqueItems = true;
  return out;
}

/** The OpenAPI 3.0 document of one group version (`/openapi/v3/apis/apps/v1`). */
export function buildV3Document(
  registry: Registry,
  group: string,
  version: string,
  options: DocumentOptions = {},
): JsonObject {
  const paths = groupVersionPaths(registry, group, version);
  const pathsJson: JsonObject = {};
  for (const p of paths) {
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = v3Operation(op);
    pathsJson[p.path] = item;
  }
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(definitionClosure(registry, paths, "v3")))
    schemas[name] = toV3(schema);
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: options.serverVersion ?? "v1.32.0" },
    paths: pathsJson,
    components: { schemas },
  };
}

const v3Ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function v3Operation(op: OperationSpec): JsonObject {
  const out: JsonObject = {
    description: op.description,
    operationId: op.operationId,
    parameters: op.params.map((p) => {
      const param: JsonObject = {
        name: p.name,
        in: p.in,
        description: p.description,
        schema: { type: p.type },
      };
      if (p.required) param.required = true;
      return param;
    }),
  };
  if (op.body) {
    const types = op.consumes ?? ["*/*"];
    const content: JsonObject = {};
    for (const t of types) content[t] = { schema: v3Ref(op.body) };
    out.requestBody = { content, required: true };
  }
  const content: JsonObject = {};
  for (const t of produces) content[t] = { schema: v3Ref(op.response) };
  out.responses = { "200": { description: "OK", content }, "401": { description: "Unauthorized" } };
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = { ...op.gvk };
  return out;
}

/** v2 schema → v3: refs into components, and a $ref with siblings wrapped in allOf as Kubernetes does. */
function toV3(schema: Schema): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref") continue;
    if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = toV3(value as Schema);
    } else if (key === "properties") {
      const props: JsonObject = {};
      for (const [name, p] of Object.entries(value as Record<string, Schema>)) props[name] = toV3(p);
      out[key] = props;
    } else {
      out[key] = value;
    }
  }
  if (schema.$ref) {
    const ref = v3Ref(refTarget(schema.$ref));
    return Object.keys(out).length === 0 ? ref : { allOf: [ref], ...out };
  }
  return out;
}
