// Content negotiation from the Accept header: Table and PartialObjectMetadata output, aggregated
// discovery.
import { type ApiRequest, header } from "./sink.ts";

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(",")
    .map((part) => {
      const [type = "", ...rest] = part.split(";").map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf("=");
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type !== "");
}

/** The first acceptable rendering wins, as in Kubernetes' negotiation. */
export function wantsTable(req: ApiRequest): boolean {
  for (const m of parseAccept(header(req, "accept"))) {
    if (
      m.params.as === "Table" &&
      m.params.g === "meta.k8s.io" &&
      (m.params.v === "v1" || m.params.v === "v1beta1")
    ) {
      return true;
    }
    if (m.type === "application/json" || m.type === "*/*" || m.type === "application/yaml") {
      if (!m.params.as) return false;
    }
  }
  return false;
}

/**
 * Metadata-only output (`as=PartialObjectMetadata` for an object or a watch,
 * `as=PartialObjectMetadataList` for a list), as the metadata clients of client-go ask for.
 */
export function wantsMetadata(req: ApiRequest): "object" | "list" | undefined {
  for (const m of parseAccept(header(req, "accept"))) {
    if (m.params.g === "meta.k8s.io" && (m.params.v === "v1" || m.params.v === "v1beta1")) {
      if (m.params.as === "PartialObjectMetadata") return "object";
      if (m.params.as === "PartialObjectMetadataList") return "list";
    }
    if ((m.type === "application/json" || m.type === "*/*" || m.type === "application/yaml") && !m.params.as)
      return undefined;
  }
  return undefined;
}

export function wantsAggregatedDiscovery(req: ApiRequest): boolean {
  for (const m of parseAccept(header(req, "accept"))) {
    if (
      m.params.as === "APIGroupDiscoveryList" &&
      m.params.g === "apidiscovery.k8s.io" &&
      m.params.v === "v2"
    ) {
      return true;
    }
    if ((m.type === "application/json" || m.type === "*/*") && !m.params.as) return false;
  }
  return false;
}

export const aggregatedDiscoveryType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
