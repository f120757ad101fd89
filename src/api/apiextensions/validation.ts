// CustomResourceDefinition validation (apiextensions' ValidateCustomResourceDefinition subset):
// names, group, scope, versions with exactly one storage version, schemas, printer columns and
// subresources, with Kubernetes' field paths and messages.
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { isDns1035Label, isDns1123Subdomain } from "../validation/names.ts";
import { parseJsonPath } from "./jsonpath.ts";
import { validateStructuralSchema } from "./structural.ts";
import type { CrdVersion, CustomResourceDefinition, JsonSchema } from "./types.ts";

const spec = FieldPath.root("spec");
const columnTypes = ["integer", "number", "string", "boolean", "date"];

function dns1035(value: string | undefined, at: FieldPath, required: boolean): FieldError[] {
  if (value === undefined || value === "") return required ? [fieldErrors.required(at, "")] : [];
  const errs = isDns1035Label(value);
  return errs.length > 0 ? [fieldErrors.invalid(at, value, errs.join(","))] : [];
}

function mixedCase(value: string | undefined, at: FieldPath): FieldError[] {
  if (!value) return [fieldErrors.required(at, "")];
  const errs = isDns1035Label(value.toLowerCase());
  return errs.length > 0
    ? [fieldErrors.invalid(at, value, `may have mixed case, but should otherwise match: ${errs.join(",")}`)]
    : [];
}

export function validateCrd(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const s = crd.spec ?? ({} as CustomResourceDefinition["spec"]);
  const names = s.names ?? ({} as CustomResourceDefinition["spec"]["names"]);
  const name = crd.metadata?.name ?? "";
  if (name !== `${names.plural}.${s.group}`) {
    errs.push(fieldErrors.invalid("metadata.name", name, `must be spec.names.plural+"."+spec.group`));
  }
  if (!s.group) errs.push(fieldErrors.required(spec.child("group"), ""));
  else {
    const groupErrs = isDns1123Subdomain(s.group);
    if (groupErrs.length > 0)
      errs.push(fieldErrors.invalid(spec.child("group"), s.group, groupErrs.join(",")));
    if (s.group.split(".").length < 2) {
      errs.push(
        fieldErrors.invalid(spec.child("group"), s.group, "should be a domain with at least one dot"),
      );
    }
  }
  if (s.scope !== "Cluster" && s.scope !== "Namespaced") {
    errs.push(
      s.scope
        ? fieldErrors.notSupported(spec.child("scope"), s.scope, ["Cluster", "Namespaced"])
        : fieldErrors.required(spec.child("scope"), ""),
    );
  }
  const at = spec.child("names");
  errs.push(...dns1035(names.plural, at.child("plural"), true));
  errs.push(...dns1035(names.singular, at.child("singular"), false));
  errs.push(...mixedCase(names.kind, at.child("kind")));
  errs.push(...mixedCase(names.listKind, at.child("listKind")));
  if (names.kind && names.kind === names.listKind) {
    errs.push(
      fieldErrors.invalid(at.child("listKind"), names.listKind, "kind and listKind may not be the same"),
    );
  }
  for (const [i, short] of (names.shortNames ?? []).entries())
    errs.push(...dns1035(short, at.child("shortNames").index(i), true));
  for (const [i, cat] of (names.categories ?? []).entries())
    errs.push(...dns1035(cat, at.child("categories").index(i), true));
  const strategy = s.conversion?.strategy;
  if (strategy !== undefined && strategy !== "None" && strategy !== "Webhook") {
    errs.push(
      fieldErrors.notSupported(spec.child("conversion").child("strategy"), strategy, ["None", "Webhook"]),
    );
  }
  if (strategy === "Webhook") {
    const webhook = s.conversion?.webhook;
    const at = spec.child("conversion").child("webhook");
    if (!webhook) errs.push(fieldErrors.required(at, "required when strategy is set to Webhook"));
    else {
      if (!webhook.clientConfig)
        errs.push(fieldErrors.required(at.child("clientConfig"), "required when strategy is set to Webhook"));
      const reviews = webhook.conversionReviewVersions ?? [];
      if (reviews.length === 0) errs.push(fieldErrors.required(at.child("conversionReviewVersions"), ""));
      else if (!reviews.includes("v1") && !reviews.includes("v1beta1"))
        errs.push(
          fieldErrors.invalid(
            at.child("conversionReviewVersions"),
            reviews,
            "must include at least one of v1, v1beta1",
          ),
        );
    }
  }
  if ((s as { preserveUnknownFields?: boolean }).preserveUnknownFields === true) {
    errs.push(
      fieldErrors.invalid(
        spec.child("preserveUnknownFields"),
        true,
        "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
      ),
    );
  }
  errs.push(...validateVersions(s.versions ?? []));
  return errs;
}

