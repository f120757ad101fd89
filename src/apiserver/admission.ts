// Admission seam: mutating then validating plugins run on every write after defaulting and
// before validation/storage (Kubernetes' order, simplified: one list each).
import type { KubeObject } from "../api/object.ts";
import type { ResourceDef } from "../api/resource.ts";
import type { UserInfo } from "./auth/user.ts";

export interface AdmissionAttributes {
  def: ResourceDef;
  operation: "CREATE" | "UPDATE" | "DELETE";
  subresource: string;
  namespace: string;
  name: string;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  user: UserInfo;
  dryRun: boolean;
  /** Sent to the client as Warning headers (PodSecurity warn, webhooks). */
  warnings?: string[];
  /** Added to the request's audit event (e.g. pod-security.kubernetes.io/audit-violations). */
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionPlugin {
  name: string;
  /** May change `attrs.object`; throws an ApiError to reject. */
  admit?(attrs: AdmissionAttributes): Promise<void> | void;
  /** Must not change anything; throws an ApiError to reject. */
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}

export class AdmissionChain {
  constructor(private readonly plugins: readonly AdmissionPlugin[] = []) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) await p.admit?.(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) await p.validate?.(attrs);
  }
}
