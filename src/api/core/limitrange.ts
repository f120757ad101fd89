// The limitranges resource: container defaults derived from max/min, the ordering rules between
// min, defaultRequest, default and max, and the Name/Created At table.
import type { LimitRange, LimitRangeItem } from "kubernetes-types/core/v1.js";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { Quantity } from "../quantity.ts";
import { isQualifiedName, nameIsDnsSubdomain } from "../validation/names.ts";
import {
  canonicalizeResourceList,
  parseQuantityField,
  validateResourceQuantityValue,
} from "../validation/resources.ts";
import { column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const standardLimitTypes = ["Pod", "Container", "PersistentVolumeClaim"];
type Bound = "max" | "min" | "default" | "defaultRequest" | "maxLimitRequestRatio";

export function defaultLimitRangeItem(item: LimitRangeItem): void {
  for (const bound of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const) {
    canonicalizeResourceList(item[bound]);
  }
  if (item.type !== "Container") return;
  const defaults = { ...(item.max ?? {}), ...(item.default ?? {}) };
  const requests = { ...(item.min ?? {}), ...defaults, ...(item.defaultRequest ?? {}) };
  if (Object.keys(defaults).length > 0) item.default = defaults;
  if (Object.keys(requests).length > 0) item.defaultRequest = requests;
}

function parseBound(
  item: LimitRangeItem,
  bound: Bound,
  at: FieldPath,
  errs: FieldError[],
): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(item[bound] ?? {})) {
    const p = at.child(bound).key(name);
    for (const msg of isQualifiedName(name)) errs.push(fieldErrors.invalid(p, name, msg));
    const q = parseQuantityField(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    out.set(name, q);
  }
  return out;
}

function validateItem(item: LimitRangeItem, at: FieldPath, types: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const type = item.type ?? "";
  for (const msg of isQualifiedName(type)) errs.push(fieldErrors.invalid(at.child("type"), type, msg));
  if (type && !standardLimitTypes.includes(type) && !type.includes("/")) {
    errs.push(
      fieldErrors.invalid(at.child("type"), type, "must be a standard limit type or fully qualified"),
    );
  }
  if (types.has(type)) errs.push(fieldErrors.duplicate(at.child("type"), type));
  types.add(type);
  const max = parseBound(item, "max", at, errs);
  const min = parseBound(item, "min", at, errs);
  const ratio = parseBound(item, "maxLimitRequestRatio", at, errs);
  let defaults = new Map<string, Quantity>();
  let requests = new Map<string, Quantity>();
  if (type === "Pod") {
    for (const bound of ["default", "defaultRequest"] as const) {
      if (Object.keys(item[bound] ?? {}).length > 0)
        errs.push(fieldErrors.forbidden(at.child(bound), "may not be specified when `type` is 'Pod'"));
    }
  } else {
    defaults = parseBound(item, "default", at, errs);
    requests = parseBound(item, "defaultRequest", at, errs);
  }
  if (type === "PersistentVolumeClaim" && !min.has("storage") && !max.has("storage")) {
    errs.push(
      fieldErrors.required(
        at.child("limits"),
        "either minimum or maximum storage value is required, but neither was provided",
      ),
    );
  }
  const keys = new Set([
    ...max.keys(),
    ...min.keys(),
    ...defaults.keys(),
    ...requests.keys(),
    ...ratio.keys(),
  ]);
  for (const k of keys) {
    const [mn, mx, df, dr, r] = [min.get(k), max.get(k), defaults.get(k), requests.get(k), ratio.get(k)];
    if (mn && mx && mn.cmp(mx) > 0)
      errs.push(
        fieldErrors.invalid(
          at.child("min").key(k),
          mn.toString(),
          `min value ${mn} is greater than max value ${mx}`,
        ),
      );
    if (dr && mn && mn.cmp(dr) > 0) {
      errs.push(
        fieldErrors.invalid(
          at.child("defaultRequest").key(k),
          dr.toString(),
          `min value ${mn} is greater than default request value ${dr}`,
        ),
      );
    }
    if (dr && mx && dr.cmp(mx) > 0) {
      errs.push(
        fieldErrors.invalid(
          at.child("defaultRequest").key(k),
          dr.toString(),
          `default request value ${dr} is greater than max value ${mx}`,
        ),
      );
    }
    if (dr && df && dr.cmp(df) > 0) {
      errs.push(
        fieldErrors.invalid(
          at.child("defaultRequest").key(k),
          dr.toString(),
          `default request value ${dr} is greater than default limit value ${df}`,
        ),
      );
    }
    if (df && mn && mn.cmp(df) > 0)
      errs.push(
        fieldErrors.invalid(
          at.child("default").key(k),
          mn.toString(),
          `min value ${mn} is greater than default value ${df}`,
        ),
      );
    if (df && mx && df.cmp(mx) > 0)
      errs.push(
        fieldErrors.invalid(
          at.child("default").key(k),
          mx.toString(),
          `default value ${df} is greater than max value ${mx}`,
        ),
      );
    if (r && r.cmp(Quantity.fromInteger(1)) < 0) {
      errs.push(
        fieldErrors.invalid(
          at.child("maxLimitRequestRatio").key(k),
          r.toString(),
          `ratio ${r} is less than 1`,
        ),
      );
    }
  }
  return errs;
}

function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs = meta.create(lr.metadata);
  const types = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    errs.push(...validateItem(item, FieldPath.root("spec").child("limits").index(i), types));
  });
  return errs;
}

export const limitRanges = defineResource<Obj<LimitRange>>({
  group: "",
  version: "v1",
  resource: "limitranges",
  singular: "limitrange",
  kind: "LimitRange",
  namespaced: true,
  shortNames: ["limits"],
  strategy: {
    defaults(lr) {
      for (const item of lr.spec?.limits ?? []) defaultLimitRangeItem(item);
    },
    validate: validateLimitRange,
    validateUpdate: (lr, old) => meta.update(lr.metadata, old.metadata),
    table: {
      columns: [
        nameColumn,
        column(
          "Created At",
          "CreationTimestamp is a timestamp representing the server time when this object was created.",
          { type: "date" },
        ),
      ],
      cells: (lr) => [lr.metadata?.name ?? "", lr.metadata?.creationTimestamp ?? null],
    },
  },
});
