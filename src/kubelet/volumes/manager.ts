// A pod's volumes on the host under `<dataDir>/pods/<uid>/volumes/<kind>/<name>`: emptyDir
// (medium Memory → a tmpfs mount), hostPath with its type checks, configMap/secret/downwardAPI/
// projected through the atomic writer (re-projected on every sync, so updates reach running
// pods), persistentVolumeClaim backed by hostPath/local PVs; tearDown unmounts and removes all.
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PersistentVolume, PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";
import type { PodVolumes } from "../agent/types.ts";
import type { ObjectSource } from "../pod/env.ts";
import type { Allocatable } from "../pod/fieldref.ts";
import { writeAtomically } from "./atomic-writer.ts";
import { setVolumeOwnership } from "./ownership.ts";
import { projectionFiles, type TokenSource, VolumeSetUpError } from "./projection.ts";

const run = promisify(execFile);

export interface VolumeObjectSource extends ObjectSource {
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
}

export interface VolumeManagerOptions {
  dataDir: string;
  objects: VolumeObjectSource;
  allocatable: Allocatable;
  tokens?: TokenSource;
  event(pod: Pod, type: "Normal" | "Warning", reason: string, message: string): void;
  /** Mount tmpfs for medium Memory (default true; tests without privileges turn it off). */
  tmpfs?: boolean;
}

