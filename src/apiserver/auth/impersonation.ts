// Impersonation (`kubectl --as/--as-group/--as-uid`): Impersonate-User, -Group, -Uid and
// -Extra-<key> headers, each allowed only with the `impersonate` verb on users, groups, uids,
// userextras/<key> or the service account.
import { BadRequestError } from "../../api/errors.ts";
import type { ApiRequest } from "../http/sink.ts";
import { type Attributes, type DecisionAuthorizer, forbiddenError } from "./attributes.ts";
import type { Authenticator } from "./authn.ts";
import { authenticatedGroup, type UserInfo } from "./user.ts";

const saPrefix = "system:serviceaccount:";

function values(req: ApiRequest, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  // node:http joins repeated custom headers with ", ".
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(", ")).filter((x) => x !== "");
}

interface Requested {
  user: string | undefined;
  groups: string[];
  uid: string | undefined;
  extra: Record<string, string[]>;
}

function requested(req: ApiRequest): Requested | undefined {
  const extra: Record<string, string[]> = {};
  for (const name of Object.keys(req.headers)) {
    if (!name.startsWith("impersonate-extra-")) continue;
    const key = decodeURIComponent(name.slice("impersonate-extra-".length)).toLowerCase();
    extra[key] = values(req, name);
  }
  const user = values(req, "impersonate-user")[0];
  const groups = values(req, "impersonate-group");
  const uid = values(req, "impersonate-uid")[0];
  if (user === undefined && groups.length === 0 && uid === undefined && Object.keys(extra).length === 0)
    return undefined;
  return { user, groups, uid, extra };
}

function attrs(user: UserInfo, resource: string, name: string, more: Partial<Attributes> = {}): Attributes {
  return {
    user,
    verb: "impersonate",
    isResourceRequest: true,
    path: "",
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource,
    subresource: "",
    name,
    ...more,
  };
}

/** Wraps an authenticator so that allowed impersonation replaces the caller. */
export function withImpersonation(inner: Authenticator, authorizer: DecisionAuthorizer): Authenticator {
  const check = (a: Attributes): void => {
    const d = authorizer.decide(a);
    if (d.decision !== "allow") throw forbiddenError(a, d.reason);
  };
  const impersonate = (user: UserInfo | undefined, req: ApiRequest): UserInfo | undefined => {
    const r = requested(req);
    if (!r || !user) return user;
    if (r.user === undefined) {
      throw new BadRequestError(
        "requested impersonation of groups, uid or extra without impersonating a user",
      );
    }
    const name = r.user;
    const groups = [...r.groups];
    if (name.startsWith(saPrefix)) {
      const [ns = "", sa = ""] = name.slice(saPrefix.length).split(":");
      check(attrs(user, "serviceaccounts", sa, { namespace: ns }));
      if (r.groups.length === 0) groups.push("system:serviceaccounts", `system:serviceaccounts:${ns}`);
    } else check(attrs(user, "users", name));
    for (const g of r.groups) check(attrs(user, "groups", g));
    if (r.uid !== undefined) check(attrs(user, "uids", r.uid, { apiGroup: "authentication.k8s.io" }));
    for (const [key, vals] of Object.entries(r.extra)) {
      for (const v of vals)
        check(attrs(user, "userextras", v, { apiGroup: "authentication.k8s.io", subresource: key }));
    }
    if (name === "system:anonymous") {
      if (!groups.includes("system:unauthenticated")) groups.push("system:unauthenticated");
    } else if (!groups.includes(authenticatedGroup)) groups.push(authenticatedGroup);
    return {
      name,
      groups,
      ...(r.uid !== undefined ? { uid: r.uid } : {}),
      ...(Object.keys(r.extra).length > 0 ? { extra: r.extra } : {}),
    };
  };
  return {
    ...(inner.authenticateToken ? { authenticateToken: inner.authenticateToken.bind(inner) } : {}),
    authenticate(req) {
      const got = inner.authenticate(req);
      if (got instanceof Promise) return got.then((u) => impersonate(u, req));
      return impersonate(got, req);
    },
  };
}
