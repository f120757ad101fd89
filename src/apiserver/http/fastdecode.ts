// JSON request bodies through V8's JSON.parse when they cannot hold a duplicate field. The strict
// parser of src/api/schema keeps every member only so that duplicates can be reported; a body
// with as many member colons as its parsed objects have members has none, and then JSON.parse
// (several times faster) gives the same value. Everything else goes to the strict decoder.

import { BadRequestError } from "../../api/errors.ts";
import type { JsonValue } from "../../api/object.ts";
import {
  type DecodeBodyOptions,
  type DecodedBody,
  issueMessage,
  strictDecodingMessage,
} from "../../api/schema/field-validation.ts";
import { strictIssues } from "../../api/schema/unknown-fields.ts";
import { wellFormed } from "../wellformed.ts";

/** Colons outside strings: one per object member in well-formed JSON. */
function memberColons(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) count++;
  }
  return count;
}

function members(value: JsonValue): number {
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += members(item);
    return count;
  }
  for (const key of Object.keys(value)) {
    // V8 lists integer-like keys first, not in document order, which orders unknown-field
    // messages: such bodies go to the strict parser (NaN never matches).
    const c = key.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) return Number.NaN;
    count += 1 + members(value[key] as JsonValue);
  }
  return count;
}

/** The parsed body when it has no duplicate member; undefined when the strict parser must decide. */
export function parseWithoutDuplicates(text: string): JsonValue | undefined {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    // Syntax errors are worded by the strict parser, as Kubernetes words them.
    return undefined;
  }
  return memberColons(text) === members(value) ? value : undefined;
}

/** decodeJsonFast's answer; `wellFormed`: the object has no unknown field and no mistyped value. */
export interface FastDecoded extends DecodedBody {
  wellFormed: boolean;
}

/**
 * decodeBody() of a JSON body without duplicate members (same value, warnings and errors);
 * undefined when the body is not JSON or may hold duplicates.
 */
export function decodeJsonFast(options: DecodeBodyOptions): FastDecoded | undefined {
  if (options.format !== "json") return undefined;
  const object = parseWithoutDuplicates(options.body);
  if (object === undefined) return undefined;
  // The common case: one walk finds nothing to report, and the exact walks are skipped.
  if (wellFormed(options.group, options.version, options.kind, object))
    return { object, warnings: [], wellFormed: true };
  if (options.fieldValidation === "Ignore") return { object, warnings: [], wellFormed: false };
  const problems = strictIssues(options.group, options.version, options.kind, object).map(issueMessage);
  if (problems.length === 0) return { object, warnings: [], wellFormed: false };
  if (options.fieldValidation === "Warn") return { object, warnings: problems, wellFormed: false };
  throw new BadRequestError(strictDecodingMessage(options, problems));
}
