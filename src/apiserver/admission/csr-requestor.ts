// Records who asked for a certificate: on create, a CertificateSigningRequest's spec.username,
// groups and uid are the authenticated requestor's, whatever the client wrote (Kubernetes does
// this in the CSR strategy; here the admission seam is where the user is known).
import type { AdmissionPlugin } from "../admission.ts";

export const csrRequestorAdmission: AdmissionPlugin = {
  name: "CertificateSigningRequestRequestor",
  admit(attrs) {
    if (attrs.operation !== "CREATE" || attrs.subresource !== "") return;
    if (attrs.def.group !== "certificates.k8s.io" || attrs.def.resource !== "certificatesigningrequests")
      return;
    const csr = attrs.object as { spec?: Record<string, unknown> } | undefined;
    if (!csr) return;
    csr.spec ??= {};
    const spec = csr.spec;
    spec.username = attrs.user.name;
    spec.groups = [...attrs.user.groups];
    if (attrs.user.uid) spec.uid = attrs.user.uid;
    else delete spec.uid;
  },
};
