// The DefaultIngressClass admission plugin: a new Ingress that names no class (neither
// spec.ingressClassName nor the legacy kubernetes.io/ingress.class annotation) gets the default
// IngressClass — annotated ingressclass.kubernetes.io/is-default-class=true, the newest if several.
import type { IngressClass } from "kubernetes-types/networking/v1.js";
import { ingressclasses } from "../../api/networking/ingress.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";

export interface DefaultIngressClassOptions {
  /** Where IngressClasses are read (the watch cache). */
  source: ObjectSource;
}

const defaultAnnotation = "ingressclass.kubernetes.io/is-default-class";
const legacyAnnotation = "kubernetes.io/ingress.class";

/** The default class among `classes`: the newest annotated one, ties broken by name. */
export function defaultIngressClass(classes: readonly IngressClass[]): string | undefined {
  return classes
    .filter((c) => c.metadata?.annotations?.[defaultAnnotation] === "true")
    .sort((a, b) => {
      const ta = a.metadata?.creationTimestamp ?? "";
      const tb = b.metadata?.creationTimestamp ?? "";
      return ta < tb ? 1 : ta > tb ? -1 : (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1;
    })[0]?.metadata?.name;
}

export function defaultIngressClassAdmission(options: DefaultIngressClassOptions): AdmissionPlugin {
  return {
    name: "DefaultIngressClass",
    async admit(attrs) {
      const { def, object } = attrs;
      if (def.group !== "networking.k8s.io" || def.resource !== "ingresses" || attrs.operation !== "CREATE")
        return;
      if (attrs.subresource !== "" || !object) return;
      const spec = (object.spec ?? {}) as { ingressClassName?: string | null };
      if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) return;
      const annotations = (object.metadata as { annotations?: Record<string, string> } | undefined)
        ?.annotations;
      if (annotations?.[legacyAnnotation] !== undefined) return;
      const classes = (await options.source.list(ingressclasses as unknown as ResourceDef, {}))
        .items as unknown as IngressClass[];
      const chosen = defaultIngressClass(classes);
      if (chosen) object.spec = { ...spec, ingressClassName: chosen } as Record<string, unknown>;
    },
  };
}
