// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding:
// v1 defaults (failurePolicy Fail, matchPolicy Equivalent, empty selectors, rule scope *,
// parameterNotFoundAction Deny), validation and kubectl's tables.
import type {
  ValidatingAdmissionPolicyBinding as BindingV1,
  MatchResources,
  ValidatingAdmissionPolicy as PolicyV1,
} from "kubernetes-types/admissionregistration/v1.js";
import { nameIsDnsSubdomain, validateObjectMeta, validateObjectMetaUpdate } from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import type { ResourceDef } from "../resource.ts";
import { formatLabelSelector } from "../validation/labelselector.ts";
import { policyRules, validateBindingSpec, validatePolicySpec } from "./policy-validation.ts";
import { admissionRegistrationGroup } from "./webhookconfigurations.ts";

export type ValidatingAdmissionPolicy = Kube<PolicyV1>;
export type ValidatingAdmissionPolicyBinding = Kube<BindingV1>;

const metaOptions = { namespaced: false, nameFn: nameIsDnsSubdomain };

function defaultMatchResources(m: MatchResources | undefined): void {
  if (!m) return;
  m.matchPolicy ??= "Equivalent";
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...policyRules(m.resourceRules), ...policyRules(m.excludeResourceRules)]) r.scope ??= "*";
}

export const validatingAdmissionPolicies: ResourceDef<ValidatingAdmissionPolicy> = {
  group: admissionRegistrationGroup,
  version: "v1",
  resource: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  kind: "ValidatingAdmissionPolicy",
  namespaced: false,
  categories: ["api-extensions"],
  hasStatus: true,
  strategy: {
    defaults(p) {
      if (!p.spec) return;
      p.spec.failurePolicy ??= "Fail";
      defaultMatchResources(p.spec.matchConstraints);
    },
    prepareForCreate(p) {
      delete (p as { status?: unknown }).status;
      Object.assign(p.metadata ?? {}, { generation: 1 });
    },
    prepareForUpdate(p, old) {
      const generation = old.metadata?.generation ?? 1;
      const changed = JSON.stringify(p.spec) !== JSON.stringify(old.spec);
      Object.assign(p.metadata ?? {}, { generation: changed ? generation + 1 : generation });
    },
    validate: (p) => [...validateObjectMeta(p.metadata, metaOptions), ...validatePolicySpec(p.spec)],
    validateUpdate: (p, old) => validateObjectMetaUpdate(p.metadata, old.metadata, metaOptions),
    table: {
      columns: [
        nameColumn,
        column(
          "Validations",
          "Validations indicates the number of validation rules defined in this configuration",
          {
            type: "integer",
          },
        ),
        column("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
        ageColumn,
      ],
      cells: (p, now) => {
        const kind = p.spec?.paramKind;
        return [
          p.metadata?.name ?? "",
          p.spec?.validations?.length ?? 0,
          kind ? `${kind.apiVersion ?? ""}/${kind.kind ?? ""}` : "<unset>",
          age(p.metadata?.creationTimestamp, now),
        ];
      },
    },
  },
};

function paramRefCell(b: ValidatingAdmissionPolicyBinding): string {
  const ref = b.spec?.paramRef;
  if (!ref) return "<unset>";
  // Whether the param kind is namespaced is not known here: a name without namespace prints as */name.
  if (ref.name) return ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
  if (ref.selector) return formatLabelSelector(ref.selector);
  return "<unset>";
}

export const validatingAdmissionPolicyBindings: ResourceDef<ValidatingAdmissionPolicyBinding> = {
  group: admissionRegistrationGroup,
  version: "v1",
  resource: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  kind: "ValidatingAdmissionPolicyBinding",
  namespaced: false,
  categories: ["api-extensions"],
  strategy: {
    defaults(b) {
      defaultMatchResources(b.spec?.matchResources);
      const ref = b.spec?.paramRef;
      if (ref) ref.parameterNotFoundAction ??= "Deny";
    },
    validate: (b) => [...validateObjectMeta(b.metadata, metaOptions), ...validateBindingSpec(b.spec)],
    validateUpdate: (b, old) => validateObjectMetaUpdate(b.metadata, old.metadata, metaOptions),
    table: {
      columns: [
        nameColumn,
        column("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
        column("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
        ageColumn,
      ],
      cells: (b, now) => [
        b.metadata?.name ?? "",
        b.spec?.policyName ?? "",
        paramRefCell(b),
        age(b.metadata?.creationTimestamp, now),
      ],
    },
  },
};
