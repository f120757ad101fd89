// The DefaultStorageClass admission plugin: a new PersistentVolumeClaim that names no class
// (storageClassName absent; "" means "no class" and is kept) gets the default StorageClass —
// the one annotated storageclass.kubernetes.io/is-default-class=true, the newest if several.
import type { StorageClass } from "kubernetes-types/storage/v1.js";
import type { ResourceDef } from "../../api/resource.ts";
import { storageclasses } from "../../api/storage/storageclass.ts";
import type { AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";

export interface DefaultStorageClassOptions {
  /** Where StorageClasses are read (the watch cache). */
  source: ObjectSource;
}

const defaultAnnotations = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

export function defaultStorageClassAdmission(options: DefaultStorageClassOptions): AdmissionPlugin {
  return {
    name: "DefaultStorageClass",
    async admit(attrs) {
      const { def, object } = attrs;
      if (def.group !== "" || def.resource !== "persistentvolumeclaims" || attrs.operation !== "CREATE")
        return;
      if (attrs.subresource !== "" || !object) return;
      const spec = (object.spec ?? {}) as { storageClassName?: string | null };
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      const classes = (await options.source.list(storageclasses as unknown as ResourceDef, {}))
        .items as unknown as StorageClass[];
      const defaults = classes
        .filter((sc) => defaultAnnotations.some((a) => sc.metadata?.annotations?.[a] === "true"))
        .sort((a, b) => {
          const ta = a.metadata?.creationTimestamp ?? "";
          const tb = b.metadata?.creationTimestamp ?? "";
          return ta < tb ? 1 : ta > tb ? -1 : (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
        });
      const chosen = defaults[0]?.metadata?.name;
      if (chosen) object.spec = { ...spec, storageClassName: chosen } as Record<string, unknown>;
    },
  };
}
