// The request body of a subresource POST (Binding, Eviction): one JSON/YAML object whose
// apiVersion and kind must be among the accepted ones.
import { BadRequestError } from "../../api/errors.ts";
import { decodeObject, readBody } from "../http/body.ts";
import { header } from "../http/sink.ts";
import type { RestContext } from "../rest/context.ts";

export async function readKindBody(
  ctx: RestContext,
  kind: string,
  apiVersions: readonly string[],
): Promise<Record<string, unknown>> {
  const body = decodeObject(await readBody(ctx.req), header(ctx.req, "content-type"));
  if (body.kind !== undefined && body.kind !== kind) {
    throw new BadRequestError(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${kind})`,
    );
  }
  if (body.apiVersion !== undefined && !apiVersions.includes(String(body.apiVersion))) {
    throw new BadRequestError(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersions[0] ?? ""})`,
    );
  }
  return body;
}

/** The metadata.name of a subresource body must name the object in the URL. */
export function checkBodyName(body: Record<string, unknown>, urlName: string, kind: string): void {
  const metadata = body.metadata as { name?: unknown } | undefined;
  const name = metadata?.name;
  if (name !== undefined && name !== "" && name !== urlName) {
    throw new BadRequestError(`name in URL does not match name in ${kind} object`);
  }
}
