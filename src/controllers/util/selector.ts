// metav1.LabelSelector (matchLabels + matchExpressions) as a matcher; an empty or invalid
// selector matches nothing, so a controller never claims every object of a namespace.
import { type LabelSelector, labelSelectorToString, parseLabelSelector } from "../../api/selector/label.ts";

export const matchesNothing: LabelSelector = { requirements: [], empty: false, matches: () => false };

export function selectorOf(sel: unknown): LabelSelector {
  if (typeof sel !== "object" || sel === null) return matchesNothing;
  const text = labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]);
  if (text === "") return matchesNothing;
  try {
    return parseLabelSelector(text);
  } catch {
    return matchesNothing;
  }
}
