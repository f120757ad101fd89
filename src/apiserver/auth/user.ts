// The authenticated caller, as Kubernetes' user.Info.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Further attributes (impersonated extras, a service account token's pod name and uid). */
  extra?: Record<string, string[]>;
}

export const anonymousUser: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

export const mastersGroup = "system:masters";
export const authenticatedGroup = "system:authenticated";
