// A real HTTPS admission webhook for tests: its own CA (a throwaway PKI with the Service name
// webhook.hooks.svc in its SANs), loopback only, answering AdmissionReview v1 per path and
// recording every request it receives (with the caller's certificate CN and bearer token). With
// `requireClientCert`, only callers with a certificate from its own CA get an answer.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { ensurePki, type KeyPairPem } from "../../src/apiserver/pki.ts";
import { tempDir } from "../support/tempdir.ts";

export interface AdmissionRequestSeen {
  path: string;
  /** The client certificate's subject CN, if one was presented. */
  clientCn?: string;
  authorization?: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary AdmissionReview JSON
  request: any;
}

// biome-ignore lint/suspicious/noExplicitAny: tests build arbitrary AdmissionReview JSON
type Answer = (request: any) => Record<string, unknown> | Promise<Record<string, unknown>>;

export class WebhookServer {
  readonly seen: AdmissionRequestSeen[] = [];
  caBundle = "";
  port = 0;
  private server: Server | undefined;
  private readonly dir = tempDir("skiff-webhook-");
  private readonly sleeping = new Set<NodeJS.Timeout>();
  /** A client certificate its CA signed (CN kube-apiserver-kubelet-client), for callers to present. */
  clientCert: KeyPairPem | undefined;

  constructor(
    private readonly answers: Record<string, Answer>,
    private readonly options: { requireClientCert?: boolean } = {},
  ) {}

  async start(): Promise<void> {
    const pki = await ensurePki(this.dir.path, { tlsSans: ["webhook.hooks.svc"] });
    this.caBundle = Buffer.from(pki.ca.cert).toString("base64");
    this.clientCert = pki.kubeletClient;
    const mtls = this.options.requireClientCert
      ? { requestCert: true, rejectUnauthorized: true, ca: pki.ca.cert }
      : {};
    const server = createServer({ cert: pki.server.cert, key: pki.server.key, ...mtls }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = new URL(req.url ?? "/", "https://x").pathname;
        const review = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const peer = (req.socket as TLSSocket).getPeerCertificate?.();
        const cn = peer && "subject" in peer ? peer.subject?.CN : undefined;
        this.seen.push({
          path,
          request: review.request,
          ...(typeof cn === "string" ? { clientCn: cn } : {}),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        const answer = this.answers[path];
        if (!answer) {
          res.writeHead(404).end();
          return;
        }
        void Promise.resolve(answer(review.request)).then((response) => {
          if (res.destroyed) return;
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(
            JSON.stringify({
              apiVersion: "admission.k8s.io/v1",
              kind: "AdmissionReview",
              response: { uid: review.request.uid, ...response },
            }),
          );
        });
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    this.port = (server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `https://127.0.0.1:${this.port}${path}`;
  }

  /** Waits `ms` (cut short by stop()). */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => {
        this.sleeping.delete(t);
        r();
      }, ms);
      this.sleeping.add(t);
    });
  }

  async stop(): Promise<void> {
    for (const t of this.sleeping) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.dir.remove();
  }
}

/** A JSONPatch answer, base64-encoded as AdmissionReview wants it. */
export function patchResponse(ops: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    allowed: true,
    patchType: "JSONPatch",
    patch: Buffer.from(JSON.stringify(ops)).toString("base64"),
    ...extra,
  };
}
