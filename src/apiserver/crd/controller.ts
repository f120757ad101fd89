// Follows CustomResourceDefinitions through the watch cache and serves what they define: names
// accepted → resources registered (REST, discovery, OpenAPI and tables follow the Registry) and
// NamesAccepted/Established written to status; a deleted CRD (cleanup finalizer) has its custom
// resources deleted, then the finalizer removed, then its endpoints unregistered.
import { customResourceDefinitions } from "../../api/apiextensions/crd.ts";
import {
  type CrdCondition,
  type CustomResourceDefinition,
  crdCleanupFinalizer,
} from "../../api/apiextensions/types.ts";
import type { KubeObject } from "../../api/object.ts";
import type { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { ObjectCache } from "../auth/objectcache.ts";
import type { ApiHandler, Logger } from "../handler.ts";
import { inProcessRequest } from "../inprocess.ts";
import type { ObjectSource } from "../rest/source.ts";
import { decideNames } from "./naming.ts";
import { CustomResourceRegistrar } from "./registrar.ts";

const systemUser = { name: "system:apiserver", groups: ["system:masters"] };
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export interface CrdControllerOptions {
  registry: Registry;
  source: ObjectSource;
  handler: ApiHandler;
  logger?: Logger;
  /** How long to wait before re-checking that a deleted CRD's objects are gone (default 500 ms). */
  cleanupRetryMs?: number;
  now?: () => Date;
}

export class CrdController {
  private readonly cache: ObjectCache;
  private readonly registrar: CustomResourceRegistrar;
  private readonly pending = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: CrdControllerOptions) {
    const def = options.registry.resource("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    this.cache = new ObjectCache(options.source, def ?? (customResourceDefinitions as ResourceDef));
    this.registrar = new CustomResourceRegistrar(options.registry);
  }

  /** Lists the CRDs and serves the accepted ones before resolving (a restarted server serves them at once). */
  async start(): Promise<void> {
    this.cache.onChange((obj) => this.enqueue(obj.metadata?.name ?? ""));
    await this.cache.start();
    // Serve what was already established synchronously; status writes follow in the queue.
    for (const obj of this.cache.values()) {
      const crd = obj as CustomResourceDefinition;
      if (!crd.metadata?.deletionTimestamp && isEstablished(crd)) this.registrar.serve(crd);
    }
  }

  stop(): void {
    this.stopped = true;
    this.cache.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.registrar.unserveAll();
  }

  /** Resolves once every queued CRD has been processed (tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await this.running;
    await this.running;
  }

  private enqueue(name: string): void {
    if (name === "" || this.stopped || this.pending.has(name)) return;
    this.pending.add(name);
    this.running = this.running
      .then(async () => {
        this.pending.delete(name);
        if (!this.stopped) await this.sync(name);
      })
      .catch((err: unknown) => this.options.logger?.error({ err, crd: name }, "CRD sync failed"));
  }

  private later(name: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(name);
    }, this.options.cleanupRetryMs ?? 500);
    timer.unref();
    this.timers.add(timer);
  }

  private async sync(name: string): Promise<void> {
    const crd = this.cache.get("", name) as CustomResourceDefinition | undefined;
    if (!crd) {
      this.registrar.unserve(name);
      return;
    }
    if (crd.metadata?.deletionTimestamp) {
      await this.finalize(crd);
      return;
    }
    const decision = decideNames({
      crd,
      others: this.registrar.crds(),
      registry: this.options.registry,
      now: (this.options.now ?? (() => new Date()))(),
    });
    if (decision.accepted) this.registrar.serve(crd);
    else this.registrar.unserve(name);
    await this.writeStatus(crd, decision.conditions, decision.acceptedNames);
  }

  private async writeStatus(
    crd: CustomResourceDefinition,
    conditions: CrdCondition[],
    acceptedNames: CustomResourceDefinition["spec"]["names"],
  ): Promise<void> {
    const old = crd.status?.conditions ?? [];
    // An unchanged condition keeps its lastTransitionTime (and so writes nothing).
    const settled = conditions.map((c) => {
      const prev = old.find((o) => o.type === c.type);
      return prev && prev.status === c.status && prev.reason === c.reason
        ? { ...c, lastTransitionTime: prev.lastTransitionTime }
        : c;
    });
    const merged = [...old.filter((c) => !settled.some((n) => n.type === c.type)), ...settled];
    const status = { ...(crd.status ?? {}), conditions: merged, acceptedNames };
    if (JSON.stringify(status) === JSON.stringify(crd.status)) return;
    const res = await inProcessRequest(this.options.handler, {
      method: "PUT",
      path: `${crdPath}/${crd.metadata?.name ?? ""}/status`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...crd, status }),
      user: systemUser,
    });
    // 409: a newer version is on its way through the watch and will be synced again.
    if (res.status >= 300 && res.status !== 409 && res.status !== 404) {
      this.options.logger?.error(
        { crd: crd.metadata?.name, status: res.status, body: res.body },
        "CRD status update failed",
      );
    }
  }

  /** The cleanup finalizer: delete every custom resource, wait until none is left, release the CRD. */
  private async finalize(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata?.name ?? "";
    const finalizers = crd.metadata?.finalizers ?? [];
    if (!finalizers.includes(crdCleanupFinalizer)) return;
    if (this.registrar.defOf(name)) this.registrar.serve(crd, { terminating: true });
    const def = this.registrar.defOf(name);
    if (def) {
      const page = await this.options.source.list(def, {});
      if (page.items.length > 0) {
        await this.writeStatus(
          crd,
          [terminating("InstanceDeletionInProgress", "CustomResource deletion is in progress")],
          crd.status?.acceptedNames ?? crd.spec.names,
        );
        await this.deleteAll(def, page.items);
        this.later(name);
        return;
      }
    }
    const res = await inProcessRequest(this.options.handler, {
      method: "PATCH",
      path: `${crdPath}/${name}`,
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({
        metadata: {
          resourceVersion: crd.metadata?.resourceVersion,
          finalizers: finalizers.filter((f) => f !== crdCleanupFinalizer),
        },
      }),
      user: systemUser,
    });
    if (res.status === 409) this.later(name);
  }

  private async deleteAll(def: ResourceDef, items: KubeObject[]): Promise<void> {
    const base = `/apis/${def.group}/${def.version}`;
    for (const item of items) {
      if (item.metadata?.deletionTimestamp) continue;
      const ns = def.namespaced ? `/namespaces/${item.metadata?.namespace ?? ""}` : "";
      await inProcessRequest(this.options.handler, {
        method: "DELETE",
        path: `${base}${ns}/${def.resource}/${item.metadata?.name ?? ""}`,
        user: systemUser,
      });
    }
  }
}

function terminating(reason: string, message: string): CrdCondition {
  return {
    type: "Terminating",
    status: "True",
    reason,
    message,
    lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
}
