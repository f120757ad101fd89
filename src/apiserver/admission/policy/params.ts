// Parameter resources of a binding: spec.paramKind of the policy names the kind, the binding's
// paramRef picks objects by name or label selector (in paramRef.namespace, or the request's
// namespace for namespaced kinds), and parameterNotFoundAction decides when none exist.
import type {
  ParamRef,
  ValidatingAdmissionPolicyBinding,
} from "kubernetes-types/admissionregistration/v1.js";
import type { ValidatingAdmissionPolicy } from "../../../api/admissionregistration/policies.ts";
import type { KubeObject } from "../../../api/object.ts";
import type { Registry } from "../../../api/registry.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import { labelSelectorMatches } from "../../../api/validation/labelselector.ts";
import type { ObjectSource } from "../../rest/source.ts";

export type ParamsResult =
  /** Evaluate once per object (null: the policy takes no params, or the binding names none). */
  | { kind: "params"; objects: (KubeObject | null)[] }
  /** A configuration problem: failurePolicy decides. */
  | { kind: "error"; message: string }
  /** parameterNotFoundAction: Deny. */
  | { kind: "notFound" };

export interface ParamsLookup {
  registry: Registry;
  source: ObjectSource;
}

function paramDef(registry: Registry, apiVersion: string, kind: string): ResourceDef | undefined {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return registry.kind(group, version, kind);
}

async function find(
  lookup: ParamsLookup,
  def: ResourceDef,
  ref: ParamRef,
  namespace: string,
): Promise<KubeObject[]> {
  if (ref.name) {
    const cached = lookup.source.peek?.(def, namespace, ref.name);
    if (cached) return [cached];
    const page = await lookup.source.list(def, def.namespaced ? { namespace } : {});
    return page.items.filter((o) => o.metadata?.name === ref.name);
  }
  const page = await lookup.source.list(def, def.namespaced ? { namespace } : {});
  const selector = ref.selector ?? {};
  return page.items
    .filter((o) => labelSelectorMatches(selector, (o.metadata?.labels ?? {}) as Record<string, string>))
    .sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
}

export async function resolveParams(
  lookup: ParamsLookup,
  policy: ValidatingAdmissionPolicy,
  binding: ValidatingAdmissionPolicyBinding,
  requestNamespace: string,
): Promise<ParamsResult> {
  const paramKind = policy.spec?.paramKind;
  const ref = binding.spec?.paramRef;
  if (!paramKind) {
    if (ref)
      return {
        kind: "error",
        message: `policy ${policy.metadata?.name ?? ""} does not define paramKind, but binding ${binding.metadata?.name ?? ""} has a paramRef`,
      };
    return { kind: "params", objects: [null] };
  }
  if (!ref) return { kind: "params", objects: [null] };
  const def = paramDef(lookup.registry, paramKind.apiVersion ?? "", paramKind.kind ?? "");
  if (!def)
    return {
      kind: "error",
      message: `failed to find resource referenced by paramKind: '${paramKind.apiVersion ?? ""}, Kind=${paramKind.kind ?? ""}'`,
    };
  let namespace = "";
  if (def.namespaced) {
    namespace = ref.namespace || requestNamespace;
    if (!namespace)
      return {
        kind: "error",
        message: "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources",
      };
  }
  const objects = await find(lookup, def, ref, namespace);
  if (objects.length > 0) return { kind: "params", objects };
  return ref.parameterNotFoundAction === "Allow" ? { kind: "params", objects: [] } : { kind: "notFound" };
}
