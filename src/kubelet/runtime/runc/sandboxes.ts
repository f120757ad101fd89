// Pod sandboxes without a pause container: a sandbox is a named network namespace (joined by path
// by every container, with the IP CNI gave it), a pod cgroup, and generated hosts/resolv.conf/hostname.
//
// Why no pause process: Kubernetes keeps a pause container so that the pod's namespaces outlive
// its containers; a network namespace bind-mounted under /run/netns already outlives them, costs
// no process and no image, and is what CNI wants (a path). The price is that pid, ipc and uts are
// per container: every container gets the pod name as hostname (so `hostname` agrees across the
// pod), but SysV IPC and shareProcessNamespace between containers of a pod are not provided.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { CniNetwork } from "../../network/cni.ts";
import { createNetns, deleteNetns, netnsPath } from "../../network/netns.ts";
import type { PodSandboxConfig } from "../runtime.ts";
import { createCgroup, removeCgroup } from "./cgroups.ts";
import { writeSandboxFiles } from "./sandbox-files.ts";
import type { SandboxRecord } from "./state.ts";

export interface SandboxEnv {
  stateDir: string;
  network: CniNetwork;
  /** Parent cgroup for sandboxes whose config names none. */
  cgroupRoot: string;
}

export function newId(): string {
  return randomBytes(16).toString("hex");
}

function hostNetwork(config: PodSandboxConfig): boolean {
  return config.linux?.securityContext?.namespaceOptions?.network === "NODE";
}

/** The netns path containers join, or undefined for a host-network pod. */
export function sandboxNetnsPath(record: SandboxRecord): string | undefined {
  return record.netnsName ? netnsPath(record.netnsName) : undefined;
}

/** Creates everything a sandbox is; on failure removes what it made and rethrows. */
export async function createSandbox(env: SandboxEnv, config: PodSandboxConfig): Promise<SandboxRecord> {
  const id = newId();
  const dir = join(env.stateDir, "sandboxes", id);
  const hostname = config.hostname || config.metadata.name;
  const record: SandboxRecord = {
    id,
    metadata: config.metadata,
    state: "SANDBOX_READY",
    createdAt: Date.now(),
    hostname,
    netnsName: hostNetwork(config) ? "" : id,
    ip: "",
    cgroupParent: config.linux?.cgroupParent || `${env.cgroupRoot}/pod-${id}`,
    logDirectory: config.logDirectory ?? "",
    files: { hosts: "", resolvConf: "", hostname: "" },
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    networkAttached: false,
  };
  try {
    const attach = async () => {
      if (!record.netnsName) return;
      const path = await createNetns(record.netnsName);
      const attachment = await env.network.add(id, path, config.portMappings ?? []);
      record.networkAttached = true;
      record.ip = attachment.ip;
    };
    // The network is the slow part (process spawns); the cgroup and the directory go alongside it.
    const results = await Promise.allSettled([
      mkdir(dir, { recursive: true }),
      createCgroup(record.cgroupParent),
      attach(),
    ]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    record.files = await writeSandboxFiles({
      dir,
      hostname,
      ip: record.ip,
      ...(config.dnsConfig ? { dnsConfig: config.dnsConfig } : {}),
    });
    return record;
  } catch (err) {
    await destroySandbox(env, record).catch(() => {});
    throw err;
  }
}

/** CNI DEL (StopPodSandbox): the IP and the port mappings are released; the netns stays. Idempotent. */
export async function detachNetwork(env: SandboxEnv, record: SandboxRecord): Promise<void> {
  if (!record.networkAttached) return;
  await env.network.del(record.id, netnsPath(record.netnsName));
  record.networkAttached = false;
}

/** Removes the network, the netns, the pod cgroup and the files. Containers must be gone. Idempotent. */
export async function destroySandbox(env: SandboxEnv, record: SandboxRecord): Promise<void> {
  await detachNetwork(env, record);
  if (record.netnsName) await deleteNetns(record.netnsName);
  await removeCgroup(record.cgroupParent);
  await rm(join(env.stateDir, "sandboxes", record.id), { recursive: true, force: true });
}
