// Finds a pod's sandbox and containers in the runtime by the CRI metadata the kubelet sets
// (sandbox name/namespace, container name and attempt), so the server needs no pod worker state.
import type { ContainerStatus, PodSandboxStatus, Runtime } from "../runtime/runtime.ts";

/** The pod's current sandbox: a ready one if any, else the newest. */
export async function findSandbox(
  runtime: Runtime,
  namespace: string,
  pod: string,
): Promise<PodSandboxStatus | undefined> {
  const all = (await runtime.listPodSandboxes()).filter(
    (s) => s.metadata.namespace === namespace && s.metadata.name === pod,
  );
  all.sort((a, b) => {
    const ready = Number(b.state === "SANDBOX_READY") - Number(a.state === "SANDBOX_READY");
    return ready !== 0 ? ready : b.createdAt - a.createdAt;
  });
  return all[0];
}

/**
 * The container instance a request means: the newest attempt, or with `previous` the one before
 * it (what `kubectl logs --previous` shows after a restart).
 */
export async function findContainer(
  runtime: Runtime,
  namespace: string,
  pod: string,
  container: string,
  previous = false,
): Promise<ContainerStatus | undefined> {
  const sandbox = await findSandbox(runtime, namespace, pod);
  if (!sandbox) return undefined;
  const attempts = (await runtime.listContainers({ podSandboxId: sandbox.id }))
    .filter((c) => c.metadata.name === container)
    .sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  return previous ? attempts[1] : attempts[0];
}
