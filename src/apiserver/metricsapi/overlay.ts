// Serves the metrics resources through the generic GET/LIST handlers without storing them: the
// handler's object source (LIST) and Store (GET) are wrapped so reads of metrics.k8s.io keys are
// answered from the collector's memory and everything else passes through untouched.
import type { ResourceDef } from "../../api/resource.ts";
import type { KeyValue, Store } from "../../storage/store.ts";
import type { ObjectSource, SourceListOptions, SourcePage } from "../rest/source.ts";
import { encodeForStore } from "../storage/objectstore.ts";
import type { MetricsCollector } from "./collector.ts";
import { isMetricsResource, nodeMetricsResource, podMetricsResource } from "./resources.ts";

export function metricsSource(inner: ObjectSource, collector: MetricsCollector): ObjectSource {
  return {
    async list(def: ResourceDef, options: SourceListOptions): Promise<SourcePage> {
      if (!isMetricsResource(def)) return inner.list(def, options);
      const items =
        def.resource === "nodes" ? collector.listNodeMetrics() : collector.listPodMetrics(options.namespace);
      return { items, revision: await inner.currentRevision() };
    },
    listEncoded: async (def, options) =>
      isMetricsResource(def) ? undefined : inner.listEncoded?.(def, options),
    listEncodedPage: async (def, options) =>
      isMetricsResource(def) ? undefined : inner.listEncodedPage?.(def, options),
    peek: (def, namespace, name) => (isMetricsResource(def) ? undefined : inner.peek?.(def, namespace, name)),
    watch: (def, options, listener) => inner.watch(def, options, listener),
    currentRevision: () => inner.currentRevision(),
  };
}

const nodePrefix = `${nodeMetricsResource.storagePrefix}/`;
const podPrefix = `${podMetricsResource.storagePrefix}/`;

/** The Store with GETs of metrics keys answered by the collector (writes there never happen: the verbs forbid them). */
export function metricsStore(inner: Store, collector: MetricsCollector): Store {
  const get = async (key: string): Promise<KeyValue | undefined> => {
    let obj: ReturnType<MetricsCollector["nodeMetrics"]>;
    let def: ResourceDef;
    if (key.startsWith(nodePrefix)) {
      def = nodeMetricsResource;
      obj = collector.nodeMetrics(key.slice(nodePrefix.length));
    } else if (key.startsWith(podPrefix)) {
      def = podMetricsResource;
      const [namespace = "", name = ""] = key.slice(podPrefix.length).split("/");
      obj = collector.podMetrics(namespace, name);
    } else return inner.get(key);
    if (!obj) return undefined;
    const revision = await inner.currentRevision();
    return {
      key,
      value: encodeForStore(def, obj),
      createRevision: revision,
      modRevision: revision,
      version: 1,
      lease: 0,
    };
  };
  return {
    get,
    list: (prefix, options) => inner.list(prefix, options),
    count: (prefix) => inner.count(prefix),
    create: (key, value, options) => inner.create(key, value, options),
    update: (key, value, expected, options) => inner.update(key, value, expected, options),
    delete: (key, expected) => inner.delete(key, expected),
    watch: (prefix, from, listener) => inner.watch(prefix, from, listener),
    compact: (revision) => inner.compact(revision),
    currentRevision: () => inner.currentRevision(),
    close: () => inner.close(),
  };
}
