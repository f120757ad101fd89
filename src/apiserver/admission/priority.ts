// The Priority admission plugin: a new pod's priorityClassName (or the global default class)
// becomes spec.priority and spec.preemptionPolicy; values the client set that disagree are
// refused; the system-node-critical/system-cluster-critical classes resolve even before their
// objects exist; at most one PriorityClass may be the global default.
import type { PodSpec } from "kubernetes-types/core/v1.js";
import { ForbiddenError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import {
  type PriorityClass,
  priorityclasses,
  systemPriorityClasses,
} from "../../api/scheduling/priorityclass.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";

export interface PriorityAdmissionOptions {
  /** Where PriorityClasses are read (the watch cache). */
  source: ObjectSource;
}

interface Resolved {
  name: string;
  value: number;
  preemptionPolicy: string;
}

function forbidden(attrs: AdmissionAttributes, why: string): ForbiddenError {
  const kind = attrs.def.resource;
  return new ForbiddenError(`${kind} "${attrs.name}" is forbidden: ${why}`, { name: attrs.name, kind });
}

export function priorityAdmission(options: PriorityAdmissionOptions): AdmissionPlugin {
  const classes = async (): Promise<PriorityClass[]> =>
    (await options.source.list(priorityclasses as unknown as Parameters<ObjectSource["list"]>[0], {}))
      .items as PriorityClass[];

  const resolve = async (attrs: AdmissionAttributes, name: string): Promise<Resolved | undefined> => {
    const all = await classes();
    if (name === "") {
      const def = all.find((pc) => pc.globalDefault === true);
      return def
        ? {
            name: def.metadata?.name ?? "",
            value: def.value,
            preemptionPolicy: def.preemptionPolicy ?? "PreemptLowerPriority",
          }
        : undefined;
    }
    const found = all.find((pc) => pc.metadata?.name === name);
    if (found)
      return { name, value: found.value, preemptionPolicy: found.preemptionPolicy ?? "PreemptLowerPriority" };
    const system = systemPriorityClasses.find((s) => s.name === name);
    if (system) return { name, value: system.value, preemptionPolicy: "PreemptLowerPriority" };
    throw forbidden(attrs, `no PriorityClass with name ${name} was found`);
  };

  const admitPod = async (attrs: AdmissionAttributes, pod: KubeObject): Promise<void> => {
    const spec = (pod.spec ?? {}) as PodSpec;
    const resolved = await resolve(attrs, spec.priorityClassName ?? "");
    const value = resolved?.value ?? 0;
    // Pod defaulting (podspec-defaults.ts) stands in for this plugin when it is absent and sets
    // priority 0 for pods without a class: that 0 is not the client's.
    const defaultedZero = !spec.priorityClassName && spec.priority === 0;
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value && !defaultedZero) {
      throw forbidden(
        attrs,
        `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
    }
    const policy = resolved?.preemptionPolicy ?? "PreemptLowerPriority";
    // Pod defaulting (src/api/core) already wrote PreemptLowerPriority when the client left it out,
    // so only an explicit "Never" can be told apart from the default and refused.
    if (spec.preemptionPolicy === "Never" && spec.preemptionPolicy !== policy) {
      throw forbidden(
        attrs,
        `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
      );
    }
    pod.spec = {
      ...spec,
      ...(resolved ? { priorityClassName: resolved.name } : {}),
      priority: value,
      preemptionPolicy: policy,
    } as Record<string, unknown>;
  };

  return {
    name: "Priority",
    async admit(attrs) {
      const { def, object } = attrs;
      if (
        def.group !== "" ||
        def.resource !== "pods" ||
        attrs.subresource !== "" ||
        attrs.operation !== "CREATE"
      )
        return;
      if (object) await admitPod(attrs, object);
    },
    async validate(attrs) {
      const { def, object } = attrs;
      if (def.group !== "scheduling.k8s.io" || def.resource !== "priorityclasses") return;
      if (attrs.operation === "DELETE" || !object || (object as PriorityClass).globalDefault !== true) return;
      const other = (await classes()).find(
        (pc) => pc.globalDefault === true && pc.metadata?.name !== attrs.name,
      );
      if (other) {
        throw forbidden(
          attrs,
          `PriorityClass ${other.metadata?.name ?? ""} is already marked as default. Only one default can exist`,
        );
      }
    },
  };
}
