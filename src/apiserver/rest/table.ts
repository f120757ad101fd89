// Server-side printing: meta.k8s.io/v1 Table from the strategy's TableConvertor, or the
// generic Name/Age table; rows carry PartialObjectMetadata, the full object, or nothing.

import { age } from "../../api/duration.ts";
import { BadRequestError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef, TableColumn } from "../../api/resource.ts";

export type IncludeObject = "Object" | "Metadata" | "None";

export function parseIncludeObject(query: URLSearchParams): IncludeObject {
  const v = query.get("includeObject");
  if (v === null || v === "" || v === "Metadata") return "Metadata";
  if (v === "Object" || v === "None") return v;
  throw new BadRequestError(
    `invalid includeObject: ${JSON.stringify(v)}: must be one of Object, Metadata, None`,
  );
}

const defaultColumns: readonly TableColumn[] = [
  {
    name: "Name",
    type: "string",
    format: "name",
    description:
      "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    priority: 0,
  },
  {
    name: "Age",
    type: "string",
    format: "",
    description:
      "CreationTimestamp is a timestamp representing the server time when this object was created.",
    priority: 0,
  },
];

export function tableColumns(def: ResourceDef): readonly TableColumn[] {
  return (def.strategy.table?.columns ?? defaultColumns).map((c) => ({ format: "", ...c }));
}

export function tableRow(
  def: ResourceDef,
  obj: KubeObject,
  include: IncludeObject,
  now: Date,
): Record<string, unknown> {
  const convertor = def.strategy.table;
  const cells = convertor
    ? convertor.cells(obj, now)
    : [obj.metadata?.name ?? "", age(obj.metadata?.creationTimestamp, now)];
  const row: Record<string, unknown> = { cells };
  if (include === "Object") row.object = obj;
  else if (include === "Metadata") {
    row.object = {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: obj.metadata ?? {},
    };
  }
  return row;
}

export function tableHead(def: ResourceDef, listMeta: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: tableColumns(def),
  };
}

/** A Table of the given objects (get of one object, or one watch event). */
export function toTable(
  def: ResourceDef,
  objects: KubeObject[],
  options: { include: IncludeObject; now: Date; resourceVersion?: string },
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion) metadata.resourceVersion = options.resourceVersion;
  return {
    ...tableHead(def, metadata),
    rows: objects.map((o) => tableRow(def, o, options.include, options.now)),
  };
}
