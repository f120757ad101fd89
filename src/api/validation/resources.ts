// Validation of resource names and quantities (compute resources of containers, quotas, limit
// ranges, PV capacity), following pkg/apis/core/validation.
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { parseQuantityValue, Quantity, QuantityParseError } from "../quantity.ts";
import { isQualifiedName } from "./names.ts";

export type ResourceList = Record<string, unknown>;

const standardContainerResources = new Set(["cpu", "memory", "ephemeral-storage"]);
const hugePagesPrefix = "hugepages-";

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(hugePagesPrefix);
}

/** Kubernetes' own namespace for resource names: unprefixed or *kubernetes.io/. */
export function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** Extended resources: fully qualified, outside kubernetes.io, not requests.* quota names. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith("requests.")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isStandardContainerResourceName(name: string): boolean {
  return standardContainerResources.has(name) || isHugePageResourceName(name);
}

/** Parses a quantity field, reporting a field error instead of throwing. */
export function parseQuantityField(value: unknown, at: FieldPath, errs: FieldError[]): Quantity | undefined {
  try {
    return parseQuantityValue(value);
  } catch (e) {
    if (!(e instanceof QuantityParseError)) throw e;
    errs.push(fieldErrors.invalid(at, value, e.message));
    return undefined;
  }
}

/** ValidateResourceQuantityValue: non-negative, and whole numbers for integer resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(fieldErrors.invalid(at, q.toString(), "must be greater than or equal to 0"));
  if (!isNativeResource(name) && q.nanos % 1_000_000_000n !== 0n) {
    errs.push(fieldErrors.invalid(at, q.toString(), "must be an integer"));
  }
  return errs;
}

function validateContainerResourceName(name: string, at: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => fieldErrors.invalid(at, name, msg));
  if (errs.length > 0) return errs;
  if (!isStandardContainerResourceName(name) && !isExtendedResourceName(name)) {
    return [fieldErrors.invalid(at, name, "must be a standard resource for containers")];
  }
  return [];
}

export interface ResourceRequirementsLike {
  limits?: ResourceList;
  requests?: ResourceList;
  claims?: { name: string }[];
}

/** ValidateResourceRequirements: names, quantities, and requests ≤ limits. */
export function validateResourceRequirements(
  req: ResourceRequirementsLike | undefined,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!req) return errs;
  const limPath = at.child("limits");
  const reqPath = at.child("requests");
  const limits = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(req.limits ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseQuantityField(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    limits.set(name, q);
  }
  for (const [name, value] of Object.entries(req.requests ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = parseQuantityField(value, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    // Kubernetes reports these at the requests map itself, not at the key.
    const overcommit = isNativeResource(name) && !isHugePageResourceName(name);
    if (limit) {
      if (!overcommit && q.cmp(limit) !== 0) {
        errs.push(fieldErrors.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(
          fieldErrors.invalid(
            reqPath,
            q.toString(),
            `must be less than or equal to ${name} limit of ${limit}`,
          ),
        );
      }
    } else if (!overcommit) {
      errs.push(fieldErrors.required(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  return errs;
}

/** Names and non-negative quantities of a plain ResourceList (quota hard, PV capacity…). */
export function validateResourceList(
  list: ResourceList | undefined,
  at: FieldPath,
  nameCheck?: (name: string, at: FieldPath) => FieldError[],
): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = at.key(name);
    if (nameCheck) errs.push(...nameCheck(name, p));
    else errs.push(...isQualifiedName(name).map((msg) => fieldErrors.invalid(p, name, msg)));
    const q = parseQuantityField(value, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

/**
 * Rewrites parseable quantities in canonical form (`0.5` → `500m`, `1024Mi` → `1Gi`, numbers →
 * strings), as Kubernetes serializes them; unparseable values are left for validation to report.
 */
export function canonicalizeResourceList<T extends Record<string, unknown> | undefined>(list: T): T {
  if (!list) return list;
  for (const [name, value] of Object.entries(list)) {
    if (typeof value !== "string" && typeof value !== "number") continue;
    const q = Quantity.tryParse(String(value));
    if (q) (list as Record<string, unknown>)[name] = q.toString();
  }
  return list;
}
