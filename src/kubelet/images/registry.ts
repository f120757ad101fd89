// Pulls images over the OCI distribution API v2: manifest (or index → linux/amd64), config and layers,
// each verified against its digest. Bearer-token and basic auth; TLS, with a plain-HTTP fallback for
// loopback and configured insecure registries.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { AuthConfig } from "../runtime/runtime.ts";
import type { ArchivedImage } from "./archive.ts";
import { isPlatformMatch } from "./archive.ts";
import type { BlobStore } from "./blobs.ts";
import { DigestMismatchError } from "./blobs.ts";
import {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isIndexMediaType,
  MediaType,
  sha256Digest,
} from "./oci.ts";
import { counted, type ProgressListener } from "./progress.ts";
import { formatReference, type ImageReference } from "./reference.ts";

export interface PullOptions {
  auth?: AuthConfig;
  /** Registries (host[:port]) spoken to over plain HTTP besides loopback ones, which always are. */
  insecureRegistries?: string[];
  /** Extra CA certificates (PEM) trusted for TLS registries. */
  ca?: string | Buffer;
  /** A request whose connection is idle this long fails (ms, default 30 000). */
  timeoutMs?: number;
  /** Told as each blob is copied (or found already stored). */
  onProgress?: ProgressListener;
}

/** Thrown when a registry refuses or fails a pull (status and URL in the message). */
export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

const manifestAccept = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
].join(", ");

function isLoopback(domain: string): boolean {
  const host = domain.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/**
 * The registry's base URLs, in the order to try: HTTPS, then plain HTTP for loopback and insecure
 * registries (as Docker does: a loopback registry that speaks TLS is still used with TLS). Docker
 * Hub's API lives at registry-1.docker.io.
 */
export function registryBases(domain: string, options: PullOptions = {}): string[] {
  const host = domain === "docker.io" ? "registry-1.docker.io" : domain;
  const plain = isLoopback(domain) || (options.insecureRegistries ?? []).includes(domain);
  return plain ? [`https://${host}`, `http://${host}`] : [`https://${host}`];
}

/** Errors meaning "the server does not speak TLS" (not a certificate problem, which never falls back). */
const notTls = new Set([
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "ECONNRESET",
]);

/** Parses `Bearer realm="…",service="…",scope="…"` into its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(" ");
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/([a-zA-Z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(m[1] as string).toLowerCase()] = m[2] ?? m[3] ?? "";
  }
  return { scheme, params };
}

function basicCredentials(auth: AuthConfig | undefined): string | undefined {
  if (auth?.auth) return auth.auth;
  if (auth?.username !== undefined && auth.username !== "") {
    return Buffer.from(`${auth.username}:${auth.password ?? ""}`).toString("base64");
  }
  return undefined;
}

/** Manifests, indexes, tokens and error bodies are small; a registry sending more is refused. */
const maxBodyBytes = 4 << 20;

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of res) {
    length += (chunk as Buffer).length;
    if (length > maxBodyBytes) {
      res.destroy();
      throw new RegistryError(`registry response larger than ${maxBodyBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** One pull: remembers the Authorization that worked so later requests do not repeat the challenge. */
class RegistrySession {
  #authorization: string | undefined;
  /** Base URLs not yet ruled out; the first is the one in use. */
  #bases: string[];

  constructor(
    bases: string[],
    private readonly repository: string,
    private readonly options: PullOptions,
  ) {
    this.#bases = bases;
    if (options.auth?.registryToken) this.#authorization = `Bearer ${options.auth.registryToken}`;
  }

  get base(): string {
    return this.#bases[0] ?? "";
  }

  #send(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
    const client = url.startsWith("https:") ? https : http;
    const timeout = this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = client.get(url, { headers, ...(this.options.ca ? { ca: this.options.ca } : {}) }, resolve);
      req.setTimeout(timeout, () =>
        req.destroy(new RegistryError(`GET ${url}: no answer for ${timeout} ms`)),
      );
      req.on("error", reject);
    });
  }

  /** Sends to the registry, falling back to the next base URL when the server does not speak TLS. */
  async #sendToRegistry(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
    for (;;) {
      try {
        return await this.#send(`${this.base}${path}`, headers);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? "";
        if (this.#bases.length > 1 && this.base.startsWith("https:") && notTls.has(code)) this.#bases.shift();
        else throw err;
      }
    }
  }

  async #token(challenge: Record<string, string>): Promise<string> {
    const realm = challenge.realm;
    if (!realm) throw new RegistryError(`${this.base}: Bearer challenge without a realm`);
    const url = new URL(realm);
    if (challenge.service) url.searchParams.set("service", challenge.service);
    url.searchParams.set("scope", challenge.scope ?? `repository:${this.repository}:pull`);
    const basic = basicCredentials(this.options.auth);
    const res = await this.#send(url.toString(), basic ? { authorization: `Basic ${basic}` } : {});
    const body = await readBody(res);
    if (res.statusCode !== 200)
      throw new RegistryError(`token request to ${realm}: HTTP ${res.statusCode}`, res.statusCode);
    const parsed = JSON.parse(body.toString("utf8")) as { token?: string; access_token?: string };
    const token = parsed.token ?? parsed.access_token;
    if (!token) throw new RegistryError(`token response from ${realm} has no token`);
    return token;
  }

  /** GET `path` under /v2/<repository>/, answering an auth challenge once and following redirects. */
  async get(path: string, accept?: string): Promise<IncomingMessage> {
    let url: string | undefined; // set once a redirect leads elsewhere
    const target = () => url ?? `${this.base}/v2/${this.repository}/${path}`;
    let challenged = false;
    for (let redirects = 0; redirects < 6; ) {
      const headers: Record<string, string> = accept ? { accept } : {};
      // Credentials go only to the registry itself, never to a storage host it redirects to.
      if (this.#authorization && (url === undefined || url.startsWith(this.base))) {
        headers.authorization = this.#authorization;
      }
      const res =
        url === undefined
          ? await this.#sendToRegistry(`/v2/${this.repository}/${path}`, headers)
          : await this.#send(url, headers);
      const status = res.statusCode ?? 0;
      if (status === 401 && !challenged) {
        res.resume();
        challenged = true;
        const { scheme, params } = parseChallenge(String(res.headers["www-authenticate"] ?? ""));
        if (scheme === "bearer") this.#authorization = `Bearer ${await this.#token(params)}`;
        else {
          const basic = basicCredentials(this.options.auth);
          if (!basic)
            throw new RegistryError(`${target()}: authentication required and no credentials given`, 401);
          this.#authorization = `Basic ${basic}`;
        }
        continue;
      }
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        url = new URL(res.headers.location, target()).toString();
        redirects++;
        continue;
      }
      if (status !== 200) {
        const body = (await readBody(res)).toString("utf8").slice(0, 300);
        throw new RegistryError(`GET ${target()}: HTTP ${status} ${body}`.trim(), status);
      }
      return res;
    }
    throw new RegistryError(`GET ${target()}: too many redirects`);
  }
}

