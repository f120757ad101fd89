// Keeps the Registry in step with the accepted CRDs: each CRD's served versions become
// ResourceDefs; a group's custom resources are re-registered together so its versions stay in
// Kubernetes' priority order (the first one is the group's preferred version in discovery).
import {
  type CustomResourceDef,
  compareVersions,
  customResourceDefs,
} from "../../api/apiextensions/customresource.ts";
import { registerCustomKindSchema } from "../../api/apiextensions/strict-schema.ts";
import type { CustomResourceDefinition } from "../../api/apiextensions/types.ts";
import type { Registry } from "../../api/registry.ts";
import { withWebhookConversion } from "./conversion.ts";
import { withValidationRules } from "./rules-strategy.ts";

interface Served {
  crd: CustomResourceDefinition;
  terminating: boolean;
  /** The spec and name the defs were built from: status-only changes do not re-register. */
  fingerprint: string;
  defs: CustomResourceDef[];
}

export class CustomResourceRegistrar {
  private readonly served = new Map<string, Served>();

  constructor(private readonly registry: Registry) {}

  /** Serves (or re-serves, after a change) the CRD's resources. */
  serve(crd: CustomResourceDefinition, options: { terminating?: boolean } = {}): void {
    const name = crd.metadata?.name ?? "";
    const terminating = options.terminating === true;
    const existing = this.served.get(name);
    const fingerprint = JSON.stringify([crd.spec, crd.metadata?.uid]);
    if (existing && existing.fingerprint === fingerprint && existing.terminating === terminating) {
      existing.crd = crd;
      return;
    }
    const group = crd.spec.group;
    const oldGroup = existing?.crd.spec.group;
    const defs = withWebhookConversion(crd, customResourceDefs(crd, { terminating })).map(
      withValidationRules,
    );
    this.served.set(name, { crd, terminating, fingerprint, defs });
    if (oldGroup !== undefined && oldGroup !== group) this.regroup(oldGroup);
    this.regroup(group);
  }

  /** Stops serving the CRD's resources (404 from then on). */
  unserve(name: string): void {
    const existing = this.served.get(name);
    if (!existing) return;
    this.served.delete(name);
    this.regroup(existing.crd.spec.group);
  }

  /** Stops serving everything (server shutdown): the strict-decoding schemas are process-wide. */
  unserveAll(): void {
    for (const name of [...this.served.keys()]) this.unserve(name);
  }

  /** A served ResourceDef of the CRD (its objects share one storage, whatever the version). */
  defOf(name: string): CustomResourceDef | undefined {
    return this.served.get(name)?.defs[0];
  }

  /** The CRDs currently served (for name-conflict checks). */
  crds(): CustomResourceDefinition[] {
    return [...this.served.values()].map((s) => s.crd);
  }

  private regroup(group: string): void {
    const current = this.registry.all().filter((d) => d.group === group && "customResource" in d);
    if (current.length > 0) this.registry.remove(...current);
    for (const d of current) registerCustomKindSchema(d, undefined);
    const defs: CustomResourceDef[] = [];
    for (const s of this.served.values()) if (s.crd.spec.group === group) defs.push(...s.defs);
    // Stable sort: versions by priority, resources of one version in CRD order.
    defs.sort((a, b) => compareVersions(a.version, b.version));
    const free = defs.filter((d) => !this.registry.resource(d.group, d.version, d.resource));
    if (free.length > 0) this.registry.add(...free);
    for (const d of free) registerCustomKindSchema(d, d.customResource.schema);
  }
}