function validateVersions(versions: readonly CrdVersion[]): FieldError[] {
  const errs: FieldError[] = [];
  const at = spec.child("versions");
  if (versions.length === 0) {
    errs.push(fieldErrors.invalid(at, [], "must have exactly one version marked as storage version"));
    return errs;
  }
  const storage = versions.filter((v) => v.storage).length;
  if (storage !== 1) {
    errs.push(
      fieldErrors.invalid(
        at,
        versions.map((v) => v.name),
        "must have exactly one version marked as storage version",
      ),
    );
  }
  if (!versions.some((v) => v.served)) {
    errs.push(
      fieldErrors.invalid(
        at,
        versions.map((v) => v.name),
        "must have at least one served version",
      ),
    );
  }
  const seen = new Set<string>();
  for (const [i, v] of versions.entries()) {
    const vat = at.index(i);
    errs.push(...dns1035(v.name, vat.child("name"), true));
    if (seen.has(v.name)) errs.push(fieldErrors.invalid(at, v.name, "must contain unique version names"));
    seen.add(v.name);
    const schema = v.schema?.openAPIV3Schema as JsonSchema | undefined;
    const sat = vat.child("schema").child("openAPIV3Schema");
    if (!schema) errs.push(fieldErrors.required(sat, "schemas are required"));
    else errs.push(...validateStructuralSchema(schema, sat));
    for (const [j, col] of (v.additionalPrinterColumns ?? []).entries()) {
      const cat = vat.child("additionalPrinterColumns").index(j);
      if (!col.name) errs.push(fieldErrors.required(cat.child("name"), ""));
      if (!columnTypes.includes(col.type))
        errs.push(fieldErrors.notSupported(cat.child("type"), col.type, columnTypes));
      if ((col.priority ?? 0) < 0)
        errs.push(fieldErrors.invalid(cat.child("priority"), col.priority, "must be non-negative"));
      if (!col.jsonPath) errs.push(fieldErrors.required(cat.child("jsonPath"), ""));
      else {
        try {
          parseJsonPath(col.jsonPath);
        } catch {
          errs.push(fieldErrors.invalid(cat.child("jsonPath"), col.jsonPath, "must be a simple json path"));
        }
      }
    }
    const scale = v.subresources?.scale;
    if (scale) {
      const scat = vat.child("subresources").child("scale");
      const under = (path: string | undefined, prefix: string, field: string, required: boolean) => {
        if (!path) {
          if (required) errs.push(fieldErrors.required(scat.child(field), ""));
          return;
        }
        if (!path.startsWith(prefix) || path.includes("[")) {
          errs.push(
            fieldErrors.invalid(
              scat.child(field),
              path,
              `should be a json path under ${prefix.slice(0, -1)}`,
            ),
          );
        }
      };
      under(scale.specReplicasPath, ".spec.", "specReplicasPath", true);
      under(scale.statusReplicasPath, ".status.", "statusReplicasPath", true);
      under(
        scale.labelSelectorPath,
        scale.labelSelectorPath?.startsWith(".spec.") ? ".spec." : ".status.",
        "labelSelectorPath",
        false,
      );
    }
  }
  return errs;
}

/** Update rules: group, names.plural and scope are immutable once accepted. */
export function validateCrdUpdate(
  next: CustomResourceDefinition,
  old: CustomResourceDefinition,
): FieldError[] {
  const errs: FieldError[] = [];
  if (next.spec?.group !== old.spec?.group) {
    errs.push(fieldErrors.invalid(spec.child("group"), next.spec?.group, "field is immutable"));
  }
  if (next.spec?.scope !== old.spec?.scope) {
    errs.push(fieldErrors.invalid(spec.child("scope"), next.spec?.scope, "field is immutable"));
  }
  const stored = old.status?.storedVersions ?? [];
  const versions = new Set((next.spec?.versions ?? []).map((v) => v.name));
  for (const v of stored) {
    if (!versions.has(v)) {
      errs.push(
        fieldErrors.invalid(
          FieldPath.root("status").child("storedVersions"),
          stored,
          `must have the storage version ${v} in spec.versions`,
        ),
      );
    }
  }
  return errs;
}
