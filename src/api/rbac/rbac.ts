// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding: rule and
// subject validation, immutable roleRef, and the Role/Users/Groups/ServiceAccounts binding table.
import type {
  ClusterRoleBinding as ClusterRoleBindingV1,
  ClusterRole as ClusterRoleV1,
  PolicyRule,
  RoleBinding as RoleBindingV1,
  RoleRef,
  Role as RoleV1,
  Subject,
} from "kubernetes-types/rbac/v1.js";
import {
  nameIsDnsSubdomain,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";

export type Role = Kube<RoleV1>;
export type ClusterRole = Kube<ClusterRoleV1>;
export type RoleBinding = Kube<RoleBindingV1>;
export type ClusterRoleBinding = Kube<ClusterRoleBindingV1>;

const group = "rbac.authorization.k8s.io";
const namespacedMeta = { namespaced: true, nameFn: validatePathSegmentName };
const clusterMeta = { namespaced: false, nameFn: validatePathSegmentName };

export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) {
    errs.push(fieldErrors.required(at.child("verbs"), "verbs must contain at least one value"));
  }
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) {
      errs.push(
        fieldErrors.invalid(
          at.child("nonResourceURLs"),
          urls,
          "namespaced rules cannot apply to non-resource URLs",
        ),
      );
    }
    if (
      (rule.apiGroups ?? []).length > 0 ||
      (rule.resources ?? []).length > 0 ||
      (rule.resourceNames ?? []).length > 0
    ) {
      errs.push(
        fieldErrors.invalid(
          at.child("nonResourceURLs"),
          urls,
          "rules cannot apply to both regular resources and non-resource URLs",
        ),
      );
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) {
    errs.push(
      fieldErrors.required(at.child("apiGroups"), "resource rules must supply at least one api group"),
    );
  }
  if ((rule.resources ?? []).length === 0) {
    errs.push(
      fieldErrors.required(at.child("resources"), "resource rules must supply at least one resource"),
    );
  }
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, FieldPath.root("rules").index(i)));
}

export function validateRoleRef(ref: RoleRef | undefined, allowedKinds: string[]): FieldError[] {
  const at = FieldPath.root("roleRef");
  const errs: FieldError[] = [];
  if (ref?.apiGroup !== group)
    errs.push(fieldErrors.notSupported(at.child("apiGroup"), ref?.apiGroup, [group]));
  if (!ref?.kind || !allowedKinds.includes(ref.kind)) {
    errs.push(fieldErrors.notSupported(at.child("kind"), ref?.kind, allowedKinds));
  }
  if (!ref?.name) errs.push(fieldErrors.required(at.child("name"), ""));
  else
    for (const msg of validatePathSegmentName(ref.name, false))
      errs.push(fieldErrors.invalid(at.child("name"), ref.name, msg));
  return errs;
}

