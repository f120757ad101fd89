// A container's life on runc: bundle (overlay rootfs + config.json) → created under conmon →
// `runc start` → exited (code from conmon's exit file, OOMKilled from the cgroup's oom_kill count)
// → removed (runc delete, unmount, bundle deleted). Status is derived from files, never remembered.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { UnpackedImage } from "../../images/store.ts";
import type { ContainerConfig, PodSandboxConfig } from "../runtime.ts";
import { oomKillCount, removeCgroup } from "./cgroups.ts";
import { createUnderConmon } from "./conmon.ts";
import type { OciCli } from "./oci-cli.ts";
import { buildSpec } from "./oci-spec.ts";
import { mountOverlay, unmountOverlay } from "./overlay.ts";
import { newId, sandboxNetnsPath } from "./sandboxes.ts";
import type { ContainerRecord, SandboxRecord } from "./state.ts";
import { resolveUser } from "./users.ts";

export interface ContainerEnv {
  stateDir: string;
  exitDir: string;
  oci: OciCli;
  conmonPath: string;
  rootfsOf(image: string): Promise<UnpackedImage>;
}

function exitFile(env: ContainerEnv, id: string): string {
  return join(env.exitDir, id);
}

/** Builds the bundle and has conmon create the container (CRI CreateContainer). */
export async function createContainer(
  env: ContainerEnv,
  sandbox: SandboxRecord,
  config: ContainerConfig,
  sandboxConfig: PodSandboxConfig,
  /** `/proc/<pid>/ns/pid` of a target container (CRI pid mode TARGET). */
  pidNamespacePath?: string,
): Promise<ContainerRecord> {
  const image = await env.rootfsOf(config.image.image);
  const id = newId();
  const bundle = join(env.stateDir, "containers", id);
  const logDir = sandbox.logDirectory || sandboxConfig.logDirectory || "";
  const record: ContainerRecord = {
    id,
    podSandboxId: sandbox.id,
    metadata: config.metadata,
    state: "CONTAINER_CREATED",
    createdAt: Date.now(),
    startedAt: 0,
    finishedAt: 0,
    exitCode: 0,
    reason: "",
    message: "",
    image: config.image.image,
    imageRef: image.id,
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    logPath: config.logPath && logDir ? join(logDir, config.logPath) : join(bundle, "container.log"),
    cgroupsPath: `${sandbox.cgroupParent}/${id}`,
    bundle,
    rootfsMounted: false,
    ...(config.stdin ? { stdin: true } : {}),
    ...(config.stdin && config.stdinOnce ? { stdinOnce: true } : {}),
    ...(image.config.StopSignal ? { stopSignal: image.config.StopSignal } : {}),
  };
  await mkdir(bundle, { recursive: true });
  try {
    await writeBundle(record, image, sandbox, config, sandboxConfig, pidNamespacePath);
  } catch (err) {
    if (record.rootfsMounted) await unmountOverlay(bundle).catch(() => {});
    await rm(bundle, { recursive: true, force: true });
    throw err;
  }
  return record;
}

