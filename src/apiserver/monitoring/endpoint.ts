// GET /metrics: the process-wide registry (API server, and the scheduler, controllers and agent
// when they run in this process) in the text format. Authorization happened in the filter chain
// (RBAC nonResourceURLs: system:monitoring, cluster-admin).
import { contentType, defaultRegistry, type Registry, registerProcessMetrics } from "../../metrics/index.ts";
import type { PathHandler } from "../handler.ts";

export function metricsPathHandler(registry: Registry = defaultRegistry): PathHandler {
  registerProcessMetrics(registry);
  return async (req, res, url) => {
    if (url.pathname !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const text = await registry.expose();
    res.writeHead(200, { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) });
    res.end(req.method === "HEAD" ? undefined : text);
    return true;
  };
}
