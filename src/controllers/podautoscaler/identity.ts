// The autoscaler acts as its own identity, the service account kube-system/horizontal-pod-autoscaler
// bound to system:controller:horizontal-pod-autoscaler. Upstream's controller-manager gets a token
// for it (--use-service-account-credentials); Skiff impersonates it over the manager's own
// connection instead, which works alike in-process and over HTTPS and needs no token.
import type {
  Transport,
  TransportRequest,
  TransportResponse,
  TransportStream,
} from "../../client/transport.ts";

export const hpaServiceAccountUser = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";

/** Adds Impersonate-User to every request; closing it leaves the shared transport open. */
export class ImpersonatingTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly user: string,
  ) {}

  private with(r: TransportRequest): TransportRequest {
    return { ...r, headers: { ...r.headers, "impersonate-user": this.user } };
  }

  request(r: TransportRequest): Promise<TransportResponse> {
    return this.inner.request(this.with(r));
  }

  stream(r: TransportRequest): Promise<TransportStream> {
    return this.inner.stream(this.with(r));
  }

  close(): void {}
}
