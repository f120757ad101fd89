// batch/v1 Job: defaults, the generated selector and labels (controller-uid, job-name) at create,
// validation (restartPolicy OnFailure|Never, immutable selector and template), the
// Status/Completions/Duration table and the status.successful field selector.
import type { JobSpec, Job as JobV1 } from "kubernetes-types/batch/v1.js";
import {
  defaultPodTemplateSpec,
  formatLabelSelector,
  nameIsDnsSubdomain,
  validateImmutable,
  validateLabelSelector,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePodTemplateSpec,
} from "../apps/coredeps.ts";
import type { Kube } from "../apps/printing.ts";
import {
  ageColumn,
  column,
  containerCells,
  containerColumns,
  nameColumn,
  setStatus,
} from "../apps/printing.ts";
import { validateSelectorAndTemplate } from "../apps/validation.ts";
import { age, humanDuration } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import { validatePerIndexBackoff, validatePodFailurePolicy, validateSuccessPolicy } from "./job-policies.ts";

export type Job = Kube<JobV1>;

export const controllerUidLabel = "batch.kubernetes.io/controller-uid";
export const legacyControllerUidLabel = "controller-uid";
export const jobNameLabel = "batch.kubernetes.io/job-name";
export const legacyJobNameLabel = "job-name";

const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const maxParallelismForIndexed = 100_000;

/** SetDefaults_Job for a spec (also used for CronJob job templates' pod templates). */
export function defaultJobSpec(s: JobSpec): void {
  if (s.completions === undefined && s.parallelism === undefined) {
    s.completions = 1;
    s.parallelism = 1;
  }
  s.parallelism ??= 1;
  s.backoffLimit ??= s.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  s.completionMode ??= "NonIndexed";
  s.suspend ??= false;
  s.manualSelector ??= false;
  s.podReplacementPolicy ??= s.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  for (const rule of s.podFailurePolicy?.rules ?? []) {
    for (const c of rule.onPodConditions ?? []) c.status ??= "True";
  }
  s.template ??= {};
  defaultPodTemplateSpec(s.template);
}

export function defaultJob(job: Job): void {
  job.spec ??= { template: {} };
  defaultJobSpec(job.spec);
  const templateLabels = job.spec.template.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    job.metadata ??= {};
    job.metadata.labels = { ...templateLabels };
  }
}

/** generateSelector: label the template and select by controller-uid (needs metadata.uid). */
export function generateJobSelector(job: Job): void {
  const s = job.spec;
  if (!s || s.manualSelector === true) return;
  const name = job.metadata?.name ?? "";
  const uid = job.metadata?.uid ?? "";
  s.template.metadata ??= {};
  s.template.metadata.labels ??= {};
  const labels = s.template.metadata.labels;
  for (const key of [legacyJobNameLabel, jobNameLabel]) labels[key] ??= name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) labels[key] ??= uid;
  s.selector ??= {};
  s.selector.matchLabels ??= {};
  s.selector.matchLabels[controllerUidLabel] ??= uid;
}

export interface JobSpecValidationOptions {
  at: FieldPath;
  /** False for CronJob job templates, whose selector is generated when the Job is created. */
  selectorRequired: boolean;
}

export function validateJobSpec(s: JobSpec, opts: JobSpecValidationOptions): FieldError[] {
  const at = opts.at;
  const errs: FieldError[] = [
    ...validateNonnegative(s.parallelism, at.child("parallelism")),
    ...validateNonnegative(s.completions, at.child("completions")),
    ...validateNonnegative(s.activeDeadlineSeconds, at.child("activeDeadlineSeconds")),
    ...validateNonnegative(s.backoffLimit, at.child("backoffLimit")),
    ...validateNonnegative(s.ttlSecondsAfterFinished, at.child("ttlSecondsAfterFinished")),
  ];
  if (s.completionMode !== undefined && s.completionMode !== "NonIndexed" && s.completionMode !== "Indexed") {
    errs.push(
      fieldErrors.notSupported(at.child("completionMode"), s.completionMode, ["NonIndexed", "Indexed"]),
    );
  }
  if (s.completionMode === "Indexed") {
    if (s.completions === undefined) {
      errs.push(fieldErrors.required(at.child("completions"), "when completion mode is Indexed"));
    }
    if ((s.parallelism ?? 0) > maxParallelismForIndexed) {
      errs.push(
        fieldErrors.invalid(
          at.child("parallelism"),
          s.parallelism,
          `must be less than or equal to ${maxParallelismForIndexed} when completion mode is Indexed`,
        ),
      );
    }
  }
  errs.push(...validatePerIndexBackoff(s, at));
  errs.push(...validatePodFailurePolicy(s, at.child("podFailurePolicy")));
  errs.push(...validateSuccessPolicy(s, at.child("successPolicy")));
  const replacement = s.podReplacementPolicy;
  if (replacement !== undefined) {
    const allowedReplacement = s.podFailurePolicy ? ["Failed"] : ["Failed", "TerminatingOrFailed"];
    if (!allowedReplacement.includes(replacement))
      errs.push(fieldErrors.notSupported(at.child("podReplacementPolicy"), replacement, allowedReplacement));
  }
  if (s.selector || opts.selectorRequired) {
    errs.push(
      ...validateSelectorAndTemplate({ selector: s.selector, template: s.template, at, kindWord: "job" }),
    );
  } else {
    errs.push(...validateLabelSelector(s.selector, at.child("selector")));
  }
  const templateAt = at.child("template");
  errs.push(...validatePodTemplateSpec(s.template, templateAt));
  const policy = s.template?.spec?.restartPolicy;
  const policyAt = templateAt.child("spec").child("restartPolicy");
  if (policy !== "OnFailure" && policy !== "Never") {
    errs.push(fieldErrors.notSupported(policyAt, policy, ["OnFailure", "Never"]));
  } else if (s.podFailurePolicy && policy !== "Never") {
    errs.push(
      fieldErrors.invalid(policyAt, policy, 'only "Never" is supported when podFailurePolicy is specified'),
    );
  }
  return errs;
}