async function fetchManifest(
  session: RegistrySession,
  blobs: BlobStore,
  reference: string,
): Promise<{ digest: string; mediaType: string; body: Buffer }> {
  const res = await session.get(`manifests/${reference}`, manifestAccept);
  const body = await readBody(res);
  const digest = sha256Digest(body);
  if (reference.startsWith("sha256:") && digest !== reference) {
    throw new DigestMismatchError(`manifest has digest ${digest}, requested ${reference}`);
  }
  const parsed = JSON.parse(body.toString("utf8")) as { mediaType?: string };
  const mediaType = parsed.mediaType ?? String(res.headers["content-type"] ?? "").split(";")[0] ?? "";
  await blobs.put(body, digest);
  return { digest, mediaType, body };
}

/** Pulls `ref` into the blob store (blobs already present are not fetched again). */
export async function pullImage(
  ref: ImageReference,
  blobs: BlobStore,
  options: PullOptions = {},
): Promise<ArchivedImage> {
  const session = new RegistrySession(registryBases(ref.domain, options), ref.path, options);
  let manifest = await fetchManifest(session, blobs, ref.digest ?? ref.tag ?? "latest");
  if (isIndexMediaType(manifest.mediaType)) {
    const index = JSON.parse(manifest.body.toString("utf8")) as ImageIndex;
    const chosen = index.manifests.find((d) => d.platform && isPlatformMatch(d));
    if (!chosen) throw new RegistryError(`${formatReference(ref)} has no linux/amd64 image`);
    manifest = await fetchManifest(session, blobs, chosen.digest);
  }
  if (manifest.mediaType !== MediaType.ociManifest && manifest.mediaType !== MediaType.dockerManifest) {
    throw new RegistryError(`${formatReference(ref)}: unsupported manifest type ${manifest.mediaType}`);
  }
  const body = JSON.parse(manifest.body.toString("utf8")) as ImageManifest;
  const wanted: Descriptor[] = [body.config, ...body.layers];
  const report = options.onProgress;
  for (const d of wanted) {
    const progress = { kind: d === body.config ? "config" : "blob", id: d.digest, total: d.size } as const;
    if (await blobs.has(d.digest)) {
      report?.({ ...progress, done: d.size, state: "exists" });
      continue;
    }
    const res = await session.get(`blobs/${d.digest}`);
    report?.({ ...progress, done: 0, state: "copying" });
    const source = report ? counted(res, (done) => report({ ...progress, done, state: "copying" })) : res;
    await blobs.putStream(source, d.digest, d.size);
    report?.({ ...progress, done: d.size, state: "done" });
  }
  const refs = ref.tag ? [formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag })] : [];
  return { manifestDigest: manifest.digest, manifest: body, refs };
}
