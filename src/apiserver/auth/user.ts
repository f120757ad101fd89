// The authenticated caller, as Kubernetes' user.Info.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export const anonymousUser: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
