// Authorization: the `--authorization-mode` chain (AlwaysAllow, AlwaysDeny, Node, RBAC) behind
// the handler's seam; system:masters is always allowed, as Kubernetes' privileged-group authorizer.
import { ForbiddenError } from "../../api/errors.ts";
import type { RequestInfo } from "../requestinfo.ts";
import {
  type Attributes,
  attributesFor,
  type DecisionAuthorizer,
  type DecisionResult,
  forbiddenError,
} from "./attributes.ts";
import { anonymousAllowed } from "./authn.ts";
import { mastersGroup, type UserInfo } from "./user.ts";

export interface Authorizer {
  /** Throws ForbiddenError when `user` may not perform the request. */
  authorize(user: UserInfo, info: RequestInfo): Promise<void> | void;
}

/** Today's behaviour of `--authorization-mode=AlwaysAllow` without RBAC: any authenticated caller. */
export const allowAuthenticated: Authorizer = {
  authorize(user, info) {
    // Probes and /version are public, as with Kubernetes' system:public-info-viewer role.
    if (!info.isResourceRequest && anonymousAllowed(info.path)) return;
    if (!user.groups.includes("system:authenticated") && !user.groups.includes(mastersGroup)) {
      throw new ForbiddenError(`User "${user.name}" cannot access this resource`);
    }
  },
};

export const authorizationModes = ["AlwaysAllow", "AlwaysDeny", "Node", "RBAC"] as const;
export type AuthorizationMode = (typeof authorizationModes)[number];

/** Parses `Node,RBAC`; throws Error naming an unknown or repeated mode. */
export function parseAuthorizationModes(text: string): AuthorizationMode[] {
  const modes: AuthorizationMode[] = [];
  for (const raw of text.split(",")) {
    const m = raw.trim();
    const known = authorizationModes.find((x) => x === m);
    if (!known) {
      throw new Error(
        `authorization-mode "${m}" is not a valid mode (one of ${authorizationModes.join(", ")})`,
      );
    }
    if (modes.includes(known)) throw new Error(`authorization-mode "${m}" has already been specified`);
    modes.push(known);
  }
  if (modes.length === 0) throw new Error("at least one authorization-mode must be passed");
  return modes;
}

const alwaysAllow: DecisionAuthorizer = { decide: () => ({ decision: "allow", reason: "" }) };
const alwaysDeny: DecisionAuthorizer = {
  decide: () => ({ decision: "deny", reason: "Everything is forbidden." }),
};

/** The authorizers in order; the first allow or deny wins; all-no-opinion is a denial. */
export class UnionAuthorizer implements Authorizer, DecisionAuthorizer {
  constructor(private readonly chain: readonly DecisionAuthorizer[]) {}

  decide(a: Attributes): DecisionResult {
    if (a.user.groups.includes(mastersGroup)) return { decision: "allow", reason: "" };
    const reasons: string[] = [];
    for (const z of this.chain) {
      const d = z.decide(a);
      if (d.decision !== "noOpinion") return d;
      if (d.reason !== "") reasons.push(d.reason);
    }
    return { decision: "noOpinion", reason: reasons.join("\n") };
  }

  authorize(user: UserInfo, info: RequestInfo): void {
    const a = attributesFor(user, info);
    const d = this.decide(a);
    if (d.decision !== "allow") throw forbiddenError(a, d.reason);
  }
}

export interface ModeAuthorizers {
  node?: DecisionAuthorizer;
  rbac?: DecisionAuthorizer;
}

export function createUnionAuthorizer(
  modes: readonly AuthorizationMode[],
  parts: ModeAuthorizers,
): UnionAuthorizer {
  const byMode = (m: AuthorizationMode): DecisionAuthorizer | undefined =>
    ({ AlwaysAllow: alwaysAllow, AlwaysDeny: alwaysDeny, Node: parts.node, RBAC: parts.rbac })[m];
  const chain = modes.map((m) => {
    const z = byMode(m);
    if (!z) throw new Error(`${m} authorizer not available`);
    return z;
  });
  return new UnionAuthorizer(chain);
}
