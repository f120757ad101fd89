// Authorization seam: every authenticated caller may do everything until RBAC slots in here.
import { ForbiddenError } from "../../api/errors.ts";
import type { RequestInfo } from "../requestinfo.ts";
import { anonymousAllowed } from "./authn.ts";
import type { UserInfo } from "./user.ts";

export interface Authorizer {
  /** Throws ForbiddenError when `user` may not perform the request. */
  authorize(user: UserInfo, info: RequestInfo): Promise<void> | void;
}

export const allowAuthenticated: Authorizer = {
  authorize(user, info) {
    // Probes and /version are public, as with Kubernetes' system:public-info-viewer role.
    if (!info.isResourceRequest && anonymousAllowed(info.path)) return;
    if (!user.groups.includes("system:authenticated") && !user.groups.includes("system:masters")) {
      throw new ForbiddenError(`User "${user.name}" cannot access this resource`);
    }
  },
};
