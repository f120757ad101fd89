// JSON patch (RFC 6902), as `application/json-patch+json` (kubectl rollout undo sends it).
// Errors follow the apiserver: an undecodable patch is 400 BadRequest, an operation that does not
// apply is a generic 422 (PatchNotApplicableError), more than 10000 operations is 413. Detail texts
// follow evanphx/json-patch v4, which Kubernetes uses.
import { BadRequestError, RequestEntityTooLargeError } from "../../api/errors.ts";
import { PatchNotApplicableError } from "./errors.ts";
import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from "./json.ts";

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
}

/** Kubernetes' maxJSONPatchOperations. */
export const maxJsonPatchOperations = 10000;

/** Checks the shape of a decoded `application/json-patch+json` body. */
export function decodeJsonPatch(body: JsonValue): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw new BadRequestError(
      `json: cannot unmarshal ${body === null ? "null" : typeof body === "object" ? "object" : typeof body} into Go value of type jsonpatch.Patch`,
    );
  }
  return body.map((op) => {
    if (!isJsonObject(op))
      throw new BadRequestError("json: cannot unmarshal into Go value of type jsonpatch.Operation");
    return op as unknown as JsonPatchOperation;
  });
}

/**
 * Applies `operations` in order to a copy of `original`. Atomic: when one fails, the error is thrown
 * and nothing is returned. Supports add/remove/replace/move/copy/test, `-` for append, negative
 * indexes (evanphx's SupportNegativeIndices) and `~0`/`~1` escapes.
 */
export function applyJsonPatch(original: JsonValue, operations: readonly JsonPatchOperation[]): JsonValue {
  if (operations.length > maxJsonPatchOperations) {
    throw new RequestEntityTooLargeError(
      `The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${operations.length}`,
    );
  }
  const root: { doc: JsonValue } = { doc: structuredClone(original) };
  for (const op of operations) applyOperation(root, op);
  return root.doc;
}

type Container = JsonObject | JsonValue[];
interface Location {
  parent: Container;
  key: string;
}

function parsePointer(pointer: unknown, op: string): string[] {
  if (typeof pointer !== "string") throw notApplicable(`${op} operation does not apply: missing path`);
  if (pointer === "") return [];
  if (!pointer.startsWith("/"))
    throw notApplicable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function notApplicable(detail: string): PatchNotApplicableError {
  return new PatchNotApplicableError(detail);
}

function childOf(container: JsonValue, key: string): JsonValue | undefined {
  if (Array.isArray(container)) {
    const index = arrayIndex(key, container.length, false);
    return index === undefined ? undefined : container[index];
  }
  if (isJsonObject(container)) return Object.hasOwn(container, key) ? container[key] : undefined;
  return undefined;
}

/** Index in an array of `length`; `forInsert` allows `length` itself and `-`. */
function arrayIndex(key: string, length: number, forInsert: boolean): number | undefined {
  if (key === "-") return forInsert ? length : undefined;
  if (!/^-?\d+$/.test(key)) return undefined;
  let index = Number(key);
  if (index < 0) index += length;
  const max = forInsert ? length : length - 1;
  return index >= 0 && index <= max ? index : undefined;
}

/** The container holding the last token of `tokens`, or undefined when an ancestor is missing. */
function locate(doc: JsonValue, tokens: string[]): Location | undefined {
  let current: JsonValue | undefined = doc;
  for (const token of tokens.slice(0, -1)) {
    if (current === undefined) return undefined;
    current = childOf(current, token);
  }
  if (!Array.isArray(current) && !isJsonObject(current)) return undefined;
  return { parent: current, key: tokens.at(-1) ?? "" };
}

function get(doc: JsonValue, tokens: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = doc;
  for (const token of tokens) {
    if (current === undefined) return undefined;
    current = childOf(current, token);
  }
  return current;
}

function insert(
  root: { doc: JsonValue },
  tokens: string[],
  value: JsonValue,
  path: string,
  op: string,
): void {
  if (tokens.length === 0) {
    root.doc = value;
    return;
  }
  const at = locate(root.doc, tokens);
  if (!at)
    throw notApplicable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  if (Array.isArray(at.parent)) {
    const index = arrayIndex(at.key, at.parent.length, true);
    if (index === undefined)
      throw notApplicable(`Unable to access invalid index: ${at.key}: invalid index referenced`);
    at.parent.splice(index, 0, value);
  } else {
    at.parent[at.key] = value;
  }
}

function remove(root: { doc: JsonValue }, tokens: string[], path: string, op: string): JsonValue {
  const at = tokens.length > 0 ? locate(root.doc, tokens) : undefined;
  if (!at)
    throw notApplicable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  if (Array.isArray(at.parent)) {
    const index = arrayIndex(at.key, at.parent.length, false);
    if (index === undefined)
      throw notApplicable(`Unable to access invalid index: ${at.key}: invalid index referenced`);
    return at.parent.splice(index, 1)[0] as JsonValue;
  }
  if (!Object.hasOwn(at.parent, at.key)) {
    throw notApplicable(`Unable to remove nonexistent key: ${at.key}: missing value`);
  }
  const value = at.parent[at.key] as JsonValue;
  delete at.parent[at.key];
  return value;
}

function applyOperation(root: { doc: JsonValue }, operation: JsonPatchOperation): void {
  const { op } = operation;
  const hasValue = Object.hasOwn(operation, "value");
  switch (op) {
    case "add": {
      if (!hasValue) throw notApplicable("add operation does not apply: missing value");
      insert(
        root,
        parsePointer(operation.path, op),
        structuredClone(operation.value as JsonValue),
        operation.path,
        op,
      );
      return;
    }
    case "remove": {
      remove(root, parsePointer(operation.path, op), operation.path, op);
      return;
    }
    case "replace": {
      if (!hasValue) throw notApplicable("replace operation does not apply: missing value");
      const tokens = parsePointer(operation.path, op);
      if (get(root.doc, tokens) === undefined) {
        throw notApplicable(
          `replace operation does not apply: doc is missing key: ${operation.path}: missing value`,
        );
      }
      if (tokens.length > 0) remove(root, tokens, operation.path, op);
      insert(root, tokens, structuredClone(operation.value as JsonValue), operation.path, op);
      return;
    }
    case "move": {
      const from = parsePointer(operation.from, op);
      if (get(root.doc, from) === undefined) {
        throw notApplicable(
          `move operation does not apply: doc is missing from path: ${operation.from}: missing value`,
        );
      }
      const value = remove(root, from, operation.from ?? "", op);
      insert(root, parsePointer(operation.path, op), value, operation.path, op);
      return;
    }
    case "copy": {
      const value = get(root.doc, parsePointer(operation.from, op));
      if (value === undefined) {
        throw notApplicable(
          `copy operation does not apply: doc is missing from path: ${operation.from}: missing value`,
        );
      }
      insert(root, parsePointer(operation.path, op), structuredClone(value), operation.path, op);
      return;
    }
    case "test": {
      const actual = get(root.doc, parsePointer(operation.path, op));
      const expected = hasValue ? operation.value : null;
      // evanphx: a missing member tests equal to null.
      if (actual === undefined ? expected === null : deepEqual(actual, expected)) return;
      throw notApplicable(`testing value ${operation.path} failed: test failed`);
    }
    default:
      throw notApplicable(`Unexpected kind: ${op}`);
  }
}
