// The clusterrole-aggregation controller, run inside the API server over its ClusterRole cache:
// a ClusterRole with an aggregationRule gets the union of the rules of every ClusterRole its
// selectors match (upstream runs it in kube-controller-manager; here it needs no client).
import type { ClusterRole, PolicyRule } from "kubernetes-types/rbac/v1.js";
import { labelSelectorToString, parseLabelSelector } from "../../../api/selector/label.ts";
import type { ApiHandler } from "../../handler.ts";
import { inProcessRequest } from "../../inprocess.ts";
import type { ObjectCache } from "../objectcache.ts";

const controllerUser = { name: "system:apiserver", groups: ["system:masters"] };

/** The aggregated rules for `role`, in name order of the matched roles, duplicates dropped. */
export function aggregatedRules(role: ClusterRole, all: Iterable<ClusterRole>): PolicyRule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) =>
    parseLabelSelector(labelSelectorToString(s)),
  );
  const sources = [...all]
    .filter(
      (r) => r.metadata?.name !== role.metadata?.name && selectors.some((s) => s.matches(r.metadata?.labels)),
    )
    .sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const src of sources) {
    for (const r of src.rules ?? []) {
      const key = JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      rules.push(r);
    }
  }
  return rules;
}

export class AggregationController {
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly handler: ApiHandler,
    private readonly clusterRoles: ObjectCache,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    clusterRoles.onChange(() => this.schedule());
  }

  start(): void {
    this.schedule();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.running;
  }

  /** Resolves once every pending sync has run (tests). */
  idle(): Promise<void> {
    return this.running;
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.running = this.running.then(async () => {
      await new Promise((r) => setImmediate(r));
      this.scheduled = false;
      if (!this.stopped) await this.syncAll().catch(this.onError);
    });
  }

  private async syncAll(): Promise<void> {
    const all = [...this.clusterRoles.values()] as ClusterRole[];
    for (const role of all) {
      if (!role.aggregationRule) continue;
      const rules = aggregatedRules(role, all);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      const res = await inProcessRequest(this.handler, {
        method: "PUT",
        path: `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata?.name ?? ""}`,
        user: controllerUser,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...role, rules }),
      });
      // 409: a newer version arrived; its watch event schedules another pass.
      if (res.status >= 300 && res.status !== 409)
        this.onError(new Error(`aggregating ${role.metadata?.name}: ${res.body}`));
    }
  }
}
