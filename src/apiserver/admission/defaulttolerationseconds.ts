// The DefaultTolerationSeconds admission plugin: a new pod that does not already tolerate the
// node.kubernetes.io/not-ready or unreachable NoExecute taints gets a toleration of each for
// 300 s (--default-not-ready-toleration-seconds, --default-unreachable-toleration-seconds).
import type { Toleration } from "kubernetes-types/core/v1.js";
import type { AdmissionPlugin } from "../admission.ts";

export interface DefaultTolerationSecondsOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

const notReady = "node.kubernetes.io/not-ready";
const unreachable = "node.kubernetes.io/unreachable";

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
}

export function defaultTolerationSecondsAdmission(
  options: DefaultTolerationSecondsOptions = {},
): AdmissionPlugin {
  return {
    name: "DefaultTolerationSeconds",
    admit(attrs) {
      const { def, object } = attrs;
      if (
        def.group !== "" ||
        def.resource !== "pods" ||
        attrs.subresource !== "" ||
        attrs.operation !== "CREATE"
      )
        return;
      if (!object) return;
      const spec = (object.spec ?? {}) as { tolerations?: Toleration[] };
      const tolerations = [...(spec.tolerations ?? [])];
      const add = (key: string, seconds: number): void => {
        if (!tolerates(tolerations, key))
          tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds });
      };
      add(notReady, options.notReadySeconds ?? 300);
      add(unreachable, options.unreachableSeconds ?? 300);
      object.spec = { ...spec, tolerations } as Record<string, unknown>;
    },
  };
}
