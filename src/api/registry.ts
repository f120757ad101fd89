// The registry of served resources: lookups by URL parts (group/version/resource) and by kind,
// and the group/version lists that discovery and OpenAPI publish.
import type { ResourceDef } from "./resource.ts";

export interface GroupVersions {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class Registry {
  private readonly defs: ResourceDef[] = [];
  private readonly byGvr = new Map<string, ResourceDef>();
  private readonly byGvk = new Map<string, ResourceDef>();
  private readonly groupList: GroupVersions[] = [];
  private changes = 0;

  /** Grows on every add and remove, so caches of derived documents (OpenAPI) know to rebuild. */
  get revision(): number {
    return this.changes;
  }

  /** Adds resources; the order of first appearance of groups and versions is the preference order. */
  add(...defs: ResourceDef[]): this {
    for (const def of defs) {
      const gvr = `${def.group}/${def.version}/${def.resource}`;
      if (this.byGvr.has(gvr)) throw new Error(`resource ${gvr} registered twice`);
      this.defs.push(def);
      this.byGvr.set(gvr, def);
      this.byGvk.set(`${def.group}/${def.version}/${def.kind}`, def);
      let g = this.groupList.find((x) => x.group === def.group);
      if (!g) {
        g = { group: def.group, versions: [] };
        this.groupList.push(g);
      }
      if (!g.versions.includes(def.version)) g.versions.push(def.version);
    }
    this.changes++;
    return this;
  }

  /**
   * Removes resources (custom resources whose definition changed or went away); versions and
   * groups left without resources disappear from discovery.
   */
  remove(...defs: ResourceDef[]): this {
    for (const def of defs) {
      const gvr = `${def.group}/${def.version}/${def.resource}`;
      const existing = this.byGvr.get(gvr);
      if (!existing) continue;
      this.byGvr.delete(gvr);
      const gvk = `${def.group}/${def.version}/${existing.kind}`;
      if (this.byGvk.get(gvk) === existing) this.byGvk.delete(gvk);
      this.defs.splice(this.defs.indexOf(existing), 1);
      const g = this.groupList.find((x) => x.group === def.group);
      if (!g) continue;
      if (!this.defs.some((d) => d.group === def.group && d.version === def.version)) {
        g.versions.splice(g.versions.indexOf(def.version), 1);
      }
      if (g.versions.length === 0) this.groupList.splice(this.groupList.indexOf(g), 1);
    }
    this.changes++;
    return this;
  }

  resource(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byGvr.get(`${group}/${version}/${resource}`);
  }

  kind(group: string, version: string, kind: string): ResourceDef | undefined {
    return this.byGvk.get(`${group}/${version}/${kind}`);
  }

  /** All resources of one group/version, in registration order. */
  resources(group: string, version: string): ResourceDef[] {
    return this.defs.filter((d) => d.group === group && d.version === version);
  }

  all(): readonly ResourceDef[] {
    return this.defs;
  }

  /** Groups in preference order; the core group ("") is listed too. */
  groups(): readonly GroupVersions[] {
    return this.groupList;
  }

  /** The storage prefix of a resource (shared by all versions of it). */
  static storagePrefix(def: ResourceDef): string {
    return def.storagePrefix ?? (def.group === "" ? def.resource : `${def.group}/${def.resource}`);
  }
}
