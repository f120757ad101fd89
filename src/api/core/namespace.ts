// The namespaces resource: the metadata-name label, Active phase, the "kubernetes" finalizer,
// finalizer validation, and spec/status changed only through their subresources.
import type { Namespace } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { namespaceLifecycle } from "../lifecycle.ts";
import { isQualifiedName, nameIsDnsLabel } from "../validation/names.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";

const meta = metaValidation(false, nameIsDnsLabel);
export const namespaceNameLabel = "kubernetes.io/metadata.name";
/** Finalizer names Kubernetes accepts without a domain prefix. */
const standardFinalizers = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

export function validateFinalizerName(name: string, at: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => fieldErrors.invalid(at, name, msg));
  if (errs.length === 0 && !standardFinalizers.has(name) && !name.includes("/")) {
    errs.push(
      fieldErrors.invalid(at, name, "name is neither a standard finalizer name nor is it fully qualified"),
    );
  }
  return errs;
}

function validateNamespace(ns: Namespace): FieldError[] {
  const errs = meta.create(ns.metadata);
  const at = FieldPath.root("spec").child("finalizers");
  for (const f of ns.spec?.finalizers ?? []) errs.push(...validateFinalizerName(f, at));
  return errs;
}

export const namespaces = defineResource<Obj<Namespace>>({
  group: "",
  version: "v1",
  resource: "namespaces",
  singular: "namespace",
  kind: "Namespace",
  namespaced: false,
  shortNames: ["ns"],
  hasStatus: true,
  subresources: [{ name: "finalize", verbs: ["update"] }],
  strategy: {
    ...namespaceLifecycle,
    defaults(ns) {
      const name = ns.metadata?.name;
      if (name) {
        ns.metadata ??= {};
        ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [namespaceNameLabel]: name };
      }
      if (ns.status && !ns.status.phase) Object.assign(ns, { status: { ...ns.status, phase: "Active" } });
    },
    prepareForCreate(ns) {
      const finalizers = ns.spec?.finalizers ?? [];
      ns.spec = {
        finalizers: finalizers.includes("kubernetes") ? finalizers : [...finalizers, "kubernetes"],
      };
      Object.assign(ns, { status: { phase: "Active" } });
    },
    prepareForUpdate(ns, old) {
      // spec.finalizers change only through the finalize subresource.
      ns.spec = old.spec;
    },
    validate: validateNamespace,
    validateUpdate: (ns, old) => meta.update(ns.metadata, old.metadata),
    table: {
      columns: [nameColumn, column("Status", "The status of the namespace"), ageColumn],
      cells: (ns, now) => [
        ns.metadata?.name ?? "",
        ns.status?.phase ?? "",
        age(ns.metadata?.creationTimestamp, now),
      ],
    },
    fieldSelectors: {
      "status.phase": (ns) => ns.status?.phase ?? "",
      // Kept by Kubernetes for backward compatibility.
      name: (ns) => ns.metadata?.name ?? "",
    },
  },
});
