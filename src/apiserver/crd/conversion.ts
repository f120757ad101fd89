// CRD `conversion.strategy: Webhook`: objects are converted between a served version and the
// storage version by POSTing an apiextensions.k8s.io/v1 ConversionReview to the CRD's webhook
// (clientConfig.url with its caBundle). Failures surface as upstream's 500 "conversion webhook
// for <gv>, Kind=<kind> failed: ...".
import { randomUUID } from "node:crypto";
import type { CustomResourceDef } from "../../api/apiextensions/customresource.ts";
import type { CustomResourceDefinition } from "../../api/apiextensions/types.ts";
import { InternalError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { postSync } from "./sync-post.ts";

const gvOf = (group: string, version: string) => `${group}/${version}`;

interface ConversionReviewResponse {
  response?: {
    uid?: string;
    convertedObjects?: KubeObject[];
    result?: { status?: string; message?: string };
  };
}

/** Converts `obj` to `desired` (group/version) through the CRD's webhook; throws a 500 on failure. */
export function convertWithWebhook(
  crd: CustomResourceDefinition,
  obj: KubeObject,
  desired: string,
): KubeObject {
  if (obj.apiVersion === desired) return obj;
  const kind = crd.spec.names.kind;
  const fail = (why: string): never => {
    throw new InternalError(`conversion webhook for ${obj.apiVersion}, Kind=${kind} failed: ${why}`);
  };
  const webhook = crd.spec.conversion?.webhook;
  const url = webhook?.clientConfig?.url;
  if (!url) return fail("only clientConfig.url is supported for conversion webhooks by this server");
  const uid = randomUUID();
  const body = JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "ConversionReview",
    request: { uid, desiredAPIVersion: desired, objects: [obj] },
  });
  const caBundle = webhook?.clientConfig?.caBundle;
  const res = postSync({
    url,
    body,
    ...(caBundle ? { ca: Buffer.from(caBundle, "base64").toString("utf8") } : {}),
    timeoutMs: 30_000,
  });
  if (!res.ok) return fail(`Post "${url}": ${res.error}`);
  if (res.status < 200 || res.status >= 300)
    return fail(`the server responded with the status code ${res.status}`);
  let review: ConversionReviewResponse;
  try {
    review = JSON.parse(res.body) as ConversionReviewResponse;
  } catch {
    return fail("the response is not a ConversionReview");
  }
  const r = review.response;
  if (r?.uid !== uid) return fail(`expected response.uid="${uid}", got "${r?.uid ?? ""}"`);
  if (r.result?.status !== "Success") return fail(r.result?.message ?? "conversion failed");
  const out = r.convertedObjects?.[0];
  if (r.convertedObjects?.length !== 1 || !out) return fail("expected 1 converted object");
  if (out.apiVersion !== desired)
    return fail(`invalid converted object: apiVersion ${String(out.apiVersion)}, want ${desired}`);
  // The webhook may change only labels and annotations of metadata, as upstream enforces.
  return {
    ...out,
    metadata: {
      ...obj.metadata,
      ...(out.metadata?.labels ? { labels: out.metadata.labels } : {}),
      ...(out.metadata?.annotations ? { annotations: out.metadata.annotations } : {}),
    },
  };
}

/** The CRD's defs, converting through its webhook when its strategy is Webhook. */
export function withWebhookConversion(
  crd: CustomResourceDefinition,
  defs: CustomResourceDef[],
): CustomResourceDef[] {
  if (crd.spec.conversion?.strategy !== "Webhook") return defs;
  const storage = gvOf(crd.spec.group, defs[0]?.customResource.storageVersion ?? "");
  return defs.map((d) => {
    const served = gvOf(d.group, d.version);
    return {
      ...d,
      conversion: {
        toStorage: (obj) => convertWithWebhook(crd, obj, storage),
        fromStorage: (obj) => convertWithWebhook(crd, obj, served),
      },
    };
  });
}
