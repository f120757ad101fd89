// Resolves the user a container runs as (securityContext runAsUser/runAsGroup, else the image's
// `User`, as `name`, `uid`, `name:group` or `uid:gid`) against the rootfs's /etc/passwd and /etc/group.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

async function readTable(rootfs: string, file: string): Promise<string[][]> {
  try {
    const text = await readFile(join(rootfs, "etc", file), "utf8");
    return text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(":"));
  } catch {
    return [];
  }
}

async function passwd(rootfs: string): Promise<PasswdEntry[]> {
  return (await readTable(rootfs, "passwd")).map((f) => ({
    name: f[0] ?? "",
    uid: Number(f[2]),
    gid: Number(f[3]),
  }));
}

/** Thrown when a user or group name is not in the image's files (Kubernetes fails the container). */
export class UnknownUserError extends Error {
  override name = "UnknownUserError";
}

export async function resolveUser(options: {
  rootfs: string;
  imageUser?: string;
  runAsUser?: number;
  runAsGroup?: number;
  runAsUsername?: string;
  supplementalGroups?: number[];
}): Promise<ResolvedUser> {
  const [userPart = "", groupPart] = (options.runAsUsername ?? options.imageUser ?? "").split(":");
  const users = await passwd(options.rootfs);
  let uid = 0;
  let gid: number | undefined;
  if (options.runAsUser !== undefined) {
    uid = options.runAsUser;
    gid = users.find((u) => u.uid === uid)?.gid;
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    gid = users.find((u) => u.uid === uid)?.gid;
  } else if (userPart !== "") {
    const entry = users.find((u) => u.name === userPart);
    if (!entry) throw new UnknownUserError(`user ${userPart} is not in the image's /etc/passwd`);
    uid = entry.uid;
    gid = entry.gid;
  }
  if (options.runAsGroup !== undefined) gid = options.runAsGroup;
  else if (groupPart !== undefined && groupPart !== "") {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = (await readTable(options.rootfs, "group")).find((g) => g[0] === groupPart);
      if (!group) throw new UnknownUserError(`group ${groupPart} is not in the image's /etc/group`);
      gid = Number(group[2]);
    }
  }
  return { uid, gid: gid ?? 0, additionalGids: options.supplementalGroups ?? [] };
}
