// Image pulls by imagePullPolicy (Always / IfNotPresent / Never; an untagged or `:latest` image
// defaults to Always), with per-image back-off after failures (ErrImagePull, then
// ImagePullBackOff) and registry credentials from the pod's imagePullSecrets.
import type { Container, Pod, Secret } from "kubernetes-types/core/v1.js";
import { pulledMessage } from "../images/progress.ts";
import type { BackOff } from "../pod/backoff.ts";
import type { AuthConfig, ImageService } from "../runtime/runtime.ts";

export class ImagePullError extends Error {
  override name = "ImagePullError";
  constructor(
    readonly reason: "ErrImagePull" | "ImagePullBackOff" | "ErrImageNeverPull" | "InvalidImageName",
    message: string,
  ) {
    super(message);
  }
}

export function pullPolicy(c: Container): "Always" | "IfNotPresent" | "Never" {
  if (c.imagePullPolicy === "Always" || c.imagePullPolicy === "IfNotPresent" || c.imagePullPolicy === "Never")
    return c.imagePullPolicy;
  const image = c.image ?? "";
  if (image.includes("@")) return "IfNotPresent";
  const last = image.slice(image.lastIndexOf("/") + 1);
  const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

/** The registry host of a reference (docker.io when the first part is not a host). */
export function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  if (image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost"))
    return first;
  return "docker.io";
}

/** Credentials for `image` from kubernetes.io/dockerconfigjson (or legacy dockercfg) secrets. */
export function authFor(image: string, secrets: Secret[]): AuthConfig | undefined {
  const registry = registryOf(image);
  const aliases =
    registry === "docker.io" ? ["docker.io", "index.docker.io", "https://index.docker.io/v1/"] : [registry];
  for (const s of secrets) {
    const raw = s.data?.[".dockerconfigjson"] ?? s.data?.[".dockercfg"];
    if (!raw) continue;
    let parsed: { auths?: Record<string, AuthEntry> } & Record<string, unknown>;
    try {
      parsed = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
    } catch {
      continue;
    }
    const auths = (parsed.auths ?? parsed) as Record<string, AuthEntry>;
    for (const [server, entry] of Object.entries(auths)) {
      const host = server.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
      if (!aliases.includes(server) && !aliases.includes(host)) continue;
      let { username, password } = entry;
      if ((!username || !password) && entry.auth) {
        const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
      return { ...(username ? { username } : {}), ...(password ? { password } : {}), serverAddress: host };
    }
  }
  return undefined;
}

interface AuthEntry {
  username?: string;
  password?: string;
  auth?: string;
}

export interface ImageManagerOptions {
  images: ImageService;
  backOff: BackOff;
  /** The pod's imagePullSecrets, read when a pull happens. */
  pullSecrets(pod: Pod): Promise<Secret[]>;
  event(pod: Pod, type: "Normal" | "Warning", reason: string, message: string, container: string): void;
}

export class ImageManager {
  constructor(private readonly o: ImageManagerOptions) {}

  /** The image reference to create the container with; throws ImagePullError with the waiting reason. */
  async ensure(pod: Pod, c: Container): Promise<string> {
    const image = c.image ?? "";
    if (image === "") throw new ImagePullError("InvalidImageName", "container has no image");
    const policy = pullPolicy(c);
    const present = policy === "Always" ? undefined : await this.o.images.imageStatus({ image });
    if (present) {
      this.o.event(pod, "Normal", "Pulled", `Container image "${image}" already present on machine`, c.name);
      return present.id;
    }
    if (policy === "Never") {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.o.event(pod, "Warning", "ErrImageNeverPull", message, c.name);
      throw new ImagePullError("ErrImageNeverPull", message);
    }
    const key = `pull/${pod.metadata?.uid}/${image}`;
    if (this.o.backOff.isInBackOffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      this.o.event(pod, "Normal", "BackOff", message, c.name);
      throw new ImagePullError("ImagePullBackOff", message);
    }
    this.o.event(pod, "Normal", "Pulling", `Pulling image "${image}"`, c.name);
    const began = Date.now();
    try {
      const auth = authFor(image, await this.o.pullSecrets(pod));
      const pullBegan = Date.now();
      const ref = await this.o.images.pullImage({ image }, auth);
      const pullMs = Date.now() - pullBegan;
      this.o.backOff.reset(key);
      // The size the runtime reports for the pulled image, as the kubelet's event says it.
      const size = (await this.o.images.imageStatus({ image }).catch(() => undefined))?.size ?? 0;
      const message = pulledMessage(image, pullMs, Date.now() - began, size);
      this.o.event(pod, "Normal", "Pulled", message, c.name);
      return ref;
    } catch (err) {
      this.o.backOff.next(key);
      const why = err instanceof Error ? err.message : String(err);
      const message = `Failed to pull image "${image}": ${why}`;
      this.o.event(pod, "Warning", "Failed", message, c.name);
      throw new ImagePullError("ErrImagePull", message);
    }
  }
}
