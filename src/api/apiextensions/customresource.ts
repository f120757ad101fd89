// The ResourceDefs a CRD serves, one per served version: names and scope from the CRD, storage
// shared by all versions (conversion None: only apiVersion changes), and a strategy that prunes,
// defaults and validates by the version's schema, bumps generation as Kubernetes does for custom
// resources, and prints the additionalPrinterColumns.
import { age } from "../duration.ts";
import { MethodNotAllowedError } from "../errors.ts";
import type { FieldError } from "../field.ts";
import { fieldErrors } from "../field.ts";
import { groupVersion, isPlainObject, type KubeObject } from "../object.ts";
import type { ResourceDef, Strategy, TableColumn, TableConvertor } from "../resource.ts";
import { nameColumn } from "../table.ts";
import { isDns1123Subdomain } from "../validation/names.ts";
import { storageVersion } from "./crd.ts";
import { evaluateJsonPath, parseJsonPath } from "./jsonpath.ts";
import { applyDefaults, pruneObject } from "./prune.ts";
import { type CrdVersion, type CustomResourceDefinition, type JsonSchema, versionSchema } from "./types.ts";
import { validateValue } from "./validate-value.ts";

export interface CustomResourceInfo {
  /** `crontabs.stable.example.com` */
  crdName: string;
  /** The schema of this version (undefined only for CRDs stored before validation). */
  schema: JsonSchema | undefined;
  storageVersion: string;
}

export type CustomResourceDef = ResourceDef & { customResource: CustomResourceInfo };

export function isCustomResourceDef(def: ResourceDef): def is CustomResourceDef {
  return "customResource" in def && def.customResource !== undefined;
}

/** kube-aware version order: GA before beta before alpha, higher numbers first, others last by name. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { rank: 3, major: 0, minor: 0 };
    const rank = m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2;
    return { rank, major: Number(m[1]), minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa.rank !== pb.rank) return pa.rank - pb.rank;
  if (pa.rank === 3) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

const dateColumn = "date";

function cell(type: string, values: unknown[], now: Date): unknown {
  if (values.length === 0) return null;
  const value = values[0];
  switch (type) {
    case "string":
      return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
    case dateColumn:
      return typeof value === "string" ? age(value, now) : "<invalid>";
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? value : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    default:
      return value;
  }
}

function tableFor(version: CrdVersion): TableConvertor {
  const printer = version.additionalPrinterColumns ?? [];
  const specs =
    printer.length > 0
      ? printer
      : [
          {
            name: "Age",
            type: dateColumn,
            jsonPath: ".metadata.creationTimestamp",
            description: ageDescription,
            priority: 0,
          },
        ];
  const columns: TableColumn[] = [
    nameColumn,
    ...specs.map((c) => ({
      name: c.name,
      type: c.type as TableColumn["type"],
      format: c.format ?? "",
      description: c.description ?? "",
      priority: c.priority ?? 0,
    })),
  ];
  const paths = specs.map((c) => {
    try {
      return parseJsonPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  return {
    columns,
    cells: (obj, now) => [
      obj.metadata?.name ?? "",
      ...specs.map((c, i) => {
        const path = paths[i];
        return path ? cell(c.type, evaluateJsonPath(path, obj), now) : "<error>";
      }),
    ],
  };
}

const ageDescription =
  "CreationTimestamp is a timestamp representing the server time when this object was created.";

/** The object without metadata (and status when it is a subresource), for generation. */
function content(obj: KubeObject, withoutStatus: boolean): string {
  const { metadata: _m, status, ...rest } = obj;
  return JSON.stringify(withoutStatus ? rest : { ...rest, status });
}

