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
import { column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
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

/** printEvent, on the events.k8s.io shape (same cells as for core/v1 events). */
export const eventTable: TableConvertor<Event> = {
  columns: [
    column("Last Seen", "Last Seen"),
    column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    column(
      "Reason",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column("Object", "The object that this event is about."),
    column(
      "Subobject",
      "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].",
      { wide: true },
    ),
    column("Source", "The component reporting this event. Should be a short machine understandable string.", {
      wide: true,
    }),
    column("Message", "A human-readable description of the status of this operation."),
    column(
      "First Seen",
      "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
      { wide: true },
    ),
    column("Count", "The number of times this event has occurred.", { wide: true }),
    { ...nameColumn, priority: 1 },
  ],
  cells(e, now) {
    const first = e.deprecatedFirstTimestamp ? age(e.deprecatedFirstTimestamp, now) : age(e.eventTime, now);
    let last = e.deprecatedLastTimestamp ? age(e.deprecatedLastTimestamp, now) : first;
    let count = e.deprecatedCount ?? 0;
    if (e.series) {
      last = age(e.series.lastObservedTime, now);
      count = e.series.count;
    } else if (count === 0) count = 1;
    const r = e.regarding;
    const target = r?.name ? `${(r.kind ?? "").toLowerCase()}/${r.name}` : (r?.kind ?? "").toLowerCase();
    const component = e.deprecatedSource?.component || e.reportingController || "";
    const host = e.deprecatedSource?.host || e.reportingInstance || "";
    return [
      last,
      e.type ?? "",
      e.reason ?? "",
      target,
      r?.fieldPath ?? "",
      host ? `${component}, ${host}` : component,
      (e.note ?? "").trim(),
      first,
      count,
      e.metadata?.name ?? "",
    ];
  },
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
