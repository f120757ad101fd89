// fsGroup ownership of a pod's volumes, as the kubelet's SetVolumeOwnership: every file and dir gets
// the group, group read (and write unless the volume is read-only), and dirs get group execute and
// setgid so new files inherit the group. Symlinks (the atomic writer's ..data) are chowned, not chmodded.
import { chmodSync, lchownSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

export function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): void {
  const visit = (path: string): void => {
    const info = lstatSync(path);
    lchownSync(path, -1, fsGroup);
    if (info.isSymbolicLink()) return;
    let mask = readOnly ? roMask : rwMask;
    if (info.isDirectory()) mask |= setgid | execMask;
    chmodSync(path, (info.mode & 0o7777) | mask);
    if (info.isDirectory()) for (const child of readdirSync(path)) visit(join(path, child));
  };
  visit(dir);
}
