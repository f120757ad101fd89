// The kubectl walk-through as a reusable suite: one `skiff server --disable-agent` per call, driven
// by one real kubectl version, on SQLite or etcd. The test files only pick version and datastore.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import type { Kubectl, KubectlVersion } from "./kubectl.ts";
import { registerLifecycleTests } from "./kubectl-lifecycle.ts";
import { registerWalkthroughTests } from "./kubectl-walkthrough.ts";
import { SkiffServer, type TestDatastore } from "./skiff-server.ts";

export interface KubectlSuiteOptions {
  version: KubectlVersion;
  datastore: TestDatastore;
}

/** What the registered tests share: the server, the client and small helpers. */
export interface SuiteContext {
  readonly version: KubectlVersion;
  readonly server: SkiffServer;
  readonly kubectl: Kubectl;
  /** Writes a file into the server's temp dir and returns its path. */
  file(name: string, text: string): string;
  /** kubectl must exit 0; returns stdout. */
  ok(...args: string[]): Promise<string>;
}

export function describeKubectlSuite(options: KubectlSuiteOptions): void {
  const server = new SkiffServer({ datastore: options.datastore, apiOnly: true });
  const kubectl = server.client(options.version);
  const ctx: SuiteContext = {
    version: options.version,
    server,
    kubectl,
    file(name, text) {
      const path = join(server.dir.path, name);
      writeFileSync(path, text);
      return path;
    },
    ok: (...args) => kubectl.ok(...args),
  };
  describe(`kubectl ${options.version} against skiff server on ${options.datastore}`, () => {
    before(async () => {
      await server.start();
    });
    after(async () => {
      const alive = server.alive;
      const code = await server.stop();
      assert.ok(alive, `the server died during the suite:\n${server.log}`);
      assert.equal(code, 0, "server exits cleanly on SIGTERM");
    });
    registerWalkthroughTests(ctx);
    registerLifecycleTests(ctx);
  });
}
