// The ownerReferences graph: every observed object by uid, and for each uid the objects that
// name it as an owner (whether or not the owner itself has been observed).
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { DiscoveredResource } from "./discovery.ts";

export const orphanFinalizer = "orphan";
export const foregroundFinalizer = "foregroundDeletion";

export interface GraphNode {
  uid: string;
  resource: DiscoveredResource;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  owners: readonly OwnerReference[];
  finalizers: readonly string[];
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
}

/** Deleting in the foreground: the owner waits for its blocking dependents to go. */
export function isDeletingDependents(node: GraphNode): boolean {
  return node.deleting && node.finalizers.includes(foregroundFinalizer);
}

export function isOrphaning(node: GraphNode): boolean {
  return node.deleting && node.finalizers.includes(orphanFinalizer);
}

export function describeNode(node: Pick<GraphNode, "resource" | "namespace" | "name" | "uid">): string {
  const r = node.resource.group ? `${node.resource.resource}.${node.resource.group}` : node.resource.resource;
  return `${r} ${node.namespace ? `${node.namespace}/` : ""}${node.name} (uid ${node.uid})`;
}

const sameOwners = (a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean =>
  a.length === b.length &&
  a.every(
    (r, i) => r.uid === b[i]?.uid && Boolean(r.blockOwnerDeletion) === Boolean(b[i]?.blockOwnerDeletion),
  );

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  /** owner uid → dependent uids */
  private readonly dependentsOf = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Stores the node; returns the previous state and whether its owner list changed. */
  upsert(node: GraphNode): { previous: GraphNode | undefined; ownersChanged: boolean } {
    const previous = this.nodes.get(node.uid);
    if (previous) this.unlink(previous);
    this.nodes.set(node.uid, node);
    for (const ref of node.owners) {
      let deps = this.dependentsOf.get(ref.uid);
      if (!deps) {
        deps = new Set();
        this.dependentsOf.set(ref.uid, deps);
      }
      deps.add(node.uid);
    }
    return { previous, ownersChanged: !previous || !sameOwners(previous.owners, node.owners) };
  }

  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.unlink(node);
    this.nodes.delete(uid);
    return node;
  }

  /** Observed objects naming `uid` as an owner. */
  dependents(uid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependentsOf.get(uid) ?? []) {
      const node = this.nodes.get(d);
      if (node) out.push(node);
    }
    return out;
  }

  /** Dependents whose reference to `uid` has blockOwnerDeletion: a foreground deletion waits for them. */
  blockingDependents(uid: string): GraphNode[] {
    return this.dependents(uid).filter((d) =>
      d.owners.some((r) => r.uid === uid && r.blockOwnerDeletion === true),
    );
  }

  /** Every node of a resource (to drop them when the resource is no longer served). */
  nodesOf(resourceKey: (r: DiscoveredResource) => boolean): GraphNode[] {
    return [...this.nodes.values()].filter((n) => resourceKey(n.resource));
  }

  private unlink(node: GraphNode): void {
    for (const ref of node.owners) {
      const deps = this.dependentsOf.get(ref.uid);
      deps?.delete(node.uid);
      if (deps?.size === 0) this.dependentsOf.delete(ref.uid);
    }
  }
}
