// Subresources that stream from a node agent (pods/log, exec, attach, portforward, proxy;
// nodes/proxy; services/proxy). After Kubernetes' own checks (object exists, container named or
// unambiguous, pod scheduled) logs, exec, attach and port-forward are proxied to the pod's
// kubelet; the proxy subresources are not served yet and answer 503.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { RestContext, SubresourceHandler } from "../rest/context.ts";
import { readObject } from "../rest/read.ts";
import { type KubeletClientConfig, kubeletEndpoint, proxyGet, proxyUpgrade } from "./kubelet-proxy.ts";

const containerNames = (list: readonly Container[] | undefined): string[] => (list ?? []).map((c) => c.name);

/** The container a log/exec/attach request addresses (Kubernetes' validateContainer rules). */
export function chooseContainer(pod: Pod, requested: string | null): string {
  const name = pod.metadata?.name ?? "";
  const containers = containerNames(pod.spec?.containers);
  const init = containerNames(pod.spec?.initContainers);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (requested) {
    if (![...containers, ...init, ...ephemeral].includes(requested)) {
      throw new BadRequestError(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (containers.length === 1 && containers[0] !== undefined) return containers[0];
  const choices = `[${containers.join(" ")}]`;
  throw new BadRequestError(
    init.length > 0
      ? `a container name must be specified for pod ${name}, choose one of: ${choices} or one of the init containers: [${init.join(" ")}]`
      : `a container name must be specified for pod ${name}, choose one of: ${choices}`,
  );
}

/** A container that has not started has no logs; Kubernetes says why. */
function checkContainerStarted(pod: Pod, container: string): void {
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  const waiting = statuses.find((s) => s.name === container)?.state?.waiting;
  if (waiting && !statuses.find((s) => s.name === container)?.lastState?.terminated) {
    throw new BadRequestError(
      `container "${container}" in pod "${pod.metadata?.name ?? ""}" is waiting to start: ${waiting.reason ?? ""}`,
    );
  }
}

async function requireNode(ctx: RestContext, nodeName: string): Promise<void> {
  const nodes = ctx.deps.registry.resource("", "v1", "nodes");
  if (!nodes || !(await ctx.deps.objects.get(nodes, "", nodeName))) {
    throw new NotFoundError({ group: "", resource: "nodes" }, nodeName);
  }
}

function podStream(
  kind: "log" | "exec" | "attach" | "portforward" | "proxy",
  kubelet: KubeletClientConfig | undefined,
): SubresourceHandler {
  return async (ctx) => {
    const verb = ctx.info.verb;
    if (kind === "log" ? verb !== "get" : kind !== "proxy" && verb !== "get" && verb !== "create") {
      throw new MethodNotAllowedError();
    }
    const pod = (await readObject(ctx)) as Pod & KubeObject;
    const name = pod.metadata?.name ?? "";
    const container =
      kind === "log" || kind === "exec" || kind === "attach"
        ? chooseContainer(pod, ctx.query.get("container"))
        : "";
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw new BadRequestError(`pod ${name} does not have a host assigned`);
    if (kind === "log") checkContainerStarted(pod, container);
    await requireNode(ctx, nodeName);
    if (!kubelet || kind === "proxy") {
      throw new ServiceUnavailableError(`no node agent serves pod "${name}" on node "${nodeName}" yet`);
    }
    const endpoint = await kubeletEndpoint(ctx, nodeName);
    const ns = encodeURIComponent(ctx.info.namespace);
    const pod_ = encodeURIComponent(name);
    const query = ctx.query.toString();
    const suffix = query === "" ? "" : `?${query}`;
    if (kind === "log") {
      return proxyGet(
        ctx,
        kubelet,
        endpoint,
        `/containerLogs/${ns}/${pod_}/${encodeURIComponent(container)}${suffix}`,
      );
    }
    const path =
      kind === "portforward"
        ? `/portForward/${ns}/${pod_}${suffix}`
        : `/${kind}/${ns}/${pod_}/${encodeURIComponent(container)}${suffix}`;
    return proxyUpgrade(ctx, kubelet, endpoint, path);
  };
}

const nodeProxy: SubresourceHandler = async (ctx) => {
  await readObject(ctx);
  throw new ServiceUnavailableError(`no node agent serves node "${ctx.info.name}" yet`);
};

const serviceProxy: SubresourceHandler = async (ctx) => {
  await readObject(ctx);
  const endpointsDef = ctx.deps.registry.resource("", "v1", "endpoints");
  const endpoints = endpointsDef
    ? await ctx.deps.objects.get(endpointsDef, ctx.info.namespace, ctx.info.name)
    : undefined;
  const subsets = (endpoints?.subsets ?? []) as { addresses?: unknown[] }[];
  if (!subsets.some((s) => (s.addresses ?? []).length > 0)) {
    throw new ServiceUnavailableError(`no endpoints available for service "${ctx.info.name}"`);
  }
  throw new ServiceUnavailableError(
    `no node agent can reach the endpoints of service "${ctx.info.name}" yet`,
  );
};

/** Keyed `${group}/${resource}/${subresource}` like RestDeps.subresources. */
export function streamingSubresources(kubelet?: KubeletClientConfig): [string, SubresourceHandler][] {
  return [
    ["/pods/log", podStream("log", kubelet)],
    ["/pods/exec", podStream("exec", kubelet)],
    ["/pods/attach", podStream("attach", kubelet)],
    ["/pods/portforward", podStream("portforward", kubelet)],
    ["/pods/proxy", podStream("proxy", kubelet)],
    ["/nodes/proxy", nodeProxy],
    ["/services/proxy", serviceProxy],
  ];
}
