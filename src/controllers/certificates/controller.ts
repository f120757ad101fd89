// The certificate controllers: csrapproving (auto-approves kubelet client certificates asked for
// by a bootstrapping node — group system:bootstrappers — or by the node itself when it renews)
// and csrsigning (issues certificates for approved requests of the built-in signers with the
// cluster CA, or marks them Failed with the reason). Both are level-triggered over the CSR cache.
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1.js";
import type { ResourceCoords } from "../../client/paths.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { type CertificateAuthority, checkRequest, issue, SignerRejection, signers } from "./sign.ts";

export const csrResource: ResourceCoords = {
  group: "certificates.k8s.io",
  version: "v1",
  resource: "certificatesigningrequests",
  namespaced: false,
  kind: "CertificateSigningRequest",
};

function has(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status !== "False");
}

function pem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec.request, "base64").toString("utf8");
}

function descriptor(
  name: string,
  sync: (csr: CertificateSigningRequest, client: ReturnType<typeof clientFor>, now: Date) => Promise<void>,
): ControllerDescriptor {
  return {
    name,
    start(ctx) {
      const informer = ctx.informers.informerFor<CertificateSigningRequest>(csrResource);
      const client = clientFor(ctx.client);
      return startQueueController({
        ctx,
        name,
        informers: [informer],
        register: (queue) => [
          informer.addEventHandler({
            onAdd: (c) => queue.add(c.metadata?.name ?? ""),
            onUpdate: (_, c) => queue.add(c.metadata?.name ?? ""),
          }),
        ],
        sync: async (key) => {
          const csr = informer.indexer.get(key);
          if (csr) await sync(csr, client, ctx.now());
        },
      });
    },
  };
}

function clientFor(client: Parameters<ControllerDescriptor["start"]>[0]["client"]) {
  const csrs = client.resource<CertificateSigningRequest>(csrResource);
  return {
    approve: (
      csr: CertificateSigningRequest,
      condition: NonNullable<NonNullable<CertificateSigningRequest["status"]>["conditions"]>[number],
    ) =>
      client.request<CertificateSigningRequest>(
        "PUT",
        `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(csr.metadata?.name ?? "")}/approval`,
        {
          body: {
            ...csr,
            status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), condition] },
          },
        },
      ),
    updateStatus: (csr: CertificateSigningRequest) => csrs.updateStatus(csr),
  };
}

/** Approves kubelet client certificates for bootstrapping or renewing nodes. */
export const csrApprovingController: ControllerDescriptor = descriptor(
  "csrapproving",
  async (csr, client, now) => {
    if (has(csr, "Approved") || has(csr, "Denied") || csr.spec.signerName !== signers.kubeletClient) return;
    let cn: string;
    try {
      const request = await checkRequest({
        signerName: csr.spec.signerName,
        request: pem(csr),
        usages: csr.spec.usages ?? [],
      });
      cn = /CN=([^,]+)/.exec(request.subject)?.[1] ?? "";
    } catch (err) {
      if (err instanceof SignerRejection) return; // the signer reports it
      throw err;
    }
    const groups = csr.spec.groups ?? [];
    const bootstrapping = groups.includes("system:bootstrappers");
    const renewing = csr.spec.username === cn && groups.includes("system:nodes");
    if (!bootstrapping && !renewing) return;
    await client.approve(csr, {
      type: "Approved",
      status: "True",
      reason: "AutoApproved",
      message: renewing
        ? "Auto approving self kubelet client certificate after SubjectAccessReview."
        : "Auto approving kubelet client certificate after SubjectAccessReview.",
      lastUpdateTime: now.toISOString(),
      lastTransitionTime: now.toISOString(),
    });
  },
);

/** Issues certificates for approved requests of the built-in signers. */
export function csrSigningController(ca: CertificateAuthority): ControllerDescriptor {
  return descriptor("csrsigning", async (csr, client, now) => {
    if (!has(csr, "Approved") || has(csr, "Failed") || csr.status?.certificate) return;
    if (!Object.values(signers).includes(csr.spec.signerName as (typeof signers)[keyof typeof signers]))
      return;
    const request = {
      signerName: csr.spec.signerName,
      request: pem(csr),
      usages: csr.spec.usages ?? [],
      ...(csr.spec.expirationSeconds !== undefined ? { expirationSeconds: csr.spec.expirationSeconds } : {}),
    };
    try {
      const certificate = await issue(request, ca, now);
      await client.updateStatus({
        ...csr,
        status: { ...csr.status, certificate: Buffer.from(certificate).toString("base64") },
      });
    } catch (err) {
      if (!(err instanceof SignerRejection)) throw err;
      await client.updateStatus({
        ...csr,
        status: {
          ...csr.status,
          conditions: [
            ...(csr.status?.conditions ?? []),
            {
              type: "Failed",
              status: "True",
              reason: "SignerValidationFailure",
              message: err.message,
              lastUpdateTime: now.toISOString(),
              lastTransitionTime: now.toISOString(),
            },
          ],
        },
      });
    }
  });
}