/** validateGeneratedSelector: an auto-generated selector must carry this Job's uid. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const s = job.spec;
  if (!s || s.manualSelector === true) return [];
  const uid = job.metadata?.uid;
  const selected = s.selector?.matchLabels?.[controllerUidLabel];
  const errs: FieldError[] = [];
  if (selected !== undefined && uid !== undefined && selected !== uid) {
    errs.push(
      fieldErrors.invalid(
        FieldPath.root("spec").child("selector"),
        s.selector,
        "`selector` not auto-generated",
      ),
    );
  }
  const labels = s.template.metadata?.labels ?? {};
  const labelsAt = FieldPath.root("spec").child("template").child("metadata").child("labels");
  for (const key of [controllerUidLabel, legacyControllerUidLabel]) {
    if (uid !== undefined && key in labels && labels[key] !== uid) {
      errs.push(fieldErrors.invalid(labelsAt.key(key), labels[key], `must be '${uid}'`));
    }
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  const errs = validateObjectMeta(job.metadata, metaOptions);
  if (!job.spec) return [...errs, fieldErrors.required(FieldPath.root("spec"), "")];
  errs.push(...validateGeneratedSelector(job));
  errs.push(...validateJobSpec(job.spec, { at: FieldPath.root("spec"), selectorRequired: true }));
  return errs;
}

/** Scheduling directives a suspended Job that never started may still change. */
function withoutMutableScheduling(template: JobSpec["template"]): unknown {
  const copy = structuredClone(template);
  if (copy.spec) {
    delete copy.spec.nodeSelector;
    delete copy.spec.tolerations;
    delete copy.spec.affinity;
    delete copy.spec.schedulingGates;
  }
  if (copy.metadata) {
    delete copy.metadata.labels;
    delete copy.metadata.annotations;
  }
  return copy;
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const spec = FieldPath.root("spec");
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata, metaOptions);
  const s = job.spec;
  const o = old.spec;
  errs.push(...validateImmutable(s?.selector, o?.selector, spec.child("selector")));
  errs.push(...validateImmutable(s?.completionMode, o?.completionMode, spec.child("completionMode")));
  errs.push(...validateImmutable(s?.podFailurePolicy, o?.podFailurePolicy, spec.child("podFailurePolicy")));
  errs.push(
    ...validateImmutable(
      s?.backoffLimitPerIndex,
      o?.backoffLimitPerIndex,
      spec.child("backoffLimitPerIndex"),
    ),
  );
  errs.push(...validateImmutable(s?.managedBy, o?.managedBy, spec.child("managedBy")));
  errs.push(...validateImmutable(s?.successPolicy, o?.successPolicy, spec.child("successPolicy")));
  const suspendedNotStarted = o?.suspend === true && old.status?.startTime === undefined;
  if (s && o) {
    const same = suspendedNotStarted
      ? validateImmutable(
          withoutMutableScheduling(s.template),
          withoutMutableScheduling(o.template),
          spec.child("template"),
        )
      : validateImmutable(s.template, o.template, spec.child("template"));
    errs.push(...same.map((e) => ({ ...e, badValue: s.template })));
    // Only elastic Indexed Jobs may change completions, and then together with parallelism.
    if (
      s.completions !== o.completions &&
      !(s.completionMode === "Indexed" && s.completions === s.parallelism)
    ) {
      errs.push(fieldErrors.invalid(spec.child("completions"), s.completions, "field is immutable"));
    }
  }
  return errs;
}

function hasCondition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");
}

/** The Status column (printJob): Complete, Failed, Terminating, Suspended, FailureTarget, Running. */
export function jobStatusText(job: Job): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

export const jobTable: TableConvertor<Job> = {
  columns: [
    nameColumn,
    column("Status", "Status of the job."),
    column("Completions", "The number of pods which reached phase Succeeded."),
    column("Duration", "Time required to complete the job."),
    ageColumn,
    ...containerColumns,
    column("Selector", "A label query over pods that should match the pod count.", { wide: true }),
  ],
  cells(job, now) {
    const succeeded = job.status?.succeeded ?? 0;
    let completions: string;
    if (job.spec?.completions !== undefined) completions = `${succeeded}/${job.spec.completions}`;
    else if ((job.spec?.parallelism ?? 0) > 1) completions = `${succeeded}/1 of ${job.spec?.parallelism}`;
    else completions = `${succeeded}/1`;
    const start = job.status?.startTime ? Date.parse(job.status.startTime) : undefined;
    const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now.getTime();
    const duration = start === undefined ? "" : humanDuration(end - start);
    const [names, images] = containerCells(job.spec?.template);
    return [
      job.metadata?.name ?? "",
      jobStatusText(job),
      completions,
      duration,
      age(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
};

export const jobs: ResourceDef<Job> = {
  group: "batch",
  version: "v1",
  resource: "jobs",
  singular: "job",
  kind: "Job",
  namespaced: true,
  categories: ["all"],
  hasStatus: true,
  strategy: {
    defaults: defaultJob,
    prepareForCreate(job) {
      setStatus(job, {});
      generateJobSelector(job);
    },
    validate: validateJob,
    validateUpdate: validateJobUpdate,
    table: jobTable,
    fieldSelectors: { "status.successful": (job) => String(job.status?.succeeded ?? 0) },
  },
};
