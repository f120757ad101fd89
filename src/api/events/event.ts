// events.k8s.io/v1 Event: the same stored objects as core/v1 events (storagePrefix "events"),
// converted field by field; v1 create validation; the kubectl event table.
import type { Event as CoreEvent } from "kubernetes-types/core/v1.js";
import type { Event as EventV1 } from "kubernetes-types/events/v1.js";
import {
  isQualifiedName,
  nameIsDnsSubdomain,
  validateImmutable,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import type { Kube } from "../apps/printing.ts";
import { eventTable as coreEventTable } from "../core/event.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { KubeObject } from "../object.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";

export type Event = Kube<EventV1>;
type Core = Kube<CoreEvent>;

const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const limit = { reportingInstance: 128, action: 128, reason: 128, note: 1024 };

/** Drops undefined members so converted objects compare and serialize cleanly. */
function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

export function eventFromCore(obj: KubeObject): KubeObject {
  const e = obj as Core;
  return compact<Event>({
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: e.metadata,
    eventTime: e.eventTime as string,
    series: e.series
      ? compact({ count: e.series.count ?? 0, lastObservedTime: e.series.lastObservedTime ?? "" })
      : undefined,
    reportingController: e.reportingComponent,
    reportingInstance: e.reportingInstance,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  });
}

export function eventToCore(obj: KubeObject): KubeObject {
  const e = obj as Event;
  return compact<Core>({
    apiVersion: "v1",
    kind: "Event",
    metadata: e.metadata ?? {},
    eventTime: e.eventTime,
    series: e.series ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime } : undefined,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
    action: e.action,
    reason: e.reason,
    involvedObject: e.regarding ?? {},
    related: e.related,
    message: e.note,
    type: e.type,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
  });
}

/** ValidateEventCreate for events.k8s.io/v1 requests. */
export function validateEvent(e: Event): FieldError[] {
  const errs = validateObjectMeta(e.metadata, metaOptions);
  const p = (name: string) => FieldPath.root(name);
  if (!e.eventTime) errs.push(fieldErrors.required(p("eventTime"), ""));
  if (e.type !== "Normal" && e.type !== "Warning")
    errs.push(fieldErrors.invalid(p("type"), "", `has invalid value: ${e.type ?? ""}`));
  if (e.deprecatedFirstTimestamp)
    errs.push(fieldErrors.invalid(p("deprecatedFirstTimestamp"), "", "needs to be unset"));
  if (e.deprecatedLastTimestamp)
    errs.push(fieldErrors.invalid(p("deprecatedLastTimestamp"), "", "needs to be unset"));
  if (e.deprecatedCount) errs.push(fieldErrors.invalid(p("deprecatedCount"), "", "needs to be unset"));
  if (e.deprecatedSource && (e.deprecatedSource.component || e.deprecatedSource.host)) {
    errs.push(fieldErrors.invalid(p("deprecatedSource"), "", "needs to be unset"));
  }
  if (e.series) {
    if ((e.series.count ?? 0) < 2)
      errs.push(fieldErrors.invalid(p("series").child("count"), "", "should be at least 2"));
    if (!e.series.lastObservedTime)
      errs.push(fieldErrors.required(p("series").child("lastObservedTime"), ""));
  }
  if (!e.reportingController) errs.push(fieldErrors.required(p("reportingController"), ""));
  else
    for (const msg of isQualifiedName(e.reportingController))
      errs.push(fieldErrors.invalid(p("reportingController"), e.reportingController, msg));
  const lengths: [keyof typeof limit, string | undefined, boolean][] = [
    ["reportingInstance", e.reportingInstance, true],
    ["action", e.action, true],
    ["reason", e.reason, true],
    ["note", e.note, false],
  ];
  for (const [name, value, required] of lengths) {
    if (required && !value) errs.push(fieldErrors.required(p(name), ""));
    if (value && value.length > limit[name])
      errs.push(fieldErrors.invalid(p(name), "", `can have at most ${limit[name]} characters`));
  }
  return errs;
}

const immutableFields = [
  "regarding",
  "related",
  "reportingController",
  "reportingInstance",
  "action",
  "reason",
  "type",
  "eventTime",
  "note",
] as const;

export function validateEventUpdate(e: Event, old: Event): FieldError[] {
  const errs = validateObjectMetaUpdate(e.metadata, old.metadata, metaOptions);
  for (const f of immutableFields) errs.push(...validateImmutable(e[f], old[f], FieldPath.root(f)));
  return errs;
}

/** printEvent: the core/v1 event printer, on the core form this version is stored as. */
export const eventTable: TableConvertor<Event> = {
  columns: coreEventTable.columns,
  cells: (e, now) => coreEventTable.cells(eventToCore(e) as Parameters<typeof coreEventTable.cells>[0], now),
};

export const eventsV1: ResourceDef<Event> = {
  group: "events.k8s.io",
  version: "v1",
  resource: "events",
  singular: "event",
  kind: "Event",
  namespaced: true,
  shortNames: ["ev"],
  storagePrefix: "events",
  conversion: { toStorage: eventToCore, fromStorage: eventFromCore },
  strategy: { validate: validateEvent, validateUpdate: validateEventUpdate, table: eventTable },
};
