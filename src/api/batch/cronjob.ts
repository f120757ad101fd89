// batch/v1 CronJob: defaults (Allow, suspend false, history 3/1), schedule/timeZone validation,
// and the Schedule/Timezone/Suspend/Active/Last Schedule table.
import type { CronJob as CronJobV1 } from "kubernetes-types/batch/v1.js";
import {
  defaultPodTemplateSpec,
  formatLabelSelector,
  nameIsDnsSubdomain,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
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
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import { CronSyntaxError, parseCronSchedule } from "./cron.ts";
import { validateJobSpec } from "./job.ts";

export type CronJob = Kube<CronJobV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
/** Job names are `<cronjob>-<minutes since epoch>`: 52 + 11 characters fit a label value. */
const maxCronJobNameLength = 52;
const concurrencyPolicies = ["Allow", "Forbid", "Replace"];

export function defaultCronJob(cj: CronJob): void {
  cj.spec ??= { schedule: "", jobTemplate: {} };
  const s = cj.spec;
  s.concurrencyPolicy ??= "Allow";
  s.suspend ??= false;
  s.successfulJobsHistoryLimit ??= 3;
  s.failedJobsHistoryLimit ??= 1;
  // Only the pod template is defaulted: a job template is not a Job (SetObjectDefaults_CronJob).
  if (s.jobTemplate.spec?.template) defaultPodTemplateSpec(s.jobTemplate.spec.template);
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function validateSchedule(schedule: string | undefined, at: FieldPath): FieldError[] {
  if (!schedule) return [fieldErrors.required(at, "")];
  if (/(^|\s)(CRON_)?TZ=/.test(schedule)) {
    return [
      fieldErrors.invalid(at, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
    ];
  }
  try {
    parseCronSchedule(schedule);
    return [];
  } catch (err) {
    if (err instanceof CronSyntaxError) return [fieldErrors.invalid(at, schedule, err.message)];
    throw err;
  }
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, metaOptions);
  const name = cj.metadata?.name;
  if (name && name.length > maxCronJobNameLength) {
    errs.push(
      fieldErrors.invalid(
        FieldPath.root("metadata").child("name"),
        name,
        "must be no more than 52 characters",
      ),
    );
  }
  const s = cj.spec;
  if (!s) return [...errs, fieldErrors.required(spec, "")];
  errs.push(...validateSchedule(s.schedule, spec.child("schedule")));
  if (s.timeZone !== undefined && (s.timeZone === "" || !knownTimeZone(s.timeZone))) {
    errs.push(fieldErrors.invalid(spec.child("timeZone"), s.timeZone, "unknown time zone " + s.timeZone));
  }
  errs.push(...validateNonnegative(s.startingDeadlineSeconds, spec.child("startingDeadlineSeconds")));
  if (!s.concurrencyPolicy) errs.push(fieldErrors.required(spec.child("concurrencyPolicy"), ""));
  else if (!concurrencyPolicies.includes(s.concurrencyPolicy)) {
    errs.push(
      fieldErrors.notSupported(spec.child("concurrencyPolicy"), s.concurrencyPolicy, concurrencyPolicies),
    );
  }
  errs.push(
    ...validateNonnegative(s.successfulJobsHistoryLimit, spec.child("successfulJobsHistoryLimit")),
    ...validateNonnegative(s.failedJobsHistoryLimit, spec.child("failedJobsHistoryLimit")),
  );
  const jobSpec = s.jobTemplate?.spec;
  const jobAt = spec.child("jobTemplate").child("spec");
  if (!jobSpec) errs.push(fieldErrors.required(jobAt, ""));
  else errs.push(...validateJobSpec(jobSpec, { at: jobAt, selectorRequired: false }));
  return errs;
}

export const cronJobTable: TableConvertor<CronJob> = {
  columns: [
    nameColumn,
    column("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    column(
      "Timezone",
      "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.",
    ),
    column(
      "Suspend",
      "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.",
      { type: "boolean" },
    ),
    column("Active", "A list of pointers to currently running jobs.", { type: "integer" }),
    column("Last Schedule", "Information when was the last time the job was successfully scheduled."),
    ageColumn,
    ...containerColumns,
    column("Selector", "A label query over pods that should match the pod count.", { wide: true }),
  ],
  cells(cj, now) {
    const s = cj.spec;
    const last = cj.status?.lastScheduleTime;
    const [names, images] = containerCells(s?.jobTemplate.spec?.template);
    return [
      cj.metadata?.name ?? "",
      s?.schedule ?? "",
      s?.timeZone ?? "<none>",
      s?.suspend === undefined ? "<unset>" : s.suspend ? "True" : "False",
      cj.status?.active?.length ?? 0,
      last ? age(last, now) : "<none>",
      age(cj.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(s?.jobTemplate.spec?.selector),
    ];
  },
};

export const cronjobs: ResourceDef<CronJob> = {
  group: "batch",
  version: "v1",
  resource: "cronjobs",
  singular: "cronjob",
  kind: "CronJob",
  namespaced: true,
  shortNames: ["cj"],
  categories: ["all"],
  hasStatus: true,
  strategy: {
    defaults: defaultCronJob,
    prepareForCreate(cj) {
      setStatus(cj, {});
    },
    validate: validateCronJob,
    validateUpdate: (cj, old) => validateObjectMetaUpdate(cj.metadata, old.metadata, metaOptions),
    table: cronJobTable,
  },
};