async function writeBundle(
  record: ContainerRecord,
  image: UnpackedImage,
  sandbox: SandboxRecord,
  config: ContainerConfig,
  sandboxConfig: PodSandboxConfig,
  pidNamespacePath: string | undefined,
): Promise<void> {
  const bundle = record.bundle;
  await mkdir(dirname(record.logPath), { recursive: true });
  const rootfs = await mountOverlay({ lowerdir: image.rootfs, bundle });
  record.rootfsMounted = true;
  const security = config.linux?.securityContext;
  const sandboxSecurity = sandboxConfig.linux?.securityContext;
  const user = await resolveUser({
    rootfs: image.rootfs,
    ...(image.config.User ? { imageUser: image.config.User } : {}),
    ...optional("runAsUser", security?.runAsUser ?? sandboxSecurity?.runAsUser),
    ...optional("runAsGroup", security?.runAsGroup ?? sandboxSecurity?.runAsGroup),
    ...optional("runAsUsername", security?.runAsUsername),
    ...optional("supplementalGroups", security?.supplementalGroups ?? sandboxSecurity?.supplementalGroups),
  });
  const netns = sandboxNetnsPath(sandbox);
  const spec = buildSpec({
    config,
    image: image.config,
    rootfs,
    hostname: sandbox.hostname,
    ...(netns ? { netnsPath: netns } : {}),
    ...optional("pidNamespacePath", pidNamespacePath),
    cgroupsPath: record.cgroupsPath,
    sandboxFiles: sandbox.files,
    user,
    ...optional("sysctls", sandboxConfig.linux?.sysctls),
  });
  await writeFile(join(bundle, "config.json"), JSON.stringify(spec));
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Runs conmon (which runs `<runtime> create`); the record must be saved first so a failure can be cleaned up. */
export async function createUnderMonitor(env: ContainerEnv, record: ContainerRecord): Promise<void> {
  await createUnderConmon({
    conmonPath: env.conmonPath,
    oci: env.oci,
    id: record.id,
    bundle: record.bundle,
    logPath: record.logPath,
    exitDir: env.exitDir,
    workDir: record.bundle,
    stdin: record.stdin === true,
  });
}

/** Reads conmon's exit file into the record; returns true when the record changed. */
export async function refreshContainer(env: ContainerEnv, record: ContainerRecord): Promise<boolean> {
  if (record.state === "CONTAINER_EXITED") return false;
  const file = exitFile(env, record.id);
  if (!existsSync(file)) return false;
  const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
  const code = Number.parseInt(text.trim(), 10);
  record.exitCode = Number.isNaN(code) ? 255 : code;
  record.finishedAt = Math.max(Math.floor(info.mtimeMs), record.startedAt);
  record.state = "CONTAINER_EXITED";
  // The container's cgroup stays until `runc delete`, so its OOM-kill counter is still readable.
  const oomKilled = (await oomKillCount(record.cgroupsPath)) > 0;
  record.reason = oomKilled ? "OOMKilled" : record.exitCode === 0 ? "Completed" : "Error";
  return true;
}

/** At re-adoption: a container the OCI runtime no longer knows and that left no exit file is lost. */
export async function reconcileContainer(env: ContainerEnv, record: ContainerRecord): Promise<boolean> {
  if (record.state === "CONTAINER_EXITED") return false;
  if (await refreshContainer(env, record)) return true;
  if (await env.oci.state(record.id)) return false;
  record.state = "CONTAINER_EXITED";
  record.exitCode = 137;
  record.finishedAt = Date.now();
  record.reason = "ContainerStatusUnknown";
  record.message = "The container could not be located when the runtime restarted";
  return true;
}

/** Waits for conmon's exit file (polled: it is one stat per tick). */
export async function waitForExit(env: ContainerEnv, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const file = exitFile(env, id);
  while (!existsSync(file)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** SIGTERM (or the image's StopSignal), then SIGKILL to every process after `timeoutSeconds` (CRI StopContainer). */
export async function stopContainer(
  env: ContainerEnv,
  record: ContainerRecord,
  timeoutSeconds: number,
): Promise<void> {
  if (record.state === "CONTAINER_EXITED") return;
  if (timeoutSeconds > 0) {
    await env.oci.kill(record.id, record.stopSignal ?? "SIGTERM");
    if (await waitForExit(env, record.id, timeoutSeconds * 1000)) return;
  }
  await env.oci.kill(record.id, "SIGKILL", true);
  if (!(await waitForExit(env, record.id, 10_000))) {
    throw new Error(`container ${record.id} did not exit after SIGKILL`);
  }
}

/** Deletes the container from the OCI runtime and removes its bundle, rootfs mount and cgroup. */
export async function removeContainerFiles(env: ContainerEnv, record: ContainerRecord): Promise<void> {
  await env.oci.delete(record.id);
  // conmon writes the exit file and exits once the init is gone; wait so no conmon outlives the
  // record (a container whose conmon never started has no pid file and nothing to wait for).
  if (existsSync(join(record.bundle, "conmon.pid"))) await waitForExit(env, record.id, 5000);
  if (record.rootfsMounted) await unmountOverlay(record.bundle);
  await removeCgroup(record.cgroupsPath);
  await rm(record.bundle, { recursive: true, force: true });
  await rm(exitFile(env, record.id), { force: true });
}
