// Adds a CRD version's `x-kubernetes-validations` to its custom resources' strategy: plain
// rules in validate (after the schema found no type errors, as upstream), transition rules
// (oldSelf) in validateUpdate against the stored object.
import type { CustomResourceDef } from "../../api/apiextensions/customresource.ts";
import { FieldPath } from "../../api/field.ts";
import type { KubeObject } from "../../api/object.ts";
import { compileRules, hasRules, type RuleCompileError, validateRules } from "./validation-rules.ts";

/** What `self` is at the root: the object with only name and generateName of its metadata. */
function rootValue(obj: KubeObject): Record<string, unknown> {
  const { metadata, ...rest } = obj;
  const meta: Record<string, unknown> = {};
  if (metadata?.name !== undefined) meta.name = metadata.name;
  if (metadata?.generateName !== undefined) meta.generateName = metadata.generateName;
  return { ...rest, metadata: meta };
}

export function withValidationRules(def: CustomResourceDef): CustomResourceDef {
  const schema = def.customResource.schema;
  if (!schema || !hasRules(schema)) return def;
  // Rules that do not compile were refused when the CRD was written; any left (older CRDs) are skipped.
  const errors: RuleCompileError[] = [];
  const compiled = compileRules(schema, FieldPath.root(""), errors);
  const base = def.strategy;
  return {
    ...def,
    strategy: {
      ...base,
      validate(obj) {
        const errs = base.validate?.(obj) ?? [];
        if (errs.some((e) => e.type === "FieldValueTypeInvalid")) return errs;
        // A create has no resourceVersion yet: optionalOldSelf rules then see oldSelf = none.
        const phase = obj.metadata?.resourceVersion ? "update" : "create";
        return [...errs, ...validateRules(schema, rootValue(obj), undefined, { compiled, phase })];
      },
      validateUpdate(obj, old) {
        const errs = base.validateUpdate?.(obj, old) ?? [];
        return [
          ...errs,
          ...validateRules(schema, rootValue(obj), rootValue(old), { compiled, phase: "transition" }),
        ];
      },
    },
  };
}
