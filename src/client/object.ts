// The shape the client needs of an object: kubernetes-types interfaces (Pod, Lease, …) satisfy it
// without the index signature that src/api's KubeObject carries.
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

export interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}
