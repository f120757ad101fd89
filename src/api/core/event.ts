// The core/v1 events resource: Kubernetes' legacy event validation (namespace agreement,
// reporting fields for new-style events), the LAST SEEN/TYPE/REASON/OBJECT/MESSAGE table and
// the involvedObject field selectors `kubectl describe` relies on.
import type { Event } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { TableConvertor } from "../resource.ts";
import { isDns1123Subdomain, isQualifiedName, nameIsDnsSubdomain } from "../validation/names.ts";
import { column, defineResource, metaValidation, type Obj } from "./define.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const limits = { reportingInstance: 128, action: 128, reason: 128, message: 1024 };

function validateEvent(ev: Event): FieldError[] {
  const errs = meta.create(ev.metadata);
  const namespace = ev.metadata?.namespace ?? "";
  const involvedNs = ev.involvedObject?.namespace ?? "";
  const nsPath = FieldPath.root("involvedObject").child("namespace");
  if (!ev.eventTime) {
    const mismatch = involvedNs ? namespace !== involvedNs : namespace !== "" && namespace !== "default";
    if (mismatch) errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
  } else {
    if (!involvedNs && namespace !== "default" && namespace !== "kube-system") {
      errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    }
    const controller = ev.reportingComponent ?? "";
    if (!controller) errs.push(fieldErrors.required("reportingComponent", ""));
    for (const msg of isQualifiedName(controller))
      errs.push(fieldErrors.invalid("reportingComponent", controller, msg));
    const checkText = (field: "reportingInstance" | "action" | "reason", required: boolean): void => {
      const value = ev[field] ?? "";
      if (required && !value) errs.push(fieldErrors.required(field, ""));
      if (value.length > limits[field])
        errs.push(fieldErrors.invalid(field, "", `can have at most ${limits[field]} characters`));
    };
    checkText("reportingInstance", true);
    checkText("action", true);
    checkText("reason", true);
    if ((ev.message ?? "").length > limits.message) {
      errs.push(fieldErrors.invalid("message", "", `can have at most ${limits.message} characters`));
    }
  }
  for (const msg of isDns1123Subdomain(namespace))
    errs.push(fieldErrors.invalid("namespace", namespace, msg));
  return errs;
}

/** formatEventSource: component (or reportingController), then ", host" when known. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || "";
  const instance = ev.source?.host || ev.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

export const eventTable: TableConvertor<Obj<Event>> = {
  // Kubernetes' event table starts with Last Seen; Name is the last, wide column.
  columns: [
    column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
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
    { ...column("Name", "Name must be unique within a namespace.", { wide: true }), format: "name" },
  ],
  cells(ev, now) {
    const first = ev.firstTimestamp ? age(ev.firstTimestamp, now) : age(ev.eventTime, now);
    let last = ev.lastTimestamp ? age(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series) {
      last = age(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const kind = (ev.involvedObject?.kind ?? "").toLowerCase();
    const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
    return [
      last,
      ev.type ?? "",
      ev.reason ?? "",
      target,
      ev.involvedObject?.fieldPath ?? "",
      eventSource(ev),
      (ev.message ?? "").trim(),
      first,
      count,
      ev.metadata?.name ?? "",
    ];
  },
};

export const events = defineResource<Obj<Event>>({
  group: "",
  version: "v1",
  resource: "events",
  singular: "event",
  kind: "Event",
  namespaced: true,
  shortNames: ["ev"],
  strategy: {
    validate: validateEvent,
    validateUpdate: (ev, old) => meta.update(ev.metadata, old.metadata),
    table: eventTable,
    fieldSelectors: {
      "involvedObject.kind": (e) => e.involvedObject?.kind ?? "",
      "involvedObject.namespace": (e) => e.involvedObject?.namespace ?? "",
      "involvedObject.name": (e) => e.involvedObject?.name ?? "",
      "involvedObject.uid": (e) => e.involvedObject?.uid ?? "",
      "involvedObject.apiVersion": (e) => e.involvedObject?.apiVersion ?? "",
      "involvedObject.resourceVersion": (e) => e.involvedObject?.resourceVersion ?? "",
      "involvedObject.fieldPath": (e) => e.involvedObject?.fieldPath ?? "",
      reason: (e) => e.reason ?? "",
      reportingComponent: (e) => e.reportingComponent ?? "",
      source: (e) => e.source?.component ?? "",
      type: (e) => e.type ?? "",
    },
  },
});
