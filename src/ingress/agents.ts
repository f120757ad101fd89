// Keep-alive HTTP agents, one per backend endpoint, so requests reuse connections; agents of
// endpoints that left the routing table are retired: idle sockets close at once, in-flight
// requests get a grace period before the rest is destroyed.
import { Agent } from "node:http";
import type { Target } from "./backends.ts";
import { targetKey } from "./balancer.ts";

export interface AgentPoolOptions {
  /** Idle keep-alive sockets per endpoint (default 64). */
  maxFreeSockets?: number;
  /** How long a retired endpoint's in-flight requests may finish (default 30 s). */
  retireGraceMs?: number;
}

export class AgentPool {
  private readonly agents = new Map<string, Agent>();
  private readonly retiring = new Set<{ agent: Agent; timer: NodeJS.Timeout }>();

  constructor(private readonly options: AgentPoolOptions = {}) {}

  agentFor(t: Target): Agent {
    const k = targetKey(t);
    let agent = this.agents.get(k);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        maxFreeSockets: this.options.maxFreeSockets ?? 64,
        scheduling: "lifo",
      });
      this.agents.set(k, agent);
    }
    return agent;
  }

  /** Retires the agents of endpoints not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [k, agent] of this.agents) {
      if (keep.has(k)) continue;
      this.agents.delete(k);
      for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.destroy();
      const entry = {
        agent,
        timer: setTimeout(() => {
          agent.destroy();
          this.retiring.delete(entry);
        }, this.options.retireGraceMs ?? 30_000),
      };
      entry.timer.unref();
      this.retiring.add(entry);
    }
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    for (const r of this.retiring) {
      clearTimeout(r.timer);
      r.agent.destroy();
    }
    this.retiring.clear();
  }
}
