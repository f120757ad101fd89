// API request instrumentation with apiserver/pkg/endpoints/metrics' names and labels: request
// counts by verb/resource/code, latency (long-running WATCH and CONNECT excluded, as upstream),
// in-flight and long-running gauges, and watch events sent.
import type { Registry as ResourceRegistry } from "../../api/registry.ts";
import {
  apiserverLatencyBuckets,
  type CounterChild,
  defaultRegistry,
  type GaugeChild,
  type Registry,
} from "../../metrics/index.ts";
import type { ApiRequest } from "../http/sink.ts";
import type { RequestInfo } from "../requestinfo.ts";

const requestLabels = [
  "verb",
  "dry_run",
  "group",
  "version",
  "resource",
  "subresource",
  "scope",
  "component",
];
const component = "apiserver";

// Kubernetes' CONNECT subresources: streamed, hence long-running and absent from the latency histogram.
const connectSubresources = new Set(["exec", "attach", "portforward", "proxy"]);

export function apiRequestMetrics(registry: Registry = defaultRegistry) {
  return {
    total: registry.counterVec({
      name: "apiserver_request_total",
      help: "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
      labelNames: [...requestLabels, "code"],
    }),
    duration: registry.histogramVec({
      name: "apiserver_request_duration_seconds",
      help: "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      labelNames: requestLabels,
      buckets: apiserverLatencyBuckets,
    }),
    longRunning: registry.gaugeVec({
      name: "apiserver_longrunning_requests",
      help: "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.",
      labelNames: ["verb", "group", "version", "resource", "subresource", "scope", "component"],
    }),
    inflight: registry.gaugeVec({
      name: "apiserver_current_inflight_requests",
      help: "Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
      labelNames: ["request_kind"],
    }),
    watchEvents: registry.counterVec({
      name: "apiserver_watch_events_total",
      help: "Number of events sent in watch clients",
      labelNames: ["group", "version", "resource"],
    }),
  };
}

const metrics = apiRequestMetrics();

/** Off only for bench/metrics-scrape.ts, which measures the instrumentation's cost per request. */
export const requestMetricsSwitch = { enabled: true };
const readOnly = metrics.inflight.labels("readOnly");
const mutating = metrics.inflight.labels("mutating");

/** Kubernetes' reported verb: LIST/WATCH/GET, POST/PUT/PATCH/APPLY/DELETE…, CONNECT for streams. */
export function reportedVerb(req: ApiRequest, info: RequestInfo): string {
  if (!info.isResourceRequest) return req.method.toUpperCase();
  if (connectSubresources.has(info.subresource)) return "CONNECT";
  switch (info.verb) {
    case "create":
      return "POST";
    case "update":
      return "PUT";
    case "patch": {
      const ct = req.headers["content-type"];
      return typeof ct === "string" && ct.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
    }
    default:
      return info.verb.toUpperCase();
  }
}

function scopeOf(info: RequestInfo): string {
  if (!info.isResourceRequest) return "";
  if (info.name !== "" || info.verb === "create") return "resource";
  if (info.namespace !== "") return "namespace";
  return "cluster";
}

/** What one request holds while it runs: the gauge it raised and the labels to report. */
export interface RequestTracking {
  labels: string[];
  gauge: GaugeChild;
  observe: boolean;
}

/**
 * Marks a request as started once it is authorized. `resources` keeps unknown resource names out
 * of the label values (a 404 on a typo must not mint a series).
 */
export function beginRequest(
  req: ApiRequest,
  info: RequestInfo,
  resources: ResourceRegistry,
): RequestTracking | undefined {
  if (!requestMetricsSwitch.enabled) return undefined;
  const known = info.isResourceRequest && resources.resource(info.apiGroup, info.apiVersion, info.resource);
  const verb = reportedVerb(req, info);
  const dryRun = req.url.includes("dryRun=All") ? "All" : "";
  const labels = known
    ? [
        verb,
        dryRun,
        info.apiGroup,
        info.apiVersion,
        info.resource,
        info.subresource,
        scopeOf(info),
        component,
      ]
    : [verb, dryRun, "", "", "", "", scopeOf(info), component];
  const long = verb === "WATCH" || verb === "CONNECT" || info.subresource === "log";
  let gauge: GaugeChild;
  if (long) {
    gauge = metrics.longRunning.labels(
      labels[0] as string,
      labels[2] as string,
      labels[3] as string,
      labels[4] as string,
      labels[5] as string,
      labels[6] as string,
      component,
    );
  } else gauge = verb === "GET" || verb === "LIST" || verb === "HEAD" ? readOnly : mutating;
  gauge.inc();
  return { labels, gauge, observe: !long };
}

/** Records the end of a request; `tracking` is absent when it failed before authorization. */
export function endRequest(
  req: ApiRequest,
  info: RequestInfo,
  tracking: RequestTracking | undefined,
  code: number,
  startedMs: number,
): void {
  if (!requestMetricsSwitch.enabled) return;
  let labels = tracking?.labels;
  if (tracking) tracking.gauge.dec();
  else {
    // Rejected by authentication or authorization: counted, with no resource labels to trust.
    labels = [reportedVerb(req, info), "", "", "", "", "", scopeOf(info), component];
  }
  if (!labels) return;
  metrics.total.labels(...labels, String(code)).inc();
  if (!tracking || tracking.observe)
    metrics.duration.labels(...labels).observe((performance.now() - startedMs) / 1000);
}

/** The counter of events one watch sends, looked up once per watch. */
export function watchEventCounter(group: string, version: string, resource: string): CounterChild {
  return metrics.watchEvents.labels(group, version, resource);
}
