// apiextensions.k8s.io/v1 CustomResourceDefinition: defaults, create/update preparation (status
// owned by the server's controllers, the cleanup finalizer, storedVersions), validation and the
// kubectl table (NAME, CREATED AT).
import { type FieldError, fieldErrors } from "../field.ts";
import type { KubeObject } from "../object.ts";
import type { ResourceDef } from "../resource.ts";
import { nameColumn } from "../table.ts";
import { apiextensionsGroup, type CustomResourceDefinition, crdCleanupFinalizer } from "./types.ts";
import { validateCrd, validateCrdUpdate } from "./validation.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function defaultCrd(crd: CustomResourceDefinition): void {
  const spec = crd.spec as Mutable<CustomResourceDefinition["spec"]> | undefined;
  if (!spec) return;
  if (!spec.conversion) spec.conversion = { strategy: "None" };
  const names = spec.names as Mutable<CustomResourceDefinition["spec"]["names"]> | undefined;
  if (names?.kind) {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind) names.listKind = `${names.kind}List`;
  }
}

/** The version objects are stored in. */
export function storageVersion(crd: CustomResourceDefinition): string | undefined {
  return crd.spec?.versions?.find((v) => v.storage)?.name;
}

function withStoredVersion(crd: CustomResourceDefinition, base: readonly string[]): void {
  const storage = storageVersion(crd);
  const stored = [...base];
  if (storage && !stored.includes(storage)) stored.push(storage);
  Object.assign(crd, { status: { ...(crd.status ?? {}), storedVersions: stored } });
}

export const customResourceDefinitions: ResourceDef<CustomResourceDefinition> = {
  group: apiextensionsGroup,
  version: "v1",
  resource: "customresourcedefinitions",
  singular: "customresourcedefinition",
  kind: "CustomResourceDefinition",
  namespaced: false,
  shortNames: ["crd", "crds"],
  categories: ["api-extensions"],
  hasStatus: true,
  strategy: {
    defaults: defaultCrd,
    prepareForCreate(crd) {
      Object.assign(crd, { status: { conditions: [], acceptedNames: { plural: "", kind: "" } } });
      defaultCrd(crd);
      withStoredVersion(crd, []);
      const m = crd.metadata as Mutable<NonNullable<KubeObject["metadata"]>>;
      m.generation = 1;
      // Deleting a CRD first deletes its objects: the finalizer holds it until they are gone.
      const finalizers = m.finalizers ?? [];
      if (!finalizers.includes(crdCleanupFinalizer)) m.finalizers = [...finalizers, crdCleanupFinalizer];
    },
    prepareForUpdate(crd, old) {
      defaultCrd(crd);
      withStoredVersion(crd, old.status?.storedVersions ?? []);
    },
    validate(crd): FieldError[] {
      const errs = validateCrd(crd);
      const stored = crd.status?.storedVersions ?? [];
      const storage = storageVersion(crd);
      if (storage && stored.length > 0 && !stored.includes(storage)) {
        errs.push(
          fieldErrors.invalid("status.storedVersions", stored, `must have the storage version ${storage}`),
        );
      }
      return errs;
    },
    validateUpdate: validateCrdUpdate,
    table: {
      columns: [
        nameColumn,
        {
          name: "Created At",
          type: "date",
          format: "",
          description:
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
          priority: 0,
        },
      ],
      cells: (crd) => [crd.metadata?.name ?? "", crd.metadata?.creationTimestamp ?? ""],
    },
  },
};

export { crdCleanupFinalizer };
