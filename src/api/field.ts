// Field errors as Kubernetes' apimachinery field.Error: a type, a field path and a message.
// They become Status.details.causes (reason = type, field = path) of a 422 Invalid.

export type FieldErrorType =
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "FieldValueNotFound"
  | "InternalError";

export interface FieldError {
  type: FieldErrorType;
  /** Path like `spec.containers[0].image` or `metadata.labels[app]`. */
  field: string;
  /** The offending value, shown as `Invalid value: <value>`. Omitted for Required. */
  badValue?: unknown;
  /** Extra explanation appended after the standard text. */
  detail?: string;
}

const summary: Record<FieldErrorType, string> = {
  FieldValueRequired: "Required value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueTypeInvalid: "Invalid value",
  FieldValueNotFound: "Not found",
  InternalError: "Internal error",
};

/** Builds paths the way Kubernetes prints them: `a.b[0].c`, `metadata.labels[key]`. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name: string): FieldPath {
    return new FieldPath(name);
  }
  child(name: string): FieldPath {
    return new FieldPath(this.text === "" ? name : `${this.text}.${name}`);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

type At = FieldPath | string;

export const fieldErrors = {
  required: (at: At, detail?: string): FieldError => ({ type: "FieldValueRequired", field: `${at}`, detail }),
  invalid: (at: At, badValue: unknown, detail?: string): FieldError => ({
    type: "FieldValueInvalid",
    field: `${at}`,
    badValue,
    detail,
  }),
  notSupported: (at: At, badValue: unknown, valid: readonly string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field: `${at}`,
    badValue,
    detail:
      valid.length > 0 ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}` : undefined,
  }),
  duplicate: (at: At, badValue: unknown): FieldError => ({
    type: "FieldValueDuplicate",
    field: `${at}`,
    badValue,
  }),
  forbidden: (at: At, detail: string): FieldError => ({
    type: "FieldValueForbidden",
    field: `${at}`,
    detail,
  }),
  tooLong: (at: At, badValue: unknown, max: number): FieldError => ({
    type: "FieldValueTooLong",
    field: `${at}`,
    badValue,
    detail: `must have at most ${max} bytes`,
  }),
  tooMany: (at: At, actual: number, max: number): FieldError => ({
    type: "FieldValueTooMany",
    field: `${at}`,
    badValue: actual,
    detail: `must have at most ${max} items`,
  }),
  typeInvalid: (at: At, badValue: unknown, detail: string): FieldError => ({
    type: "FieldValueTypeInvalid",
    field: `${at}`,
    badValue,
    detail,
  }),
  notFound: (at: At, badValue: unknown): FieldError => ({
    type: "FieldValueNotFound",
    field: `${at}`,
    badValue,
  }),
};

/** Go's %#v-ish rendering used in "Invalid value" messages: strings quoted, others as JSON. */
function renderValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "null";
  if (typeof value === "object" && value !== null) return '"object"';
  return String(value);
}

/** The message of one cause, e.g. `Invalid value: "Invalid_Name": a lowercase RFC 1123 ...`. */
export function fieldErrorMessage(e: FieldError): string {
  let text = summary[e.type];
  const showsValue =
    e.type !== "FieldValueRequired" &&
    e.type !== "FieldValueForbidden" &&
    e.type !== "FieldValueTooMany" &&
    e.type !== "InternalError";
  if (showsValue && "badValue" in e) text += `: ${renderValue(e.badValue)}`;
  if (e.type === "FieldValueTooMany") text += `: ${e.badValue}`;
  if (e.detail) text += `: ${e.detail}`;
  return text;
}

/** `field: message` as in the aggregate message of an Invalid Status. */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorMessage(e)}`;
}