/** Mount points under `prefix`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(prefix: string): string[] {
  let text = "";
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const mountPoint = line.split(" ")[4]?.replace(/\\040/g, " ");
    if (mountPoint && (mountPoint === prefix || mountPoint.startsWith(`${prefix}/`))) out.push(mountPoint);
  }
  return out.sort((a, b) => b.length - a.length);
}

function checkHostPath(path: string, type: string): void {
  const exists = existsSync(path);
  const st = exists ? statSync(path) : undefined;
  const fail = (what: string) => {
    throw new VolumeSetUpError(`hostPath type check failed: ${path} is not a ${what}`);
  };
  switch (type) {
    case "":
      return;
    case "DirectoryOrCreate":
      if (!exists) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!st?.isDirectory()) fail("directory");
      return;
    case "Directory":
      if (!st?.isDirectory()) fail("directory");
      return;
    case "FileOrCreate":
      if (!exists) writeFileSync(path, "", { mode: 0o644 });
      else if (!st?.isFile()) fail("file");
      return;
    case "File":
      if (!st?.isFile()) fail("file");
      return;
    case "Socket":
      if (!st?.isSocket()) fail("socket");
      return;
    case "CharDevice":
      if (!st?.isCharacterDevice()) fail("character device");
      return;
    case "BlockDevice":
      if (!st?.isBlockDevice()) fail("block device");
      return;
    default:
      throw new VolumeSetUpError(`unknown hostPath type "${type}"`);
  }
}

function hasGroupRoot(dir: string, gid: number): boolean {
  const s = statSync(dir);
  return s.gid === gid && (s.mode & 0o2000) !== 0;
}

export class VolumeManager implements PodVolumes {
  private readonly root: string;

  constructor(private readonly o: VolumeManagerOptions) {
    this.root = join(o.dataDir, "pods");
  }

  podDir(uid: string): string {
    return join(this.root, uid);
  }

  async setUp(pod: Pod): Promise<Map<string, string>> {
    const uid = pod.metadata?.uid ?? "";
    const out = new Map<string, string>();
    for (const v of pod.spec?.volumes ?? []) out.set(v.name, await this.setUpOne(pod, uid, v));
    return out;
  }

  private dir(uid: string, kind: string, name: string): string {
    return join(this.root, uid, "volumes", kind, name);
  }

  private async setUpOne(pod: Pod, uid: string, v: Volume): Promise<string> {
    if (v.hostPath) {
      checkHostPath(v.hostPath.path, v.hostPath.type ?? "");
      return v.hostPath.path;
    }
    if (v.emptyDir) {
      const dir = this.dir(uid, "kubernetes.io~empty-dir", v.name);
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        // 0777 as the kubelet's emptyDir, whatever the agent's umask: any container user may write.
        chmodSync(dir, 0o777);
      }
      if (v.emptyDir.medium === "Memory" && this.o.tmpfs !== false && !mountsUnder(dir).includes(dir)) {
        const size = v.emptyDir.sizeLimit ? Quantity.parse(String(v.emptyDir.sizeLimit)).value() : undefined;
        await run("mount", ["-t", "tmpfs", "-o", size ? `size=${size}` : "mode=0777", "tmpfs", dir]);
      }
      // Like fsGroupChangePolicy OnRootMismatch: an emptyDir whose root has the group is done.
      const fsGroup = pod.spec?.securityContext?.fsGroup;
      if (fsGroup !== undefined && !hasGroupRoot(dir, fsGroup)) setVolumeOwnership(dir, fsGroup, false);
      return dir;
    }
    if (v.persistentVolumeClaim) return this.claimPath(pod, v.persistentVolumeClaim.claimName);
    const files = await projectionFiles(
      {
        pod,
        objects: this.o.objects,
        allocatable: this.o.allocatable,
        ...(this.o.tokens ? { tokens: this.o.tokens } : {}),
        warn: (message) => this.o.event(pod, "Warning", "FailedMount", message),
      },
      v,
    );
    if (!files)
      throw new VolumeSetUpError(`volume "${v.name}": this volume type is not supported by the skiff agent`);
    const kind = v.configMap
      ? "kubernetes.io~configmap"
      : v.secret
        ? "kubernetes.io~secret"
        : v.downwardAPI
          ? "kubernetes.io~downward-api"
          : "kubernetes.io~projected";
    const dir = this.dir(uid, kind, v.name);
    writeAtomically(dir, files);
    // Projected files are rewritten on each update, so their ownership is applied each time.
    const fsGroup = pod.spec?.securityContext?.fsGroup;
    if (fsGroup !== undefined) setVolumeOwnership(dir, fsGroup, true);
    return dir;
  }

  private async claimPath(pod: Pod, claimName: string): Promise<string> {
    const ns = pod.metadata?.namespace ?? "";
    const claim = await this.o.objects.persistentVolumeClaim(ns, claimName);
    if (!claim) throw new VolumeSetUpError(`persistentvolumeclaim "${claimName}" not found`);
    const pvName = claim.spec?.volumeName;
    if (!pvName || claim.status?.phase !== "Bound") {
      throw new VolumeSetUpError(`persistentvolumeclaim "${claimName}" is not bound`);
    }
    const pv = await this.o.objects.persistentVolume(pvName);
    const path = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
    if (!path) throw new VolumeSetUpError(`persistentvolume "${pvName}" is not a hostPath or local volume`);
    checkHostPath(path, pv?.spec?.hostPath?.type ?? (pv?.spec?.hostPath ? "DirectoryOrCreate" : "Directory"));
    return path;
  }

  async hostsFile(pod: Pod, podIP: string): Promise<string> {
    const uid = pod.metadata?.uid ?? "";
    const dir = join(this.root, uid);
    mkdirSync(dir, { recursive: true });
    const hostname = (pod.spec?.hostname ?? pod.metadata?.name ?? "").slice(0, 63);
    const fqdn = pod.spec?.subdomain
      ? `${hostname}.${pod.spec.subdomain}.${pod.metadata?.namespace}.svc.cluster.local\t`
      : "";
    const lines = [
      "# Kubernetes-managed hosts file.",
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "fe00::0\tip6-localnet",
      "fe00::0\tip6-mcastprefix",
      "fe00::1\tip6-allnodes",
      "fe00::2\tip6-allrouters",
      ...(podIP ? [`${podIP}\t${fqdn}${hostname}`] : []),
      ...(pod.spec?.hostAliases ?? []).map(
        (a) => `\n# Entries added by HostAliases.\n${a.ip}\t${(a.hostnames ?? []).join("\t")}`,
      ),
    ];
    const path = join(dir, "etc-hosts");
    writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o644 });
    return path;
  }

  terminationLog(uid: string, container: string, attempt: number, create: boolean): string {
    const dir = join(this.root, uid, "containers", container);
    const path = join(dir, String(attempt));
    if (create) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, "", { mode: 0o666 });
    }
    return path;
  }

  async tearDown(uid: string): Promise<void> {
    if (!uid) return;
    const dir = this.podDir(uid);
    for (const m of mountsUnder(dir)) await run("umount", [m]).catch(() => run("umount", ["-l", m]));
    rmSync(dir, { recursive: true, force: true });
  }

  async podsOnDisk(): Promise<string[]> {
    try {
      return readdirSync(this.root);
    } catch {
      return [];
    }
  }
}
