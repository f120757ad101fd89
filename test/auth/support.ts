// An in-process API server (real SQLite, watch cache) with Skiff's authentication and
// authorization wired as `skiff server` does, for auth tests and the RBAC matrix.

import { coreV1Resources } from "../../src/api/core/index.ts";
import { groupResources } from "../../src/api/groups.ts";
import { Registry } from "../../src/api/registry.ts";
import type { AdmissionPlugin } from "../../src/apiserver/admission.ts";
import { type Authenticator, createAuthenticator } from "../../src/apiserver/auth/authn.ts";
import type { AuthorizationMode } from "../../src/apiserver/auth/authz.ts";
import { withImpersonation } from "../../src/apiserver/auth/impersonation.ts";
import { reviewHandlers, reviewResources } from "../../src/apiserver/auth/reviews.ts";
import { type Auth, createAuth } from "../../src/apiserver/auth/setup.ts";
import type { UserInfo } from "../../src/apiserver/auth/user.ts";
import { defaultSeed, seed } from "../../src/apiserver/seed.ts";
import { TestApi } from "../support/inprocess-api.ts";
import { tempDir } from "../support/tempdir.ts";

export class AuthTestApi {
  readonly api: TestApi;
  private auth: Auth | undefined;
  private readonly dir = tempDir("skiff-auth-");
  private readonly registry: Registry;

  constructor(
    readonly modes: AuthorizationMode[] = ["Node", "RBAC"],
    tokens?: ReadonlyMap<string, UserInfo>,
  ) {
    const get = (): Auth => {
      if (!this.auth) throw new Error("AuthTestApi used before start()");
      return this.auth;
    };
    // The handler exists before the caches it authorizes with: these delegate once they exist.
    const admission: AdmissionPlugin = {
      name: "auth",
      validate: async (attrs) => {
        for (const p of get().admission) await p.validate?.(attrs);
      },
    };
    // Built once on first use (the token authenticators exist only after start()).
    let built: Authenticator | undefined;
    const real = (): Authenticator => {
      built ??= withImpersonation(
        createAuthenticator({
          ...(tokens ? { tokens } : {}),
          tokenAuthenticators: get().tokenAuthenticators,
        }),
        get().decisions,
      );
      return built;
    };
    const authenticator: Authenticator = {
      authenticate: (req) => real().authenticate(req),
      authenticateToken: (token, audiences) =>
        real().authenticateToken?.(token, audiences) ?? Promise.resolve(undefined),
    };
    const virtualResources = reviewHandlers({
      authenticator,
      authorizer: { decide: (a) => get().decisions.decide(a) },
      rulesFor: (user, namespace) => get().rulesFor?.(user, namespace) ?? [],
    });
    const resources = [...coreV1Resources, ...groupResources(), ...reviewResources()];
    this.registry = new Registry().add(...resources);
    this.api = new TestApi({
      resources,
      watchCache: true,
      handler: {
        authenticator,
        authorizer: { authorize: (user, info) => get().authorizer.authorize(user, info) },
        admission: [admission],
        virtualResources,
      },
    });
  }

  get handler() {
    return this.api.handler;
  }

  get authz(): Auth {
    if (!this.auth) throw new Error("not started");
    return this.auth;
  }

  /** Seeds namespaces, builds the caches and reconciles the bootstrap policy. */
  async start(): Promise<void> {
    const source = this.api.cache;
    if (!source) throw new Error("watch cache missing");
    await source.start();
    this.auth = await createAuth({
      registry: this.registry,
      source,
      modes: this.modes,
      dataDir: this.dir.path,
      caCert: "",
      serverUrl: () => "https://127.0.0.1:6443",
    });
    await this.auth.start(this.api.handler);
    const problems = await seed(this.api.handler, defaultSeed(undefined));
    if (problems.length > 0) throw new Error(`seeding failed: ${problems.join("; ")}`);
  }

  async close(): Promise<void> {
    await this.auth?.stop();
    await this.api.close();
    this.dir.remove();
  }
}
