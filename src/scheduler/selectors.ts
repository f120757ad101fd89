// Selector matching the scheduler needs: metav1.LabelSelector objects (pod affinity, spread) and
// core NodeSelectorTerms (node affinity), compiled once per pod.
import type { NodeSelectorRequirement, NodeSelectorTerm } from "kubernetes-types/core/v1.js";
import type { LabelSelector as LabelSelectorObject } from "kubernetes-types/meta/v1.js";
import {
  type LabelRequirement,
  type LabelSelector,
  selectorFromRequirements,
} from "../api/selector/label.ts";

export type Labels = Readonly<Record<string, string>>;

export const matchNothing: LabelSelector = { requirements: [], empty: false, matches: () => false };

/** metav1.LabelSelectorAsSelector: nil matches nothing, empty matches everything. */
export function compileLabelSelector(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (!sel) return matchNothing;
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {}))
    reqs.push({ key, operator: "=", values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const values = e.values ?? [];
    if (e.operator === "In") reqs.push({ key: e.key, operator: "in", values });
    else if (e.operator === "NotIn") reqs.push({ key: e.key, operator: "notin", values });
    else if (e.operator === "Exists") reqs.push({ key: e.key, operator: "exists", values: [] });
    else if (e.operator === "DoesNotExist") reqs.push({ key: e.key, operator: "!", values: [] });
    else return matchNothing;
  }
  return selectorFromRequirements(reqs);
}

/** `matchLabels` pairs of a selector, used to look candidates up in a label index. */
export function equalityPairs(sel: LabelSelectorObject | undefined | null): [string, string][] {
  const pairs: [string, string][] = Object.entries(sel?.matchLabels ?? {});
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === "In" && e.values?.length === 1 && e.values[0] !== undefined)
      pairs.push([e.key, e.values[0]]);
  }
  return pairs;
}

function matchRequirement(r: NodeSelectorRequirement, source: Labels): boolean {
  const has = Object.hasOwn(source, r.key);
  const v = source[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return has && values.includes(v ?? "");
    case "NotIn":
      return !has || !values.includes(v ?? "");
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(v ?? "", 10);
      const b = Number.parseInt(values[0] ?? "", 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: all expressions and field expressions hold; an empty term matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, labels: Labels, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fieldExprs = term.matchFields ?? [];
  if (exprs.length === 0 && fieldExprs.length === 0) return false;
  const fields: Labels = { "metadata.name": nodeName };
  return (
    exprs.every((r) => matchRequirement(r, labels)) && fieldExprs.every((r) => matchRequirement(r, fields))
  );
}

/** NodeSelector: the terms are ORed. */
export function matchNodeSelectorTerms(
  terms: readonly NodeSelectorTerm[],
  labels: Labels,
  nodeName: string,
): boolean {
  return terms.some((t) => matchNodeSelectorTerm(t, labels, nodeName));
}