export function validateSubject(s: Subject, namespaced: boolean, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(fieldErrors.required(at.child("name"), ""));
  switch (s.kind) {
    case "ServiceAccount":
      if (s.name)
        for (const msg of nameIsDnsSubdomain(s.name, false))
          errs.push(fieldErrors.invalid(at.child("name"), s.name, msg));
      if (s.apiGroup) errs.push(fieldErrors.notSupported(at.child("apiGroup"), s.apiGroup, [""]));
      if (!namespaced && !s.namespace) errs.push(fieldErrors.required(at.child("namespace"), ""));
      break;
    case "User":
    case "Group":
      if (s.apiGroup !== group)
        errs.push(fieldErrors.notSupported(at.child("apiGroup"), s.apiGroup, [group]));
      break;
    default:
      errs.push(fieldErrors.notSupported(at.child("kind"), s.kind, ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(b: RoleBinding | ClusterRoleBinding, namespaced: boolean): FieldError[] {
  return [
    ...validateObjectMeta(b.metadata, namespaced ? namespacedMeta : clusterMeta),
    ...validateRoleRef(b.roleRef, namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"]),
    ...(b.subjects ?? []).flatMap((s, i) =>
      validateSubject(s, namespaced, FieldPath.root("subjects").index(i)),
    ),
  ];
}

function validateBindingUpdate(
  b: RoleBinding | ClusterRoleBinding,
  old: RoleBinding | ClusterRoleBinding,
  namespaced: boolean,
): FieldError[] {
  const errs = validateObjectMetaUpdate(b.metadata, old.metadata, namespaced ? namespacedMeta : clusterMeta);
  const a = b.roleRef;
  const o = old.roleRef;
  if (a?.apiGroup !== o?.apiGroup || a?.kind !== o?.kind || a?.name !== o?.name) {
    errs.push(fieldErrors.invalid(FieldPath.root("roleRef"), a, "cannot change roleRef"));
  }
  return errs;
}

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
export function subjectsStrings(subjects: Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
    else if (s.kind === "ServiceAccount") sas.push(s.namespace ? `${s.namespace}/${s.name}` : s.name);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

function bindingTable<T extends RoleBinding | ClusterRoleBinding>(word: string): TableConvertor<T> {
  return {
    columns: [
      nameColumn,
      column(
        "Role",
        "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.",
      ),
      ageColumn,
      column("Users", `Users in the ${word}`, { wide: true }),
      column("Groups", `Groups in the ${word}`, { wide: true }),
      column("ServiceAccounts", `ServiceAccounts in the ${word}`, { wide: true }),
    ],
    cells(b, now) {
      return [
        b.metadata?.name ?? "",
        `${b.roleRef?.kind}/${b.roleRef?.name}`,
        age(b.metadata?.creationTimestamp, now),
        ...subjectsStrings(b.subjects),
      ];
    },
  };
}

const base = { group, version: "v1" } as const;

export const roles: ResourceDef<Role> = {
  ...base,
  resource: "roles",
  singular: "role",
  kind: "Role",
  namespaced: true,
  strategy: {
    validate: (r) => [...validateObjectMeta(r.metadata, namespacedMeta), ...validateRules(r.rules, true)],
    validateUpdate: (r, old) => validateObjectMetaUpdate(r.metadata, old.metadata, namespacedMeta),
  },
};

export const clusterroles: ResourceDef<ClusterRole> = {
  ...base,
  resource: "clusterroles",
  singular: "clusterrole",
  kind: "ClusterRole",
  namespaced: false,
  strategy: {
    validate(r) {
      const errs = [...validateObjectMeta(r.metadata, clusterMeta), ...validateRules(r.rules, false)];
      const agg = r.aggregationRule;
      if (agg) {
        const at = FieldPath.root("aggregationRule").child("clusterRoleSelectors");
        if ((agg.clusterRoleSelectors ?? []).length === 0) {
          errs.push(
            fieldErrors.required(
              at,
              "at least one clusterRoleSelector required if aggregationRule is non-nil",
            ),
          );
        }
        (agg.clusterRoleSelectors ?? []).forEach((sel, i) => {
          errs.push(...validateLabelSelector(sel, at.index(i)));
        });
      }
      return errs;
    },
    validateUpdate: (r, old) => validateObjectMetaUpdate(r.metadata, old.metadata, clusterMeta),
  },
};

export const rolebindings: ResourceDef<RoleBinding> = {
  ...base,
  resource: "rolebindings",
  singular: "rolebinding",
  kind: "RoleBinding",
  namespaced: true,
  strategy: {
    validate: (b) => validateBinding(b, true),
    validateUpdate: (b, old) => validateBindingUpdate(b, old, true),
    table: bindingTable<RoleBinding>("roleBinding"),
  },
};

export const clusterrolebindings: ResourceDef<ClusterRoleBinding> = {
  ...base,
  resource: "clusterrolebindings",
  singular: "clusterrolebinding",
  kind: "ClusterRoleBinding",
  namespaced: false,
  strategy: {
    validate: (b) => validateBinding(b, false),
    validateUpdate: (b, old) => validateBindingUpdate(b, old, false),
    table: bindingTable<ClusterRoleBinding>("clusterRoleBinding"),
  },
};