function strategyFor(
  version: CrdVersion,
  schema: JsonSchema | undefined,
  hasStatus: boolean,
  terminating: boolean,
): Strategy {
  return {
    defaults(obj) {
      pruneObject(schema, obj);
      applyDefaults(schema, obj);
    },
    prepareForCreate(obj) {
      // The objects are being deleted with their CRD: nothing new may appear meanwhile.
      if (terminating)
        throw new MethodNotAllowedError("create not allowed while custom resource definition is terminating");
      if (hasStatus) delete obj.status;
      Object.assign(obj.metadata ?? {}, { generation: 1 });
    },
    prepareForUpdate(obj, old) {
      // Any change outside metadata (and outside status with a status subresource) is a new generation.
      const generation = old.metadata?.generation ?? 1;
      const changed = content(obj, hasStatus) !== content(old, hasStatus);
      Object.assign(obj.metadata ?? {}, { generation: changed ? generation + 1 : generation });
    },
    validate(obj): FieldError[] {
      const errs: FieldError[] = [];
      const name = obj.metadata?.name;
      if (typeof name === "string" && name !== "") {
        const nameErrs = isDns1123Subdomain(name);
        if (nameErrs.length > 0) errs.push(fieldErrors.invalid("metadata.name", name, nameErrs.join(", ")));
      }
      errs.push(...validateValue(schema, stripMeta(obj)));
      // The schema may restrict metadata.name and metadata.generateName (nothing else of metadata).
      const metaSchema = schema?.properties?.metadata?.properties;
      for (const field of ["name", "generateName"] as const) {
        const value = obj.metadata?.[field];
        const fieldSchema = metaSchema?.[field];
        if (fieldSchema && value !== undefined)
          errs.push(...validateValue(fieldSchema, value, `metadata.${field}`));
      }
      return errs;
    },
    table: tableFor(version),
  };
}

/** The root fields validated by ObjectMeta rules, not by the schema. */
function stripMeta(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  return isPlainObject(rest) ? rest : {};
}

/** `.spec.replicas` → `spec.replicas` (the ScaleSpec form). */
function dotted(path: string | undefined): string | undefined {
  return path?.replace(/^\./, "");
}

export interface CustomResourceOptions {
  /** While the CRD is terminating, no new objects are accepted. */
  terminating?: boolean;
}

/** One ResourceDef per served version, in discovery preference order. */
export function customResourceDefs(
  crd: CustomResourceDefinition,
  options: CustomResourceOptions = {},
): CustomResourceDef[] {
  const spec = crd.spec;
  const storage = storageVersion(crd) ?? "";
  const names = spec.names;
  const served = spec.versions.filter((v) => v.served);
  served.sort((a, b) => compareVersions(a.name, b.name));
  return served.map((version) => {
    const schema = versionSchema(version);
    const status = version.subresources?.status !== undefined;
    const scale = version.subresources?.scale;
    const specReplicasPath = dotted(scale?.specReplicasPath);
    const statusReplicasPath = dotted(scale?.statusReplicasPath);
    const labelSelectorPath = dotted(scale?.labelSelectorPath);
    const def: CustomResourceDef = {
      group: spec.group,
      version: version.name,
      resource: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      namespaced: spec.scope === "Namespaced",
      ...(names.shortNames?.length ? { shortNames: [...names.shortNames] } : {}),
      ...(names.categories?.length ? { categories: [...names.categories] } : {}),
      hasStatus: status,
      ...(specReplicasPath && statusReplicasPath
        ? {
            scale: {
              specReplicasPath,
              statusReplicasPath,
              ...(labelSelectorPath ? { labelSelectorPath } : {}),
            },
          }
        : {}),
      storagePrefix: `${spec.group}/${names.plural}`,
      conversion: {
        // conversion None: the stored form is the storage version with only apiVersion changed.
        toStorage: (obj) => ({ ...obj, apiVersion: groupVersion(spec.group, storage) }),
        fromStorage: (obj) => obj,
      },
      strategy: strategyFor(version, schema, status, options.terminating === true),
      customResource: { crdName: crd.metadata?.name ?? "", schema, storageVersion: storage },
    };
    return def;
  });
}
