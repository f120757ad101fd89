// The certificates.k8s.io/v1 group.
import type { ResourceDef } from "../resource.ts";
import { certificatesigningrequests } from "./csr.ts";

export function certificatesResources(): ResourceDef[] {
  return [certificatesigningrequests] as ResourceDef[];
}
