// Server-side apply (PATCH with `application/apply-patch+yaml`): merges the manager's configuration
// into the live object, or creates the object when the name is missing, then takes the common
// create/update path (defaults, admission, validation, generation, no-op detection, dry run).
import { ApiError, BadRequestError, UnsupportedMediaTypeError } from "../../api/errors.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import { type FieldValidation, fieldValidationDirective } from "../../api/schema/field-validation.ts";
import { parseYamlStrict, YamlSyntaxError } from "../../api/schema/strict-yaml.ts";
import { unknownFields } from "../../api/schema/unknown-fields.ts";
import { decodeApplyPatch, serverSideApply } from "../patch/index.ts";
import type { JsonObject } from "../patch/json.ts";
import type { RestContext } from "./context.ts";
import { groupVersion, ignoredFieldsFor, requestFieldManager } from "./managedfields.ts";
import { meta } from "./meta.ts";
import { withTypeMeta } from "./respond.ts";
import { persistCreate, persistUpdate } from "./write.ts";

/**
 * structured-merge-diff refuses fields the kind's schema does not declare, whatever fieldValidation
 * says; Kubernetes passes its plain error on, which becomes a 500 with an empty reason (kubectl
 * prints `Error from server: failed to create typed patch object …`).
 */
export class ApplyTypeError extends ApiError {
  constructor(message: string) {
    super(500, "", message);
  }
}

/** Duplicate keys in the YAML body: Kubernetes' `yaml.UnmarshalStrict` error, per fieldValidation. */
function duplicateKeysError(text: string): string | undefined {
  let duplicates: string[];
  try {
    duplicates = parseYamlStrict(text).duplicates;
  } catch (err) {
    if (err instanceof YamlSyntaxError) return undefined; // decodeApplyPatch reports it
    throw err;
  }
  if (duplicates.length === 0) return undefined;
  return `error converting YAML to JSON: yaml: unmarshal errors:\n  ${duplicates.join("\n  ")}`;
}

/** Name and namespace in the configuration must match the URL (Kubernetes' checkName). */
function checkName(ctx: RestContext, applied: JsonObject): void {
  const m = isPlainObject(applied.metadata) ? applied.metadata : {};
  const { info, def } = ctx;
  if (m.name !== undefined && m.name !== info.name) {
    throw new BadRequestError(
      `the name of the object (${String(m.name)}) does not match the name on the URL (${info.name})`,
    );
  }
  if (def.namespaced && m.namespace !== undefined && m.namespace !== "" && m.namespace !== info.namespace) {
    throw new BadRequestError(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
}

function checkDeclaredFields(ctx: RestContext, applied: JsonObject): void {
  const { def, info } = ctx;
  const unknown = unknownFields(def.group, def.version, def.kind, applied);
  if (unknown.length === 0) return;
  const where = def.namespaced ? `${info.namespace}/${info.name}` : info.name;
  const details = unknown.map((path) => `.${path}: field not declared in schema`).join("\n");
  throw new ApplyTypeError(
    `failed to create typed patch object (${where}; ${groupVersion(def)}, Kind=${def.kind}): ${details}`,
  );
}

export async function applyObject(ctx: RestContext, body: Buffer): Promise<void> {
  const { def, info, deps } = ctx;
  if (info.subresource !== "") {
    // Apply through status/scale needs subresource-aware field sets; not served yet.
    throw new UnsupportedMediaTypeError("application/apply-patch+yaml");
  }
  const directive: FieldValidation = fieldValidationDirective(
    ctx.query.get("fieldValidation"),
    "PatchOptions",
  );
  const fieldManager = requestFieldManager(ctx, "PatchOptions");
  const applied = decodeApplyPatch(body);
  checkName(ctx, applied);
  checkDeclaredFields(ctx, applied);
  if (directive !== "Ignore") {
    const duplicates = duplicateKeysError(body.toString("utf8"));
    if (duplicates && directive === "Strict")
      throw new BadRequestError(`error strict decoding YAML: ${duplicates}`);
    if (duplicates) ctx.warnings.push(duplicates);
  }
  const namespace = def.namespaced ? info.namespace : "";
  const apply = (live: KubeObject | undefined): KubeObject => {
    const { object } = serverSideApply({
      live: live as JsonObject | undefined,
      applied,
      fieldManager,
      force: ctx.query.get("force") === "true",
      apiVersion: groupVersion(def),
      kind: def.kind,
      schema: deps.patchSchemaFor?.(def),
      now: deps.now(),
      ignoredFields: ignoredFieldsFor(def, ""),
    });
    return object as KubeObject;
  };
  for (let attempt = 0; ; attempt++) {
    const live = await deps.objects.get(def, namespace, info.name);
    try {
      if (live) {
        await persistUpdate(ctx, {
          name: info.name,
          namespace,
          applied: true,
          build: (current) => apply(current),
        });
        return;
      }
      const created = withTypeMeta(def, apply(undefined));
      const m = meta(created);
      m.name = info.name;
      if (def.namespaced) m.namespace = namespace;
      else delete m.namespace;
      await persistCreate(ctx, created, { applied: true });
      return;
    } catch (err) {
      // Someone created or deleted the object in between: apply against what is there now.
      const raced =
        err instanceof ApiError &&
        ((live === undefined && err.reason === "AlreadyExists") ||
          (live !== undefined && err.reason === "NotFound"));
      if (!raced || attempt >= 3) throw err;
    }
  }
}
