// Image references as Docker and containerd normalize them: `busybox` is
// `docker.io/library/busybox:latest`; a first component with a dot, a colon or `localhost` is a registry.

export interface ImageReference {
  /** Registry host[:port], `docker.io` by default. */
  domain: string;
  /** Repository path inside the registry (`library/busybox`). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Thrown for a string that is not an image reference. */
export class InvalidReferenceError extends Error {
  override name = "InvalidReferenceError";
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;

export function parseReference(text: string): ImageReference {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new InvalidReferenceError(`invalid digest in ${text}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw new InvalidReferenceError(`invalid tag in ${JSON.stringify(text)}`);
  }
  const slash = rest.indexOf("/");
  const first = slash === -1 ? "" : rest.slice(0, slash);
  let domain = "docker.io";
  let path = rest;
  if (first !== "" && (first.includes(".") || first.includes(":") || first === "localhost")) {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !path.includes("/")) path = `library/${path}`;
  if (path === "" || !path.split("/").every((c) => pathComponent.test(c))) {
    throw new InvalidReferenceError(`invalid image reference ${JSON.stringify(text)}`);
  }
  if (tag === undefined && digest === undefined) tag = "latest";
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `domain/path` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The fully qualified form: `docker.io/library/busybox:latest`, `host/repo@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  const name = repositoryName(ref);
  if (ref.digest) return ref.tag ? `${name}:${ref.tag}@${ref.digest}` : `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? "latest"}`;
}

/** Normalizes a user-given reference to its fully qualified form. */
export function normalizeReference(text: string): string {
  return formatReference(parseReference(text));
}
