// LimitRange min/max/ratio checks with Kubernetes' messages (plugin/pkg/admission/limitranger):
// per container (type Container), per pod as the effective pod requests/limits (type Pod) and per
// claim on spec.resources.requests (type PersistentVolumeClaim, min/max only).
import type { Container, LimitRangeItem, PodSpec } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";

type Amounts = Map<string, Quantity>;

const q = (v: unknown): Quantity | undefined => (v === undefined ? undefined : Quantity.tryParse(String(v)));

function amounts(list: Record<string, unknown> | undefined): Amounts {
  const out: Amounts = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    const parsed = q(v);
    if (parsed) out.set(k, parsed);
  }
  return out;
}

function minConstraint(
  kind: string,
  r: string,
  min: Quantity,
  requests: Amounts,
  limits: Amounts,
): string | undefined {
  const req = requests.get(r);
  const lim = limits.get(r);
  if (!req) return `minimum ${r} usage per ${kind} is ${min.toString()}.  No request is specified`;
  if (min.cmp(req) > 0)
    return `minimum ${r} usage per ${kind} is ${min.toString()}, but request is ${req.toString()}`;
  if (lim && min.cmp(lim) > 0)
    return `minimum ${r} usage per ${kind} is ${min.toString()}, but limit is ${lim.toString()}`;
  return undefined;
}

function maxConstraint(
  kind: string,
  r: string,
  max: Quantity,
  requests: Amounts,
  limits: Amounts,
): string | undefined {
  const req = requests.get(r);
  const lim = limits.get(r);
  if (!lim) return `maximum ${r} usage per ${kind} is ${max.toString()}.  No limit is specified`;
  if (lim.cmp(max) > 0)
    return `maximum ${r} usage per ${kind} is ${max.toString()}, but limit is ${lim.toString()}`;
  if (req && req.cmp(max) > 0)
    return `maximum ${r} usage per ${kind} is ${max.toString()}, but request is ${req.toString()}`;
  return undefined;
}

/** The max check for kinds whose limits are not user input (claims): the request stands in. */
function maxRequestConstraint(kind: string, r: string, max: Quantity, requests: Amounts): string | undefined {
  const req = requests.get(r);
  if (!req) return `maximum ${r} usage per ${kind} is ${max.toString()}.  No request is specified`;
  if (req.cmp(max) > 0)
    return `maximum ${r} usage per ${kind} is ${max.toString()}, but request is ${req.toString()}`;
  return undefined;
}

/** limit/request to six decimals, rounded half to even (inf.Dec QuoRound as upstream). */
export function ratioString(limit: Quantity, request: Quantity): string {
  const num = (limit.nanos < 0n ? -limit.nanos : limit.nanos) * 1_000_000n;
  const den = request.nanos < 0n ? -request.nanos : request.nanos;
  let quotient = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && quotient % 2n === 1n)) quotient += 1n;
  const digits = quotient.toString().padStart(7, "0");
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

function ratioConstraint(
  kind: string,
  r: string,
  ratio: Quantity,
  requests: Amounts,
  limits: Amounts,
): string | undefined {
  const req = requests.get(r);
  const lim = limits.get(r);
  const head = `${r} max limit to request ratio per ${kind} is ${ratio.toString()}`;
  if (!req || req.isZero()) return `${head}, but no request is specified or request is 0`;
  if (!lim || lim.isZero()) return `${head}, but no limit is specified or limit is 0`;
  // limit > ratio × request, exactly: nanos × nanos stays an integer comparison.
  if (lim.nanos * 1_000_000_000n > ratio.nanos * req.nanos)
    return `${head}, but provided ratio is ${ratioString(lim, req)}`;
  return undefined;
}

/** min, max and ratio of one item over one set of requests and limits. */
function checkAll(item: LimitRangeItem, requests: Amounts, limits: Amounts): string[] {
  const kind = item.type;
  const out: (string | undefined)[] = [];
  for (const [r, v] of amounts(item.min)) out.push(minConstraint(kind, r, v, requests, limits));
  for (const [r, v] of amounts(item.max)) out.push(maxConstraint(kind, r, v, requests, limits));
  for (const [r, v] of amounts(item.maxLimitRequestRatio))
    out.push(ratioConstraint(kind, r, v, requests, limits));
  return out.filter((e): e is string => e !== undefined);
}

/** Kubernetes' min/max/ratio checks for one container against one item of type Container. */
export function violations(c: Container, item: LimitRangeItem): string[] {
  return checkAll(item, amounts(c.resources?.requests), amounts(c.resources?.limits));
}

function addInto(total: Amounts, more: Amounts): void {
  for (const [k, v] of more) {
    const had = total.get(k);
    total.set(k, had ? had.add(v) : v);
  }
}

function maxInto(total: Amounts, more: Amounts): void {
  for (const [k, v] of more) {
    const had = total.get(k);
    if (!had || v.cmp(had) > 0) total.set(k, v);
  }
}

/**
 * The pod's effective requests or limits (as the scheduler sees them): the sum over containers
 * and restartable (sidecar) init containers, or the largest init container plus the sidecars
 * started before it, whichever is larger.
 */
export function podAmounts(spec: PodSpec, which: "requests" | "limits"): Amounts {
  const total: Amounts = new Map();
  for (const c of spec.containers ?? []) addInto(total, amounts(c.resources?.[which]));
  const sidecars: Amounts = new Map();
  const init: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = amounts(c.resources?.[which]);
    if (c.restartPolicy === "Always") {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(init, sidecars);
    } else {
      const during: Amounts = new Map();
      addInto(during, own);
      addInto(during, sidecars);
      maxInto(init, during);
    }
  }
  maxInto(total, init);
  return total;
}

/** Every violation of one item by a pod: per container for type Container, summed for type Pod. */
export function podViolations(spec: PodSpec, item: LimitRangeItem): string[] {
  if (item.type === "Container") {
    const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
    return all.flatMap((c) => violations(c, item));
  }
  if (item.type === "Pod") return checkAll(item, podAmounts(spec, "requests"), podAmounts(spec, "limits"));
  return [];
}

/**
 * A claim's violations of one PersistentVolumeClaim item: min and max on spec.resources.requests
 * only (claims are never defaulted: storage is a required field). On update, a request the stored
 * claim already holds unchanged is not checked again.
 */
export function claimViolations(
  requests: Record<string, unknown> | undefined,
  oldRequests: Record<string, unknown> | undefined,
  item: LimitRangeItem,
): string[] {
  if (item.type !== "PersistentVolumeClaim") return [];
  const now = amounts(requests);
  const before = amounts(oldRequests);
  const unchanged = (r: string): boolean => {
    const a = now.get(r);
    const b = before.get(r);
    return a !== undefined && b !== undefined && a.cmp(b) === 0;
  };
  const out: (string | undefined)[] = [];
  for (const [r, v] of amounts(item.min))
    if (!unchanged(r)) out.push(minConstraint(item.type, r, v, now, new Map()));
  for (const [r, v] of amounts(item.max))
    if (!unchanged(r)) out.push(maxRequestConstraint(item.type, r, v, now));
  return out.filter((e): e is string => e !== undefined);
}
