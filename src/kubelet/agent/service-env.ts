// Service links: the Docker-links-style variables the kubelet gives every container for the
// services of its namespace and the `kubernetes` master service (FOO_SERVICE_HOST, FOO_PORT, …).
import type { Service } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../../client/resource-client.ts";

export function serviceEnv(services: Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === "None") continue;
    const name = (s.metadata?.name ?? "").toUpperCase().replace(/-/g, "_");
    const ports = s.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(first.port);
    for (const p of ports) {
      if (p.name) env[`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(p.port);
    }
    const proto = (first.protocol ?? "TCP").toLowerCase();
    env[`${name}_PORT`] = `${proto}://${ip}:${first.port}`;
    for (const p of ports) {
      const pr = (p.protocol ?? "TCP").toUpperCase();
      const prefix = `${name}_PORT_${p.port}_${pr}`;
      env[prefix] = `${pr.toLowerCase()}://${ip}:${p.port}`;
      env[`${prefix}_PROTO`] = pr.toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}

/** The namespace's services plus default/kubernetes; failures give no variables rather than no container. */
export async function serviceEnvFor(
  client: ResourceClient,
  namespace: string,
): Promise<Record<string, string>> {
  try {
    const list = (await client.list({ namespace })).items as Service[];
    const master =
      namespace === "default"
        ? []
        : ((await client.list({ namespace: "default", fieldSelector: "metadata.name=kubernetes" }))
            .items as Service[]);
    return serviceEnv([...master, ...list]);
  } catch {
    return {};
  }
}
