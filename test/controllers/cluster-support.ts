// A whole control plane for controller scenarios: `skiff server` (API + scheduler) as a child,
// the controller-manager in this process over HTTPS with test settings (compressed node grace
// period, a temp data dir), hollow nodes from `skiff sim`, and kubectl 1.32.
import assert from "node:assert/strict";
import {
  type DefaultControllerOptions,
  defaultControllers,
  startControllerManager,
} from "../../src/cli/controller-manager.ts";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { type ControllerManager, silentLogger } from "../../src/controllers/manager.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";

export class TestCluster {
  readonly server = new SkiffServer();
  private manager: ControllerManager | undefined;
  private readonly sims: SkiffChild[] = [];

  async start(controllers: DefaultControllerOptions = {}): Promise<void> {
    await this.server.start(["--disable-controller-manager"]);
    const transport = new HttpsTransport({
      connection: loadKubeconfig(this.server.kubeconfig),
      maxSockets: 256,
      userAgent: "skiff-controller-manager-test",
    });
    this.manager = startControllerManager({
      transport,
      logger: process.env.SKIFF_TEST_CM_LOG ? consoleLogger : silentLogger,
      leaderElection: false,
      controllers: defaultControllers({ dataDir: this.server.dir.path, ...controllers }),
    });
  }

  /** Hollow nodes named <prefix>-0…; their heartbeats stop with `stopSim`. */
  async startSim(prefix: string, nodes: number, extra: string[] = []): Promise<SkiffChild> {
    const sim = await SkiffChild.start(
      ["sim", "--kubeconfig", this.server.kubeconfig, "--nodes", String(nodes), "--prefix", prefix, ...extra],
      "skiff sim ready",
    );
    this.sims.push(sim);
    return sim;
  }

  async stop(): Promise<void> {
    for (const s of this.sims) await s.stop();
    await this.manager?.stop();
    await this.server.stop();
  }

  /** kubectl that must succeed; returns stdout. */
  async kubectl(args: string[], input?: string): Promise<string> {
    const r = await this.server.kubectl(args, {
      timeoutMs: 90_000,
      ...(input === undefined ? {} : { input }),
    });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}\n${this.server.log}`);
    return r.stdout;
  }

  /** kubectl -o json parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
  async json(args: string[]): Promise<any> {
    return JSON.parse(await this.kubectl([...args, "-o", "json"]));
  }
}

/** Polls until `check` returns a value (no timing assertions: the test's own timeout bounds it). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const consoleLogger = {
  info: (o: object, m?: string) => console.error("info", m, o),
  warn: (o: object, m?: string) => console.error("warn", m, o),
  error: (o: object, m?: string) => console.error("error", m, o),
  debug: () => {},
};
