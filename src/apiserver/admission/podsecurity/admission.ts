// The PodSecurity admission plugin: pods are checked against their namespace's
// pod-security.kubernetes.io/{enforce,audit,warn} levels (enforce refuses, warn answers with
// Warning headers, audit annotates the audit event); workload templates only warn; a namespace
// whose enforce label changes is answered with warnings about the pods it already holds. Pod
// updates are checked only when significant (update.ts); the AdmissionConfiguration's defaults
// stand in for missing labels and its exemptions skip users, runtime classes and namespaces.
import type { Namespace, Pod, PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { namespaces as namespacesDef } from "../../../api/core/namespace.ts";
import { pods as podsDef } from "../../../api/core/pod.ts";
import { ForbiddenError } from "../../../api/errors.ts";
import type { KubeObject } from "../../../api/object.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../../admission.ts";
import type { ObjectSource } from "../../rest/source.ts";
import type { ObjectStore } from "../../storage/objectstore.ts";
import type { PodSecurityConfig } from "../config.ts";
import { describe, evaluatePod, type LevelVersion, levelFor, type Mode, reasons } from "./policy.ts";
import { isSignificantPodUpdate } from "./update.ts";

export interface PodSecurityOptions {
  source: ObjectSource;
  objects: ObjectStore;
  /** From --admission-control-config-file: default levels and exemptions. */
  config?: PodSecurityConfig;
}

const exemptAnnotation = "pod-security.kubernetes.io/exempt";

const nsDef = namespacesDef as unknown as ResourceDef;
const podDef = podsDef as unknown as ResourceDef;

/** Where each workload kind keeps its pod template. */
const templatePaths: Record<string, (o: Record<string, unknown>) => PodTemplateSpec | undefined> = {
  "/podtemplates": (o) => o.template as PodTemplateSpec | undefined,
  "/replicationcontrollers": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "apps/replicasets": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "apps/deployments": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "apps/statefulsets": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "apps/daemonsets": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "batch/jobs": (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  "batch/cronjobs": (o) =>
    (o.spec as { jobTemplate?: { spec?: { template?: PodTemplateSpec } } } | undefined)?.jobTemplate?.spec
      ?.template,
};

export function podSecurityAdmission(options: PodSecurityOptions): AdmissionPlugin {
  const exempt = options.config?.exemptions;
  const defaults = options.config?.defaults;
  /** A namespace's level for a mode: its label, else the configured default. */
  const levelOf = (labels: Record<string, string> | undefined, mode: Mode): LevelVersion | undefined => {
    const labelled = levelFor(labels, mode);
    if (labelled || !defaults) return labelled;
    const level = defaults[mode];
    return level === "privileged" ? undefined : { level, version: defaults[`${mode}Version`] };
  };
  /** Why a request is exempt (upstream's audit annotation value), if it is. */
  const exemption = (attrs: AdmissionAttributes, runtimeClass: string | undefined): string | undefined => {
    if (exempt?.namespaces.includes(attrs.namespace)) return "namespace";
    if (exempt?.usernames.includes(attrs.user.name)) return "user";
    if (runtimeClass !== undefined && exempt?.runtimeClasses.includes(runtimeClass)) return "runtimeClass";
    return undefined;
  };
  const namespaceLabels = async (name: string): Promise<Record<string, string> | undefined> => {
    const ns = (options.source.peek?.(nsDef, "", name) ?? (await options.objects.get(nsDef, "", name))) as
      | Namespace
      | undefined;
    return ns?.metadata?.labels;
  };

  /** `enforceWarns`: workload templates are never refused; their enforce level warns instead. */
  const check = (
    attrs: AdmissionAttributes,
    labels: Record<string, string> | undefined,
    meta: ObjectMeta,
    spec: PodSpec,
    enforceWarns: boolean,
  ): void => {
    const results = new Map<string, string>();
    const evaluated = (mode: Mode): { key: string; failed: string } | undefined => {
      const lv = levelOf(labels, mode);
      if (!lv) return undefined;
      const key = describe(lv);
      const failed = results.get(key) ?? reasons(evaluatePod(lv, meta, spec));
      results.set(key, failed);
      return failed === "" ? undefined : { key, failed };
    };
    const enforce = evaluated("enforce");
    if (enforce && !enforceWarns) {
      const name = attrs.name || meta.name || "";
      throw new ForbiddenError(
        `pods "${name}" is forbidden: violates PodSecurity "${enforce.key}": ${enforce.failed}`,
        { name, kind: "pods" },
      );
    }
    const warnings = new Set<string>();
    for (const v of [enforceWarns ? enforce : undefined, evaluated("warn")]) {
      if (v) warnings.add(`would violate PodSecurity "${v.key}": ${v.failed}`);
    }
    for (const w of warnings) attrs.warnings?.push(w);
    const audit = evaluated("audit");
    if (audit) {
      attrs.auditAnnotations ??= {};
      attrs.auditAnnotations["pod-security.kubernetes.io/audit-violations"] =
        `would violate PodSecurity "${audit.key}": ${audit.failed}`;
    }
  };

  const namespaceChanged = async (attrs: AdmissionAttributes): Promise<void> => {
    const ns = attrs.object as Namespace | undefined;
    const newLevel = levelOf(ns?.metadata?.labels, "enforce");
    const oldLevel = levelOf((attrs.oldObject as Namespace | undefined)?.metadata?.labels, "enforce");
    if (!newLevel || newLevel.level === "privileged" || attrs.operation !== "UPDATE") return;
    if (oldLevel && describe(oldLevel) === describe(newLevel)) return;
    const name = ns?.metadata?.name ?? attrs.name;
    if (exempt?.namespaces.includes(name)) return;
    const pods = (await options.source.list(podDef, { namespace: name })).items as Pod[];
    const byReasons = new Map<string, string[]>();
    for (const p of pods) {
      const rc = p.spec?.runtimeClassName;
      if (rc !== undefined && exempt?.runtimeClasses.includes(rc)) continue;
      const failed = reasons(evaluatePod(newLevel, p.metadata ?? {}, p.spec ?? { containers: [] }), false);
      if (failed === "") continue;
      byReasons.set(failed, [...(byReasons.get(failed) ?? []), p.metadata?.name ?? ""]);
    }
    if (byReasons.size === 0) return;
    attrs.warnings?.push(
      `existing pods in namespace "${name}" violate the new PodSecurity enforce level "${describe(newLevel)}"`,
    );
    for (const [failed, names] of byReasons) {
      const who = names.length === 1 ? names[0] : `${names[0]} (and ${names.length - 1} other pods)`;
      attrs.warnings?.push(`${who}: ${failed}`);
    }
  };

  /** Exempt requests pass unchecked, with the reason on their audit event. */
  const exempted = (attrs: AdmissionAttributes, runtimeClass: string | undefined): boolean => {
    const why = exemption(attrs, runtimeClass);
    if (why === undefined) return false;
    attrs.auditAnnotations ??= {};
    attrs.auditAnnotations[exemptAnnotation] = why;
    return true;
  };

  return {
    name: "PodSecurity",
    async validate(attrs) {
      if (attrs.operation === "DELETE" || !attrs.object) return;
      const key = `${attrs.def.group === "" ? "" : attrs.def.group}/${attrs.def.resource}`;
      if (key === "/namespaces") {
        if (attrs.subresource === "") await namespaceChanged(attrs);
        return;
      }
      if (key === "/pods") {
        const ephemeral = attrs.subresource === "ephemeralcontainers";
        if (attrs.subresource !== "" && !ephemeral) return;
        const pod = attrs.object as Pod;
        const old = attrs.oldObject as Pod | undefined;
        if (attrs.operation === "UPDATE" && !ephemeral && old && !isSignificantPodUpdate(pod, old)) return;
        if (exempted(attrs, pod.spec?.runtimeClassName)) return;
        const labels = await namespaceLabels(attrs.namespace);
        check(attrs, labels, pod.metadata ?? {}, pod.spec ?? { containers: [] }, false);
        return;
      }
      const template = templatePaths[key];
      if (!template || attrs.subresource !== "") return;
      const t = template(attrs.object as KubeObject as Record<string, unknown>);
      if (!t?.spec) return;
      if (exempted(attrs, t.spec.runtimeClassName)) return;
      const labels = await namespaceLabels(attrs.namespace);
      check(attrs, labels, t.metadata ?? {}, t.spec, true);
    },
  };
}
