// Server-side field validation (the fieldValidation query parameter): decodes a create/update/
// patch body and applies Kubernetes' Strict / Warn / Ignore semantics to unknown and duplicate
// fields, with Kubernetes' exact messages. This is what the API server calls.
import { BadRequestError, InvalidError } from "../errors.ts";
import { fieldErrors } from "../field.ts";
import type { JsonValue } from "../object.ts";
import { JsonSyntaxError, parseJsonStrict } from "./strict-json.ts";
import { parseYamlStrict, YamlSyntaxError } from "./strict-yaml.ts";
import { strictIssues } from "./unknown-fields.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

const directives: readonly FieldValidation[] = ["Ignore", "Strict", "Warn"];

/**
 * The directive of a `fieldValidation` query value; absent or empty means Warn (what kubectl 1.20,
 * which never sends it, gets). An unsupported value is a 422 on the options kind, as in Kubernetes.
 */
export function fieldValidationDirective(
  param: string | null | undefined,
  optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions" = "CreateOptions",
): FieldValidation {
  if (param === undefined || param === null || param === "") return "Warn";
  if ((directives as readonly string[]).includes(param)) return param as FieldValidation;
  throw new InvalidError("meta.k8s.io", optionsKind, "", [
    fieldErrors.notSupported("fieldValidation", param, directives),
  ]);
}

export interface DecodeBodyOptions {
  /** The request body as text. */
  body: string;
  /** `json` for application/json (and JSON patch bodies), `yaml` for application/yaml. */
  format: "json" | "yaml";
  /** The kind the body is decoded as (the endpoint's kind): its schema and the error message. */
  group: string;
  version: string;
  kind: string;
  fieldValidation: FieldValidation;
}

export interface DecodedBody {
  object: JsonValue;
  /** For `Warning: 299 - "<text>"` headers (Warn only), e.g. `unknown field "spec.x"`. */
  warnings: string[];
}

/**
 * Decodes a body. Strict: throws 400 BadRequest
 * `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.x", duplicate field "..."`.
 * Warn: returns one warning per problem. Ignore: returns no warnings. Syntax errors: 400 BadRequest.
 */
export function decodeBody(options: DecodeBodyOptions): DecodedBody {
  const { object, problems, warnings } = decodeWithProblems(options);
  if (options.fieldValidation === "Ignore" || problems.length === 0) return { object, warnings: [] };
  if (options.fieldValidation === "Warn") return { object, warnings };
  throw new BadRequestError(strictDecodingMessage(options, problems));
}

/**
 * Field validation of an already-decoded object, e.g. the result of applying a merge or strategic
 * merge patch (Kubernetes checks the patched object for unknown fields). Same outcomes as decodeBody.
 */
export function validateFields(options: {
  group: string;
  version: string;
  kind: string;
  object: unknown;
  fieldValidation: FieldValidation;
}): string[] {
  if (options.fieldValidation === "Ignore") return [];
  const { group, version, kind } = options;
  const problems = strictIssues(group, version, kind, options.object as JsonValue).map(issueMessage);
  if (problems.length === 0 || options.fieldValidation === "Warn") return problems;
  throw new BadRequestError(strictDecodingMessage(options, problems));
}

/** Kubernetes' message for a body rejected by strict decoding. */
export function strictDecodingMessage(
  gvk: { version: string; kind: string },
  problems: readonly string[],
): string {
  return `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: strict decoding error: ${problems.join(", ")}`;
}

/** Strict errors as Kubernetes words them: `unknown field "a.b"`, `duplicate field "a.b"`. */
export function issueMessage(issue: { type: "unknown" | "duplicate"; path: string }): string {
  return `${issue.type} field ${JSON.stringify(issue.path)}`;
}

function decodeWithProblems(o: DecodeBodyOptions): {
  object: JsonValue;
  problems: string[];
  warnings: string[];
} {
  const check = o.fieldValidation !== "Ignore";
  if (o.format === "json") {
    let parsed: ReturnType<typeof parseJsonStrict>;
    try {
      parsed = parseJsonStrict(o.body);
    } catch (err) {
      if (err instanceof JsonSyntaxError) throw new BadRequestError(bodyError(o, err.message));
      throw err;
    }
    if (!check) return { object: parsed.value, problems: [], warnings: [] };
    const issues = strictIssues(o.group, o.version, o.kind, parsed.value, {
      members: (obj) => parsed.members.get(obj),
    });
    const problems = issues.map(issueMessage);
    return { object: parsed.value, problems, warnings: problems };
  }
  let parsed: ReturnType<typeof parseYamlStrict>;
  try {
    parsed = parseYamlStrict(o.body);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new BadRequestError(bodyError(o, err.message));
    throw err;
  }
  if (!check) return { object: parsed.value, problems: [], warnings: [] };
  // Kubernetes converts YAML to JSON through a Go map, so unknown fields come out in key order.
  const unknown = strictIssues(o.group, o.version, o.kind, parsed.value, {
    members: (obj) => Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  }).map(issueMessage);
  const problems = [...unknown];
  if (parsed.duplicates.length > 0) {
    problems.unshift(`yaml: unmarshal errors:\n  ${parsed.duplicates.join("\n  ")}`);
  }
  return { object: parsed.value, problems, warnings: [...parsed.duplicates, ...unknown] };
}

function bodyError(o: DecodeBodyOptions, detail: string): string {
  return `${o.kind} in version "${o.version}" cannot be handled as a ${o.kind}: ${detail}`;
}
