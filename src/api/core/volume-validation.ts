// Pod volume validation (validateVolumes): unique DNS-label names and exactly one source, with
// the checks of the sources Skiff supports (emptyDir, hostPath, configMap, secret, PVC, …).
import type { KeyToPath, Volume } from "kubernetes-types/core/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { isDns1123Label, isDns1123Subdomain } from "../validation/names.ts";
import { parseQuantityField } from "../validation/resources.ts";
import { validateLocalDescendingPath } from "./container-validation.ts";

const hostPathTypes = [
  "",
  "DirectoryOrCreate",
  "Directory",
  "FileOrCreate",
  "File",
  "Socket",
  "CharDevice",
  "BlockDevice",
];

/** The names of the volume-source members set on a volume. */
export function volumeSources(v: Volume): string[] {
  return Object.entries(v)
    .filter(([k, value]) => k !== "name" && value !== undefined && value !== null)
    .map(([k]) => k);
}

function validateMode(mode: number | undefined, at: FieldPath): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777)
    ? [fieldErrors.invalid(at, mode, "must be a number between 0 and 0777 (octal), both inclusive")]
    : [];
}

function validateKeyToPaths(items: KeyToPath[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const p = at.index(i);
    if (!item.key) errs.push(fieldErrors.required(p.child("key"), ""));
    if (!item.path) errs.push(fieldErrors.required(p.child("path"), ""));
    else errs.push(...validateLocalDescendingPath(item.path, p.child("path")));
    errs.push(...validateMode(item.mode, p.child("mode")));
  });
  return errs;
}

function validateSource(v: Volume, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (v.hostPath) {
    const p = at.child("hostPath");
    if (!v.hostPath.path) errs.push(fieldErrors.required(p.child("path"), ""));
    const type = v.hostPath.type ?? "";
    if (!hostPathTypes.includes(type))
      errs.push(fieldErrors.notSupported(p.child("type"), type, hostPathTypes));
  }
  if (v.emptyDir) {
    const p = at.child("emptyDir");
    const medium = v.emptyDir.medium ?? "";
    if (!["", "Memory", "HugePages"].includes(medium) && !medium.startsWith("HugePages-")) {
      errs.push(fieldErrors.notSupported(p.child("medium"), medium, ["", "Memory", "HugePages"]));
    }
    if (v.emptyDir.sizeLimit !== undefined) {
      const q = parseQuantityField(v.emptyDir.sizeLimit, p.child("sizeLimit"), errs);
      if (q && q.sign() < 0)
        errs.push(
          fieldErrors.forbidden(p.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"),
        );
    }
  }
  if (v.secret) {
    const p = at.child("secret");
    if (!v.secret.secretName) errs.push(fieldErrors.required(p.child("secretName"), ""));
    else
      for (const msg of isDns1123Subdomain(v.secret.secretName))
        errs.push(fieldErrors.invalid(p.child("secretName"), v.secret.secretName, msg));
    errs.push(...validateMode(v.secret.defaultMode, p.child("defaultMode")));
    errs.push(...validateKeyToPaths(v.secret.items, p.child("items")));
  }
  if (v.configMap) {
    const p = at.child("configMap");
    if (!v.configMap.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else
      for (const msg of isDns1123Subdomain(v.configMap.name))
        errs.push(fieldErrors.invalid(p.child("name"), v.configMap.name, msg));
    errs.push(...validateMode(v.configMap.defaultMode, p.child("defaultMode")));
    errs.push(...validateKeyToPaths(v.configMap.items, p.child("items")));
  }
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
    errs.push(fieldErrors.required(at.child("persistentVolumeClaim").child("claimName"), ""));
  }
  if (v.nfs) {
    const p = at.child("nfs");
    if (!v.nfs.server) errs.push(fieldErrors.required(p.child("server"), ""));
    if (!v.nfs.path) errs.push(fieldErrors.required(p.child("path"), ""));
    else if (!v.nfs.path.startsWith("/"))
      errs.push(fieldErrors.invalid(p.child("path"), v.nfs.path, "must be an absolute path"));
  }
  if (v.downwardAPI) {
    const p = at.child("downwardAPI");
    errs.push(...validateMode(v.downwardAPI.defaultMode, p.child("defaultMode")));
    (v.downwardAPI.items ?? []).forEach((item, i) => {
      if (!item.path) errs.push(fieldErrors.required(p.child("items").index(i).child("path"), ""));
    });
  }
  if (v.projected)
    errs.push(...validateMode(v.projected.defaultMode, at.child("projected").child("defaultMode")));
  return errs;
}

/** Validates the volumes and returns the set of their names (for volumeMounts). */
export function validateVolumes(
  volumes: Volume[] | undefined,
  at: FieldPath,
): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = at.index(i);
    const sources = volumeSources(v);
    if (sources.length === 0) errs.push(fieldErrors.required(p, "must specify a volume type"));
    else if (sources.length > 1)
      errs.push(fieldErrors.forbidden(p.child(sources[1] ?? ""), "may not specify more than 1 volume type"));
    else errs.push(...validateSource(v, p));
    if (!v.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else {
      for (const msg of isDns1123Label(v.name)) errs.push(fieldErrors.invalid(p.child("name"), v.name, msg));
      if (names.has(v.name)) errs.push(fieldErrors.duplicate(p.child("name"), v.name));
      names.add(v.name);
    }
  });
  return { errs, names };
}
