// An ApiHandler over a real SqliteStore in a temp dir, driven in-process, for handler tests.
import { Registry } from "../../src/api/registry.ts";
import type { ResourceDef } from "../../src/api/resource.ts";
import { ApiHandler, type ApiHandlerOptions } from "../../src/apiserver/handler.ts";
import { type InProcessStream, inProcessRequest, inProcessStream } from "../../src/apiserver/inprocess.ts";
import { defaultSeed, seed } from "../../src/apiserver/seed.ts";
import { WatchCache } from "../../src/apiserver/watchcache/watchcache.ts";
import { SqliteStore } from "../../src/storage/sqlite/sqlite-store.ts";
import { tempDir } from "./tempdir.ts";
import { testResources } from "./testresources.ts";

export const admin = { name: "admin", groups: ["system:masters"] };

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
  json: any;
}

export class TestApi {
  readonly store: SqliteStore;
  readonly handler: ApiHandler;
  private readonly dir = tempDir();

  /** Present when lists and watches are served through the watch cache (as in production). */
  readonly cache: WatchCache | undefined;

  constructor(
    options: { resources?: ResourceDef[]; handler?: Partial<ApiHandlerOptions>; watchCache?: boolean } = {},
  ) {
    this.store = SqliteStore.open({
      path: `${this.dir.path}/state.db`,
      compaction: false,
      synchronous: "normal",
    });
    const registry = new Registry().add(...(options.resources ?? testResources));
    this.cache = options.watchCache ? new WatchCache({ store: this.store }) : undefined;
    this.handler = new ApiHandler({
      registry,
      store: this.store,
      ...(this.cache ? { source: this.cache } : {}),
      ...options.handler,
    });
  }

  /** Starts the cache (if any) and creates the seed namespaces. */
  async seed(): Promise<void> {
    await this.cache?.start();
    await seed(this.handler, defaultSeed(undefined));
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    user: { name: string; groups: string[] } | null = admin,
  ): Promise<JsonResponse> {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const res = await inProcessRequest(this.handler, {
      method,
      path,
      headers: { "content-type": "application/json", ...headers },
      ...(text !== undefined ? { body: text } : {}),
      ...(user ? { user } : {}),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { ...res, json };
  }

  stream(path: string, headers: Record<string, string> = {}): InProcessStream {
    return inProcessStream(this.handler, { method: "GET", path, headers, user: admin });
  }

  async close(): Promise<void> {
    this.handler.closeWatches();
    await this.handler.drained();
    this.cache?.stop();
    await this.store.close();
    this.dir.remove();
  }
}
