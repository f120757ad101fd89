// The `authorizer` CEL variable of admission policies: `authorizer.group('apps')
// .resource('deployments').namespace('ns').check('delete').allowed()`, `authorizer.path('/healthz')`
// and `authorizer.serviceAccount(ns, name)`, answered by the API server's authorization chain.
import { type Attributes, type DecisionAuthorizer, nonResourceAttributes } from "../../auth/attributes.ts";
import type { UserInfo } from "../../auth/user.ts";
import { miss } from "../../cel/functions.ts";
import { CelOpaque, type FunctionDef } from "../../cel/index.ts";

interface Target {
  user: UserInfo;
  decide: DecisionAuthorizer["decide"];
}

export class AuthorizerValue extends CelOpaque {
  readonly typeName = "kubernetes.authorization.Authorizer";
  constructor(readonly target: Target) {
    super();
  }
}

class PathCheck extends CelOpaque {
  readonly typeName = "kubernetes.authorization.PathCheck";
  constructor(
    readonly target: Target,
    readonly path: string,
  ) {
    super();
  }
}

class ResourceCheck extends CelOpaque {
  readonly typeName = "kubernetes.authorization.ResourceCheck";
  constructor(
    readonly target: Target,
    readonly attrs: Omit<Attributes, "user" | "verb" | "path" | "isResourceRequest">,
  ) {
    super();
  }
  with(change: Partial<ResourceCheck["attrs"]>): ResourceCheck {
    return new ResourceCheck(this.target, { ...this.attrs, ...change });
  }
}

class Decision extends CelOpaque {
  readonly typeName = "kubernetes.authorization.Decision";
  readonly errored = false;
  readonly error = "";
  constructor(
    readonly decision: string,
    readonly reason: string,
  ) {
    super();
  }
}

function text(fn: string, v: unknown): string {
  if (typeof v !== "string") throw miss(fn);
  return v;
}

function resourceStep(fn: "resource" | "subresource" | "namespace" | "name"): FunctionDef {
  return {
    member: {
      arities: [1],
      impl: (t, [v]) => {
        if (!(t instanceof ResourceCheck)) throw miss(fn, t);
        return t.with({ [fn]: text(fn, v) });
      },
    },
  };
}

function decide(target: Target, attrs: Attributes): Decision {
  const d = target.decide(attrs);
  return new Decision(d.decision, d.reason);
}

export const authorizerLibrary: Record<string, FunctionDef> = {
  group: {
    member: {
      arities: [1],
      impl: (t, [g]) => {
        if (!(t instanceof AuthorizerValue)) throw miss("group", t);
        return new ResourceCheck(t.target, {
          apiGroup: text("group", g),
          apiVersion: "*",
          resource: "",
          subresource: "",
          namespace: "",
          name: "",
        });
      },
    },
  },
  resource: resourceStep("resource"),
  subresource: resourceStep("subresource"),
  namespace: resourceStep("namespace"),
  name: resourceStep("name"),
  path: {
    member: {
      arities: [1],
      impl: (t, [p]) => {
        if (!(t instanceof AuthorizerValue)) throw miss("path", t);
        return new PathCheck(t.target, text("path", p));
      },
    },
  },
  serviceAccount: {
    member: {
      arities: [2],
      impl: (t, [ns, name]) => {
        if (!(t instanceof AuthorizerValue)) throw miss("serviceAccount", t);
        const namespace = text("serviceAccount", ns);
        const user: UserInfo = {
          name: `system:serviceaccount:${namespace}:${text("serviceAccount", name)}`,
          groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
        };
        return new AuthorizerValue({ user, decide: t.target.decide });
      },
    },
  },
  check: {
    member: {
      arities: [1],
      impl: (t, [v]) => {
        const verb = text("check", v);
        if (t instanceof PathCheck)
          return decide(t.target, nonResourceAttributes(t.target.user, verb, t.path));
        if (t instanceof ResourceCheck)
          return decide(t.target, {
            ...t.attrs,
            user: t.target.user,
            verb,
            isResourceRequest: true,
            path: "",
          });
        throw miss("check", t);
      },
    },
  },
  allowed: { member: { arities: [0], impl: (t) => decision(t, "allowed").decision === "allow" } },
  denied: { member: { arities: [0], impl: (t) => decision(t, "denied").decision !== "allow" } },
  reason: { member: { arities: [0], impl: (t) => decision(t, "reason").reason } },
  // The authorization chain answers synchronously and cannot fail: never errored.
  errored: { member: { arities: [0], impl: (t) => decision(t, "errored").errored } },
  error: { member: { arities: [0], impl: (t) => decision(t, "error").error } },
};

function decision(t: unknown, fn: string): Decision {
  if (!(t instanceof Decision)) throw miss(fn);
  return t;
}
