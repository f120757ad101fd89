// One informer per deletable resource the server serves (re-discovered periodically so new
// resources such as custom ones are followed), feeding the ownerReferences graph and reporting
// each change to the garbage collector.
import { Informer } from "../../client/informer/informer.ts";
import type { ObjectLike } from "../../client/object.ts";
import type { RestClient } from "../../client/rest.ts";
import {
  type DiscoveredResource,
  discoverResources,
  KindMapper,
  preferredResources,
  supports,
} from "./discovery.ts";
import type { GraphNode, OwnerGraph } from "./graph.ts";

/** Kubernetes' GC ignores events: they are many and never owners worth tracking. */
export const defaultIgnoredResources = ["events", "events.events.k8s.io"];

export interface GraphChange {
  /** Absent for an addition. */
  previous?: GraphNode | undefined;
  /** Absent for a removal. */
  current?: GraphNode | undefined;
  ownersChanged: boolean;
}

export interface MonitorsOptions {
  client: RestClient;
  graph: OwnerGraph;
  onChange: (change: GraphChange) => void;
  onError?: (err: unknown) => void;
  /** `resource` or `resource.group` names left out. */
  ignoredResources?: readonly string[];
  /** Shared informers (the controller-manager's factory); default: informers of its own. */
  informerFor?: (resource: DiscoveredResource) => Informer;
}

interface Monitor {
  resource: DiscoveredResource;
  informer: Informer;
  /** Stops our use of the informer: its handler, and the informer itself when it is ours. */
  release(): Promise<void>;
}

const resourceId = (r: { group: string; resource: string }): string =>
  r.group ? `${r.resource}.${r.group}` : r.resource;

export function toNode(resource: DiscoveredResource, obj: ObjectLike): GraphNode | undefined {
  const m = obj.metadata;
  if (!m?.uid || !m.name) return undefined;
  return {
    uid: m.uid,
    resource,
    namespace: m.namespace ?? "",
    name: m.name,
    owners: m.ownerReferences ?? [],
    finalizers: m.finalizers ?? [],
    deleting: Boolean(m.deletionTimestamp),
  };
}

export class Monitors {
  private readonly informers = new Map<string, Monitor>();
  private mapper = new KindMapper([]);
  private stopped = false;

  constructor(private readonly options: MonitorsOptions) {}

  get kinds(): KindMapper {
    return this.mapper;
  }

  get resources(): DiscoveredResource[] {
    return [...this.informers.values()].map((m) => m.resource);
  }

  /** Discovers resources and starts/stops informers to match. Partial discovery keeps the rest. */
  async sync(): Promise<void> {
    const discovered = await discoverResources(this.options.client);
    if (this.stopped) return;
    for (const f of discovered.failed) this.options.onError?.(f.error);
    this.mapper = new KindMapper(discovered.resources);
    const ignored = new Set(this.options.ignoredResources ?? defaultIgnoredResources);
    const wanted = new Map<string, DiscoveredResource>();
    for (const r of preferredResources(discovered.resources)) {
      if (supports(r, "list", "watch", "delete") && !ignored.has(resourceId(r))) wanted.set(resourceId(r), r);
    }
    const failedGroups = new Set(discovered.failed.map((f) => f.groupVersion.split("/")[0] ?? ""));
    for (const [id, m] of this.informers) {
      const stillServed = wanted.get(id);
      if (stillServed?.version === m.resource.version) continue;
      if (!stillServed && failedGroups.has(m.resource.group)) continue;
      this.informers.delete(id);
      await m.release();
      const gone = this.options.graph.nodesOf((r) => resourceId(r) === id);
      for (const node of gone) {
        this.options.graph.remove(node.uid);
        this.options.onChange({ previous: node, ownersChanged: true });
      }
    }
    for (const [id, r] of wanted) if (!this.informers.has(id)) this.add(id, r);
  }

  private add(id: string, resource: DiscoveredResource): void {
    const { graph, onChange } = this.options;
    const shared = this.options.informerFor?.(resource);
    const informer =
      shared ??
      new Informer({
        client: this.options.client.resource(resource),
        indexers: {},
        ...(this.options.onError ? { onError: this.options.onError } : {}),
      });
    const upsert = (obj: ObjectLike): void => {
      const node = toNode(resource, obj);
      if (!node) return;
      const { previous, ownersChanged } = graph.upsert(node);
      onChange({ previous, current: node, ownersChanged });
    };
    const remove = (obj: ObjectLike): void => {
      const uid = obj.metadata?.uid;
      const previous = uid ? graph.remove(uid) : undefined;
      if (previous) onChange({ previous, ownersChanged: true });
    };
    const registration = informer.addEventHandler({
      onAdd: upsert,
      onUpdate: (old, obj) => {
        // The same name with a new uid: the old object is gone.
        if (old.metadata?.uid !== obj.metadata?.uid) remove(old);
        upsert(obj);
      },
      onDelete: remove,
    });
    const release = async (): Promise<void> => {
      registration.remove();
      if (!shared) await informer.stop();
    };
    this.informers.set(id, { resource, informer, release });
    // A shared informer is started by its factory (at once if the factory runs already).
    if (!shared) informer.start();
  }

  /** True once every informer has its first list. */
  synced(): boolean {
    return [...this.informers.values()].every((m) => m.informer.hasSynced());
  }

  async waitForSync(): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((m) => m.informer.waitForSync()));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.informers.values()];
    this.informers.clear();
    await Promise.all(all.map((m) => m.release()));
  }
}
