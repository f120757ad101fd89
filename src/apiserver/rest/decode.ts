// Request body → object for create/update, through the strict decoder when one is wired
// (fieldValidation=Strict|Warn|Ignore); its warnings become `Warning` response headers.
import { BadRequestError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { decodeObject, isProtobuf, protobufAsJson } from "../http/body.ts";
import type { RestContext } from "./context.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function fieldValidationMode(query: URLSearchParams): FieldValidation {
  const v = query.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw new BadRequestError(
    `fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`,
  );
}

export function decodeBody(ctx: RestContext, raw: Buffer, type: string): KubeObject {
  const { def } = ctx;
  const protobuf = isProtobuf(type);
  const apiVersion = def.group === "" ? def.version : `${def.group}/${def.version}`;
  const body = protobuf ? protobufAsJson(raw, { apiVersion, kind: def.kind }) : raw;
  const contentType = protobuf ? "application/json" : type;
  const mode = fieldValidationMode(ctx.query);
  const decoder = ctx.deps.decoder;
  if (!decoder) return decodeObject(body, contentType) as KubeObject;
  const result = decoder({ def: ctx.def, body, contentType, mode });
  for (const w of result.warnings) ctx.warnings.push(w);
  return result.object;
}
