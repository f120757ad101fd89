// certificates.k8s.io/v1 CertificateSigningRequest: validation (a PEM request, a signer name,
// usages; approvals cannot be withdrawn, a certificate needs an approval and cannot change), the
// `approval` subresource that writes status like the status subresource, and kubectl's columns
// (NAME, AGE, SIGNERNAME, REQUESTOR, REQUESTEDDURATION, CONDITION). The requestor's identity
// (spec.username, groups, uid) is set by the CertificateSigningRequest admission plugin.
import type { CertificateSigningRequest as CsrV1 } from "kubernetes-types/certificates/v1.js";
import { nameIsDnsSubdomain, validateObjectMeta, validateObjectMetaUpdate } from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef } from "../resource.ts";

export type CertificateSigningRequest = Kube<CsrV1>;

const spec = FieldPath.root("spec");
const status = FieldPath.root("status");
const metaOptions = { namespaced: false, nameFn: nameIsDnsSubdomain };

const knownUsages = [
  "signing",
  "digital signature",
  "content commitment",
  "key encipherment",
  "key agreement",
  "data encipherment",
  "cert sign",
  "crl sign",
  "encipher only",
  "decipher only",
  "any",
  "server auth",
  "client auth",
  "code signing",
  "email protection",
  "s/mime",
  "ipsec end system",
  "ipsec tunnel",
  "ipsec user",
  "timestamping",
  "ocsp signing",
  "microsoft sgc",
  "netscape sgc",
];

function decodedRequest(csr: CertificateSigningRequest): string {
  try {
    return Buffer.from(csr.spec?.request ?? "", "base64").toString("utf8");
  } catch {
    return "";
  }
}

function conditionTypes(csr: CertificateSigningRequest | undefined): Set<string> {
  return new Set((csr?.status?.conditions ?? []).filter((c) => c.status !== "False").map((c) => c.type));
}

export function validateCsr(csr: CertificateSigningRequest): FieldError[] {
  const errs = validateObjectMeta(csr.metadata, metaOptions);
  if (!csr.spec?.request) errs.push(fieldErrors.required(spec.child("request")));
  else if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(decodedRequest(csr))) {
    errs.push(fieldErrors.invalid(spec.child("request"), "", "PEM block type must be CERTIFICATE REQUEST"));
  }
  const signer = csr.spec?.signerName ?? "";
  if (signer === "") errs.push(fieldErrors.required(spec.child("signerName")));
  else if (!/^[a-z0-9.-]+\/[A-Za-z0-9._-]+$/.test(signer)) {
    errs.push(
      fieldErrors.invalid(
        spec.child("signerName"),
        signer,
        "must be a fully qualified domain and path of the form 'example.com/signer-name'",
      ),
    );
  }
  const usages = csr.spec?.usages ?? [];
  if (usages.length === 0) errs.push(fieldErrors.required(spec.child("usages")));
  usages.forEach((u, i) => {
    if (!knownUsages.includes(u))
      errs.push(fieldErrors.notSupported(spec.child("usages").index(i), u, knownUsages));
  });
  const d = csr.spec?.expirationSeconds;
  if (d !== undefined && d < 600)
    errs.push(
      fieldErrors.invalid(
        spec.child("expirationSeconds"),
        d,
        "may not specify a duration less than 600 seconds (10 minutes)",
      ),
    );
  const types = conditionTypes(csr);
  if (types.has("Approved") && types.has("Denied")) {
    errs.push(
      fieldErrors.invalid(
        status.child("conditions"),
        "",
        "Approved and Denied conditions are mutually exclusive",
      ),
    );
  }
  return errs;
}

export function validateCsrUpdate(
  csr: CertificateSigningRequest,
  old: CertificateSigningRequest,
): FieldError[] {
  const errs = [...validateObjectMetaUpdate(csr.metadata, old.metadata, metaOptions), ...validateCsr(csr)];
  if (JSON.stringify(csr.spec) !== JSON.stringify(old.spec)) {
    errs.push(fieldErrors.forbidden(spec, "field is immutable"));
  }
  const before = conditionTypes(old);
  const after = conditionTypes(csr);
  for (const t of ["Approved", "Denied"]) {
    if (before.has(t) && !after.has(t))
      errs.push(
        fieldErrors.forbidden(
          status.child("conditions"),
          `updates may not remove a condition of type "${t}"`,
        ),
      );
  }
  const cert = csr.status?.certificate ?? "";
  const oldCert = old.status?.certificate ?? "";
  if (oldCert !== "" && cert !== oldCert)
    errs.push(
      fieldErrors.forbidden(
        status.child("certificate"),
        "updates may not modify existing certificate content",
      ),
    );
  if (cert !== "" && oldCert === "" && !after.has("Approved")) {
    errs.push(
      fieldErrors.invalid(
        status.child("certificate"),
        "",
        "certificate may only be set on an approved request",
      ),
    );
  }
  return errs;
}

/** kubectl's CONDITION column: Approved/Denied/Failed joined by commas, Issued once signed. */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = [...conditionTypes(csr)].filter((t) => t === "Approved" || t === "Denied" || t === "Failed");
  const parts = types.length === 0 ? ["Pending"] : types;
  if (csr.status?.certificate) parts.push("Issued");
  return parts.join(",");
}

export const certificatesigningrequests: ResourceDef<CertificateSigningRequest> = {
  group: "certificates.k8s.io",
  version: "v1",
  resource: "certificatesigningrequests",
  singular: "certificatesigningrequest",
  kind: "CertificateSigningRequest",
  namespaced: false,
  shortNames: ["csr"],
  hasStatus: true,
  subresources: [{ name: "approval", verbs: ["get", "patch", "update"], statusLike: true }],
  strategy: {
    prepareForCreate(csr) {
      delete csr.status;
    },
    validate: validateCsr,
    validateUpdate: validateCsrUpdate,
    table: {
      columns: [
        nameColumn,
        ageColumn,
        column("SignerName", "Name of the signer"),
        column("Requestor", "Name of the requestor"),
        column("RequestedDuration", "Requested duration of the certificate"),
        column("Condition", "Condition of the request"),
      ],
      cells: (csr, now) => [
        csr.metadata?.name ?? "",
        age(csr.metadata?.creationTimestamp, now),
        csr.spec?.signerName ?? "",
        csr.spec?.username ?? "",
        csr.spec?.expirationSeconds !== undefined
          ? age(new Date(0).toISOString(), new Date(csr.spec.expirationSeconds * 1000))
          : "<none>",
        csrCondition(csr),
      ],
    },
  },
};
