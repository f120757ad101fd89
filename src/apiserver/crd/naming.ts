// The naming and establishing decisions for a CRD (Kubernetes' NamingConditionController and
// EstablishingController): names conflicting with another CRD of the same group or a built-in
// resource are refused; accepted names establish the CRD at once (one API server, no HA delay).
import type { CrdCondition, CustomResourceDefinition } from "../../api/apiextensions/types.ts";
import type { Registry } from "../../api/registry.ts";

type Names = CustomResourceDefinition["spec"]["names"];

export interface NamingDecision {
  accepted: boolean;
  conditions: CrdCondition[];
  acceptedNames: Names;
}

function condition(
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  now: string,
): CrdCondition {
  return { type, status, reason, message, lastTransitionTime: now };
}

function namesOf(crd: CustomResourceDefinition): Names {
  return crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : crd.spec.names;
}

export function decideNames(options: {
  crd: CustomResourceDefinition;
  /** Other CRDs (served ones); those of the same group are checked for conflicts. */
  others: readonly CustomResourceDefinition[];
  registry: Registry;
  now: Date;
}): NamingDecision {
  const { crd } = options;
  const now = options.now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const wanted = crd.spec.names;
  const group = crd.spec.group;
  const peers = options.others.filter(
    (o) => o.spec.group === group && o.metadata?.name !== crd.metadata?.name,
  );
  const builtIn = options.registry.all().filter((d) => d.group === group && !("customResource" in d));
  const resourceNames = new Set<string>();
  const kinds = new Set<string>();
  for (const p of peers) {
    const n = namesOf(p);
    for (const r of [n.plural, n.singular ?? "", ...(n.shortNames ?? [])]) if (r) resourceNames.add(r);
    kinds.add(n.kind);
    if (n.listKind) kinds.add(n.listKind);
  }
  for (const d of builtIn) {
    for (const r of [d.resource, d.singular, ...(d.shortNames ?? [])]) resourceNames.add(r);
    kinds.add(d.kind);
  }
  let failed: CrdCondition | undefined;
  const fail = (reason: string, name: string) => {
    failed ??= condition("NamesAccepted", "False", reason, `"${name}" is already in use`, now);
  };
  if (resourceNames.has(wanted.plural)) fail("PluralConflict", wanted.plural);
  if (wanted.singular && resourceNames.has(wanted.singular)) fail("SingularConflict", wanted.singular);
  for (const s of wanted.shortNames ?? []) if (resourceNames.has(s)) fail("ShortNamesConflict", s);
  if (kinds.has(wanted.kind)) fail("KindConflict", wanted.kind);
  if (wanted.listKind && kinds.has(wanted.listKind)) fail("ListKindConflict", wanted.listKind);
  const previous = crd.status?.conditions ?? [];
  const keep = (c: CrdCondition): CrdCondition => {
    const old = previous.find((p) => p.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime
      ? { ...c, lastTransitionTime: old.lastTransitionTime }
      : c;
  };
  if (failed) {
    return {
      accepted: false,
      conditions: [
        keep(failed),
        keep(condition("Established", "False", "NotAccepted", "not all names are accepted", now)),
      ],
      acceptedNames: crd.status?.acceptedNames ?? { plural: "", kind: "" },
    };
  }
  return {
    accepted: true,
    conditions: [
      keep(condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", now)),
      keep(
        condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now),
      ),
    ],
    acceptedNames: { ...wanted },
  };
}
